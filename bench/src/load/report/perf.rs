//! Instructions per request (callgrind) and CPU time by part (perf).

use super::*;

/// The "Instructions per request (callgrind), or why they were not counted" section.
pub(super) fn render_instructions(out: &mut String, r: &Results) {
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
}

/// The "Where the CPU time goes (perf), or why it was not sampled" section.
pub(super) fn render_cpu_section(out: &mut String, r: &Results) {
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
}

/// The table of CPU time per request by part, sampled with perf.
pub fn render_cpu(breakdowns: &[crate::load::sampling::Breakdown]) -> String {
    use crate::load::sampling::{Part, CONNECTIONS, FREQUENCY};
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
pub(super) fn cpu_verdicts(breakdowns: &[crate::load::sampling::Breakdown]) -> Vec<String> {
    use crate::load::sampling::Part;
    let user = |b: &crate::load::sampling::Breakdown| {
        b.total_us_per_request() - b.us_per_request(Part::Kernel)
    };
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
                crate::load::sampling::CONNECTIONS,
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
pub fn render_profile(counts: &[crate::load::profile::Count]) -> String {
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
        crate::load::profile::REQUESTS
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
