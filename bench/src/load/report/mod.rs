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

mod environment;
mod perf;
mod stats;
mod tables;
#[cfg(test)]
mod tests;
mod verdicts;

use environment::*;
pub use perf::render_profile;
use perf::*;
use stats::*;
pub use stats::{paired_ratio, paired_ratios, shared_ratios, Interval};
use tables::*;
pub use verdicts::Goal;
use verdicts::*;

/// The section, markers included.
pub fn render(r: &Results) -> String {
    let mut out = String::new();
    let sqlite = r.store == StoreKind::Sqlite;
    let goals: &[Goal] = if sqlite { &NO_GOAL } else { &GOALS };
    let (begin, _, end) = markers(r.store);
    let measured: Vec<Subject> = Subject::ALL
        .into_iter()
        .filter(|s| r.measured.contains(s))
        .collect();
    render_header(&mut out, r, &measured, begin);
    render_throughput(&mut out, r, &measured, goals);
    render_latency(&mut out, r, &measured);
    render_instructions(&mut out, r);
    render_cpu_section(&mut out, r);
    render_memory(&mut out, r);
    render_soak(&mut out, r);
    render_checks(&mut out, r, &measured);
    render_verdict(&mut out, r, goals);
    let _ = writeln!(out, "{end}");
    out
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
