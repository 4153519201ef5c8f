//! Regeneration through a real build script: a scratch crate under
//! `target/bench-codegen/rebuild` whose build.rs calls `protogate_codegen::Builder` on a copy of
//! the example's schema. One field is added to (or removed from) a message of the copy and
//! `cargo build --timings` runs: cargo's timing of the build-script run, and the generator's
//! own share, timed inside build.rs. Then `cargo build -v` runs again with nothing changed:
//! the build script must not run (cargo says `Fresh`; its output file keeps its time).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use crate::example;

use super::stats::{time, Samples};

/// The scratch crate's package name.
const PACKAGE: &str = "bench-rebuild";
/// The file build.rs writes the generator's time into (microseconds), in `OUT_DIR`.
const TIMING_FILE: &str = "bench-generator-micros";
/// The file and message that get the extra field.
const CHANGED_FILE: &str = "zitadel/message.proto";
const CHANGED_AFTER: &str = "  string message = 2 ";
const EXTRA_FIELD: &str = "  string bench_note = 3;";

/// What the measurement found.
#[derive(Debug, Clone, Default)]
pub struct RebuildResult {
    /// The field that is added and removed, for the report.
    pub change: String,
    /// Per one-field change: the whole `cargo build`.
    pub changed_build: Samples,
    /// Per one-field change: cargo's timing of the build-script run (process start included).
    pub script_run: Samples,
    /// Per one-field change: `Builder::compile` as timed inside build.rs.
    pub generator: Samples,
    /// Per unchanged rebuild: the whole `cargo build`.
    pub unchanged_build: Samples,
    /// Unchanged rebuilds in which the build script ran anyway (by cargo's `-v` output or by
    /// its output file's modification time).
    pub unchanged_reruns: usize,
}

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Writes the crate, builds it once untimed, then runs `reps` rounds of (one-field change,
/// unchanged rebuild). The crate builds into the workspace's target directory with the
/// workspace's profiles, so the dependencies are mostly built already.
pub fn measure(root: &Path, scratch: &Path, reps: usize) -> Result<RebuildResult, String> {
    let dir = scratch.join("rebuild");
    write_crate(root, &dir)?;
    let target = root.join("target");
    eprintln!("  cargo build of the build.rs crate (once; not timed)");
    cargo_build(&dir, &target, &[])?;
    let mut result = RebuildResult {
        change: format!(
            "`{}` in `zitadel.v1.ErrorDetail`, {CHANGED_FILE}",
            EXTRA_FIELD.trim()
        ),
        ..RebuildResult::default()
    };
    let proto = dir.join("proto").join(CHANGED_FILE);
    for round in 0..reps {
        toggle_field(&proto)?;
        let (stderr, took) = time(|| cargo_build(&dir, &target, &["--timings"]));
        let stderr = stderr?;
        result.changed_build.push(took);
        let html = std::fs::read_to_string(target.join("cargo-timings/cargo-timing.html"))
            .map_err(|e| format!("cargo's --timings report: {e}"))?;
        match build_script_duration(&html, PACKAGE) {
            Some(d) => result.script_run.push(d),
            None if ran_build_script(&stderr) => {
                eprintln!("  warning: no build-script unit in cargo's --timings report")
            }
            None => return Err("the build script did not run after the schema changed".into()),
        }
        let (timing_file, before) = newest_timing_file(&target)?;
        let micros = std::fs::read_to_string(&timing_file)
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok())
            .ok_or_else(|| format!("{} holds no time", timing_file.display()))?;
        result.generator.push(Duration::from_micros(micros));

        let (stderr, took) = time(|| cargo_build(&dir, &target, &["-v"]));
        let stderr = stderr?;
        result.unchanged_build.push(took);
        let (_, after) = newest_timing_file(&target)?;
        if ran_build_script(&stderr) || after != before {
            result.unchanged_reruns += 1;
        }
        eprintln!(
            "  round {}/{reps}: changed {:.2} s, unchanged {:.2} s",
            round + 1,
            result
                .changed_build
                .0
                .last()
                .map_or(0.0, Duration::as_secs_f64),
            took.as_secs_f64()
        );
    }
    Ok(result)
}

