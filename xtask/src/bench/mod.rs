//! `cargo xtask bench-codegen`: protogate against tonic-prost-build alone, in one run, on the
//! example, on a synthetic 500-RPC schema and on ZITADEL's admin API: generator wall time as a
//! build.rs runs it (`dev`) and as the release CLI runs it, `cargo check` and lines of the
//! generated code, and regeneration through a real build script; written into the codegen
//! section of BENCHMARKS.md.
//!
//! Scratch space lives under `target/bench-codegen/` and is never committed.

pub mod check;
pub mod codegen;
pub mod diff;
pub mod lines;
pub mod rebuild;
pub mod release;
pub mod report;
pub mod stages;
pub mod stats;

use std::path::Path;
use std::process::ExitCode;

use crate::{example, synth};
use codegen::Case;

/// Rounds per measurement.
#[derive(Debug, Clone, Copy)]
pub struct Reps {
    /// Generator rounds (`dev`, in process).
    pub codegen: usize,
    /// Generator rounds (`release`, as processes).
    pub release: usize,
    /// Stage rounds.
    pub stages: usize,
    /// `cargo check` rounds per crate.
    pub check: usize,
    /// One-field changes (each followed by an unchanged rebuild).
    pub rebuild: usize,
}

const FULL: Reps = Reps {
    codegen: 7,
    release: 7,
    stages: 5,
    check: 5,
    rebuild: 3,
};
const QUICK: Reps = Reps {
    codegen: 2,
    release: 2,
    stages: 1,
    check: 1,
    rebuild: 1,
};

/// The name ZITADEL's admin API goes by in the tables.
pub const ZITADEL: &str = "ZITADEL admin API";

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
    let mut cases = vec![
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
    // ZITADEL's API comes from npm: without node or the registry the row says so instead.
    eprintln!("extracting {ZITADEL} (tests/zitadel/extract.sh)");
    let zitadel_set = scratch.join("fds/zitadel-admin.binpb");
    let mut unavailable = Vec::new();
    match diff::extract_admin(root, &zitadel_set) {
        Ok(()) => cases.push(Case {
            name: ZITADEL.into(),
            files: Vec::new(),
            includes: Vec::new(),
            openapi: None,
            descriptor_set: zitadel_set,
            rpcs: 0,
        }),
        Err(e) => {
            eprintln!("  {ZITADEL} not measured: {e}");
            unavailable.push((ZITADEL.to_string(), e));
        }
    }

    let mut results = Vec::new();
    for case in &cases {
        eprintln!(
            "generator wall time, {}: {} rounds",
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
            if p.from_proto_files() && !case.has_proto_files() {
                continue;
            }
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
    let mut checked = Vec::new();
    for case in cases.iter().skip(1) {
        eprintln!(
            "cargo check of the generated code, {}: {} rounds per crate",
            case.name, reps.check
        );
        let result = check::measure(
            root,
            case,
            &scratch.join("check").join(slug(&case.name)),
            &scratch.join("check/target"),
            reps.check,
        );
        if let Err(e) = &result {
            eprintln!("error: {e}");
        }
        checked.push((case.name.clone(), result));
    }
    eprintln!(
        "generator wall time, release builds: {} rounds",
        reps.release + 1
    );
    let released = match release::build(root, &scratch) {
        Ok(bins) => Ok(cases
            .iter()
            .map(|case| {
                let r = release::measure(
                    &bins,
                    case,
                    &scratch.join("release").join(slug(&case.name)),
                    reps.release,
                );
                eprintln!(
                    "  {}: protogate {} / tonic-prost-build {} = {:.2}×",
                    case.name,
                    stats::fmt(r.samples[0].median()),
                    stats::fmt(r.samples[1].median()),
                    r.samples[0].ratio(&r.samples[1])
                );
                r
            })
            .collect::<Vec<_>>()),
        Err(e) => {
            eprintln!("error: {e}");
            Err(e)
        }
    };
    eprintln!(
        "regeneration through build.rs: {} one-field changes",
        reps.rebuild
    );
    let rebuilt = rebuild::measure(root, &scratch, reps.rebuild);
    if let Err(e) = &rebuilt {
        eprintln!("error: {e}");
    }

    let section = report::render(&report::Report {
        command,
        reps,
        machine: report::machine(root, &load_before),
        codegen: &results,
        unavailable: &unavailable,
        release: &released,
        stages: &stage_samples,
        check: &checked,
        rebuild: &rebuilt,
        synth_command,
    });
    let path = root.join("BENCHMARKS.md");
    report::write_section(&path, &section).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("\n{section}");
    eprintln!("wrote {}", path.display());
    let failed = checked.iter().any(|(_, r)| r.is_err())
        || released.as_ref().map_or(true, |r| {
            r.iter().any(|x| x.errors.iter().any(Option::is_some))
        })
        || rebuilt.is_err()
        || results.iter().any(|r| r.errors.iter().any(Option::is_some));
    Ok(!failed)
}

fn slug(name: &str) -> String {
    name.split_whitespace()
        .next()
        .unwrap_or("case")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_schema_gets_its_own_scratch_directory() {
        assert_eq!(slug("example"), "example");
        assert_eq!(slug("synthetic (500 RPCs, 31 files)"), "synthetic");
        assert_eq!(slug(ZITADEL), "zitadel");
    }
}
