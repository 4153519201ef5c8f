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
/// The OpenAPI document the proto must agree with, relative to the workspace root.
pub const OPENAPI: &str = "schemas/auth.openapi.yaml";
/// The checked-in output directory, relative to the workspace root.
pub const OUT_DIR: &str = "generated-example/src/generated";

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

/// `cargo xtask gen [--check]`: regenerates the example (or, with `check`, only compares).
pub fn gen(root: &Path, check: bool) -> ExitCode {
    let out = root.join(OUT_DIR);
    let output = match pipeline::run(&inputs(root)) {
        Ok(output) => output,
        Err(diags) => {
            eprintln!("{diags}");
            return ExitCode::from(1);
        }
    };
    for warning in &output.warnings.0 {
        eprintln!("{warning}\n");
    }
    let shown = out.strip_prefix(root).unwrap_or(&out).display().to_string();
    if check {
        return match files::check(&out, &output.files) {
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
    match files::write(&out, &output.files) {
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