/// The crate: manifest (own `[workspace]`, the root's dependency versions and profiles), build.rs,
/// `src/lib.rs` including the generated tree, and fresh copies of the schema and document.
fn write_crate(root: &Path, dir: &Path) -> Result<(), String> {
    let proto = dir.join("proto");
    if proto.exists() {
        std::fs::remove_dir_all(&proto).map_err(|e| format!("{}: {e}", proto.display()))?;
    }
    copy_dir(&root.join(example::INCLUDES[0]), &proto)?;
    let doc = dir.join("openapi.yaml");
    std::fs::copy(root.join(example::OPENAPI), &doc)
        .map_err(|e| format!("{}: {e}", doc.display()))?;
    let root_manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| format!("{}: {e}", root.join("Cargo.toml").display()))?;
    let manifest = format!(
        "# Written by `cargo xtask bench-codegen`; scratch, never committed.\n[package]\nname = \"{PACKAGE}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\n{}\n[build-dependencies]\n{}\n{}",
        super::check::dependencies(root, super::check::PROTOGATE_DEPS)?,
        super::check::dependencies(root, &["protogate-codegen"])?,
        profiles(&root_manifest),
    );
    let write = |path: PathBuf, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap_or(dir))
            .and_then(|()| std::fs::write(&path, text))
            .map_err(|e| format!("{}: {e}", path.display()))
    };
    write(dir.join("Cargo.toml"), &manifest)?;
    write(dir.join("build.rs"), &build_rs())?;
    write(
        dir.join("src/lib.rs"),
        "//! Scratch crate of `cargo xtask bench-codegen`: the example's schema through build.rs.\n\nprotogate::include_generated!();\n",
    )?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    Ok(())
}

/// build.rs: the example's files and document through `Builder` (every output option at its
/// default), the generator's time written into `OUT_DIR`.
fn build_rs() -> String {
    let include = example::INCLUDES[0];
    let protos: String = example::PROTO_FILES
        .iter()
        .map(|f| f.strip_prefix(include).unwrap_or(f).trim_start_matches('/'))
        .map(|f| format!("        .proto(dir.join(\"proto/{f}\"))\n"))
        .collect();
    format!(
        r#"//! The example's schema, generated as a user's build.rs would; the generator timed.

use std::path::Path;

fn main() {{
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let started = std::time::Instant::now();
    let result = protogate_codegen::Builder::new()
        .include(dir.join("proto"))
{protos}        .openapi(dir.join("openapi.yaml"))
        .compile();
    let took = started.elapsed();
    if let Err(e) = result {{
        eprintln!("{{e}}");
        std::process::exit(1);
    }}
    if let Some(out) = std::env::var_os("OUT_DIR") {{
        let _ = std::fs::write(Path::new(&out).join("{TIMING_FILE}"), took.as_micros().to_string());
    }}
}}
"#
    )
}

/// The root manifest's `[profile.*]` tables, so the crate builds like the workspace does.
fn profiles(manifest: &str) -> String {
    let mut out = String::new();
    let mut in_profile = false;
    for line in manifest.lines() {
        if line.trim_start().starts_with('[') {
            in_profile = line.trim_start().starts_with("[profile.");
        }
        if in_profile {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Adds the extra field after `CHANGED_AFTER`'s line, or removes it when present.
fn toggle_field(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let new = toggled(&text).ok_or_else(|| {
        format!(
            "{}: no line starting with `{}`",
            path.display(),
            CHANGED_AFTER.trim()
        )
    })?;
    std::fs::write(path, new).map_err(|e| format!("{}: {e}", path.display()))
}

fn toggled(text: &str) -> Option<String> {
    if text.contains(EXTRA_FIELD) {
        return Some(text.replace(&format!("{EXTRA_FIELD}\n"), ""));
    }
    let mut out = String::with_capacity(text.len() + EXTRA_FIELD.len() + 1);
    let mut found = false;
    for line in text.lines() {
        out.push_str(line);
        out.push('\n');
        if !found && line.starts_with(CHANGED_AFTER) {
            out.push_str(EXTRA_FIELD);
            out.push('\n');
            found = true;
        }
    }
    found.then_some(out)
}

/// Runs `cargo build` in the crate; returns its stderr, or the error lines on failure.
fn cargo_build(dir: &Path, target: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new(cargo())
        .arg("build")
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() {
        return Ok(stderr);
    }
    let tail: Vec<&str> = stderr.lines().rev().take(12).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(format!(
        "cargo build failed in {}:\n{}",
        dir.display(),
        tail.join("\n")
    ))
}

/// Whether cargo's `-v` output shows this crate's build script running.
fn ran_build_script(stderr: &str) -> bool {
    stderr.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("Running")
            && l.contains(&format!("/{PACKAGE}-"))
            && l.contains("build-script-build")
    })
}

/// The build script's timing file with the latest modification time, and that time.
fn newest_timing_file(target: &Path) -> Result<(PathBuf, SystemTime), String> {
    let build = target.join("debug/build");
    let entries = std::fs::read_dir(&build).map_err(|e| format!("{}: {e}", build.display()))?;
    entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("{PACKAGE}-"))
        })
        .map(|e| e.path().join("out").join(TIMING_FILE))
        .filter_map(|p| {
            let modified = std::fs::metadata(&p).and_then(|m| m.modified()).ok()?;
            Some((p, modified))
        })
        .max_by_key(|(_, t)| *t)
        .ok_or_else(|| format!("no {TIMING_FILE} under {}", build.display()))
}

