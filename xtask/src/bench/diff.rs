//! `cargo xtask bench-diff [--quick]`: `protogate diff` against `buf breaking` on ZITADEL's
//! admin API and a copy with one field deleted, in alternating rounds, written into the
//! "Spec diff" section of BENCHMARKS.md. The goal: under 1 s for protogate (release CLI).
//!
//! Scratch space lives under `target/bench-diff/`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use prost::Message as _;

use super::report;
use super::stats::{fmt, time, Samples};

const BEGIN: &str =
    "<!-- bench-diff:begin (written by `cargo xtask bench-diff`; edits inside are overwritten) -->";
const END: &str = "<!-- bench-diff:end -->";

/// Runs the comparison and refreshes the section.
pub fn run(root: &Path, quick: bool) -> ExitCode {
    match measure(root, if quick { 3 } else { 15 }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-diff: {e}");
            ExitCode::FAILURE
        }
    }
}

fn measure(root: &Path, rounds: usize) -> Result<(), String> {
    let scratch = root.join("target/bench-diff");
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let protogate = super::release::build_cli(root)?;
    let buf = root.join("tests/interop/node/node_modules/.bin/buf");
    if !buf.is_file() {
        return Err(format!(
            "{} is missing: run `tests/interop/run.sh node` once to install buf",
            buf.display()
        ));
    }
    let old = scratch.join("admin.binpb");
    extract_admin(root, &old)?;
    let new = scratch.join("admin-changed.binpb");
    let (rpcs, deleted) = one_change(&old, &new)?;

    let protogate_args = |out: &mut Command| {
        out.arg("diff")
            .arg("--descriptor-set")
            .arg(&new)
            .arg("--against")
            .arg(&old)
            .args(["--format", "json", "--fail-on", "none"]);
    };
    let buf_args = |out: &mut Command| {
        out.current_dir(&scratch).args([
            "breaking",
            "admin-changed.binpb",
            "--against",
            "admin.binpb",
            "--error-format",
            "json",
        ]);
    };
    let load_before = report::load_average();
    let (mut ours, mut theirs) = (Samples::default(), Samples::default());
    let (mut ours_found, mut theirs_found) = (String::new(), String::new());
    // One warm-up each, then alternating rounds so drift hits both alike.
    for round in 0..=rounds {
        let mut cmd = Command::new(&protogate);
        protogate_args(&mut cmd);
        let (out, took) = time(|| cmd.stderr(Stdio::null()).output());
        let out = out.map_err(|e| format!("protogate: {e}"))?;
        let mut cmd = Command::new(&buf);
        buf_args(&mut cmd);
        let (buf_out, buf_took) = time(|| cmd.stderr(Stdio::null()).output());
        let buf_out = buf_out.map_err(|e| format!("buf: {e}"))?;
        if round == 0 {
            ours_found = breaking_rules(&out.stdout);
            theirs_found = buf_rules(&buf_out.stdout);
            continue;
        }
        ours.push(took);
        theirs.push(buf_took);
    }
    let section = format!(
        "{BEGIN}\n## Spec diff\n\n`cargo xtask bench-diff`: `protogate diff` (release CLI) and `buf breaking` (npm \
         `@bufbuild/buf`) on ZITADEL's admin API as published in npm `@zitadel/proto` 1.3.1 \
         ({rpcs} RPCs in `zitadel.admin.v1.AdminService`, the file and its imports as one descriptor \
         set) against a copy with {deleted} deleted; {rounds} alternating rounds after one warm-up \
         each, wall time of the whole process (loading both sets, every rule, printing JSON).\n\n\
         {}\n\
         | tool | median | min | max | breaking findings |\n|---|---|---|---|---|\n\
         | `protogate diff --descriptor-set NEW --against OLD` | {} | {} | {} | {ours_found} |\n\
         | `buf breaking NEW --against OLD` | {} | {} | {} | {theirs_found} |\n\n\
         protogate / buf: {:.2}× (median). Goal: protogate under 1 s — {}.\n{END}\n",
        release_machine(root, &load_before),
        fmt(ours.median()),
        fmt(ours.min()),
        fmt(ours.max()),
        fmt(theirs.median()),
        fmt(theirs.min()),
        fmt(theirs.max()),
        ours.ratio(&theirs),
        if ours.max().as_secs_f64() < 1.0 {
            "met (every round)"
        } else if ours.median().as_secs_f64() < 1.0 {
            "met at the median, not in every round"
        } else {
            "not met"
        },
    );
    let path = root.join("BENCHMARKS.md");
    report::write_marked(&path, BEGIN, END, &section)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("{section}\nwrote {}", path.display());
    Ok(())
}

