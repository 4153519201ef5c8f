//! The goals and the verdict on each: met, missed, within noise, or out of any server's reach.

use super::*;

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
pub(super) const NO_GOAL: [Goal; 1] = [Goal {
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

/// The verdict list's text for some cells (a label each, the per-round ratios), and, given a
/// goal, whether they meet it: every median at least the goal; a shortfall is called noise
/// when the interval of every median under the goal still reaches it.
pub(super) fn judge(cells: &[(String, Vec<f64>)], goal: Option<f64>) -> (String, &'static str) {
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
pub(super) fn reach_line(r: &Results, g: &Goal, p: Protocol) -> Option<String> {
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

/// The "Verdict" section: each goal met, missed or within noise, and what explains a miss.
pub(super) fn render_verdict(out: &mut String, r: &Results, goals: &[Goal]) {
    let sqlite = r.store == StoreKind::Sqlite;
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
}
