//! Generates the conformance case messages and their validators from `cases.binpb` (the case
//! descriptors the pinned harness sends, captured by `run.sh --refresh`), and the executor's
//! dispatch table: type name → decode and validate, or the reason protogate cannot answer.
//!
//! Editions files are read as their proto2 or proto3 equivalent
//! (`protogate_codegen::load::editions`). Messages whose rules protogate does not enforce (the
//! generator's `rule-unsupported` diagnostics, which the executor alone turns into warnings),
//! also through a field's message type, answer `unexpected_error`: a success would claim rules
//! that were never checked.

#[path = "build/files.rs"]
mod files;
#[path = "build/quarantine.rs"]
mod quarantine;
#[path = "build/scan.rs"]
mod scan;

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    if let Err(e) = run() {
        eprintln!("{e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let fixture = here.join("cases.binpb");
    println!("cargo:rerun-if-changed={}", fixture.display());
    println!("cargo:rerun-if-changed=build");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("cargo sets OUT_DIR")?);

    let fixture_bytes = std::fs::read(&fixture)?;
    let readable = match protogate_codegen::load::editions::without_editions(&fixture_bytes)? {
        Some(rewritten) => rewritten,
        None => fixture_bytes,
    };
    let mut unreadable: Vec<(String, String)> = Vec::new();
    let mut loadable = files::read(&readable)?;
    let loadable_path = out.join("cases-loadable.binpb");
    // Messages the generator rejects lose their rules and answer its diagnostic, one round per
    // batch of errors (an error can hide others behind it).
    let mut rejected: Vec<(String, String)> = Vec::new();
    let pool = loop {
        let set = files::encode(&loadable);
        std::fs::write(&loadable_path, &set)?;
        let pool = prost_reflect::DescriptorPool::decode(set.as_slice())?;
        // The pipeline `Builder::compile` runs, called directly for its warnings: a rule the
        // generator reports as not enforced makes its message unanswerable.
        let inputs = protogate_codegen::pipeline::Inputs {
            proto: protogate_codegen::pipeline::ProtoSource::DescriptorSet(loadable_path.clone()),
            openapi: None,
            // Unenforced rules as warnings, so their messages are found and answered apart.
            model: protogate_codegen::model::build::ModelOptions {
                unenforced_rules: protogate_codegen::model::build::UnenforcedRules::Warn,
                ..Default::default()
            },
        };
        let errors = match protogate_codegen::pipeline::run(&inputs) {
            Ok(output) => {
                for warning in output
                    .warnings
                    .0
                    .iter()
                    .filter(|w| w.code == "rule-unsupported")
                {
                    let named = quarantine::messages_named(&warning.message, &pool);
                    if named.is_empty() {
                        return Err(format!(
                            "an unenforced rule names no case message:\n{warning}"
                        )
                        .into());
                    }
                    for message in named {
                        unreadable.push((message, warning.message.clone()));
                    }
                }
                protogate_codegen::emit::files::write(&out, &output.files, &output.binary_files)?;
                break pool;
            }
            Err(diags) => diags.0,
        };
        let mut progress = false;
        for diag in errors
            .iter()
            .filter(|d| d.severity == protogate_codegen::diag::Severity::Error)
        {
            let text = diag.to_string();
            let named = quarantine::messages_named(&diag.message, &pool);
            if named.is_empty() {
                return Err(format!("a generation error names no case message:\n{text}").into());
            }
            for message in named {
                if rejected.iter().any(|(n, _)| *n == message) {
                    continue;
                }
                for file in &mut loadable {
                    *file = quarantine::strip_rules(file, &message, &pool)?;
                }
                rejected.push((message, diag.message.clone()));
                progress = true;
            }
        }
        if !progress {
            return Err("generation errors remain after removing the rules they name".into());
        }
    };

    let mut table = String::new();
    writeln!(
        table,
        "/// What the executor does with a case message, by full name."
    )?;
    writeln!(
        table,
        "pub(crate) fn dispatch(type_name: &str, bytes: &[u8]) -> crate::harness::TestResult {{"
    )?;
    writeln!(table, "    match type_name {{")?;
    for message in scan::case_messages(&pool) {
        let name = message.full_name();
        if rejected.iter().any(|(n, _)| n == name) {
            continue;
        }
        match scan::unenforced(&message, &unreadable) {
            Some(reason) => writeln!(
                table,
                "        {name:?} => crate::answer::unenforced({reason:?}),"
            )?,
            None => writeln!(
                table,
                "        {name:?} => crate::answer::validate::<crate::cases::{}>(bytes),",
                scan::rust_path(&message)
            )?,
        }
    }
    for (name, reason) in &rejected {
        writeln!(
            table,
            "        {name:?} => crate::answer::rejected({reason:?}),"
        )?;
    }
    writeln!(
        table,
        "        other => crate::answer::other_type(other, bytes),"
    )?;
    writeln!(table, "    }}\n}}")?;
    std::fs::write(out.join("dispatch.rs"), table)?;
    Ok(())
}
