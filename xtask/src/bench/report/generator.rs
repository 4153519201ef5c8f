//! The generator tables: wall time in both profiles, output sizes, and where protogate's time
//! goes.

use std::fmt::Write as _;

use super::{cell, fmt, times, verdict, Report, CODEGEN_GOAL, STAGES};
use crate::bench::codegen::Variant;
use crate::bench::stages::needs_openapi;

/// The wall-time table (`dev` in process, `release` as processes) and the output sizes.
pub(super) fn wall_time(s: &mut String, r: &Report<'_>) {
    let _ = writeln!(s, "### Generator wall time\n");
    let _ = writeln!(
        s,
        "Goal: protogate ≤ {CODEGEN_GOAL}× tonic-prost-build alone, in both profiles.\n"
    );
    let _ = writeln!(
        s,
        "| schema | profile | input | protogate | tonic-prost-build | ratio | goal |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for c in r.codegen {
        let mut rows = vec![("descriptor set", Variant::ProtogateFds, Variant::TonicFds)];
        if c.case.has_proto_files() {
            rows.push((
                ".proto files (protox)",
                Variant::ProtogateProto,
                Variant::TonicProto,
            ));
        }
        for (input, p, t) in rows {
            let ratio = c.of(p).ratio(c.of(t));
            let _ = writeln!(
                s,
                "| {} | {} | {input} | {} | {} | {} | {} |",
                c.case.name,
                super::in_process(),
                cell(c.of(p)),
                cell(c.of(t)),
                times(ratio),
                verdict(ratio, CODEGEN_GOAL)
            );
        }
        if let Ok(release) = r.release {
            for x in release.iter().filter(|x| x.case == c.case.name) {
                let ratio = x.samples[0].ratio(&x.samples[1]);
                let _ = writeln!(
                    s,
                    "| {} | `release`, CLI | descriptor set | {} | {} | {} | {} |",
                    x.case,
                    cell(&x.samples[0]),
                    cell(&x.samples[1]),
                    times(ratio),
                    verdict(ratio, CODEGEN_GOAL)
                );
            }
        }
    }
    for (name, why) in r.unavailable {
        let _ = writeln!(s, "| {name} | — | — | not measured: {why} | — | — | — |");
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
    match r.release {
        Ok(release) => {
            for x in release {
                for (side, e) in crate::bench::release::SIDES.iter().zip(&x.errors) {
                    if let Some(e) = e {
                        let _ = writeln!(
                            s,
                            "\n{side} (`release`) failed on {}:\n\n```text\n{}\n```",
                            x.case,
                            e.trim_end()
                        );
                    }
                }
            }
        }
        Err(e) => {
            let _ = writeln!(
                s,
                "\nThe `release` rows are missing: {}",
                e.lines().next().unwrap_or_default()
            );
        }
    }
    let _ = writeln!(s, "\n{}: both generators called in this process (xtask's profile; `cargo xtask` builds it with `dev`, as a build script and its dependencies are built). protogate: `pipeline::run` (load, model, rule checks, the OpenAPI drift check where the schema has a document, prost + tonic + proto3 JSON code, validators, service tables, handler traits and adapters, API reference pages, parsing and formatting every file) and writing the files. tonic-prost-build: `configure().build_transport(false).out_dir(…).compile_fds(fds)` (prost messages, tonic client and server, formatted) — from the descriptor-set file (read and decoded with prost-types) or from `protox::compile` of the same files.\n", super::in_process());
    let _ = writeln!(s, "`release`, CLI: both built with `--release` and run as processes on the descriptor set, process start included: `target/release/protogate gen --descriptor-set SET [--openapi DOC] --out DIR` (every output option at its default, as above) against a runner making the same tonic-prost-build call (`target/bench-codegen/tonic-runner`).\n");
    let _ = writeln!(s, "Output of the last `dev` round:\n");
    let _ = writeln!(
        s,
        "| schema | input | protogate output | tonic-prost-build output |"
    );
    let _ = writeln!(s, "|---|---|---|---|");
    for c in r.codegen {
        let size = |(n, b): (usize, usize)| format!("{n} files, {} KiB", b / 1024);
        let mut rows = vec![("descriptor set", Variant::ProtogateFds, Variant::TonicFds)];
        if c.case.has_proto_files() {
            rows.push((".proto files", Variant::ProtogateProto, Variant::TonicProto));
        }
        for (input, p, t) in rows {
            let _ = writeln!(
                s,
                "| {} | {input} | {} | {} |",
                c.case.name,
                size(c.output_of(p)),
                size(c.output_of(t))
            );
        }
    }
}

/// The stage table.
pub(super) fn stages(s: &mut String, r: &Report<'_>) {
    let _ = writeln!(
        s,
        "\n### Where protogate's time goes (`dev`; from .proto files where there are some)\n"
    );
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
            if c.case.openapi.is_none() && needs_openapi(stage) {
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
    let _ = writeln!(s, "\n\nEach stage is timed by calling the function the pipeline calls, in the pipeline's order. `emit::rust` is one call that runs its upstream part (`emit::messages::generate`: prost-build with tonic's service generator, and the proto3 JSON code) on a second thread beside protogate's own code; the upstream part is timed on its own and subtracted, so the \"rest\" row is only what protogate's own code, parsing and formatting add beyond the upstream part's time (0 when they finish first), not their whole cost. Percentages are of the sum of medians.\n");
}
