//! The generated code's table: lines and `cargo check` time per schema, and lines per kind.

use std::fmt::Write as _;

use super::{cell, times, verdict, CHECK_GOAL, LINES_GOAL};
use crate::bench::check::CheckResult;
use crate::bench::lines::KINDS;

/// One schema's measurement, or why it failed.
type Checked = (String, Result<CheckResult, String>);

/// protogate's lines over tonic-prost-build's.
fn lines_ratio(c: &CheckResult) -> f64 {
    if c.lines[1] == 0 {
        return f64::NAN;
    }
    c.lines[0] as f64 / c.lines[1] as f64
}

/// The section.
pub(super) fn section(s: &mut String, checked: &[Checked]) {
    let _ = writeln!(s, "### The generated code: lines and `cargo check`\n");
    let _ = writeln!(
        s,
        "Goals: protogate's lines ≤ {LINES_GOAL}× tonic-prost-build's; `cargo check` of protogate's code ≤ {CHECK_GOAL}× tonic-prost-build's, both clean and after a touch.\n"
    );
    let _ = writeln!(
        s,
        "| schema | crate | generated lines | lines ratio | rustc warnings | `cargo check`, clean | ratio | `cargo check` after a touch | ratio |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|");
    for (name, result) in checked {
        match result {
            Ok(c) => {
                let clean = c.clean[0].ratio(&c.clean[1]);
                let check = c.samples[0].ratio(&c.samples[1]);
                let lines = lines_ratio(c);
                let _ = writeln!(
                    s,
                    "| {name} | protogate | {} | {} ({}) | {} | {} | {} ({}) | {} | {} ({}) |",
                    c.lines[0],
                    times(lines),
                    verdict(lines, LINES_GOAL),
                    c.warnings[0],
                    cell(&c.clean[0]),
                    times(clean),
                    verdict(clean, CHECK_GOAL),
                    cell(&c.samples[0]),
                    times(check),
                    verdict(check, CHECK_GOAL)
                );
                let _ = writeln!(
                    s,
                    "| {name} | tonic-prost-build | {} | 1.00× | {} | {} | 1.00× | {} | 1.00× |",
                    c.lines[1],
                    c.warnings[1],
                    cell(&c.clean[1]),
                    cell(&c.samples[1])
                );
            }
            Err(e) => {
                let _ = writeln!(
                    s,
                    "| {name} | — | — | — | — | failed: {} | — | — | — |",
                    e.lines().next().unwrap_or_default()
                );
            }
        }
    }
    let _ = writeln!(s, "\nPer schema two scratch crates under `target/bench-codegen/check/` (own `[workspace]`, the root's dependency versions and Cargo.lock, one shared target directory with the dependencies built before timing), both generated from the schema's descriptor set with every output option at its default; tonic-prost-build's crate holds its files for the packages protogate emits. Each round times `cargo check --lib` twice per crate: clean, with the crate's incremental cache (`debug/incremental/<crate>-*`) removed, so rustc analyses all of it as on a first build or after the schema changed; then after touching the generated files with that cache in place, which is what every edit elsewhere in a crate including the generated code costs (rustc re-parses, expands and resolves the code and loads the rest from the cache). Both figures are the crate itself plus cargo's own overhead. protogate's crate also holds what tonic-prost-build does not generate: proto3 JSON, validators, route tables, handler traits and adapters.\n");
    let measured: Vec<(&String, &CheckResult)> = checked
        .iter()
        .filter_map(|(name, r)| r.as_ref().ok().map(|c| (name, c)))
        .collect();
    if measured.is_empty() {
        return;
    }
    let _ = writeln!(s, "What the generated code consists of (formatted lines per kind of item; `cargo check` time grows with it):\n");
    let _ = write!(s, "| kind |");
    for (name, _) in &measured {
        let _ = write!(s, " {name}: protogate | tonic-prost-build |");
    }
    let _ = write!(s, "\n|---|");
    for _ in &measured {
        let _ = write!(s, "---|---|");
    }
    s.push('\n');
    for (k, kind) in KINDS.iter().enumerate() {
        let n = |c: &CheckResult, i: usize| c.kinds[i].get(k).copied().unwrap_or(0);
        if measured.iter().all(|(_, c)| n(c, 0) + n(c, 1) == 0) {
            continue;
        }
        let _ = write!(s, "| {kind} |");
        for (_, c) in &measured {
            let _ = write!(s, " {} | {} |", n(c, 0), n(c, 1));
        }
        s.push('\n');
    }
    s.push('\n');
}

/// The verdict lines.
pub(super) fn summary(s: &mut String, checked: &[Checked]) {
    for (name, result) in checked {
        let Ok(c) = result else {
            let _ = writeln!(s, "- Generated code, {name}: not measured (see above).");
            continue;
        };
        let clean = c.clean[0].ratio(&c.clean[1]);
        let check = c.samples[0].ratio(&c.samples[1]);
        let lines = lines_ratio(c);
        let _ = writeln!(
            s,
            "- Generated code, {name}: {} the lines — {} (goal ≤ {LINES_GOAL}×); `cargo check` clean {} — {}, after a touch {} — {} (goal ≤ {CHECK_GOAL}×).",
            times(lines),
            verdict(lines, LINES_GOAL).trim_matches('*'),
            times(clean),
            verdict(clean, CHECK_GOAL).trim_matches('*'),
            times(check),
            verdict(check, CHECK_GOAL).trim_matches('*'),
        );
        let total: usize = c.kinds[0].iter().sum();
        if let Some((k, n)) = c.kinds[0].iter().enumerate().max_by_key(|(_, n)| **n) {
            let _ = writeln!(
                s,
                "- The largest part of protogate's generated code, {name}: {} ({:.0} % of its lines).",
                KINDS[k],
                100.0 * *n as f64 / total.max(1) as f64,
            );
        }
    }
}
