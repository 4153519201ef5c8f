//! `cargo check` time of generated code: two scratch crates, one around protogate's output and
//! one around tonic-prost-build's, sharing a target directory so dependencies build once.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use prost::Message as _;
use protogate_codegen::emit::files;

use super::codegen::{self, Case};
use super::lines;
use super::stats::{time, Samples};

/// The two crates.
pub const CRATES: [&str; 2] = ["protogate", "tonic-prost-build"];

/// Dependencies of each crate, named as in the root `[workspace.dependencies]`.
pub(super) const PROTOGATE_DEPS: &[&str] = &[
    "protogate",
    "prost",
    "tonic",
    "tonic-prost",
    "pbjson-types",
    "serde",
];
const TONIC_DEPS: &[&str] = &["prost", "tonic", "tonic-prost", "prost-types"];

/// What the measurement found.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// Clean checks per crate, in [`CRATES`] order: the crate's incremental cache removed, so
    /// rustc checks all of it (its dependencies built), as on a first build or after the
    /// schema changed.
    pub clean: [Samples; 2],
    /// Checks after touching the generated files with the incremental cache in place: what
    /// every edit elsewhere in a crate that includes the generated code costs.
    pub samples: [Samples; 2],
    /// Lines of generated Rust per crate (the files the crate includes).
    pub lines: [usize; 2],
    /// Formatted lines per kind of item per crate (see [`lines::KINDS`]).
    pub kinds: [Vec<usize>; 2],
    /// Rustc warnings per crate in the last check.
    pub warnings: [usize; 2],
}

/// A scratch crate.
struct Scratch {
    dir: PathBuf,
    /// The crate's name as rustc knows it (`bench_protogate`): its incremental cache is
    /// `debug/incremental/<name>-<hash>` in the target directory.
    rustc_name: &'static str,
    /// The generated files to touch before each timed check.
    generated: Vec<PathBuf>,
}

/// Generates both crates for `case` (from its descriptor set), builds their dependencies, then
/// times `cargo check` `reps` times each, interleaved: once clean (the crate's incremental cache
/// removed), then again after touching the generated code. The crates live in
/// `scratch/<crates>`; their target directory is `target`, shared by every schema.
pub fn measure(
    root: &Path,
    case: &Case,
    scratch: &Path,
    target: &Path,
    reps: usize,
) -> Result<CheckResult, String> {
    let inputs = protogate_codegen::pipeline::Inputs {
        proto: protogate_codegen::pipeline::ProtoSource::DescriptorSet(case.descriptor_set.clone()),
        openapi: case.openapi.clone(),
        model: Default::default(),
    };
    let output = protogate_codegen::pipeline::run(&inputs).map_err(|d| d.to_string())?;
    let crates = [
        protogate_crate(root, &output, &scratch.join("protogate"))?,
        tonic_crate(root, case, &output.api, &scratch.join("tonic"))?,
    ];
    let mut lines = [0; 2];
    for (i, c) in crates.iter().enumerate() {
        lines[i] = c
            .generated
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .map(|t| t.lines().count())
            .sum();
    }
    let mut kinds: [Vec<usize>; 2] = Default::default();
    for (i, c) in crates.iter().enumerate() {
        kinds[i] = lines::count(&c.generated)?;
    }
    let mut warnings = [0; 2];
    for (i, c) in crates.iter().enumerate() {
        eprintln!(
            "  building the dependencies of the {} crate (once; not timed)",
            CRATES[i]
        );
        warnings[i] = cargo_check(&c.dir, target)?;
    }
    let mut clean: [Samples; 2] = Default::default();
    let mut samples: [Samples; 2] = Default::default();
    for round in 0..reps {
        for k in 0..2 {
            let i = (k + round) % 2;
            remove_incremental_cache(target, crates[i].rustc_name)?;
            touch(&crates[i].generated)?;
            let (result, took) = time(|| cargo_check(&crates[i].dir, target));
            warnings[i] = result?;
            clean[i].push(took);
            touch(&crates[i].generated)?;
            let (result, again) = time(|| cargo_check(&crates[i].dir, target));
            warnings[i] = result?;
            samples[i].push(again);
            eprintln!(
                "  round {}/{reps}: {} {:.2} s clean, {:.2} s after a touch",
                round + 1,
                CRATES[i],
                took.as_secs_f64(),
                again.as_secs_f64()
            );
        }
    }
    Ok(CheckResult {
        clean,
        samples,
        lines,
        kinds,
        warnings,
    })
}

fn protogate_crate(
    root: &Path,
    output: &protogate_codegen::pipeline::Output,
    dir: &Path,
) -> Result<Scratch, String> {
    let generated_dir = dir.join("src/generated");
    reset(&generated_dir)?;
    files::write(&generated_dir, &output.files, &output.binary_files).map_err(|e| e.to_string())?;
    let generated = output
        .files
        .keys()
        .filter(|n| n.ends_with(".rs"))
        .map(|n| generated_dir.join(n))
        .collect();
    write_crate(root, dir, "bench-protogate", PROTOGATE_DEPS)?;
    Ok(Scratch {
        dir: dir.to_path_buf(),
        rustc_name: "bench_protogate",
        generated,
    })
}

