//! The codegen section of BENCHMARKS.md: the machine, the tables, the verdicts; and replacing
//! that section in the file while keeping everything else.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use super::check::{CheckResult, CRATES};
use super::codegen::{CaseResult, Variant};
use super::stages::STAGES;
use super::stats::{fmt, Samples};

const BEGIN: &str = "<!-- bench-codegen:begin (written by `cargo xtask bench-codegen`; edits inside are overwritten) -->";
const END: &str = "<!-- bench-codegen:end -->";

/// The generator goal: protogate at most this many times tonic-prost-build alone.
pub const CODEGEN_GOAL: f64 = 1.5;
/// The `cargo check` goal.
pub const CHECK_GOAL: f64 = 1.3;

/// Everything the section shows.
pub struct Report<'a> {
    /// The command line that produced it.
    pub command: String,
    /// Rounds per measurement: (generator, stages, cargo check).
    pub reps: (usize, usize, usize),
    /// The machine, as a Markdown list.
    pub machine: String,
    /// Generator wall time per schema.
    pub codegen: &'a [CaseResult],
    /// Stage samples per schema (same order as `codegen`).
    pub stages: &'a [Vec<Samples>],
    /// The `cargo check` measurement, or why it failed.
    pub check: &'a Result<CheckResult, String>,
    /// How the synthetic schema was written.
    pub synth_command: String,
}

/// Facts about the machine and the build that shape the numbers.
pub fn machine(root: &Path, load_before: &str) -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let nproc = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: f64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let rustc = run(
        Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into())).arg("-V"),
        root,
    );
    let commit = run(
        Command::new("git").args(["rev-parse", "--short", "HEAD"]),
        root,
    );
    let dirty = !run(Command::new("git").args(["status", "--porcelain"]), root).is_empty();
    let profile = if cfg!(debug_assertions) {
        "`dev` profile (unoptimized): build scripts and their dependencies run unoptimized by default, so this is what a `build.rs` user waits for"
    } else {
        "`release` profile (optimized), as an installed `protogate` CLI runs"
    };
    let load_after = load_average();
    format!(
        "- Date: {} (UTC)\n- Machine: {nproc} CPUs ({model}), {:.1} GiB memory; load average {load_before} before, {load_after} after the run (other builds may share the machine)\n- Toolchain: {rustc}; generator built with the {profile}\n- Commit: {commit}{}\n",
        today(),
        mem_kib / 1024.0 / 1024.0,
        if dirty { " with uncommitted changes" } else { "" },
    )
}

/// The 1-minute load average from /proc/loadavg.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn run(cmd: &mut Command, dir: &Path) -> String {
    cmd.current_dir(dir)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Today's date, `YYYY-MM-DD`, UTC (civil-from-days, so no date crate is needed).
fn today() -> String {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn cell(s: &Samples) -> String {
    if s.0.is_empty() {
        return "failed (see below)".into();
    }
    format!("{} ({} – {})", fmt(s.median()), fmt(s.min()), fmt(s.max()))
}

/// A ratio for the tables: `1.23×`, or `—` when one side was not measured.
fn times(ratio: f64) -> String {
    if ratio.is_nan() {
        "—".into()
    } else {
        format!("{ratio:.2}×")
    }
}

fn verdict(ratio: f64, goal: f64) -> &'static str {
    if ratio.is_nan() {
        "not measured"
    } else if ratio <= goal {
        "met"
    } else {
        "**not met**"
    }
}

