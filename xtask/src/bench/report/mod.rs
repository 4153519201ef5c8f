//! The codegen section of BENCHMARKS.md: the machine, the tables, the verdicts; and replacing
//! that section in the file while keeping everything else.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

mod check;
mod generator;
mod rebuild;

use super::check::CheckResult;
use super::codegen::{CaseResult, Variant};
use super::rebuild::RebuildResult;
use super::release::ReleaseResult;
use super::stages::STAGES;
use super::stats::{fmt, Samples};
use super::Reps;

const BEGIN: &str = "<!-- bench-codegen:begin (written by `cargo xtask bench-codegen`; edits inside are overwritten) -->";
const END: &str = "<!-- bench-codegen:end -->";

/// The generator goal: protogate at most this many times tonic-prost-build alone.
pub const CODEGEN_GOAL: f64 = 1.5;
/// The `cargo check` goal.
pub const CHECK_GOAL: f64 = 1.3;
/// The generated-lines goal.
pub const LINES_GOAL: f64 = 2.0;
/// The one-field-change goal: the build script reruns in under this many seconds.
pub const REBUILD_GOAL_SECS: f64 = 1.0;

/// Everything the section shows.
pub struct Report<'a> {
    /// The command line that produced it.
    pub command: String,
    /// Rounds per measurement.
    pub reps: Reps,
    /// The machine, as a Markdown list.
    pub machine: String,
    /// Generator wall time per schema (`dev` profile, in process).
    pub codegen: &'a [CaseResult],
    /// Schemas that could not be measured at all, and why.
    pub unavailable: &'a [(String, String)],
    /// Generator wall time per schema (`release` builds, as processes), or why it failed.
    pub release: &'a Result<Vec<ReleaseResult>, String>,
    /// Stage samples per schema (same order as `codegen`).
    pub stages: &'a [Vec<Samples>],
    /// The `cargo check` measurement per schema (every schema but the example).
    pub check: &'a [(String, Result<CheckResult, String>)],
    /// Regeneration through build.rs, or why it failed.
    pub rebuild: &'a Result<RebuildResult, String>,
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

/// The profile of the in-process rows: xtask's own (`cargo xtask` runs it in `dev`).
fn in_process() -> &'static str {
    if cfg!(debug_assertions) {
        "`dev`, build.rs"
    } else {
        "`release`, in process"
    }
}

/// `median (min – max)`, or why there is none.
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
    let reps = r.reps;
    let _ = writeln!(s, "{BEGIN}\n## Code generation\n");
    let _ = writeln!(s, "Command: `{}` — medians of {} interleaved rounds (after one warm-up round) for the generators in the `dev` profile and {} in `release`, {} for the stages, {} per crate for `cargo check`, {} one-field change(s) through build.rs; (min – max) in brackets.\n", r.command, reps.codegen, reps.release, reps.stages, reps.check, reps.rebuild);
    // The machine line's profile is the in-process rows'; the release rows say their own.
    s.push_str(&r.machine.replace(
        "; generator built with the ",
        "; the in-process generators built with the ",
    ));
    let _ = writeln!(s, "- Synthetic schema: `{}`", r.synth_command);
    let _ = writeln!(s, "- {}: `zitadel/admin.proto` and its imports as one descriptor set (`tests/zitadel/extract.sh OUT --only zitadel/admin.proto`, npm `@zitadel/proto`); there are no `.proto` files, so it has no `.proto` rows\n", super::ZITADEL);
    generator::wall_time(&mut s, r);
    generator::stages(&mut s, r);
    check::section(&mut s, r.check);
    rebuild::section(&mut s, r.rebuild);
    summary(&mut s, r);
    let _ = writeln!(s, "\n{END}");
    s
}