/// tonic-prost-build's files for the packages protogate emits, under the same `mod.rs` tree.
fn tonic_crate(
    root: &Path,
    case: &Case,
    api: &protogate_codegen::model::Api,
    dir: &Path,
) -> Result<Scratch, String> {
    let generated_dir = dir.join("src/generated");
    reset(&generated_dir)?;
    let bytes = std::fs::read(&case.descriptor_set)
        .map_err(|e| format!("{}: {e}", case.descriptor_set.display()))?;
    let fds =
        prost_types::FileDescriptorSet::decode(bytes.as_slice()).map_err(|e| e.to_string())?;
    codegen::tonic(fds, &generated_dir)?;
    let mod_rs = generated_dir.join("mod.rs");
    std::fs::write(&mod_rs, files::upstream_mod_rs(api)).map_err(|e| e.to_string())?;
    let mut generated = vec![mod_rs];
    for package in &api.packages {
        let path = generated_dir.join(format!("{}.rs", package.name));
        if !path.is_file() {
            return Err(format!("tonic-prost-build wrote no {}", path.display()));
        }
        generated.push(path);
    }
    write_crate(root, dir, "bench-tonic", TONIC_DEPS)?;
    Ok(Scratch {
        dir: dir.to_path_buf(),
        rustc_name: "bench_tonic",
        generated,
    })
}

/// Removes the crate's incremental cache (`debug/incremental/<name>-*`), so the next check
/// analyses the whole crate again.
fn remove_incremental_cache(target: &Path, rustc_name: &str) -> Result<(), String> {
    let dir = target.join("debug/incremental");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(());
    };
    let prefix = format!("{rustc_name}-");
    for entry in entries.filter_map(Result::ok) {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let path = entry.path();
            std::fs::remove_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn reset(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

/// `Cargo.toml` (its own `[workspace]`, the root's dependency versions), `src/lib.rs`, and the
/// root `Cargo.lock` so both crates resolve to the versions the workspace uses.
fn write_crate(root: &Path, dir: &Path, name: &str, deps: &[&str]) -> Result<(), String> {
    let manifest = format!(
        "# Written by `cargo xtask bench-codegen`; scratch, never committed.\n[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\n{}",
        dependencies(root, deps)?
    );
    let write = |path: PathBuf, text: &str| {
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(dir.join("Cargo.toml"), &manifest)?;
    write(dir.join("src/lib.rs"), "//! Scratch crate of `cargo xtask bench-codegen`.\n\n#[path = \"generated/mod.rs\"]\npub mod api;\n")?;
    if !dir.join("Cargo.lock").exists() {
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// `name = spec` lines for `deps`, with the root's `[workspace.dependencies]` versions (the
/// workspace's own crates as absolute paths).
pub(super) fn dependencies(root: &Path, deps: &[&str]) -> Result<String, String> {
    let root_manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| format!("{}: {e}", root.join("Cargo.toml").display()))?;
    let mut lines = String::new();
    for dep in deps {
        let spec = workspace_dependency(&root_manifest, dep)
            .ok_or_else(|| format!("`{dep}` is not in the root [workspace.dependencies]"))?;
        let spec = match spec.split_once("path = \"") {
            Some((_, rest)) => {
                let relative = rest.split('"').next().unwrap_or_default();
                format!(
                    "{{ path = {:?} }}",
                    root.join(relative).display().to_string()
                )
            }
            None => spec,
        };
        lines.push_str(&format!("{dep} = {spec}\n"));
    }
    Ok(lines)
}

/// The right-hand side of `name = …` in the root manifest's `[workspace.dependencies]`.
fn workspace_dependency(manifest: &str, name: &str) -> Option<String> {
    let mut in_table = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_table = line == "[workspace.dependencies]";
            continue;
        }
        if !in_table {
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            if key.trim() == name {
                return Some(value.trim().to_string());
            }
        }
    }
    None
}

fn touch(paths: &[PathBuf]) -> Result<(), String> {
    let now = SystemTime::now();
    for path in paths {
        let file = std::fs::File::options()
            .write(true)
            .open(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        file.set_modified(now)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Runs `cargo check` in `dir`; returns the number of warnings, or the output on failure.
fn cargo_check(dir: &Path, target: &Path) -> Result<usize, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--lib", "--message-format", "short"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
        let shown: Vec<&str> = errors.iter().take(12).copied().collect();
        return Err(format!(
            "cargo check failed in {} ({} error lines, the first {}):\n{}",
            dir.display(),
            errors.len(),
            shown.len(),
            shown.join("\n")
        ));
    }
    Ok(warning_count(&stderr))
}

/// The count in cargo's "warning: `crate` (lib) generated N warnings" summary; 0 without one.
fn warning_count(stderr: &str) -> usize {
    stderr
        .lines()
        .filter(|l| l.starts_with("warning: `bench-"))
        .filter_map(|l| l.split(" generated ").nth(1))
        .filter_map(|rest| rest.split_whitespace().next()?.parse::<usize>().ok())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_workspace_dependencies() {
        let manifest = "[workspace]\nmembers = []\n\n[workspace.dependencies]\nprost = \"0.14\"\nserde = { version = \"1\", features = [\"derive\"] }\n\n[profile.dev]\nprost = 1\n";
        assert_eq!(
            workspace_dependency(manifest, "prost").as_deref(),
            Some("\"0.14\"")
        );
        assert_eq!(
            workspace_dependency(manifest, "serde").as_deref(),
            Some("{ version = \"1\", features = [\"derive\"] }")
        );
        assert_eq!(workspace_dependency(manifest, "tonic"), None);
    }

    #[test]
    fn counts_warnings_from_the_summary() {
        let stderr = "src/a.rs:1:1: warning: unused\nwarning: `bench-tonic` (lib) generated 12 warnings (run `cargo fix`)\n";
        assert_eq!(warning_count(stderr), 12);
        assert_eq!(warning_count("    Finished `dev` profile\n"), 0);
    }
}
