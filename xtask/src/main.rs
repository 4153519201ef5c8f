//! `cargo xtask`: repository tasks (see the library docs).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{bench, example, synth, workspace_root, zitadel};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "protogate repository tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated-example/src/generated/ from schemas/.
    Gen {
        /// Write nothing; exit 1 with a summary when the checked-in code is stale.
        #[arg(long)]
        check: bool,
    },
    /// Write a synthetic proto schema (include dirs: DIR and schemas/proto).
    Synth {
        /// RPCs in all.
        #[arg(long, default_value_t = synth::Spec::default().rpcs)]
        rpcs: usize,
        /// Service files (plus one file of shared types).
        #[arg(long, default_value_t = synth::Spec::default().files)]
        files: usize,
        /// The directory to write into (its `synth/` subdirectory is replaced).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// The example API's changes against an older version; exits 1 on an unacknowledged
    /// breaking change (the gate CI runs against the parent commit).
    Diff {
        /// The old version: `git:REF`, a directory standing for `schemas/proto`, or a
        /// descriptor set.
        #[arg(long, default_value = "git:HEAD")]
        against: String,
    },
    /// Serving benchmarks against the hand-written baseline (protogate-bench load).
    Bench {
        /// The full run (longer rounds, 60 s soak) instead of the quick one.
        #[arg(long)]
        full: bool,
        /// `sqlite`: the baseline and protogate on SQLite stores, into their own section.
        #[arg(long, default_value = "memory", value_parser = ["memory", "sqlite"])]
        store: String,
    },
    /// `protogate diff` against `buf breaking` on ZITADEL's admin API; refreshes BENCHMARKS.md.
    BenchDiff {
        /// Three rounds instead of fifteen.
        #[arg(long)]
        quick: bool,
    },
    /// Generate ZITADEL's whole API (tests/zitadel) into target/zitadel/api, compile it and
    /// serve one method of every service over REST and gRPC.
    Zitadel {
        /// Build and test only, without the clean `cargo check` timing.
        #[arg(long)]
        quick: bool,
        /// Only this file of the API and its imports (`zitadel/auth.proto`); repeatable.
        #[arg(long, value_name = "FILE")]
        only: Vec<String>,
    },
    /// Count generated lines per kind of item (as `bench-codegen` does) in the `.rs` files of
    /// each directory.
    Lines {
        /// Directories of generated code.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
    },
    /// Benchmark the generator against tonic-prost-build and refresh BENCHMARKS.md.
    BenchCodegen {
        /// Fewer repetitions, for smoke runs.
        #[arg(long)]
        quick: bool,
    },
}

/// Prints each directory's generated lines per kind and in all.
fn count_lines(dirs: &[PathBuf]) -> ExitCode {
    for dir in dirs {
        match bench::lines::count_dir(dir) {
            Ok(counts) => {
                println!("{}: {} lines", dir.display(), counts.iter().sum::<usize>());
                for (kind, n) in bench::lines::KINDS.iter().zip(&counts) {
                    println!("  {n:>8}  {kind}");
                }
            }
            Err(e) => {
                eprintln!("{}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

/// Runs the serving benchmark in release mode; it writes its own BENCHMARKS.md section.
fn serving_bench(root: &std::path::Path, full: bool, store: &str) -> ExitCode {
    let mode = if full { "--full" } else { "--quick" };
    let status =
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(root)
            .args([
                "run",
                "--release",
                "-p",
                "protogate-bench",
                "--",
                "load",
                mode,
                "--store",
                store,
            ])
            .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let root = workspace_root();
    match Cli::parse().command {
        Command::Gen { check } => example::gen(&root, check),
        Command::Diff { against } => example::diff(&root, &against, true),
        Command::Synth { rpcs, files, out } => synth(&root, synth::Spec { rpcs, files }, &out),
        Command::BenchCodegen { quick } => bench::run(&root, quick),
        Command::Lines { dirs } => count_lines(&dirs),
        Command::BenchDiff { quick } => bench::diff::run(&root, quick),
        Command::Bench { full, store } => serving_bench(&root, full, &store),
        Command::Zitadel { quick, only } => zitadel::main(&root, &zitadel::Request { quick, only }),
    }
}

fn synth(root: &Path, spec: synth::Spec, out: &Path) -> ExitCode {
    match synth::write(out, spec, root) {
        Ok(schema) => {
            eprintln!(
                "wrote {} RPCs in {} files ({} packages) under {}",
                schema.rpcs,
                schema.files.len(),
                schema.packages.len(),
                out.display()
            );
            let includes = schema
                .includes
                .iter()
                .map(|d| format!(" -I {}", d.display()));
            let protos = schema
                .files
                .iter()
                .map(|f| format!(" --proto {}", f.display()));
            let args: String = includes.chain(protos).collect();
            eprintln!("compile it with: protogate gen{args} --out OUT");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "error: cannot write the schema under {}: {e}",
                out.display()
            );
            ExitCode::from(1)
        }
    }
}
