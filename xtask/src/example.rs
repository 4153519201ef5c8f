//! The example API: its inputs in one place, and `gen [--check]` over them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use protogate_codegen::emit::files;
use protogate_codegen::model::build::ModelOptions;
use protogate_codegen::pipeline::{self, Inputs, ProtoSource};

/// The proto files the example is generated from, relative to the workspace root.
pub const PROTO_FILES: &[&str] = &[
    "schemas/proto/zitadel/auth.proto",
    // The error detail ZITADEL attaches to its errors: not imported by the service, but part of
    // the API's error model.
    "schemas/proto/zitadel/message.proto",
];
/// Include directories, relative to the workspace root.
pub const INCLUDES: &[&str] = &["schemas/proto"];
/// The OpenAPI document emitted from the example's proto (3.1), kept beside the generated code
/// in OUT_DIR: its diff shows what a schema change does to the REST API.
pub const OPENAPI_OUT: &str = "openapi.yaml";
/// The same document in JSON, which the example serves at `/openapi.json`.
pub const OPENAPI_JSON_OUT: &str = "openapi.json";
/// The OpenAPI document the proto must agree with, relative to the workspace root.
pub const OPENAPI: &str = "schemas/auth.openapi.yaml";
/// The checked-in output directory, relative to the workspace root.
pub const OUT_DIR: &str = "generated-example/src/generated";
/// The breaking changes released on purpose (`RULE ELEMENT` a line), relative to the root.
pub const ACKNOWLEDGED: &str = "schemas/acknowledged-breaking-changes.txt";

/// The example's proto files, absolute.
pub fn proto_files(root: &Path) -> Vec<PathBuf> {
    PROTO_FILES.iter().map(|f| root.join(f)).collect()
}

/// The example's include directories, absolute.
pub fn includes(root: &Path) -> Vec<PathBuf> {
    INCLUDES.iter().map(|d| root.join(d)).collect()
}

/// The pipeline inputs for the example, with `proto` as the proto source (the `.proto` files by
/// default; the benchmark also feeds a descriptor set of the same files).
pub fn inputs_with(root: &Path, proto: ProtoSource) -> Inputs {
    Inputs {
        proto,
        openapi: Some(root.join(OPENAPI)),
        model: ModelOptions::default(),
    }
}

/// The output options of the example: its end-to-end tests call it through tonic's client.
pub fn options() -> protogate_codegen::emit::Options {
    protogate_codegen::emit::Options {
        build_client: true,
        ..protogate_codegen::emit::Options::default()
    }
}

/// The pipeline inputs `cargo xtask gen` uses.
pub fn inputs(root: &Path) -> Inputs {
    inputs_with(
        root,
        ProtoSource::Files {
            files: proto_files(root),
            includes: includes(root),
        },
    )
}

/// Adds the emitted OpenAPI document, in YAML and JSON, to the generated files; the error is the diagnostic's text.
fn add_openapi(output: &mut pipeline::Output) -> Result<(), String> {
    use protogate_codegen::emit::openapi;
    let settings = openapi::Settings {
        version: openapi::Version::V3_1,
    };
    let (document, warnings) = openapi::document(&output.api, &settings);
    output.warnings.0.extend(warnings);
    for (name, format) in [
        (OPENAPI_OUT, openapi::Format::Yaml),
        (OPENAPI_JSON_OUT, openapi::Format::Json),
    ] {
        let text = openapi::render(&document, format).map_err(|d| d.to_string())?;
        output.files.insert(name.to_string(), text);
    }
    Ok(())
}

/// `cargo xtask gen [--check]`: regenerates the example (or, with `check`, only compares).
pub fn gen(root: &Path, check: bool) -> ExitCode {
    let out = root.join(OUT_DIR);
    let mut output = match pipeline::run_with(&inputs(root), &options()) {
        Ok(output) => output,
        Err(diags) => {
            eprintln!("{diags}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = add_openapi(&mut output) {
        eprintln!("{e}");
        return ExitCode::from(1);
    }
    for warning in &output.warnings.0 {
        eprintln!("{warning}\n");
    }
    let shown = out.strip_prefix(root).unwrap_or(&out).display().to_string();
    if !check {
        report_changes(root);
    }
    if check {
        return match files::check(&out, &output.files, &output.binary_files) {
            Ok(staleness) if staleness.is_fresh() => {
                eprintln!("{shown} is up to date ({} files)", output.files.len());
                ExitCode::SUCCESS
            }
            Ok(staleness) => {
                eprintln!("{shown} is stale:\n{staleness}regenerate it with `cargo xtask gen`");
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("{}", pipeline::io_error(&out, &e));
                ExitCode::from(1)
            }
        };
    }
    match files::write(&out, &output.files, &output.binary_files) {
        Ok(written) => {
            eprintln!(
                "generated {} files into {shown} ({} changed)",
                output.files.len(),
                written.len()
            );
            for name in &written {
                eprintln!("  {name}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", pipeline::io_error(&out, &e));
            ExitCode::from(1)
        }
    }
}

/// Prints what changed in `schemas/` since the last commit, breaking changes first, so a
/// regeneration says what it means for clients. It never stops the regeneration: the gate
/// is `cargo xtask diff`.
fn report_changes(root: &Path) {
    let _ = diff(root, "git:HEAD", false);
}

/// `cargo xtask diff [--against OLD]`: the example's API changes against OLD (default
/// `git:HEAD`): proto, OpenAPI document and acknowledgements. With `gate`, exits 1 on an
/// unacknowledged breaking change.
pub fn diff(root: &Path, against: &str, gate: bool) -> ExitCode {
    use protogate_codegen::diff::{self, report, FailOn};
    let openapi_against = if against.starts_with("git:") {
        against.to_string()
    } else {
        root.join(OPENAPI).display().to_string()
    };
    let request = diff::Request {
        new: ProtoSource::Files {
            files: proto_files(root),
            includes: includes(root),
        },
        against: diff::old::Against::parse(against),
        openapi: Some((root.join(OPENAPI), openapi_against)),
        acknowledged: Some(root.join(ACKNOWLEDGED)),
        options: diff::Options::default(),
    };
    let outcome = match diff::compare(&request) {
        Ok(outcome) => outcome,
        Err(diags) => {
            eprintln!("schemas/: cannot compare with {against}:\n{diags}\n");
            return ExitCode::from(2);
        }
    };
    if outcome.findings.is_empty() && outcome.unused.is_empty() {
        eprintln!("schemas/: no API changes since {against}");
    } else {
        let unused: Vec<&diff::ack::Entry> = outcome.unused.iter().collect();
        eprintln!("schemas/: API changes since {against}\n");
        eprintln!(
            "{}\n",
            report::render(&outcome.findings, &unused, report::Format::Text)
        );
    }
    if gate && FailOn::Breaking.met(&outcome.findings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
