//! The Serving section of BENCHMARKS.md: machine, command, medians and ratios from one run.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use super::{soak, Results, Sample, CONNECTIONS, PROTOCOLS};
use crate::client::Protocol;
use crate::serve::Variant;

const BEGIN: &str = "<!-- bench-serving:begin (written by `protogate-bench load`; edits inside are overwritten) -->";
const BEGIN_PREFIX: &str = "<!-- bench-serving:begin";
const END: &str = "<!-- bench-serving:end -->";

/// The goal of the issue: protogate at least this fraction of the baseline's throughput.
pub const RATIO_GOAL: f64 = 0.97;
/// The goal for idle memory, MB (10^6 bytes).
pub const RSS_GOAL_MB: f64 = 15.0;

fn median(mut values: Vec<f64>) -> f64 {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn range(values: &[f64]) -> (f64, f64) {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let min = finite.clone().fold(f64::INFINITY, f64::min);
    let max = finite.fold(f64::NEG_INFINITY, f64::max);
    (min, max)
}

fn cell(samples: &[Sample], v: Variant, p: Protocol, c: usize) -> Vec<&Sample> {
    samples
        .iter()
        .filter(|s| s.variant == v && s.protocol == p && s.conns == c)
        .collect()
}

/// Median over rounds of protogate's req/s divided by the baseline's in the same round.
pub fn paired_ratio(samples: &[Sample], p: Protocol, c: usize) -> f64 {
    let base = cell(samples, Variant::Baseline, p, c);
    let gate = cell(samples, Variant::Protogate, p, c);
    let ratios = base
        .iter()
        .filter_map(|b| {
            let g = gate.iter().find(|g| g.round == b.round)?;
            Some(g.run.rps / b.run.rps)
        })
        .collect();
    median(ratios)
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("—".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}

fn first_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|m| m.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or("unknown memory".into(), |kib| {
            format!("{:.1} GiB memory", kib / 1024.0 / 1024.0)
        });
    format!("{cpus} CPUs ({model}), {memory}")
}

fn commit() -> String {
    let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let head = first_line("git", &["-C", repo, "rev-parse", "--short", "HEAD"]);
    let dirty = Command::new("git")
        .args(["-C", repo, "status", "--porcelain"])
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    if dirty {
        format!("{head} with uncommitted changes")
    } else {
        head
    }
}

/// The section, markers included.
pub fn render(r: &Results) -> String {
    let mut out = String::new();
    let today = crate::baseline::rfc3339(crate::logic::now_micros());
    let m = &r.mode;
    let _ = writeln!(out, "{BEGIN}");
    let _ = writeln!(out, "## Serving\n");
    let _ = writeln!(
        out,
        "Command: `{}` — {} rounds per cell, {} s measured per run ({} s h2load warm-up first), the two servers interleaved and their order alternating per round; medians over rounds, (min – max) in brackets. Both servers run as separate release processes seeded with the same in-memory users; the load tool, the servers and other engineers' builds share the machine's cores.\n",
        r.command,
        m.rounds,
        m.duration.as_secs(),
        m.warm_up.as_secs()
    );
    let _ = writeln!(out, "- Date: {} (UTC)", &today[..10]);
    let _ = writeln!(
        out,
        "- Machine: {}; load average {:.2} before, {:.2} after the run (each row gives the range during its runs)",
        machine(),
        r.load.0,
        r.load.1
    );
    let _ = writeln!(
        out,
        "- Toolchain: {}, `--release`",
        first_line("rustc", &["-V"])
    );
    let _ = writeln!(out, "- Commit: {}", commit());
    let _ = writeln!(
        out,
        "- Tools: {}; one client thread (`-t 1`), one stream per connection (`-m 1`)",
        r.tools
    );
    let _ = writeln!(
        out,
        "- Request: `VerifyMyPhone {{ code }}` with a valid HS256 bearer token — authenticate, validate (PGV `min_len 1, max_len 200`), look the user up under a mutex, compare the code, bump the sequence, answer `details` — the same `bench/src/logic.rs` behind both servers. gRPC and gRPC-Web send a pre-encoded frame; REST posts `{{\"code\":\"…\"}}` to `/auth/v1/users/me/phone/_verify` (h2load over h2c, wrk over HTTP/1.1)."
    );
    let _ = writeln!(
        out,
        "- Baseline: `bench/src/baseline/` — tonic's generated server (tonic-prost-build + protox in bench/build.rs), tonic-web over the gRPC routes only, axum + serde for REST, `axum::serve` on one listener. protogate: the example's generated code (`verify_phone::api`) with the same handler logic, `protogate::Server::into_router` on the same `axum::serve`.\n"
    );

    let _ = writeln!(out, "### Throughput and latency\n");
    let _ = writeln!(
        out,
        "Goal: protogate ≥ {RATIO_GOAL}× the baseline on every protocol. Ratio: median over rounds of protogate's req/s over the baseline's in the same round. Server CPU: user + system time of the server process (from /proc) per request answered.\n"
    );
    let _ = writeln!(
        out,
        "| protocol | conns | baseline req/s | protogate req/s | ratio | p50 µs (baseline / protogate) | p99 µs (baseline / protogate) | server CPU µs/req (baseline / protogate) | failed | load avg |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
    for p in PROTOCOLS {
        for c in CONNECTIONS {
            let base = cell(&r.samples, Variant::Baseline, p, c);
            let gate = cell(&r.samples, Variant::Protogate, p, c);
            if gate.is_empty() {
                continue;
            }
            let rps = |s: &[&Sample]| {
                if s.is_empty() {
                    return "—".to_string();
                }
                let v: Vec<f64> = s.iter().map(|x| x.run.rps).collect();
                let (lo, hi) = range(&v);
                format!("{:.0} ({lo:.0} – {hi:.0})", median(v))
            };
            let stat = |s: &[&Sample], f: fn(&Sample) -> f64, digits: usize| {
                if s.is_empty() {
                    return "—".to_string();
                }
                format!("{:.*}", digits, median(s.iter().map(|x| f(x)).collect()))
            };
            let pair = |f: fn(&Sample) -> f64, digits: usize| {
                format!("{} / {}", stat(&base, f, digits), stat(&gate, f, digits))
            };
            let ratio = if base.is_empty() {
                "— (no baseline)".to_string()
            } else {
                let ratio = paired_ratio(&r.samples, p, c);
                if ratio >= RATIO_GOAL {
                    format!("{ratio:.2}×")
                } else {
                    format!("**{ratio:.2}×**")
                }
            };
            let failed: u64 = base.iter().chain(&gate).map(|s| s.run.failed).sum();
            let loads: Vec<f64> = base.iter().chain(&gate).map(|s| s.load).collect();
            let (lo, hi) = range(&loads);
            let _ = writeln!(
                out,
                "| {} | {c} | {} | {} | {ratio} | {} | {} | {} | {failed} | {lo:.2} – {hi:.2} |",
                p.label(),
                rps(&base),
                rps(&gate),
                pair(|s| s.run.p50_us, 0),
                pair(|s| s.run.p99_us, 0),
                pair(|s| s.cpu_us, 1),
            );
        }
    }
    let _ = writeln!(
        out,
        "\nConnect has no row for the baseline: tonic does not speak it. `failed`: requests not answered 2xx (h2load) or non-2xx plus socket errors (wrk), both servers, all rounds.\n"
    );

    let _ = writeln!(out, "### Instructions per request (callgrind)\n");
    match &r.profile {
        Ok(counts) if !counts.is_empty() => {
            let _ = writeln!(
                out,
                "Each server under `valgrind --tool=callgrind`, one connection, {} sequential VerifyMyPhone requests counted after a warm-up (`callgrind_control -z` / `-d`); all threads of the server process. Unlike req/s, the count does not depend on what else the machine runs.\n",
                super::profile::REQUESTS
            );
            let _ = writeln!(
                out,
                "| protocol | baseline | protogate | protogate / baseline |"
            );
            let _ = writeln!(out, "|---|---|---|---|");
            for p in PROTOCOLS {
                let find = |v: Variant| {
                    counts
                        .iter()
                        .find(|c| c.variant == v && c.protocol == p)
                        .map(|c| c.instructions)
                };
                if let (Some(b), Some(g)) = (find(Variant::Baseline), find(Variant::Protogate)) {
                    let _ = writeln!(out, "| {} | {b:.0} | {g:.0} | {:.2}× |", p.label(), g / b);
                }
            }
            let _ = writeln!(out);
        }
        Ok(_) => {
            let _ = writeln!(out, "No counts.\n");
        }
        Err(e) => {
            let _ = writeln!(out, "Not measured: {e}.\n");
        }
    }

    let _ = writeln!(out, "### Memory (VmRSS)\n");
    let _ = writeln!(
        out,
        "Goal: idle ≤ {RSS_GOAL_MB} MB and flat over the soak. Soak columns: median of the samples (every 0.5 s) in the second and in the last quarter of the soak.\n"
    );
    let _ = writeln!(
        out,
        "| server | idle after start | idle after the load matrix | soak, 2nd quarter | soak, last quarter | soak max | idle after the soak |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for (variant, memory) in &r.memory {
        let soak = r.soaks.iter().find(|(v, _)| v == variant).map(|s| &s.1);
        let (q2, q4, max) = soak.map_or((None, None, None), |s| {
            let total = s.duration.as_secs_f64();
            (
                soak::rss_window(&s.rss, total, 0.25, 0.5),
                soak::rss_window(&s.rss, total, 0.75, 1.0),
                s.rss.iter().map(|x| x.1).max(),
            )
        });
        let f = |v: Option<f64>| v.map_or("—".into(), |v| format!("{v:.1} MiB"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            variant.label(),
            mib(memory.idle_start),
            mib(memory.idle_after_load),
            f(q2),
            f(q4),
            mib(max),
            mib(memory.idle_after_soak)
        );
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "### Soak\n");
    let _ = writeln!(
        out,
        "8 clients for {} s per server, each cycling through valid verifies on every protocol, SetMyPhone writes (each read back at the end), GetMyPhone, and invalid requests: wrong, empty and 201-character codes, a phone without `+`, no token, a forged token, malformed JSON and a malformed protobuf message. Server errors: HTTP 5xx, or UNKNOWN / INTERNAL / UNAVAILABLE / DATA_LOSS where another code was expected.\n",
        m.soak.as_secs()
    );
    let _ = writeln!(
        out,
        "| server | requests | req/s | server errors | unexpected answers | no answer | writes acknowledged | lost writes |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for (variant, s) in &r.soaks {
        let unexpected: u64 = s.kinds.values().map(|k| k.1).sum();
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {} | {unexpected} | {} | {} | {} |",
            variant.label(),
            s.requests,
            s.requests as f64 / s.duration.as_secs_f64().max(1e-9),
            s.server_errors,
            s.transport_errors,
            s.writes_acked,
            s.lost_writes
        );
    }
    for (variant, s) in &r.soaks {
        for example in &s.examples {
            let _ = writeln!(out, "\n- {}: {example}", variant.label());
        }
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "### Answer checks\n");
    let failed: Vec<_> = r.checks.iter().filter(|c| c.problem.is_some()).collect();
    let protocols: BTreeSet<&str> = r.checks.iter().map(|c| c.protocol.label()).collect();
    let _ = writeln!(
        out,
        "Load tools count HTTP statuses only, so before and after the matrix the harness sends the measured request and five refusals (wrong code, empty code, no token, forged token, unknown user) over every protocol ({}) to each server with a client that reads grpc-status, gRPC-Web trailer frames and error bodies: {} answers checked, {} wrong.",
        protocols.into_iter().collect::<Vec<_>>().join(", "),
        r.checks.len(),
        failed.len()
    );
    for c in failed {
        let _ = writeln!(
            out,
            "\n- {} {} {}: {}",
            c.variant.label(),
            c.protocol.label(),
            c.case,
            c.problem.as_deref().unwrap_or("")
        );
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "### Verdict\n");
    for p in PROTOCOLS {
        if p == Protocol::Connect {
            continue;
        }
        let ratios: Vec<(usize, f64)> = CONNECTIONS
            .iter()
            .map(|&c| (c, paired_ratio(&r.samples, p, c)))
            .collect();
        let worst = ratios.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
        let list = ratios
            .iter()
            .map(|(c, x)| format!("{x:.2}× at {c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "- {}: {list} — goal (≥ {RATIO_GOAL}×) {}",
            p.label(),
            if worst >= RATIO_GOAL {
                "met"
            } else {
                "**not met**"
            }
        );
    }
    for (variant, memory) in &r.memory {
        let idle = memory.idle_start.map_or(f64::NAN, mb);
        let soak = r.soaks.iter().find(|(v, _)| v == variant).map(|s| &s.1);
        let growth = soak.and_then(|s| {
            let total = s.duration.as_secs_f64();
            Some(
                soak::rss_window(&s.rss, total, 0.75, 1.0)?
                    - soak::rss_window(&s.rss, total, 0.25, 0.5)?,
            )
        });
        let flat = growth.is_some_and(|g| g <= 1.0);
        let _ = writeln!(
            out,
            "- {} memory: idle {idle:.1} MB ({}), soak growth from the 2nd to the last quarter {} ({})",
            variant.label(),
            if idle <= RSS_GOAL_MB { "goal met" } else { "**goal not met**" },
            growth.map_or("—".into(), |g| format!("{g:+.2} MiB")),
            if flat { "flat" } else { "**not flat**" }
        );
    }
    for (variant, s) in &r.soaks {
        let unexpected: u64 = s.kinds.values().map(|k| k.1).sum();
        let clean = s.server_errors == 0 && unexpected == 0 && s.lost_writes == 0;
        let _ = writeln!(
            out,
            "- {} soak: {} server errors, {unexpected} unexpected answers, {} lost writes — {}",
            variant.label(),
            s.server_errors,
            s.lost_writes,
            if clean { "clean" } else { "**not clean**" }
        );
    }
    let _ = writeln!(out, "{END}");
    out
}

/// Replaces the section between the markers in `path`, or appends it. The file is read right
/// before writing: other sections are other tools' and stay as they are.
pub fn write_section(path: &Path, section: &str) -> std::io::Result<()> {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    let updated = match (current.find(BEGIN_PREFIX), current.find(END)) {
        (Some(start), Some(end)) if end > start => {
            let after = end + END.len();
            let rest = current[after..]
                .strip_prefix('\n')
                .unwrap_or(&current[after..]);
            format!("{}{section}{rest}", &current[..start])
        }
        _ => {
            let mut text = current.clone();
            if !text.is_empty() && !text.ends_with("\n\n") {
                text.push_str(if text.ends_with('\n') { "\n" } else { "\n\n" });
            }
            text.push_str(section);
            text
        }
    };
    std::fs::write(path, updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_replaces_only_itself() {
        let dir = std::env::temp_dir().join(format!("bench-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("B.md");
        std::fs::write(&path, "# B\n\nother\n").unwrap();
        write_section(&path, &format!("{BEGIN}\none\n{END}\n")).unwrap();
        std::fs::write(
            &path,
            std::fs::read_to_string(&path).unwrap() + "\n## Later\n",
        )
        .unwrap();
        write_section(&path, &format!("{BEGIN}\ntwo\n{END}\n")).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            format!("# B\n\nother\n\n{BEGIN}\ntwo\n{END}\n\n## Later\n")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn medians_ignore_missing_values() {
        assert_eq!(median(vec![3.0, f64::NAN, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![1.0, 2.0]), 1.5);
        assert!(median(vec![]).is_nan());
    }
}
