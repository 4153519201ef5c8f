//! `cargo xtask zitadel [--quick] [--only FILE…]`: ZITADEL's whole published API (npm
//! `@zitadel/proto`, see tests/zitadel/README.md) generated into a crate under
//! `target/zitadel/api`, compiled with warnings denied, and served by
//! tests/zitadel/api/serve.rs: one method of every service over REST and gRPC on a real socket.

mod crate_files;
mod report;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use protogate_codegen::emit::{self, files};
use protogate_codegen::model::build::ModelOptions;
use protogate_codegen::pipeline::{self, Inputs, ProtoSource};

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Build and test only: no timings, no BENCHMARKS.md section.
    pub quick: bool,
    /// Only these files of the API (`zitadel/auth.proto`) and their imports; all when empty.
    pub only: Vec<String>,
}

/// Where the API crate is written, relative to the workspace root.
pub const CRATE_DIR: &str = "target/zitadel/api";

/// The hand-written test copied into the crate, relative to the workspace root.
pub const SERVE_TEST: &str = "tests/zitadel/api/serve.rs";

/// The output options: protogate's defaults (server, JSON, validators, no client) with
/// handler methods that answer UNIMPLEMENTED unless implemented, and no reference pages (the
/// crate does not serve them).
pub fn options() -> emit::Options {
    emit::Options {
        default_stubs: true,
        docs: false,
        ..emit::Options::default()
    }
}

/// Sizes of the generated code.
#[derive(Debug, Default, Clone, Copy)]
pub struct Size {
    /// `.rs` files.
    pub rust_files: usize,
    /// Lines of Rust.
    pub lines: usize,
    /// Bytes of Rust.
    pub bytes: usize,
    /// Bytes of the descriptor sets beside them.
    pub descriptor_bytes: usize,
    /// The longest line of Rust, in characters.
    pub longest_line: usize,
}

/// Runs the task; the error is what to print.
pub fn run(root: &Path, request: &Request) -> Result<(), String> {
    let crate_dir = root.join(CRATE_DIR);
    let set = extract(root, &request.only)?;
    let inputs = Inputs {
        proto: ProtoSource::DescriptorSet(set),
        openapi: None,
        model: ModelOptions::default(),
    };
    let started = Instant::now();
    let output = pipeline::run_with(&inputs, &options()).map_err(|d| d.to_string())?;
    let generation = started.elapsed();
    for warning in &output.warnings.0 {
        eprintln!("{warning}\n");
    }
    let services: usize = output.api.services().count();
    let methods: usize = output.api.services().map(|s| s.methods.len()).sum();
    let generated = crate_dir.join("src/generated");
    files::write(&generated, &output.files, &output.binary_files)
        .map_err(|e| pipeline::io_error(&generated, &e).to_string())?;
    crate_files::write(root, &crate_dir, &output.api)
        .map_err(|e| format!("cannot write the crate under {}: {e}", crate_dir.display()))?;
    let size = size(&output.files, &output.binary_files);
    eprintln!(
        "generated {services} services, {methods} methods in {}: {} Rust files, {} lines, {} bytes (+ {} bytes of descriptor sets) into {CRATE_DIR}",
        seconds(generation),
        size.rust_files,
        size.lines,
        size.bytes,
        size.descriptor_bytes,
    );
    if request.quick {
        let build = timed(|| cargo(root, &crate_dir, &["test", "--no-run"]))?;
        eprintln!(
            "cargo test --no-run of the generated crate: {}",
            seconds(build)
        );
        return cargo(root, &crate_dir, &["test", "--", "--nocapture"]);
    }
    let load_before = crate::bench::report::load_average();
    let client_options = emit::Options {
        build_client: true,
        ..options()
    };
    let with_client = pipeline::run_with(&inputs, &client_options).map_err(|d| d.to_string())?;
    // The dependencies are checked first; then only the API crate is cleaned and timed, as in
    // an edit-check loop.
    cargo(root, &crate_dir, &["check", "--lib"])?;
    cargo(root, &crate_dir, &["clean", "-p", "zitadel-api"])?;
    let check = timed(|| cargo(root, &crate_dir, &["check", "--lib"]))?;
    eprintln!(
        "cargo check --lib of the generated crate (dependencies checked): {}",
        seconds(check)
    );
    let test_build = timed(|| cargo(root, &crate_dir, &["test", "--no-run"]))?;
    eprintln!(
        "cargo test --no-run of the generated crate: {}",
        seconds(test_build)
    );
    cargo(root, &crate_dir, &["test", "--", "--nocapture"])?;
    let figures = report::Figures {
        services,
        methods,
        lean: size,
        with_client: self::size(&with_client.files, &with_client.binary_files),
        generation,
        check,
        test_build,
        machine: crate::bench::report::machine(root, &load_before),
    };
    let path = root.join("BENCHMARKS.md");
    report::write(&path, &report::render(&figures))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("wrote the ZITADEL section of BENCHMARKS.md");
    Ok(())
}

/// `cargo xtask zitadel` as an exit code.
pub fn main(root: &Path, request: &Request) -> ExitCode {
    match run(root, request) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the descriptor set with tests/zitadel/extract.sh; returns its path.
fn extract(root: &Path, only: &[String]) -> Result<PathBuf, String> {
    let name = if only.is_empty() {
        "zitadel.binpb".to_string()
    } else {
        let mut stem: Vec<String> = only.iter().map(|f| f.replace(['/', '.'], "_")).collect();
        stem.sort();
        format!("zitadel-{}.binpb", stem.join("+"))
    };
    let set = root.join("target/zitadel").join(name);
    std::fs::create_dir_all(root.join("target/zitadel")).map_err(|e| e.to_string())?;
    let mut command = Command::new(root.join("tests/zitadel/extract.sh"));
    command.arg(&set);
    if !only.is_empty() {
        command.arg("--only").arg(only.join(","));
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run tests/zitadel/extract.sh: {e}"))?;
    if !status.success() {
        return Err("tests/zitadel/extract.sh failed".to_string());
    }
    Ok(set)
}

/// Runs cargo on the crate, sharing the workspace's target directory (its dependencies are
/// the workspace's, already built).
fn cargo(root: &Path, crate_dir: &Path, args: &[&str]) -> Result<(), String> {
    // The manifest goes right after the subcommand: what follows `--` is the test binary's.
    let (subcommand, rest) = args.split_first().unwrap_or((&"build", &[]));
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .arg(subcommand)
        .arg("--manifest-path")
        .arg(crate_dir.join("Cargo.toml"))
        .args(rest)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo {} failed for {}",
            args.join(" "),
            crate_dir.display()
        ))
    }
}

fn timed(f: impl FnOnce() -> Result<(), String>) -> Result<Duration, String> {
    let started = Instant::now();
    f()?;
    Ok(started.elapsed())
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// Lines and bytes of the generated Rust, and the bytes of the descriptor sets.
pub fn size(files: &emit::Files, binary: &emit::BinaryFiles) -> Size {
    let mut size = Size::default();
    for text in files
        .iter()
        .filter(|(name, _)| name.ends_with(".rs"))
        .map(|(_, text)| text)
    {
        size.rust_files += 1;
        size.lines += text.lines().count();
        let longest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        size.longest_line = size.longest_line.max(longest);
        size.bytes += text.len();
    }
    size.descriptor_bytes = binary.values().map(Vec::len).sum();
    size
}
