//! Generator wall time in the `release` profile: protogate's CLI (`protogate gen
//! --descriptor-set`) against a runner of tonic-prost-build alone, both built with `--release`
//! and run as processes on the same descriptor set, interleaved.
//!
//! The runner is a scratch crate under `target/bench-codegen/tonic-runner` that does what the
//! in-process `dev` variant does ([`super::codegen::tonic`]): read and decode the set, then
//! `configure().build_transport(false).out_dir(…).compile_fds(…)`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::codegen::Case;
use super::stats::{time, Samples};

/// The two generators, in table order.
pub const SIDES: [&str; 2] = ["protogate", "tonic-prost-build"];

/// What one schema measured.
#[derive(Debug, Clone)]
pub struct ReleaseResult {
    /// The schema's name.
    pub case: String,
    /// Samples per side, in [`SIDES`] order.
    pub samples: [Samples; 2],
    /// Why a side failed (it is not run again after a failure).
    pub errors: [Option<String>; 2],
}

/// The runner's package and binary name.
const RUNNER: &str = "bench-tonic-prost-build";

const RUNNER_MAIN: &str = r#"//! tonic-prost-build alone, as `cargo xtask bench-codegen` times it in release:
//! `RUNNER DESCRIPTOR_SET OUT_DIR`.

use prost::Message as _;

fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let [set, out] = args.as_slice() else {
        eprintln!("usage: bench-tonic-prost-build DESCRIPTOR_SET OUT_DIR");
        return std::process::ExitCode::from(2);
    };
    let result = std::fs::read(set)
        .map_err(|e| e.to_string())
        .and_then(|bytes| {
            prost_types::FileDescriptorSet::decode(bytes.as_slice()).map_err(|e| e.to_string())
        })
        .and_then(|fds| {
            tonic_prost_build::configure()
                .build_transport(false)
                .out_dir(out)
                .compile_fds(fds)
                .map_err(|e| e.to_string())
        });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
"#;

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Builds the protogate CLI with `--release` into `target/release/protogate`; returns its path.
pub fn build_cli(root: &Path) -> Result<PathBuf, String> {
    let status = Command::new(cargo())
        .current_dir(root)
        .args([
            "build",
            "--release",
            "-p",
            "protogate-codegen",
            "--bin",
            "protogate",
        ])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --release of the protogate CLI failed".into());
    }
    Ok(root.join("target/release/protogate"))
}

/// Builds both binaries with `--release` (into the workspace's target directory, so the
/// runner shares the release builds of prost-build and tonic-prost-build with the CLI);
/// returns their paths.
pub fn build(root: &Path, scratch: &Path) -> Result<(PathBuf, PathBuf), String> {
    eprintln!("  cargo build --release -p protogate-codegen --bin protogate");
    build_cli(root)?;
    let dir = scratch.join("tonic-runner");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let manifest = format!(
        "# Written by `cargo xtask bench-codegen`; scratch, never committed.\n[package]\nname = \"{RUNNER}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\n{}",
        super::check::dependencies(root, &["tonic-prost-build", "prost", "prost-types"])?
    );
    let write = |path: PathBuf, text: &str| {
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(dir.join("Cargo.toml"), &manifest)?;
    write(dir.join("src/main.rs"), RUNNER_MAIN)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    eprintln!("  cargo build --release of the tonic-prost-build runner");
    let status = Command::new(cargo())
        .current_dir(&dir)
        .args(["build", "--release"])
        .env("CARGO_TARGET_DIR", root.join("target"))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --release of the tonic-prost-build runner failed".into());
    }
    Ok((
        root.join("target/release/protogate"),
        root.join("target/release").join(RUNNER),
    ))
}

/// The CLI's arguments for `case`: the descriptor set, the OpenAPI document where the schema
/// has one, and the output directory (every other option at its default, as in the `dev` rows).
pub fn protogate_args(case: &Case, out: &Path) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec!["gen".into(), "--descriptor-set".into()];
    args.push(case.descriptor_set.clone().into());
    if let Some(doc) = &case.openapi {
        args.push("--openapi".into());
        args.push(doc.clone().into());
    }
    args.push("--out".into());
    args.push(out.into());
    args
}

/// Times both binaries on `case`, `reps` rounds after one unrecorded warm-up round, the order
/// swapped every round; each run writes into an emptied directory under `scratch`.
pub fn measure(
    bins: &(PathBuf, PathBuf),
    case: &Case,
    scratch: &Path,
    reps: usize,
) -> ReleaseResult {
    let mut samples: [Samples; 2] = Default::default();
    let mut errors: [Option<String>; 2] = Default::default();
    for round in 0..=reps {
        for k in 0..2 {
            let side = (k + round) % 2;
            if errors[side].is_some() {
                continue;
            }
            let out = scratch.join(if side == 0 { "protogate" } else { "tonic" });
            let mut command = if side == 0 {
                let mut c = Command::new(&bins.0);
                c.args(protogate_args(case, &out));
                c
            } else {
                let mut c = Command::new(&bins.1);
                c.arg(&case.descriptor_set).arg(&out);
                c
            };
            let result = empty_dir(&out).and_then(|()| {
                let (output, took) = time(|| command.stdin(Stdio::null()).output());
                let output = output.map_err(|e| format!("cannot run {}: {e}", SIDES[side]))?;
                if output.status.success() {
                    Ok(took)
                } else {
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
                    let tail: Vec<&str> = tail.into_iter().rev().collect();
                    Err(format!(
                        "{} exited with {}:\n{}",
                        SIDES[side],
                        output.status,
                        tail.join("\n")
                    ))
                }
            });
            match result {
                Ok(took) if round > 0 => samples[side].push(took),
                Ok(_) => {}
                Err(e) => {
                    eprintln!("  error: {e}");
                    errors[side] = Some(e);
                }
            }
        }
    }
    ReleaseResult {
        case: case.name.clone(),
        samples,
        errors,
    }
}

fn empty_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_gets_the_descriptor_set_and_the_document() {
        let case = Case {
            name: "example".into(),
            files: Vec::new(),
            includes: Vec::new(),
            openapi: Some("doc.yaml".into()),
            descriptor_set: "set.binpb".into(),
            rpcs: 0,
        };
        let args = protogate_args(&case, Path::new("out"));
        let args: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
        assert_eq!(
            args,
            [
                "gen",
                "--descriptor-set",
                "set.binpb",
                "--openapi",
                "doc.yaml",
                "--out",
                "out"
            ]
        );
    }
}
