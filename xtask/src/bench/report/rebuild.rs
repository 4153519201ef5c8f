//! The build.rs table: a one-field change and an unchanged rebuild of the example.

use std::fmt::Write as _;

use super::{cell, fmt, REBUILD_GOAL_SECS};
use crate::bench::rebuild::RebuildResult;

/// Whether the median build-script run beat the goal.
fn fast_enough(r: &RebuildResult) -> Option<bool> {
    if r.script_run.0.is_empty() {
        return None;
    }
    Some(r.script_run.median().as_secs_f64() < REBUILD_GOAL_SECS)
}

/// The section.
pub(super) fn section(s: &mut String, rebuild: &Result<RebuildResult, String>) {
    let _ = writeln!(s, "### Regeneration through build.rs (the example)\n");
    let _ = writeln!(s, "Goals: a one-field change regenerates in under {REBUILD_GOAL_SECS:.0} s; an unchanged schema reruns nothing.\n");
    let r = match rebuild {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(s, "The measurement failed:\n\n```text\n{e}\n```\n");
            return;
        }
    };
    let rounds = r.unchanged_build.0.len();
    let met = |ok: Option<bool>| match ok {
        Some(true) => "met",
        Some(false) => "**not met**",
        None => "not measured",
    };
    let _ = writeln!(s, "| after | what | time | goal |");
    let _ = writeln!(s, "|---|---|---|---|");
    let _ = writeln!(
        s,
        "| one-field change | the build script's run (cargo `--timings`) | {} | {} |",
        cell(&r.script_run),
        met(fast_enough(r))
    );
    let _ = writeln!(
        s,
        "| one-field change | of which `Builder::compile` (timed in build.rs) | {} | |",
        cell(&r.generator)
    );
    let _ = writeln!(
        s,
        "| one-field change | the whole `cargo build` (build script, then rustc on the crate) | {} | |",
        cell(&r.changed_build)
    );
    let _ = writeln!(
        s,
        "| nothing changed | the whole `cargo build`; the build script ran in {} of {rounds} | {} | {} |",
        r.unchanged_reruns,
        cell(&r.unchanged_build),
        met((rounds > 0).then_some(r.unchanged_reruns == 0))
    );
    let _ = writeln!(s, "\nA scratch crate under `target/bench-codegen/rebuild/` (own `[workspace]`, the root's dependency versions, profiles and target directory) whose build.rs runs `protogate_codegen::Builder` on a copy of the example's files and OpenAPI document, every output option at its default. Each round adds or removes one field ({}) and runs `cargo build --timings`, then `cargo build -v` with nothing changed: the build script counts as rerun when cargo's output shows it running or its output file's time moved.\n", r.change);
}

/// The verdict lines.
pub(super) fn summary(s: &mut String, rebuild: &Result<RebuildResult, String>) {
    let Ok(r) = rebuild else {
        let _ = writeln!(s, "- build.rs: not measured (see above).");
        return;
    };
    match fast_enough(r) {
        Some(ok) => {
            let _ = writeln!(
                s,
                "- One-field change through build.rs: the build script ran {} (the generator {}) — {} (goal < {REBUILD_GOAL_SECS:.0} s).",
                fmt(r.script_run.median()),
                fmt(r.generator.median()),
                if ok { "met" } else { "not met" }
            );
        }
        None => {
            let _ = writeln!(s, "- One-field change through build.rs: not measured.");
        }
    }
    let rounds = r.unchanged_build.0.len();
    let _ = writeln!(
        s,
        "- Unchanged schema: the build script reran in {} of {rounds} builds ({}) — {}.",
        r.unchanged_reruns,
        fmt(r.unchanged_build.median()),
        if rounds > 0 && r.unchanged_reruns == 0 {
            "met"
        } else {
            "not met"
        }
    );
}