/// The Markdown section, markers included.
pub fn render(r: &Report<'_>) -> String {
    let mut s = String::new();
    let (gen_reps, stage_reps, check_reps) = r.reps;
    let _ = writeln!(s, "{BEGIN}\n## Code generation\n");
    let _ = writeln!(s, "Command: `{}` — medians of {gen_reps} interleaved rounds (after one warm-up round) for the generators, {stage_reps} for the stages, {check_reps} per crate for `cargo check`; (min – max) in brackets.\n", r.command);
    s.push_str(&r.machine);
    let _ = writeln!(s, "- Synthetic schema: `{}`\n", r.synth_command);

    let _ = writeln!(s, "### Generator wall time\n");
    let _ = writeln!(
        s,
        "Goal: protogate ≤ {CODEGEN_GOAL}× tonic-prost-build alone.\n"
    );
    let _ = writeln!(
        s,
        "| schema | input | protogate | tonic-prost-build | ratio | goal |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for c in r.codegen {
        for (input, p, t) in [
            ("descriptor set", Variant::ProtogateFds, Variant::TonicFds),
            (
                ".proto files (protox)",
                Variant::ProtogateProto,
                Variant::TonicProto,
            ),
        ] {
            let ratio = c.of(p).ratio(c.of(t));
            let _ = writeln!(
                s,
                "| {} | {input} | {} | {} | {} | {} |",
                c.case.name,
                cell(c.of(p)),
                cell(c.of(t)),
                times(ratio),
                verdict(ratio, CODEGEN_GOAL)
            );
        }
    }
    for c in r.codegen {
        for v in Variant::ALL {
            if let Some(e) = c.error_of(v) {
                let _ = writeln!(
                    s,
                    "\n{} failed on {} ({v:?}):\n\n```text\n{}\n```",
                    v.side(),
                    c.case.name,
                    e.trim_end()
                );
            }
        }
    }
    let _ = writeln!(s, "\nprotogate: `pipeline::run` (load, model, rule checks, the OpenAPI drift check where the schema has a document, prost + tonic + proto3 JSON code, validators, service tables, handler traits and adapters, parsing and formatting every file) and writing the files. tonic-prost-build: `configure().build_transport(false).out_dir(…).compile_fds(fds)` (prost messages, tonic client and server, formatted) — from the descriptor-set file (read and decoded with prost-types) or from `protox::compile` of the same files. Output of the last round:\n");
    let _ = writeln!(
        s,
        "| schema | input | protogate output | tonic-prost-build output |"
    );
    let _ = writeln!(s, "|---|---|---|---|");
    for c in r.codegen {
        for (input, p, t) in [
            ("descriptor set", Variant::ProtogateFds, Variant::TonicFds),
            (".proto files", Variant::ProtogateProto, Variant::TonicProto),
        ] {
            let size = |(n, b): (usize, usize)| format!("{n} files, {} KiB", b / 1024);
            let _ = writeln!(
                s,
                "| {} | {input} | {} | {} |",
                c.case.name,
                size(c.output_of(p)),
                size(c.output_of(t))
            );
        }
    }

    let _ = writeln!(s, "\n### Where protogate's time goes (from .proto files)\n");
    let _ = write!(s, "| stage |");
    for c in r.codegen {
        let _ = write!(s, " {} |", c.case.name);
    }
    let _ = write!(s, "\n|---|");
    for _ in r.codegen {
        let _ = write!(s, "---|");
    }
    s.push('\n');
    let totals: Vec<f64> = r
        .stages
        .iter()
        .map(|st| {
            st.iter()
                .take(STAGES.len())
                .map(|x| x.median().as_secs_f64())
                .sum()
        })
        .collect();
    for (i, stage) in STAGES.iter().enumerate() {
        let _ = write!(s, "| {stage} |");
        for ((st, total), c) in r.stages.iter().zip(&totals).zip(r.codegen) {
            if c.case.openapi.is_none() && super::stages::needs_openapi(stage) {
                s.push_str(" — (no document) |");
                continue;
            }
            if st[i].0.is_empty() {
                s.push_str(" failed |");
                continue;
            }
            let m = st[i].median();
            let _ = write!(
                s,
                " {} ({:.0} %) |",
                fmt(m),
                100.0 * m.as_secs_f64() / total.max(f64::MIN_POSITIVE)
            );
        }
        s.push('\n');
    }
    let _ = write!(s, "| sum of medians |");
    for total in &totals {
        let _ = write!(s, " {} |", fmt(std::time::Duration::from_secs_f64(*total)));
    }
    let _ = writeln!(s, "\n\nEach stage is timed by calling the function the pipeline calls, in the pipeline's order. `emit::rust` is one call; its upstream part (`emit::messages::generate`: prost-build with tonic's service generator, and the proto3 JSON code) is timed on its own and subtracted, so those two rows come from separate runs. Percentages are of the sum of medians.\n");

    let _ = writeln!(
        s,
        "### `cargo check` of the generated code (synthetic schema)\n"
    );
    let _ = writeln!(
        s,
        "Goal: protogate's code ≤ {CHECK_GOAL}× tonic-prost-build's.\n"
    );
    match r.check {
        Ok(c) => {
            let ratio = c.samples[0].ratio(&c.samples[1]);
            let _ = writeln!(
                s,
                "| crate | generated lines | rustc warnings | `cargo check` | ratio |"
            );
            let _ = writeln!(s, "|---|---|---|---|---|");
            for (i, name) in CRATES.iter().enumerate() {
                let ratio_cell = if i == 0 {
                    times(ratio)
                } else {
                    "1.00×".into()
                };
                let _ = writeln!(
                    s,
                    "| {name} | {} | {} | {} | {ratio_cell} |",
                    c.lines[i],
                    c.warnings[i],
                    cell(&c.samples[i])
                );
            }
            let _ = writeln!(s, "\nTwo scratch crates under `target/bench-codegen/check/` (own `[workspace]`, the root's dependency versions and Cargo.lock, one shared target directory with the dependencies built before timing); each timed run touches the generated files and runs `cargo check --lib`, so the figure is the crate itself plus cargo's own overhead. protogate's crate also holds what tonic-prost-build does not generate: proto3 JSON, validators, route tables, handler traits and adapters.\n");
            let _ = writeln!(s, "What the generated code consists of (formatted lines per kind of item; `cargo check` time grows with it):\n");
            let _ = writeln!(s, "| kind | protogate | tonic-prost-build |");
            let _ = writeln!(s, "|---|---|---|");
            for (k, kind) in super::lines::KINDS.iter().enumerate() {
                let n = |i: usize| c.kinds[i].get(k).copied().unwrap_or(0);
                if n(0) + n(1) > 0 {
                    let _ = writeln!(s, "| {kind} | {} | {} |", n(0), n(1));
                }
            }
            s.push('\n');
            let _ = writeln!(
                s,
                "Goal {}: {} against at most {CHECK_GOAL}×.\n",
                verdict(ratio, CHECK_GOAL).trim_matches('*'),
                times(ratio)
            );
        }
        Err(e) => {
            let _ = writeln!(s, "The measurement failed:\n\n```text\n{e}\n```\n");
        }
    }

    let _ = writeln!(s, "### Verdict\n");
    for c in r.codegen {
        let fds = c.of(Variant::ProtogateFds).ratio(c.of(Variant::TonicFds));
        let proto = c
            .of(Variant::ProtogateProto)
            .ratio(c.of(Variant::TonicProto));
        let _ = writeln!(
            s,
            "- Generator, {}: {} from descriptors, {} from .proto files — goal (≤ {CODEGEN_GOAL}×) {} / {}.",
            c.case.name,
            times(fds),
            times(proto),
            verdict(fds, CODEGEN_GOAL).trim_matches('*'),
            verdict(proto, CODEGEN_GOAL).trim_matches('*'),
        );
    }
    match r.check {
        Ok(c) => {
            let ratio = c.samples[0].ratio(&c.samples[1]);
            let _ = writeln!(
                s,
                "- `cargo check`, synthetic: {} — goal (≤ {CHECK_GOAL}×) {}.",
                times(ratio),
                verdict(ratio, CHECK_GOAL).trim_matches('*')
            );
            let total: usize = c.kinds[0].iter().sum();
            if let Some((k, n)) = c.kinds[0].iter().enumerate().max_by_key(|(_, n)| **n) {
                let _ = writeln!(
                    s,
                    "- The largest part of protogate's generated code: {} ({:.0} % of its lines); tonic-prost-build's whole output is {:.0} % of protogate's lines.",
                    super::lines::KINDS[k],
                    100.0 * *n as f64 / total.max(1) as f64,
                    100.0 * c.kinds[1].iter().sum::<usize>() as f64 / total.max(1) as f64,
                );
            }
        }
        Err(_) => {
            let _ = writeln!(s, "- `cargo check`: not measured (see above).");
        }
    }
    for (c, st) in r.codegen.iter().zip(r.stages) {
        let largest = st
            .iter()
            .enumerate()
            .filter(|(_, x)| !x.0.is_empty())
            .max_by_key(|(_, x)| x.median());
        let total: f64 = st.iter().map(|x| x.median().as_secs_f64()).sum();
        if let Some((i, x)) = largest {
            let _ = writeln!(
                s,
                "- The slowest protogate stage, {}: {} ({:.0} % of the stages' sum).",
                c.case.name,
                STAGES[i],
                100.0 * x.median().as_secs_f64() / total.max(f64::MIN_POSITIVE),
            );
        }
    }
    let _ = writeln!(s, "\n{END}");
    s
}

/// Replaces the section in `path` (or appends it; or creates the file).
pub fn write_section(path: &Path, section: &str) -> std::io::Result<()> {
    write_marked(path, BEGIN, END, section)
}

/// Replaces the section between the `begin` and `end` markers in `path` with `section` (which
/// carries the markers itself), or appends it: [`protogate_bench_sections::write`].
pub fn write_marked(path: &Path, begin: &str, end: &str, section: &str) -> std::io::Result<()> {
    let markers = protogate_bench_sections::Markers {
        begin,
        end,
        after: None,
    };
    protogate_bench_sections::write(path, markers, section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_is_replaced_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("BENCHMARKS.md");
        std::fs::write(
            &path,
            format!("# B\n\nintro\n\n{BEGIN}\nold\n{END}\n\n## Runtime\n\nkept\n"),
        )
        .unwrap();
        write_section(&path, &format!("{BEGIN}\nnew\n{END}\n")).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            format!("# B\n\nintro\n\n{BEGIN}\nnew\n{END}\n\n## Runtime\n\nkept\n")
        );
    }

    #[test]
    fn today_is_a_date() {
        let d = today();
        assert_eq!(d.len(), 10, "{d}");
        assert!(d.starts_with("20"), "{d}");
    }
}
