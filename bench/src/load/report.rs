//! The Serving sections of BENCHMARKS.md: machine, command, medians and ratios from one run,
//! one section per store (the in-memory one carries the goals; the SQLite one,
//! baseline and protogate only, reports its ratios without a goal).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use super::servers::Subject;
use super::{soak, Placement, Results, Sample, CONNECTIONS, PROTOCOLS, SHARED_CORE_PROTOCOLS};
use crate::client::Protocol;
use crate::store::StoreKind;

const BEGIN: &str = "<!-- bench-serving:begin (written by `protogate-bench load`; edits inside are overwritten) -->";
const BEGIN_PREFIX: &str = "<!-- bench-serving:begin";
const END: &str = "<!-- bench-serving:end -->";
const SQLITE_BEGIN: &str = "<!-- bench-serving-sqlite:begin (written by `protogate-bench load --store sqlite`; edits inside are overwritten) -->";
const SQLITE_BEGIN_PREFIX: &str = "<!-- bench-serving-sqlite:begin";
const SQLITE_END: &str = "<!-- bench-serving-sqlite:end -->";

/// The markers of `store`'s section: begin, the prefix that finds it, end.
fn markers(store: StoreKind) -> (&'static str, &'static str, &'static str) {
    match store {
        StoreKind::Memory => (BEGIN, BEGIN_PREFIX, END),
        StoreKind::Sqlite => (SQLITE_BEGIN, SQLITE_BEGIN_PREFIX, SQLITE_END),
    }
}

/// The heading of `store`'s section.
pub fn heading(store: StoreKind) -> &'static str {
    match store {
        StoreKind::Memory => "Serving",
        StoreKind::Sqlite => "Serving with SQLite",
    }
}

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

/// The matrix's runs of `v` on `p` with `c` connections.
fn cell(samples: &[Sample], v: Subject, p: Protocol, c: usize) -> Vec<&Sample> {
    samples
        .iter()
        .filter(|s| {
            s.variant == v && s.protocol == p && s.conns == c && s.placement == Placement::Free
        })
        .collect()
}

/// The one-connection runs of `v` on `p` with the server and the load tool on one core.
fn shared_cell(samples: &[Sample], v: Subject, p: Protocol) -> Vec<&Sample> {
    samples
        .iter()
        .filter(|s| s.variant == v && s.protocol == p && s.placement == Placement::SharedCore)
        .collect()
}

/// The loopback echo's round trips per second, every run at `placement`.
fn floor_rates(r: &Results, placement: Placement) -> Vec<f64> {
    r.floors.as_ref().map_or_else(
        |_| Vec::new(),
        |floors| {
            floors
                .iter()
                .filter(|f| f.placement == placement)
                .map(|f| f.rate)
                .collect()
        },
    )
}

/// The echo across cores divided by `reference`'s req/s at one connection on `p`, the two
/// from the same round: the most any server could reach against it on this machine.
fn floor_ratios(r: &Results, reference: Subject, p: Protocol) -> Vec<f64> {
    let Ok(floors) = &r.floors else {
        return Vec::new();
    };
    let runs = cell(&r.samples, reference, p, 1);
    floors
        .iter()
        .filter(|f| f.placement == Placement::Free && f.protocol == p)
        .filter_map(|f| {
            let run = runs.iter().find(|s| s.round == f.round)?;
            Some(f.rate / run.run.rps)
        })
        .filter(|x| x.is_finite())
        .collect()
}

/// Protogate's req/s divided by `reference`'s in the same round, one value per round.
pub fn paired_ratios(samples: &[Sample], reference: Subject, p: Protocol, c: usize) -> Vec<f64> {
    round_ratios(
        &cell(samples, reference, p, c),
        &cell(samples, Subject::Protogate, p, c),
    )
}

/// Median over rounds of [`paired_ratios`].
pub fn paired_ratio(samples: &[Sample], reference: Subject, p: Protocol, c: usize) -> f64 {
    median(paired_ratios(samples, reference, p, c))
}

/// [`paired_ratios`] of the one-core runs.
pub fn shared_ratios(samples: &[Sample], reference: Subject, p: Protocol) -> Vec<f64> {
    round_ratios(
        &shared_cell(samples, reference, p),
        &shared_cell(samples, Subject::Protogate, p),
    )
}

fn round_ratios(base: &[&Sample], gate: &[&Sample]) -> Vec<f64> {
    base.iter()
        .filter_map(|b| {
            let g = gate.iter().find(|g| g.round == b.round)?;
            Some(g.run.rps / b.run.rps)
        })
        .filter(|x| x.is_finite())
        .collect()
}

/// The confidence asked of an [`Interval`].
const CONFIDENCE: f64 = 0.95;

/// A distribution-free confidence interval for the median of some values: the k-th smallest
/// and the k-th largest, k the largest for which the chance that the median lies between
/// them is at least [`CONFIDENCE`] (the count of values under the median is binomial,
/// n and ½), or the smallest and largest when no k reaches it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The median.
    pub median: f64,
    /// The lower end.
    pub low: f64,
    /// The upper end.
    pub high: f64,
    /// The chance that the interval holds the median of the values' distribution.
    pub coverage: f64,
}

impl Interval {
    /// `None` without a finite value.
    pub fn of(values: &[f64]) -> Option<Interval> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        if n == 0 {
            return None;
        }
        // coverage(k) = 1 − 2·P(B ≤ k − 1), B ~ Binomial(n, ½); k ≤ n + 1 − k.
        let half_n = 0.5f64.powi(n as i32);
        let (mut k, mut coverage) = (1, 0.0);
        let (mut choose, mut tail) = (1.0, 0.0); // C(n, j − 1) and the sum of C(n, i), i < j − 1
        for j in 1..=n.div_ceil(2) {
            tail += choose;
            let wide = 1.0 - 2.0 * tail * half_n;
            if j > 1 && wide < CONFIDENCE {
                break;
            }
            (k, coverage) = (j, wide);
            choose = choose * (n + 1 - j) as f64 / j as f64;
        }
        Some(Interval {
            median: median(sorted.clone()),
            low: sorted[k - 1],
            high: sorted[n - k],
            coverage,
        })
    }
}

/// One goal of the issue: protogate at least `factor` times `reference` on `protocols`.
pub struct Goal {
    /// The server compared with.
    pub reference: Subject,
    /// The least ratio.
    pub factor: f64,
    /// Where the goal applies.
    pub protocols: &'static [Protocol],
}

