//! The report's tables: throughput, the shared-core and floor tables, latency, memory, soak
//! and answer checks.

use super::*;

pub(super) fn mib(kib: Option<u64>) -> String {
    kib.map_or("—".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

pub(super) fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}

/// The one-connection runs with the server and the load tool on one core.
pub(super) fn render_shared_core(
    out: &mut String,
    r: &Results,
    measured: &[Subject],
    goals: &[Goal],
) {
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
pub(super) fn render_floor(out: &mut String, r: &Results) {
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

/// The "Throughput" section: requests per second per protocol and connection count, with the ratios the goals name.
pub(super) fn render_throughput(
    out: &mut String,
    r: &Results,
    measured: &[Subject],
    goals: &[Goal],
) {
    let sqlite = r.store == StoreKind::Sqlite;
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
    for s in measured {
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
            for &s in measured {
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
        render_shared_core(out, r, measured, goals);
    }
}

/// The "Latency and server CPU per request" section.
pub(super) fn render_latency(out: &mut String, r: &Results, measured: &[Subject]) {
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
}

/// The "Memory (VmRSS) per server" section.
pub(super) fn render_memory(out: &mut String, r: &Results) {
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
}

/// The "Soak" section: the mixed load's answers and resident memory per server.
pub(super) fn render_soak(out: &mut String, r: &Results) {
    let m = &r.mode;
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
}

/// The "Answer checks" section: each server's answers to the checked requests.
pub(super) fn render_checks(out: &mut String, r: &Results, measured: &[Subject]) {
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
}