/// The verdict lines: one per goal, profile and schema.
fn summary(s: &mut String, r: &Report<'_>) {
    let _ = writeln!(s, "### Verdict\n");
    for c in r.codegen {
        let fds = c.of(Variant::ProtogateFds).ratio(c.of(Variant::TonicFds));
        let mut line = format!(
            "- Generator ({}), {}: {} from descriptors — {}",
            in_process(),
            c.case.name,
            times(fds),
            verdict(fds, CODEGEN_GOAL).trim_matches('*')
        );
        if c.case.has_proto_files() {
            let proto = c
                .of(Variant::ProtogateProto)
                .ratio(c.of(Variant::TonicProto));
            let _ = write!(
                line,
                "; {} from .proto files — {}",
                times(proto),
                verdict(proto, CODEGEN_GOAL).trim_matches('*')
            );
        }
        let _ = writeln!(s, "{line} (goal ≤ {CODEGEN_GOAL}×).");
    }
    for (name, _) in r.unavailable {
        let _ = writeln!(s, "- {name}: not measured (see above).");
    }
    match r.release {
        Ok(results) => {
            for x in results {
                let ratio = x.samples[0].ratio(&x.samples[1]);
                let _ = writeln!(
                    s,
                    "- Generator (`release` CLI), {}: {} — {} (goal ≤ {CODEGEN_GOAL}×).",
                    x.case,
                    times(ratio),
                    verdict(ratio, CODEGEN_GOAL).trim_matches('*')
                );
            }
        }
        Err(_) => {
            let _ = writeln!(s, "- Generator (`release` CLI): not measured (see above).");
        }
    }
    check::summary(s, r.check);
    rebuild::summary(s, r.rebuild);
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

    fn ms(v: &[u64]) -> Samples {
        Samples(
            v.iter()
                .map(|&m| std::time::Duration::from_millis(m))
                .collect(),
        )
    }

    fn case(name: &str, with_files: bool) -> CaseResult {
        let case = crate::bench::codegen::Case {
            name: name.into(),
            files: if with_files {
                vec!["a.proto".into()]
            } else {
                Vec::new()
            },
            includes: Vec::new(),
            openapi: None,
            descriptor_set: "set.binpb".into(),
            rpcs: 0,
        };
        let proto = |v: &[u64]| {
            if with_files {
                ms(v)
            } else {
                Samples::default()
            }
        };
        CaseResult {
            case,
            samples: [ms(&[120]), ms(&[100]), proto(&[90]), proto(&[100])],
            output: [(1, 1024); 4],
            errors: Default::default(),
        }
    }

    fn render_with(unavailable: &[(String, String)]) -> String {
        let codegen = vec![case("example", true), case(crate::bench::ZITADEL, false)];
        let release = Ok(codegen
            .iter()
            .map(|c| ReleaseResult {
                case: c.case.name.clone(),
                samples: [ms(&[40]), ms(&[20])],
                errors: Default::default(),
            })
            .collect());
        let stages = vec![vec![ms(&[1]); STAGES.len()]; 2];
        let check = vec![(
            crate::bench::ZITADEL.to_string(),
            Ok(CheckResult {
                clean: [ms(&[2000]), ms(&[2000])],
                samples: [ms(&[1200]), ms(&[1000])],
                lines: [300, 100],
                kinds: [vec![200, 0, 100], vec![100]],
                warnings: [0, 0],
            }),
        )];
        let rebuild = Ok(RebuildResult {
            change: "a field".into(),
            changed_build: ms(&[900]),
            script_run: ms(&[400]),
            generator: ms(&[300]),
            unchanged_build: ms(&[100]),
            unchanged_reruns: 0,
        });
        render(&Report {
            command: "cargo xtask bench-codegen --quick".into(),
            reps: crate::bench::Reps {
                codegen: 1,
                release: 1,
                stages: 1,
                check: 1,
                rebuild: 1,
            },
            machine: String::new(),
            codegen: &codegen,
            unavailable,
            release: &release,
            stages: &stages,
            check: &check,
            rebuild: &rebuild,
            synth_command: "cargo xtask synth".into(),
        })
    }

    #[test]
    fn every_goal_has_a_row_and_a_verdict_per_profile_and_schema() {
        let s = render_with(&[]);
        assert!(
            s.contains("| example | `dev`, build.rs | .proto files (protox) |"),
            "{s}"
        );
        assert!(
            !s.contains("| ZITADEL admin API | `dev`, build.rs | .proto files"),
            "ZITADEL has no .proto files: {s}"
        );
        assert!(
            s.contains("| ZITADEL admin API | `release`, CLI | descriptor set | 40 ms"),
            "{s}"
        );
        assert!(
            s.contains("- Generator (`release` CLI), ZITADEL admin API: 2.00× — not met"),
            "{s}"
        );
        assert!(s.contains("- Generator (`dev`, build.rs), example: 1.20× from descriptors — met; 0.90× from .proto files — met"), "{s}");
        assert!(s.contains("ZITADEL admin API: 3.00× the lines — not met (goal ≤ 2×); `cargo check` clean 1.00× — met, after a touch 1.20× — met"), "{s}");
        assert!(
            s.contains("the build script ran 400 ms (the generator 300 ms) — met"),
            "{s}"
        );
        assert!(s.contains("the build script reran in 0 of 1 builds"), "{s}");
        assert!(s.starts_with(BEGIN) && s.trim_end().ends_with(END));
    }

    #[test]
    fn a_schema_that_could_not_be_extracted_says_why() {
        let why = "tests/zitadel/extract.sh failed: node and npm (node >= 18) are required";
        let s = render_with(&[(crate::bench::ZITADEL.to_string(), why.to_string())]);
        assert!(
            s.contains(&format!(
                "| ZITADEL admin API | — | — | not measured: {why} |"
            )),
            "{s}"
        );
        assert!(
            s.contains("- ZITADEL admin API: not measured (see above)."),
            "{s}"
        );
    }

    #[test]
    fn today_is_a_date() {
        let d = today();
        assert_eq!(d.len(), 10, "{d}");
        assert!(d.starts_with("20"), "{d}");
    }
}