/// The ratios of the SQLite section: against the baseline, no goal on any protocol.
const NO_GOAL: [Goal; 1] = [Goal {
    reference: Subject::Baseline,
    factor: RATIO_GOAL,
    protocols: &[],
}];

/// The throughput goals, and one comparison without a goal (empty `protocols`):
/// grpc-gateway, the REST front ZITADEL's Go stack uses, on the protocols it serves.
pub const GOALS: [Goal; 4] = [
    Goal {
        reference: Subject::Baseline,
        factor: RATIO_GOAL,
        protocols: &[
            Protocol::Grpc,
            Protocol::GrpcWeb,
            Protocol::RestH2,
            Protocol::RestH1,
        ],
    },
    Goal {
        reference: Subject::Connectrpc,
        factor: 1.0,
        protocols: &[Protocol::Grpc, Protocol::GrpcWeb, Protocol::Connect],
    },
    Goal {
        reference: Subject::ConnectNode,
        factor: 10.0,
        protocols: &[Protocol::Grpc, Protocol::GrpcWeb, Protocol::Connect],
    },
    Goal {
        reference: Subject::GrpcGateway,
        factor: 1.0,
        protocols: &[],
    },
];

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
    // Other work in the tree does not change what runs here; the bench's own files do.
    let dirty = Command::new("git")
        .args([
            "-C",
            repo,
            "status",
            "--porcelain",
            "--",
            "bench",
            "runtime",
        ])
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    if dirty {
        format!("{head} with uncommitted changes under bench/ or runtime/")
    } else {
        head
    }
}

