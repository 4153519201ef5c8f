//! `cargo xtask bench-codegen`: protogate against tonic-prost-build alone, in one run, on the
//! example and on a synthetic 500-RPC schema, written into the codegen section of BENCHMARKS.md.
//!
//! Scratch space lives under `target/bench-codegen/` and is never committed.

pub mod check;
pub mod codegen;
pub mod diff;
pub mod lines;
pub mod report;
pub mod stages;
pub mod stats;

use std::path::Path;
use std::process::ExitCode;

use crate::{example, synth};
use codegen::Case;

/// Rounds per measurement.
#[derive(Debug, Clone, Copy)]
struct Reps {
    codegen: usize,
    stages: usize,
    check: usize,
}

const FULL: Reps = Reps {
    codegen: 7,
    stages: 5,
    check: 5,
};
const QUICK: Reps = Reps {
    codegen: 2,
    stages: 1,
    check: 1,
};

/// Runs every measurement and refreshes BENCHMARKS.md. Exits 1 when a measurement fails (the
/// report is still written); a missed goal is reported, not an error.
pub fn run(root: &Path, quick: bool) -> ExitCode {
    match run_all(root, quick) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn run_all(root: &Path, quick: bool) -> Result<bool, String> {
    let reps = if quick { QUICK } else { FULL };
    let command = format!(
        "cargo xtask bench-codegen{}",
        if quick { " --quick" } else { "" }
    );
    let load_before = report::load_average();
    let scratch = root.join("target/bench-codegen");
    std::fs::create_dir_all(scratch.join("fds")).map_err(|e| e.to_string())?;

    let spec = synth::Spec::default();
    let schema = synth::write(&scratch.join("synth"), spec, root)
        .map_err(|e| format!("writing the synthetic schema: {e}"))?;
    let synth_command = format!(
        "cargo xtask synth --rpcs {} --files {}",
        spec.rpcs, spec.files
    );
    let cases = [
        Case {
            name: "example".into(),
            files: example::proto_files(root),
            includes: example::includes(root),
            openapi: Some(root.join(example::OPENAPI)),
            descriptor_set: scratch.join("fds/example.binpb"),
            rpcs: 0,
        },
        Case {
            name: format!(
                "synthetic ({} RPCs, {} files)",
                schema.rpcs,
                schema.files.len()
            ),
            files: schema.files.clone(),
            includes: schema.includes.clone(),
            openapi: None,
            descriptor_set: scratch.join("fds/synthetic.binpb"),
            rpcs: schema.rpcs,
        },
    ];
    for case in &cases {
        codegen::write_descriptor_set(&case.files, &case.includes, &case.descriptor_set)
            .map_err(|e| format!("{}: {e}", case.name))?;
    }

    let mut results = Vec::new();
    for case in &cases {
        eprintln!(
            "generator wall time, {}: {} rounds of 4 variants",
            case.name,
            reps.codegen + 1
        );
        let r = codegen::measure(
            case,
            &scratch.join("out").join(slug(&case.name)),
            reps.codegen,
        )?;
        for (input, p, t) in [
            (
                "descriptor set",
                codegen::Variant::ProtogateFds,
                codegen::Variant::TonicFds,
            ),
            (
                ".proto files",
                codegen::Variant::ProtogateProto,
                codegen::Variant::TonicProto,
            ),
        ] {
            eprintln!(
                "  {input}: protogate {} / tonic-prost-build {} = {:.2}×",
                stats::fmt(r.of(p).median()),
                stats::fmt(r.of(t).median()),
                r.of(p).ratio(r.of(t))
            );
        }
        results.push(r);
    }
    let mut stage_samples = Vec::new();
    for case in &cases {
        eprintln!("stages, {}: {} rounds", case.name, reps.stages + 1);
        match stages::measure(case, reps.stages) {
            Ok(samples) => stage_samples.push(samples),
            Err(e) => {
                eprintln!("error: {e}");
                stage_samples.push(vec![stats::Samples::default(); stages::STAGES.len()]);
            }
        }
    }
    eprintln!(
        "cargo check of the generated code, {}: {} rounds per crate",
        cases[1].name, reps.check
    );
    let checked = check::measure(root, &cases[1], &scratch.join("check"), reps.check);
    if let Err(e) = &checked {
        eprintln!("error: {e}");
    }

    let section = report::render(&report::Report {
        command,
        reps: (reps.codegen, reps.stages, reps.check),
        machine: report::machine(root, &load_before),
        codegen: &results,
        stages: &stage_samples,
        check: &checked,
        synth_command,
    });
    let path = root.join("BENCHMARKS.md");
    report::write_section(&path, &section).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("\n{section}");
    eprintln!("wrote {}", path.display());
    Ok(checked.is_ok())
}

fn slug(name: &str) -> String {
    name.split_whitespace()
        .next()
        .unwrap_or("case")
        .to_lowercase()
}