/// The duration of `package`'s build-script run in cargo's `--timings` HTML report (its
/// `UNIT_DATA` array: `"name"`, `"mode": "run-custom-build"`, `"duration"` in seconds).
fn build_script_duration(html: &str, package: &str) -> Option<Duration> {
    let start = html.find("const UNIT_DATA = ")? + "const UNIT_DATA = ".len();
    let rest = &html[start..];
    let end = rest.find("];")? + 1;
    let units: Vec<serde_json::Value> = serde_json::from_str(&rest[..end]).ok()?;
    units
        .iter()
        .filter(|u| u["name"] == package && u["mode"] == "run-custom-build")
        .filter_map(|u| u["duration"].as_f64())
        .map(Duration::from_secs_f64)
        .next_back()
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            std::fs::copy(&path, &dest).map_err(|e| format!("{}: {e}", dest.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_is_added_then_removed() {
        let text =
            "message ErrorDetail {\n  string id = 1;\n\n  string message = 2 [(x) = {}];\n}\n";
        let added = toggled(text).unwrap();
        assert!(
            added.contains("  string message = 2 [(x) = {}];\n  string bench_note = 3;\n}"),
            "{added}"
        );
        assert_eq!(toggled(&added).unwrap(), text);
        assert!(toggled("message A {}\n").is_none());
    }

    #[test]
    fn reads_the_build_script_unit_from_cargo_timings() {
        let html = r#"<script>
const UNIT_DATA = [{"i":0,"name":"bench-rebuild","version":"0.0.0","mode":"build-custom-build","target":"","start":0.0,"duration":0.9},
{"i":1,"name":"bench-rebuild","version":"0.0.0","mode":"run-custom-build","target":"","start":1.0,"duration":0.42}];
const CONCURRENCY_DATA = [];
</script>"#;
        assert_eq!(
            build_script_duration(html, "bench-rebuild"),
            Some(Duration::from_millis(420))
        );
        assert_eq!(build_script_duration(html, "other"), None);
        assert_eq!(
            build_script_duration("<html></html>", "bench-rebuild"),
            None
        );
    }

    #[test]
    fn sees_the_build_script_run_in_verbose_output() {
        let ran = "   Compiling bench-rebuild v0.0.0 (/x)\n     Running `/t/debug/build/bench-rebuild-0a1b/build-script-build`\n";
        assert!(ran_build_script(ran));
        let fresh = "       Fresh bench-rebuild v0.0.0 (/x)\n    Finished `dev` profile\n";
        assert!(!ran_build_script(fresh));
    }

    #[test]
    fn keeps_only_the_profiles() {
        let manifest = "[workspace]\nmembers = []\n\n[profile.dev]\ndebug = 1\n\n[profile.dev.package.\"*\"]\ndebug = false\n";
        assert_eq!(
            profiles(manifest),
            "[profile.dev]\ndebug = 1\n\n[profile.dev.package.\"*\"]\ndebug = false\n"
        );
    }
}