/// Writes ZITADEL's admin API (`zitadel/admin.proto` and its imports, npm `@zitadel/proto`) as
/// one descriptor set at `out` with tests/zitadel/extract.sh. The error carries the script's
/// own explanation (node or npm missing, no registry).
pub fn extract_admin(root: &Path, out: &Path) -> Result<(), String> {
    let output = Command::new("bash")
        .arg(root.join("tests/zitadel/extract.sh"))
        .arg(out)
        .args(["--only", "zitadel/admin.proto"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run tests/zitadel/extract.sh: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
        return Err(format!(
            "tests/zitadel/extract.sh failed: {}",
            last.unwrap_or("no message")
        ));
    }
    if let Some(summary) = stderr.lines().rev().find(|l| !l.trim().is_empty()) {
        eprintln!("  {summary}");
    }
    Ok(())
}

/// Writes `old` with the first field of the first message of `zitadel/admin.proto` that has
/// fields deleted; returns AdminService's RPC count and what was deleted. The set is edited as
/// a dynamic message, so the custom options (HTTP bindings, auth, validation rules), unknown
/// fields to prost-types, survive.
fn one_change(old: &Path, new: &PathBuf) -> Result<(usize, String), String> {
    use prost_reflect::{DynamicMessage, Value};
    let bytes = std::fs::read(old).map_err(|e| format!("{}: {e}", old.display()))?;
    let typed =
        prost_types::FileDescriptorSet::decode(bytes.as_slice()).map_err(|e| e.to_string())?;
    let rpcs = typed
        .file
        .iter()
        .filter(|f| f.name() == "zitadel/admin.proto")
        .flat_map(|f| &f.service)
        .map(|s| s.method.len())
        .sum();
    let descriptor = prost_reflect::DescriptorPool::global()
        .get_message_by_name("google.protobuf.FileDescriptorSet")
        .ok_or("descriptor.proto is not in prost-reflect's pool")?;
    let mut set =
        DynamicMessage::decode(descriptor, bytes.as_slice()).map_err(|e| e.to_string())?;
    let Some(Value::List(files)) = set.get_field_by_name_mut("file") else {
        return Err("no files in the set".into());
    };
    let file = files
        .iter_mut()
        .filter_map(|f| match f {
            Value::Message(m) => Some(m),
            _ => None,
        })
        .find(|m| {
            m.get_field_by_name("name")
                .and_then(|n| n.as_str().map(|s| s == "zitadel/admin.proto"))
                .unwrap_or(false)
        })
        .ok_or("zitadel/admin.proto is not in the set")?;
    let Some(Value::List(messages)) = file.get_field_by_name_mut("message_type") else {
        return Err("zitadel/admin.proto has no messages".into());
    };
    for message in messages.iter_mut() {
        let Value::Message(message) = message else {
            continue;
        };
        let name = message
            .get_field_by_name("name")
            .and_then(|n| n.as_str().map(str::to_string))
            .unwrap_or_default();
        if let Some(Value::List(fields)) = message.get_field_by_name_mut("field") {
            if fields.is_empty() {
                continue;
            }
            let field = fields.remove(0);
            let field_name = match &field {
                Value::Message(f) => f
                    .get_field_by_name("name")
                    .and_then(|n| n.as_str().map(str::to_string))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            std::fs::write(new, set.encode_to_vec())
                .map_err(|e| format!("{}: {e}", new.display()))?;
            return Ok((rpcs, format!("field `{name}.{field_name}`")));
        }
    }
    Err("no message with fields in zitadel/admin.proto".into())
}

fn breaking_rules(json: &[u8]) -> String {
    let found: Vec<serde_json::Value> = serde_json::from_slice(json).unwrap_or_default();
    let rules: Vec<&str> = found
        .iter()
        .filter(|f| f["breaking"] == true)
        .filter_map(|f| f["rule"].as_str())
        .collect();
    rules.join(", ")
}

fn buf_rules(out: &[u8]) -> String {
    let text = String::from_utf8_lossy(out);
    let rules: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["type"].as_str().map(str::to_string))
        .collect();
    rules.join(", ")
}

/// The machine facts, saying the measured CLI is the release build (xtask itself is not).
fn release_machine(root: &Path, load_before: &str) -> String {
    report::machine(root, load_before)
        .lines()
        .map(|line| match line.find("; generator built with") {
            Some(cut) => format!(
                "{}; the protogate CLI built with the `release` profile",
                &line[..cut]
            ),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