/// The one-connection runs with the server and the load tool on one core.
fn render_shared_core(out: &mut String, r: &Results, measured: &[Subject], goals: &[Goal]) {
    let _ = writeln!(
        out,
        "### One connection, server and load tool on one core\n"
    );
    let _ = writeln!(
        out,
        "The protocols with a connect-node goal again at 1 connection, each server's threads and the load tool pinned to core 0 (`taskset -a -p` for the running server, `taskset -c` for the tool), same rounds and lengths as above. With one connection the load tool sends a request only when the last answer has arrived, so with the cores free every request pays two cross-core wake-ups, which on a virtual machine can take longer than the server's own work; on one core the figure is what the server and the load tool spend per request. A server that is CPU-bound at 1 connection (see its CPU µs/req above) gains nothing here.\n"
    );
    let _ = write!(out, "| protocol |");
    for s in measured {
        let _ = write!(out, " {} |", s.label());
    }
    let references: Vec<&Goal> = goals
        .iter()
        .filter(|g| measured.contains(&g.reference))
        .collect();
    for g in &references {
        let _ = write!(out, " ÷ {} |", g.reference.label());
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "|{}",
        "---|".repeat(1 + measured.len() + references.len())
    );
    for p in SHARED_CORE_PROTOCOLS {
        if shared_cell(&r.samples, Subject::Protogate, p).is_empty() {
            continue;
        }
        let _ = write!(out, "| {} |", p.label());
        for &s in measured {
            let v: Vec<f64> = shared_cell(&r.samples, s, p)
                .iter()
                .map(|x| x.run.rps)
                .collect();
            if v.is_empty() {
                let _ = write!(out, " — |");
                continue;
            }
            let (lo, hi) = range(&v);
            let _ = write!(out, " {:.0} ({lo:.0} – {hi:.0}) |", median(v));
        }
        for g in &references {
            let ratio = median(shared_ratios(&r.samples, g.reference, p));
            if !ratio.is_finite() {
                let _ = write!(out, " — |");
            } else if g.protocols.contains(&p) && ratio < g.factor {
                let _ = write!(out, " **{ratio:.2}×** |");
            } else {
                let _ = write!(out, " {ratio:.2}× |");
            }
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out);
    render_floor(out, r);
}

/// The loopback echo, under the one-connection table.
fn render_floor(out: &mut String, r: &Results) {
    let describe = |rates: Vec<f64>| -> Option<String> {
        if rates.is_empty() {
            return None;
        }
        let (lo, hi) = range(&rates);
        let m = median(rates);
        Some(format!(
            "{m:.0} round trips/s ({lo:.0} – {hi:.0}), {:.1} µs each",
            1e6 / m
        ))
    };
    match &r.floors {
        Ok(_) => {
            let cross = describe(floor_rates(r, Placement::Free))
                .map(|d| format!("{d} with its two ends pinned to different cores, "))
                .unwrap_or_default();
            let same =
                describe(floor_rates(r, Placement::SharedCore)).unwrap_or_else(|| "—".into());
            let _ = writeln!(
                out,
                "Loopback floor, no server: a plain TCP echo — two threads, blocking sockets, `TCP_NODELAY`, 128 bytes each way, no HTTP/2 and no work — run for 1 s in each round of the one-connection runs above of the protocols with a connect-node goal, beside the servers of that round: {cross}{same} on one core. One connection carries at most this many requests per second, whatever the server; the matrix's one-connection runs mostly have the load tool and the server on different cores, as the first figure does.\n"
            );
        }
        Err(why) => {
            let _ = writeln!(out, "Loopback floor: {why}.\n");
        }
    }
}

/// The verdict list's text for some cells (a label each, the per-round ratios), and, given a
/// goal, whether they meet it: every median at least the goal; a shortfall is called noise
/// when the interval of every median under the goal still reaches it.
fn judge(cells: &[(String, Vec<f64>)], goal: Option<f64>) -> (String, &'static str) {
    let intervals: Vec<(&str, Interval)> = cells
        .iter()
        .filter_map(|(label, ratios)| Some((label.as_str(), Interval::of(ratios)?)))
        .collect();
    if intervals.is_empty() {
        return ("not measured".to_owned(), "**not shown**");
    }
    let list = intervals
        .iter()
        .map(|(label, i)| {
            let text = format!("{:.2}× ({:.2} – {:.2})", i.median, i.low, i.high);
            if label.is_empty() {
                text
            } else {
                format!("{text} {label}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let Some(goal) = goal else {
        return (list, "");
    };
    let short: Vec<&Interval> = intervals
        .iter()
        .map(|(_, i)| i)
        .filter(|i| i.median < goal)
        .collect();
    let verdict = if short.is_empty() {
        "met"
    } else if short.iter().all(|i| i.high >= goal) {
        "**not met** by the median, within this run's noise"
    } else {
        "**not met**"
    };
    (list, verdict)
}

/// Where protogate misses `g` on `p` at one connection with the cores free: whether any
/// server could meet it there, from the loopback echo's round trips against the reference's
/// requests per second in the same rounds.
fn reach_line(r: &Results, g: &Goal, p: Protocol) -> Option<String> {
    let gate = Interval::of(&paired_ratios(&r.samples, g.reference, p, 1))?;
    if gate.median >= g.factor {
        return None;
    }
    let echo = Interval::of(&floor_ratios(r, g.reference, p))?;
    let share = gate.median / echo.median * 100.0;
    let reach = if echo.high < g.factor {
        format!("the goal is out of any server's reach at 1 connection on this machine; protogate at {share:.0} % of the echo's rate")
    } else if echo.median < g.factor {
        format!("the echo itself misses the goal by its median (within this run's noise), so it is at the edge of any server's reach here; protogate at {share:.0} % of the echo's rate")
    } else {
        format!("the echo meets the goal, so a faster server could; protogate at {share:.0} % of the echo's rate")
    };
    Some(format!(
        "- {} vs {} at 1 connection, against the loopback floor: the TCP echo with no server, run in the same rounds, makes {:.2}× ({:.2} – {:.2}) {}'s requests per second — {reach}",
        p.label(),
        g.reference.label(),
        echo.median,
        echo.low,
        echo.high,
        g.reference.label(),
    ))
}

/// The section, markers included.
pub fn render(r: &Results) -> String {
    let mut out = String::new();
    let sqlite = r.store == StoreKind::Sqlite;
    let goals: &[Goal] = if sqlite { &NO_GOAL } else { &GOALS };
    let (begin, _, end) = markers(r.store);
    let today = crate::baseline::rfc3339(crate::logic::now_micros());
    let m = &r.mode;
    let measured: Vec<Subject> = Subject::ALL
        .into_iter()
        .filter(|s| r.measured.contains(s))
        .collect();
    let names = measured
        .iter()
        .map(|s| s.label())
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "{begin}");
    let _ = writeln!(out, "## {}\n", heading(r.store));
    let seeded = if sqlite {
        format!(
            "seeded with the same 256 users in a SQLite file of its own ({}), opened as the example opens its store: WAL, `synchronous = FULL` (each commit waits for the disk), a pool of 8 connections. Every request reads the caller's row and writes it back in one transaction (`BEGIN IMMEDIATE`, SELECT, UPDATE, COMMIT), no cache in front; writers queue on SQLite's one write lock. The same logic as the Serving section above, so the ratios show how much of the frameworks' difference is left once real reads and writes take most of the time; no goal applies here",
            temp_dir_filesystem()
        )
    } else {
        "seeded with the same 256 in-memory users".to_string()
    };
    let _ = writeln!(
        out,
        "Command: `{}` (`cargo xtask bench{}` runs it) — {} rounds per cell, {} s measured per run ({} s h2load warm-up first); in each round every server that serves the protocol runs once, back to back, the order rotating from round to round; medians over rounds, (min – max) in brackets; ratios are medians of the per-round ratios, so both sides of a ratio ran within seconds of each other. Servers measured: {names}, each a separate process {seeded}; the load tool, the servers and other engineers' builds share the machine's cores, so absolute figures move with the load average given per row.\n",
        r.command,
        format_args!(
            "{}{}",
            if m.name == "full" { " --full" } else { "" },
            if sqlite { " --store sqlite" } else { "" }
        ),
        m.rounds,
        m.duration.as_secs(),
        m.warm_up.as_secs()
    );
    let _ = writeln!(out, "- Date: {} (UTC)", &today[..10]);
    let _ = writeln!(
        out,
        "- Machine: {}; load average {:.2} before, {:.2} after the run",
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
        "- Request: `VerifyMyPhone {{ code }}` with a valid HS256 bearer token — authenticate, validate (PGV `min_len 1, max_len 200`), look the user up, compare the code, bump the sequence, answer `details`. gRPC and gRPC-Web send a pre-encoded frame; Connect posts `{{\"code\":\"…\"}}` as `application/json` with `connect-protocol-version: 1`; REST posts it to `/auth/v1/users/me/phone/_verify` (h2load over h2c, wrk over HTTP/1.1)."
    );
    let _ = writeln!(
        out,
        "- baseline: `bench/src/baseline/` — tonic's generated server (tonic-prost-build + protox in bench/build.rs), tonic-web over the gRPC routes only, axum + serde for REST, `axum::serve` on one listener; no Connect."
    );
    let _ = writeln!(
        out,
        "- protogate: the example's generated code (`verify_phone::api`) with the same handler logic (`bench/src/logic.rs`), `protogate::Server::serve_with_shutdown` (the server's service, no router in front, on the same `axum::serve`)."
    );
    if sqlite {
        let _ = writeln!(
            out,
            "- Peers (connectrpc, connect-node, grpc-gateway): not run with this store; they keep their users in memory."
        );
    }
    let version = |s: Subject| {
        r.peer_versions
            .iter()
            .find(|(v, _)| *v == s)
            .map_or(String::new(), |(_, v)| format!(" ({v})"))
    };
    if !sqlite {
        let _ = writeln!(
            out,
            "- connectrpc{}: `bench/peers/connectrpc`, a cargo project outside the workspace — connectrpc-build (descriptors from protox) for buffa messages and the service trait, `connectrpc::Server` (hyper, HTTP/1.1 + h2c), bench/src/logic.rs and bench/src/auth.rs compiled in; gRPC, gRPC-Web and Connect.",
            version(Subject::Connectrpc)
        );
        let _ = writeln!(
            out,
            "- connect-node{}: `bench/peers/connect-node/server.mjs` — `connectNodeAdapter` on `node:http2` (h2c), the service loaded at start from the descriptor set bench/build.rs writes, the same logic and HS256 checks written in JavaScript (node's crypto); gRPC, gRPC-Web and Connect; one node process, as connect-node runs.",
            version(Subject::ConnectNode)
        );
        let _ = writeln!(
            out,
            "- grpc-gateway{}: `bench/peers/grpc-gateway`, built offline by its build.sh from Debian's Go packages — protoc-gen-go and protoc-gen-grpc-gateway (v1) over schemas/proto, grpc-go serving the service, the generated REST handlers forwarding to it over a loopback gRPC connection as ZITADEL's Go stack does, both behind one h2c port; the same logic and HS256 checks written in Go; gRPC and REST (h2c and HTTP/1.1). No goal applies; its ratio column is for information.",
            version(Subject::GrpcGateway)
        );
    }
    for (subject, why) in r.missing.iter().filter(|_| !sqlite) {
        let _ = writeln!(out, "- **{} not measured**: {why}", subject.label());
    }
    for (subject, protocol) in &r.skipped {
        let _ = writeln!(
            out,
            "- **{} over {} not measured**: its answer to the measured request is wrong (see Answer checks)",
            subject.label(),
            protocol.label()
        );
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "### Throughput (req/s)\n");
    let goal_list = goals
        .iter()
        .filter(|g| !g.protocols.is_empty())
        .map(|g| {
            format!(
                "≥ {}× {} on {}",
                g.factor,
                g.reference.label(),
                g.protocols
                    .iter()
                    .map(|p| p.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    if sqlite {
        let _ = writeln!(
            out,
            "Ratio column: protogate ÷ baseline, for information (the issue's goals are for the in-memory figures).\n"
        );
    } else {
        let _ = writeln!(
            out,
            "Goals for protogate: {goal_list}. Ratio columns: protogate ÷ that server, **bold** when under its goal (a ratio where no goal applies is plain).\n"
        );
    }
    let _ = write!(out, "| protocol | conns |");
    for s in &measured {
        let _ = write!(out, " {} |", s.label());
    }
    for g in goals {
        if measured.contains(&g.reference) {
            let _ = write!(out, " ÷ {} |", g.reference.label());
        }
    }
    let _ = writeln!(out);
    let columns = 2
        + measured.len()
        + goals
            .iter()
            .filter(|g| measured.contains(&g.reference))
            .count();
    let _ = writeln!(out, "|{}", "---|".repeat(columns));
    for p in PROTOCOLS {
        for c in CONNECTIONS {
            if cell(&r.samples, Subject::Protogate, p, c).is_empty() {
                continue;
            }
            let _ = write!(out, "| {} | {c} |", p.label());
            for &s in &measured {
                let samples = cell(&r.samples, s, p, c);
                if samples.is_empty() {
                    let _ = write!(out, " — |");
                    continue;
                }
                let v: Vec<f64> = samples.iter().map(|x| x.run.rps).collect();
                let (lo, hi) = range(&v);
                let _ = write!(out, " {:.0} ({lo:.0} – {hi:.0}) |", median(v));
            }
            for g in goals {
                if !measured.contains(&g.reference) {
                    continue;
                }
                let ratio = paired_ratio(&r.samples, g.reference, p, c);
                if !ratio.is_finite() {
                    let _ = write!(out, " — |");
                } else if g.protocols.contains(&p) && ratio < g.factor {
                    let _ = write!(out, " **{ratio:.2}×** |");
                } else {
                    let _ = write!(out, " {ratio:.2}× |");
                }
            }
            let _ = writeln!(out);
        }
    }
    let _ = writeln!(
        out,
        "\n— : the server does not serve the protocol (tonic has no Connect{}).\n",
        if sqlite {
            ""
        } else {
            "; connectrpc and connect-node have no REST, grpc-gateway serves gRPC and REST only"
        }
    );

    if SHARED_CORE_PROTOCOLS
        .iter()
        .any(|&p| !shared_cell(&r.samples, Subject::Protogate, p).is_empty())
    {
        render_shared_core(&mut out, r, &measured, goals);
    }

    let _ = writeln!(out, "### Latency and server CPU\n");
    let order = measured
        .iter()
        .map(|s| s.label())
        .collect::<Vec<_>>()
        .join(" / ");
    let _ = writeln!(
        out,
        "Each column lists the servers in the order {order}. Latency: medians over rounds of each run's p50 and p99 (h2load's per-request log, which covers the measured window only; wrk's `--latency`). Server CPU: user + system time of the server process (from /proc) over the run, per request answered (h2load's uncounted warm-up requests taken at the measured rate). `failed`: requests not answered 2xx (h2load) or non-2xx plus socket errors (wrk), all servers and rounds.\n"
    );
    let _ = writeln!(
        out,
        "| protocol | conns | p50 µs | p99 µs | server CPU µs/req | failed | load avg |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for p in PROTOCOLS {
        for c in CONNECTIONS {
            let all: Vec<&Sample> = r
                .samples
                .iter()
                .filter(|s| s.protocol == p && s.conns == c)
                .collect();
            if all.is_empty() {
                continue;
            }
            let per = |f: fn(&Sample) -> f64, digits: usize| {
                measured
                    .iter()
                    .map(|&s| {
                        let v: Vec<f64> = cell(&r.samples, s, p, c).iter().map(|x| f(x)).collect();
                        if v.is_empty() {
                            "—".to_string()
                        } else {
                            format!("{:.*}", digits, median(v))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" / ")
            };
            let failed: u64 = all.iter().map(|s| s.run.failed).sum();
            let loads: Vec<f64> = all.iter().map(|s| s.load).collect();
            let (lo, hi) = range(&loads);
            let _ = writeln!(
                out,
                "| {} | {c} | {} | {} | {} | {failed} | {lo:.2} – {hi:.2} |",
                p.label(),
                per(|s| s.run.p50_us, 0),
                per(|s| s.run.p99_us, 0),
                per(|s| s.cpu_us, 1),
            );
        }
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "### Instructions per request (callgrind)\n");
    match &r.profile {
        Ok(counts) if !counts.is_empty() => {
            out.push_str(&render_profile(counts));
        }
        Ok(_) => {
            let _ = writeln!(out, "No counts.\n");
        }
        Err(e) => {
            let _ = writeln!(out, "Not measured: {e}.\n");
        }
    }

    let _ = writeln!(out, "### Where the CPU time goes (perf)\n");
    match &r.cpu {
        Ok(breakdowns) if !breakdowns.is_empty() => {
            out.push_str(&render_cpu(breakdowns));
        }
        Ok(_) => {
            let _ = writeln!(out, "No samples.\n");
        }
        Err(e) => {
            let _ = writeln!(out, "Not measured: {e}.\n");
        }
    }

    let _ = writeln!(out, "### Memory (VmRSS)\n");
    let _ = writeln!(
        out,
        "Goal (protogate): idle ≤ {RSS_GOAL_MB} MB and flat over the soak. Soak columns: median of the samples (every 0.5 s) in the second and in the last quarter of the soak.\n"
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
        "8 clients for {} s per server, each cycling through valid verifies on every protocol the server serves, SetMyPhone writes (each read back over gRPC at the end), GetMyPhone, and invalid requests: wrong, empty and 201-character codes, a phone without `+`, no token, a forged token, malformed JSON and a malformed protobuf message. Server errors: HTTP 5xx, or UNKNOWN / INTERNAL / UNAVAILABLE / DATA_LOSS where another code was expected. Lost writes: users whose last acknowledged SetMyPhone is not what GetMyPhone reads back.\n",
        m.soak.as_secs()
    );
    let _ = writeln!(
        out,
        "| server | requests | req/s | server errors (5xx) | unexpected answers | no answer | writes acknowledged | lost writes |"
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
    let per_server = measured
        .iter()
        .map(|&s| {
            let protocols: BTreeSet<&str> = r
                .checks
                .iter()
                .filter(|c| c.variant == s)
                .map(|c| c.protocol.label())
                .collect();
            format!(
                "{} ({})",
                s.label(),
                protocols.into_iter().collect::<Vec<_>>().join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let _ = writeln!(
        out,
        "Load tools count HTTP statuses only, so before and after the matrix the harness sends the measured request and five refusals (wrong code, empty code, no token, forged token, unknown user) over every protocol each server serves — {per_server} — with a client that reads grpc-status, gRPC-Web trailer frames and error bodies, and decodes the measured request's answer: {} answers checked, {} wrong.",
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
    if let Some(i) = Interval::of(&vec![1.0; r.mode.rounds]) {
        let bracket = if i.coverage >= CONFIDENCE {
            format!(
                "a {:.1} % confidence interval of that median from the same {} rounds (distribution-free: order statistics, the count of rounds under the median being binomial)",
                i.coverage * 100.0,
                r.mode.rounds
            )
        } else {
            format!(
                "the least and greatest per-round ratio — too few rounds ({}) for a 95 % interval of the median; this range holds it with {:.1} % confidence",
                r.mode.rounds,
                i.coverage * 100.0
            )
        };
        let _ = writeln!(
            out,
            "Each ratio is the median of the per-round ratios; in brackets, {bracket}. A goal is met when every median reaches it; a shortfall whose bracket still reaches the goal is one this run cannot tell from the machine's noise, and is marked so.\n"
        );
    }
    if sqlite {
        for p in Subject::Baseline.protocols() {
            let cells: Vec<(String, Vec<f64>)> = CONNECTIONS
                .iter()
                .map(|&c| {
                    let ratios = paired_ratios(&r.samples, Subject::Baseline, *p, c);
                    (format!("at {c}"), ratios)
                })
                .collect();
            let (list, _) = judge(&cells, None);
            let _ = writeln!(
                out,
                "- {} vs baseline: {list} (no goal with this store)",
                p.label()
            );
        }
    }
    for g in goals {
        for &p in g.protocols {
            let cells: Vec<(String, Vec<f64>)> = CONNECTIONS
                .iter()
                .map(|&c| {
                    let ratios = paired_ratios(&r.samples, g.reference, p, c);
                    (format!("at {c}"), ratios)
                })
                .collect();
            let (list, verdict) = judge(&cells, Some(g.factor));
            let _ = writeln!(
                out,
                "- {} vs {}: {list} — goal (≥ {}×) {verdict}",
                p.label(),
                g.reference.label(),
                g.factor,
            );
        }
    }
    for g in goals.iter().filter(|g| g.reference == Subject::ConnectNode) {
        for &p in g.protocols {
            let cells = [(String::new(), shared_ratios(&r.samples, g.reference, p))];
            if cells[0].1.is_empty() {
                continue;
            }
            let (ratio, verdict) = judge(&cells, Some(g.factor));
            let _ = writeln!(
                out,
                "- {} vs {} at 1 connection, server and load tool on one core: {ratio} — goal (≥ {}×) {verdict}",
                p.label(),
                g.reference.label(),
                g.factor,
            );
        }
    }
    for g in goals.iter().filter(|g| g.reference == Subject::ConnectNode) {
        for &p in g.protocols {
            if let Some(line) = reach_line(r, g, p) {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    for g in goals.iter().filter(|g| g.protocols.is_empty() && !sqlite) {
        for &p in g.reference.protocols() {
            let cells: Vec<(String, Vec<f64>)> = CONNECTIONS
                .iter()
                .map(|&c| {
                    (
                        format!("at {c}"),
                        paired_ratios(&r.samples, g.reference, p, c),
                    )
                })
                .collect();
            if cells.iter().all(|(_, ratios)| ratios.is_empty()) {
                continue;
            }
            let (list, _) = judge(&cells, None);
            let _ = writeln!(
                out,
                "- {} vs {}: {list} (no goal; for information)",
                p.label(),
                g.reference.label(),
            );
        }
    }
    if let Ok(counts) = &r.profile {
        for reference in [Subject::Baseline, Subject::Connectrpc] {
            let ratios: Vec<f64> = PROTOCOLS
                .iter()
                .filter_map(|&p| {
                    let find = |v: Subject| {
                        counts
                            .iter()
                            .find(|c| c.variant == v && c.protocol == p)
                            .map(|c| c.instructions)
                    };
                    Some(find(Subject::Protogate)? / find(reference)?)
                })
                .collect();
            if ratios.is_empty() {
                continue;
            }
            let (lo, hi) = range(&ratios);
            let _ = writeln!(
                out,
                "- Instructions per request (independent of the machine's load): protogate {lo:.2}× – {hi:.2}× {} — {}",
                reference.label(),
                if hi <= 1.0 {
                    "no more work per request"
                } else {
                    "**more work per request**"
                }
            );
        }
    }
    if let Ok(breakdowns) = &r.cpu {
        for line in cpu_verdicts(breakdowns) {
            let _ = writeln!(out, "{line}");
        }
    }
    for (variant, memory) in &r.memory {
        if variant.variant().is_none() {
            continue;
        }
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
            if idle <= RSS_GOAL_MB { "≤ 15 MB: goal met" } else { "**goal not met**" },
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
    let _ = writeln!(out, "{end}");
    out
}

/// The file system under the system's temporary directory (where `serve --store sqlite`
/// keeps its database), as `stat -f` names it.
fn temp_dir_filesystem() -> String {
    let dir = std::env::temp_dir();
    let kind = Command::new("stat")
        .args(["-f", "-c", "%T"])
        .arg(&dir)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "file system unknown".into());
    format!("under {}, {kind}", dir.display())
}

/// Replaces `store`'s section between its markers in `path`; a section not there yet is
/// appended, the SQLite one right after the in-memory one when that is there (see
/// [`protogate_bench_sections::replace`]).
pub fn write_section(path: &Path, section: &str, store: StoreKind) -> std::io::Result<()> {
    let (_, begin, end) = markers(store);
    let after = (store == StoreKind::Sqlite).then_some(END);
    protogate_bench_sections::write(
        path,
        protogate_bench_sections::Markers { begin, end, after },
        section,
    )
}

/// The table of CPU time per request by part, sampled with perf.
pub fn render_cpu(breakdowns: &[super::sampling::Breakdown]) -> String {
    use super::sampling::{Part, CONNECTIONS, FREQUENCY};
    let mut out = String::new();
    let _ = writeln!(
        out,
        "`perf record -e cpu-clock -F {FREQUENCY} -p <server>` (a software event: no hardware counters needed, no call graph) while h2load loads the server with {CONNECTIONS} connections; each sampled function goes to a part by the crate that defines it (generic code by the crate of the function, so code inlined into h2 counts as h2). µs per request = a part's samples ÷ {FREQUENCY} Hz ÷ the requests answered while sampled; the rounds' samples add up. perf's own cost lands in the kernel column, so totals run above the matrix's server CPU. Unlike the instruction counts, these are times: they show what instructions cost on this machine (cache and TLB misses, contended atomics).\n"
    );
    let _ = write!(out, "| protocol | server | requests |");
    for part in Part::ALL {
        let _ = write!(out, " {} |", part.label());
    }
    let _ = writeln!(out, " total µs/req |");
    let _ = writeln!(out, "|{}", "---|".repeat(4 + Part::ALL.len()));
    for b in breakdowns {
        let _ = write!(
            out,
            "| {} | {} | {} |",
            b.protocol.label(),
            b.variant.label(),
            b.requests
        );
        for part in Part::ALL {
            let _ = write!(out, " {:.1} |", b.us_per_request(part));
        }
        let _ = writeln!(out, " {:.1} |", b.total_us_per_request());
    }
    let _ = writeln!(out);
    out
}

/// Per protocol: protogate's framework part and its user-space time against each other
/// server sampled on that protocol.
fn cpu_verdicts(breakdowns: &[super::sampling::Breakdown]) -> Vec<String> {
    use super::sampling::Part;
    let user =
        |b: &super::sampling::Breakdown| b.total_us_per_request() - b.us_per_request(Part::Kernel);
    let mut lines = Vec::new();
    for gate in breakdowns
        .iter()
        .filter(|b| b.variant == Subject::Protogate)
    {
        for other in breakdowns
            .iter()
            .filter(|b| b.protocol == gate.protocol && b.variant != Subject::Protogate)
        {
            lines.push(format!(
                "- CPU time per request at {} connections, {} (perf): framework {:.1} µs (protogate) vs {:.1} µs ({}), HTTP/2 {:.1} vs {:.1} µs, all user space {:.1} vs {:.1} µs ({:.2}×), kernel {:.1} vs {:.1} µs",
                super::sampling::CONNECTIONS,
                gate.protocol.label(),
                gate.us_per_request(Part::Framework),
                other.us_per_request(Part::Framework),
                other.variant.label(),
                gate.us_per_request(Part::Http),
                other.us_per_request(Part::Http),
                user(gate),
                user(other),
                user(gate) / user(other),
                gate.us_per_request(Part::Kernel),
                other.us_per_request(Part::Kernel),
            ));
        }
    }
    lines
}

/// The table of instructions per request, with protogate's ratio to each other server.
pub fn render_profile(counts: &[super::profile::Count]) -> String {
    let mut out = String::new();
    let profiled: Vec<Subject> = Subject::ALL
        .into_iter()
        .filter(|s| counts.iter().any(|c| c.variant == *s))
        .collect();
    let _ = writeln!(
        out,
        "The Rust servers ({}) under `valgrind --tool=callgrind`, one connection, {} sequential VerifyMyPhone requests counted after a warm-up (`callgrind_control -z` / `-d`); all threads of the server process. Unlike req/s, the count does not depend on what else the machine runs; fewer is better, so a ratio above 1 means protogate does more work per request. (connect-node is left out: a JIT's count under valgrind says little.)\n",
        profiled
            .iter()
            .map(|s| s.label())
            .collect::<Vec<_>>()
            .join(", "),
        super::profile::REQUESTS
    );
    let find = |v: Subject, p: Protocol| {
        counts
            .iter()
            .find(|c| c.variant == v && c.protocol == p)
            .map(|c| c.instructions)
    };
    let references: Vec<Subject> = profiled
        .iter()
        .copied()
        .filter(|s| *s != Subject::Protogate)
        .collect();
    let _ = write!(out, "| protocol |");
    for s in &profiled {
        let _ = write!(out, " {} |", s.label());
    }
    for s in &references {
        let _ = write!(out, " protogate ÷ {} |", s.label());
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "|{}",
        "---|".repeat(1 + profiled.len() + references.len())
    );
    for p in PROTOCOLS {
        let Some(gate) = find(Subject::Protogate, p) else {
            continue;
        };
        let _ = write!(out, "| {} |", p.label());
        for &s in &profiled {
            match find(s, p) {
                Some(n) => {
                    let _ = write!(out, " {n:.0} |");
                }
                None => {
                    let _ = write!(out, " — |");
                }
            }
        }
        for &s in &references {
            match find(s, p) {
                Some(n) => {
                    let _ = write!(out, " {:.2}× |", gate / n);
                }
                None => {
                    let _ = write!(out, " — |");
                }
            }
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(variant: Subject, round: usize, rps: f64) -> Sample {
        Sample {
            variant,
            protocol: Protocol::Grpc,
            conns: 1,
            round,
            placement: Placement::Free,
            run: super::super::tools::Run {
                requests: rps as u64,
                rps,
                p50_us: 0.0,
                p99_us: 0.0,
                failed: 0,
                total_requests: rps as u64,
            },
            cpu_us: 0.0,
            load: 0.0,
        }
    }

    /// Five rounds: connect-node at 1,000 req/s, protogate at `gate`, the echo at `echo`.
    fn one_connection(gate: f64, echo: f64) -> Results {
        one_connection_rounds(gate, &[echo; 5])
    }

    /// A round per echo rate: connect-node at 1,000 req/s, protogate at `gate`.
    fn one_connection_rounds(gate: f64, echoes: &[f64]) -> Results {
        let mut samples = Vec::new();
        let mut floors = Vec::new();
        for (round, &echo) in echoes.iter().enumerate() {
            samples.push(sample(Subject::ConnectNode, round, 1000.0));
            samples.push(sample(Subject::Protogate, round, gate));
            for (placement, rate) in [(Placement::Free, echo), (Placement::SharedCore, echo * 4.0)]
            {
                floors.push(super::super::floor::Floor {
                    protocol: Protocol::Grpc,
                    round,
                    placement,
                    rate,
                });
            }
        }
        Results {
            mode: super::super::Mode {
                name: "quick",
                rounds: echoes.len(),
                duration: std::time::Duration::from_secs(1),
                warm_up: std::time::Duration::from_secs(1),
                soak: std::time::Duration::from_secs(1),
            },
            store: StoreKind::Memory,
            command: String::new(),
            samples,
            checks: Vec::new(),
            memory: Vec::new(),
            soaks: Vec::new(),
            measured: vec![Subject::ConnectNode, Subject::Protogate],
            missing: Vec::new(),
            skipped: BTreeSet::new(),
            peer_versions: Vec::new(),
            load: (0.0, 0.0),
            tools: String::new(),
            profile: Err(String::new()),
            cpu: Err(String::new()),
            floors: Ok(floors),
        }
    }

    #[test]
    fn a_one_connection_goal_the_echo_cannot_reach_is_called_out_of_reach() {
        let node = &GOALS[2];
        assert_eq!(node.reference, Subject::ConnectNode);
        let line = reach_line(&one_connection(6000.0, 8000.0), node, Protocol::Grpc)
            .expect("a miss is explained");
        assert!(line.contains("8.00× (8.00 – 8.00)"), "{line}");
        assert!(line.contains("out of any server's reach"), "{line}");
        assert!(line.contains("75 % of the echo's rate"), "{line}");
    }

    #[test]
    fn a_one_connection_goal_the_echo_reaches_is_not_excused() {
        let line = reach_line(&one_connection(6000.0, 30000.0), &GOALS[2], Protocol::Grpc)
            .expect("a miss is explained");
        assert!(line.contains("30.00×"), "{line}");
        assert!(line.contains("the echo meets the goal"), "{line}");
    }

    #[test]
    fn an_echo_short_by_its_median_only_is_at_the_edge() {
        let echoes = [8000.0, 9000.0, 9500.0, 10500.0, 11000.0];
        let line = reach_line(
            &one_connection_rounds(6000.0, &echoes),
            &GOALS[2],
            Protocol::Grpc,
        )
        .expect("a miss is explained");
        assert!(line.contains("9.50× (8.00 – 11.00)"), "{line}");
        assert!(line.contains("at the edge of any server's reach"), "{line}");
    }

    #[test]
    fn the_echo_is_paired_with_its_own_protocol_only() {
        let mut r = one_connection(6000.0, 8000.0);
        if let Ok(floors) = &mut r.floors {
            for f in floors.iter_mut() {
                f.protocol = Protocol::Connect;
            }
        }
        assert!(floor_ratios(&r, Subject::ConnectNode, Protocol::Grpc).is_empty());
        assert!(reach_line(&r, &GOALS[2], Protocol::Grpc).is_none());
    }

    #[test]
    fn a_met_one_connection_goal_needs_no_floor() {
        assert!(reach_line(&one_connection(12000.0, 30000.0), &GOALS[2], Protocol::Grpc).is_none());
    }

    #[test]
    fn the_section_replaces_only_itself() {
        let dir = std::env::temp_dir().join(format!("bench-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("B.md");
        std::fs::write(&path, "# B\n\nother\n").unwrap();
        write_section(&path, &format!("{BEGIN}\none\n{END}\n"), StoreKind::Memory).unwrap();
        std::fs::write(
            &path,
            std::fs::read_to_string(&path).unwrap() + "\n## Later\n",
        )
        .unwrap();
        write_section(&path, &format!("{BEGIN}\ntwo\n{END}\n"), StoreKind::Memory).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            format!("# B\n\nother\n\n{BEGIN}\ntwo\n{END}\n\n## Later\n")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_sqlite_section_follows_the_serving_one_and_keeps_to_itself() {
        let dir = std::env::temp_dir().join(format!("bench-report-sqlite-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("B.md");
        let serving = format!("{BEGIN}\nmemory\n{END}\n");
        std::fs::write(&path, format!("# B\n\n{serving}\n## Later\n")).unwrap();
        let one = format!("{SQLITE_BEGIN}\none\n{SQLITE_END}\n");
        write_section(&path, &one, StoreKind::Sqlite).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, format!("# B\n\n{serving}\n{one}\n## Later\n"));
        let two = format!("{SQLITE_BEGIN}\ntwo\n{SQLITE_END}\n");
        write_section(&path, &two, StoreKind::Sqlite).unwrap();
        let again = format!("{BEGIN}\nagain\n{END}\n");
        write_section(&path, &again, StoreKind::Memory).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, format!("# B\n\n{again}\n{two}\n## Later\n"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn medians_ignore_missing_values() {
        assert_eq!(median(vec![3.0, f64::NAN, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![1.0, 2.0]), 1.5);
        assert!(median(vec![]).is_nan());
    }

    #[test]
    fn the_median_interval_takes_the_widest_order_statistics_that_reach_95_percent() {
        let rounds = |n: usize| (1..=n).map(|i| i as f64).collect::<Vec<_>>();
        // n = 6: only min – max reaches 95 % (1 − 2/64); the next pair gives 1 − 14/64.
        let six = Interval::of(&rounds(6)).unwrap();
        assert_eq!((six.low, six.high, six.median), (1.0, 6.0, 3.5));
        assert!((six.coverage - 62.0 / 64.0).abs() < 1e-12);
        // n = 9: the 2nd and 8th (1 − 2·10/512 = 96.1 %); the 3rd and 7th give 82 %.
        let nine = Interval::of(&rounds(9)).unwrap();
        assert_eq!((nine.low, nine.high, nine.median), (2.0, 8.0, 5.0));
        assert!((nine.coverage - (1.0 - 20.0 / 512.0)).abs() < 1e-12);
        // n = 12: the 3rd and 10th (1 − 2·79/4096 = 96.1 %).
        let twelve = Interval::of(&rounds(12)).unwrap();
        assert_eq!((twelve.low, twelve.high), (3.0, 10.0));
        assert!((twelve.coverage - (1.0 - 158.0 / 4096.0)).abs() < 1e-12);
        // Too few rounds for 95 %: min – max with what it covers.
        let three = Interval::of(&[f64::NAN, 2.0, 1.0, 3.0]).unwrap();
        assert_eq!((three.low, three.high, three.median), (1.0, 3.0, 2.0));
        assert!((three.coverage - 0.75).abs() < 1e-12);
        assert_eq!(Interval::of(&[5.0]).unwrap().coverage, 0.0);
        assert_eq!(Interval::of(&[f64::NAN]), None);
    }

    #[test]
    fn a_shortfall_inside_its_interval_is_called_noise_and_one_outside_is_not() {
        let cell = |label: &str, v: &[f64]| (label.to_owned(), v.to_vec());
        let met = [
            cell("at 1", &[0.98, 1.1, 1.0]),
            cell("at 16", &[0.97, 0.99, 1.2]),
        ];
        assert_eq!(judge(&met, Some(0.97)).1, "met");
        let noisy = [
            cell("at 1", &[1.0, 1.1, 1.2]),
            cell("at 16", &[0.90, 0.95, 1.01]),
        ];
        let (list, verdict) = judge(&noisy, Some(0.97));
        assert_eq!(list, "1.10× (1.00 – 1.20) at 1, 0.95× (0.90 – 1.01) at 16");
        assert_eq!(
            verdict,
            "**not met** by the median, within this run's noise"
        );
        let short = [
            cell("at 1", &[0.90, 0.95, 1.01]),
            cell("at 16", &[0.8, 0.9, 0.96]),
        ];
        assert_eq!(judge(&short, Some(0.97)).1, "**not met**");
        assert_eq!(
            judge(&[cell("", &[9.0, 8.0])], Some(10.0)).0,
            "8.50× (8.00 – 9.00)"
        );
        assert_eq!(
            judge(&[cell("at 1", &[])], Some(1.0)),
            ("not measured".to_owned(), "**not shown**")
        );
        assert_eq!(judge(&noisy, None).1, "");
    }

    /// A report of every server, protocol and connection count over three rounds, with a
    /// missing server, a skipped cell, memory, a soak and both floors.
    fn full_matrix(store: StoreKind) -> Results {
        let mut samples = Vec::new();
        let mut floors = Vec::new();
        for round in 0..3 {
            for (i, variant) in Subject::ALL.into_iter().enumerate() {
                for (j, protocol) in PROTOCOLS.into_iter().enumerate() {
                    for (k, conns) in CONNECTIONS.into_iter().enumerate() {
                        let rps = 1000.0 * (1 + i) as f64 + 300.0 * j as f64 + 2000.0 * k as f64
                            - 150.0 * round as f64;
                        let mut s = sample(variant, round, rps);
                        s.protocol = protocol;
                        s.conns = conns;
                        s.run.p50_us = 100.0 + 10.0 * i as f64 + round as f64;
                        s.run.p99_us = 900.0 + 30.0 * j as f64;
                        s.run.failed = (i == 4 && j == 2) as u64;
                        s.cpu_us = 20.0 + 3.0 * i as f64 + k as f64;
                        s.load = 1.5 + 0.25 * round as f64;
                        samples.push(s);
                    }
                }
                for (j, protocol) in SHARED_CORE_PROTOCOLS.into_iter().enumerate() {
                    let mut s = sample(variant, round, 5000.0 + 700.0 * i as f64 - 90.0 * j as f64);
                    s.protocol = protocol;
                    s.placement = Placement::SharedCore;
                    samples.push(s);
                }
            }
            for protocol in SHARED_CORE_PROTOCOLS {
                for (placement, rate) in [
                    (Placement::Free, 9000.0 + 100.0 * round as f64),
                    (Placement::SharedCore, 30000.0 - 500.0 * round as f64),
                ] {
                    floors.push(super::super::floor::Floor {
                        protocol,
                        round,
                        placement,
                        rate,
                    });
                }
            }
        }
        let mut kinds = std::collections::BTreeMap::new();
        kinds.insert("verify", (1200, 0));
        kinds.insert("wrong code", (300, 2));
        Results {
            mode: super::super::Mode {
                name: "full",
                rounds: 3,
                duration: std::time::Duration::from_secs(20),
                warm_up: std::time::Duration::from_secs(3),
                soak: std::time::Duration::from_secs(60),
            },
            store,
            command: "protogate-bench load --full".into(),
            samples,
            checks: Vec::new(),
            memory: vec![(
                Subject::Protogate,
                super::super::Memory {
                    idle_start: Some(10240),
                    idle_after_load: Some(20480),
                    idle_after_soak: None,
                },
            )],
            soaks: vec![(
                Subject::Protogate,
                soak::Soak {
                    duration: std::time::Duration::from_secs(60),
                    requests: 1500,
                    kinds,
                    server_errors: 0,
                    transport_errors: 1,
                    examples: vec!["wrong code: INTERNAL".into()],
                    writes_acked: 1200,
                    lost_writes: 0,
                    rss: vec![(0.0, 20000), (30.0, 21000), (60.0, 20500)],
                },
            )],
            measured: Subject::ALL.into_iter().filter(|s| *s != Subject::Connectrpc).collect(),
            missing: vec![(Subject::Connectrpc, "not installed".into())],
            skipped: [(Subject::ConnectNode, Protocol::RestH1)].into_iter().collect(),
            peer_versions: vec![(Subject::ConnectNode, "connect-node 2.0.0".into())],
            load: (1.25, 2.5),
            tools: "h2load 1.0, wrk 4.2".into(),
            profile: Err("valgrind is not installed".into()),
            cpu: Err("perf is not allowed".into()),
            floors: Ok(floors),
        }
    }

    /// The rendered report with the lines that name the machine, the day and the checkout
    /// (which change from run to run) replaced by their labels.
    fn rendered_without_environment(store: StoreKind) -> String {
        let text = render(&full_matrix(store));
        let environment = ["- Date:", "- Machine:", "- Toolchain:", "- Commit:"];
        let mut out: String = text
            .lines()
            .map(|line| match environment.iter().find(|p| line.starts_with(*p)) {
                Some(label) => label.to_string(),
                None => line.replace(&temp_dir_filesystem(), "TEMP_DIR"),
            })
            .collect::<Vec<_>>()
            .join("\n");
        out.push('\n');
        out
    }

    /// The report's text is pinned: refactoring the renderer must not change a byte. Rerun with
    /// `PROTOGATE_BLESS=1` after an intended change and review the diff.
    #[test]
    fn the_rendered_report_matches_its_golden_file() {
        for (store, name) in [(StoreKind::Memory, "memory"), (StoreKind::Sqlite, "sqlite")] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("tests/golden/report-{name}.md"));
            let text = rendered_without_environment(store);
            if std::env::var_os("PROTOGATE_BLESS").is_some() {
                std::fs::write(&path, &text).unwrap();
            }
            let golden = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(golden == text, "{} differs from the rendered report:\n{text}", path.display());
        }
    }
}
