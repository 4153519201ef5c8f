//! Generates the conformance case messages and their validators from `cases.binpb` (the case
//! descriptors the pinned harness sends, captured by `run.sh --refresh`), and the executor's
//! dispatch table: type name → decode and validate, or the reason protogate cannot answer.
//!
//! Editions files are read as proto2 (`protogate_codegen::load::editions`); the messages of
//! fields with implicit presence, which protogate cannot read there yet, answer
//! `unexpected_error`. Messages whose rules protogate does not enforce (CEL, predefined rules),
//! also through a field's message type, answer `unexpected_error` too: a success would claim
//! rules that were never checked.

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
    let (proto2, implicit) =
        match protogate_codegen::load::editions::as_proto2_listing_implicit(&fixture_bytes)? {
            Some(found) => found,
            None => (fixture_bytes, Vec::new()),
        };
    let unreadable: Vec<(String, String)> = implicit
        .iter()
        .filter_map(|field| {
            let (message, _) = field.rsplit_once('.')?;
            Some((
                message.to_string(),
                format!("field `{field}` has implicit presence in an editions file, which protogate cannot read yet"),
            ))
        })
        .collect();
    let mut loadable = files::read(&proto2)?;
    let loadable_path = out.join("cases-loadable.binpb");
    // Messages the generator rejects lose their rules and answer its diagnostic, one round per
    // batch of errors (an error can hide others behind it).
    let mut rejected: Vec<(String, String)> = Vec::new();
    let pool = loop {
        let set = files::encode(&loadable);
        std::fs::write(&loadable_path, &set)?;
        let pool = prost_reflect::DescriptorPool::decode(set.as_slice())?;
        let errors = match protogate_codegen::Builder::new()
            .descriptor_set(&loadable_path)
            .emit_cargo_directives(false)
            .compile()
        {
            Ok(()) => break pool,
            Err(protogate_codegen::Error::Schema(diags)) => diags.0,
            Err(other) => return Err(other.into()),
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
