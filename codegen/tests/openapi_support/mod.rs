//! What the `openapi*` integration tests share: the example's and the library fixture's
//! inputs, emitting a document, reading one back through the drift check.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use protogate_codegen::emit::openapi::{Format, Version};
use protogate_codegen::model::build::ModelOptions;
use protogate_codegen::pipeline::{self, Inputs, ProtoSource};
use serde_json::Value;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The example's inputs, as `cargo xtask gen` has them (without its hand-written document).
pub fn example(openapi: Option<PathBuf>) -> Inputs {
    let schemas = root().join("schemas/proto");
    Inputs {
        proto: ProtoSource::Files {
            files: vec![
                schemas.join("zitadel/auth.proto"),
                schemas.join("zitadel/message.proto"),
            ],
            includes: vec![schemas],
        },
        openapi,
        model: ModelOptions::default(),
    }
}

/// The library fixture, as tests/build-rs/build.rs compiles it.
pub fn library(openapi: Option<PathBuf>) -> Inputs {
    let fixture = root().join("codegen/tests/fixtures/library");
    let files = [
        "library/v1/books.proto",
        "library/v1/shelves.proto",
        "library/v1/authors.proto",
        "library/v1/loans.proto",
        "library/admin/v1/admin.proto",
    ];
    Inputs {
        proto: ProtoSource::Files {
            files: files.iter().map(|f| fixture.join(f)).collect(),
            includes: vec![fixture.clone(), root().join("schemas/proto")],
        },
        openapi,
        model: ModelOptions::default(),
    }
}

/// The emitted document; the emitter itself must have nothing to warn about.
pub fn emit(inputs: &Inputs, version: Version, format: Format) -> String {
    let output = pipeline::openapi(inputs, version, format).unwrap_or_else(|d| panic!("{d}"));
    let emitter: Vec<String> = output
        .warnings
        .0
        .iter()
        .filter(|w| w.code.starts_with("openapi"))
        .map(|w| w.to_string())
        .collect();
    assert!(emitter.is_empty(), "{}", emitter.join("\n"));
    output.text
}

pub fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("the document is JSON")
}

/// Compares `text` with `codegen/tests/golden/openapi/<name>` (rewrites it when blessing).
pub fn golden(name: &str, text: &str) {
    let path = root().join("codegen/tests/golden/openapi").join(name);
    if std::env::var_os("PROTOGATE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("golden dir");
        std::fs::write(&path, text).expect("writes the golden file");
    }
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        old == text,
        "codegen/tests/golden/openapi/{name} is stale (rerun with PROTOGATE_BLESS=1 and review the diff)"
    );
}

/// The drift check's findings for `inputs` against `document` (written to a temporary file).
pub fn drift(
    inputs: impl Fn(Option<PathBuf>) -> Inputs,
    document: &str,
    file: &str,
) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(file);
    std::fs::write(&path, document).expect("writes the document");
    let diags = match pipeline::run(&inputs(Some(path))) {
        Ok(output) => output.warnings,
        Err(diags) => diags,
    };
    diags
        .0
        .iter()
        .filter(|d| d.code.starts_with("openapi-"))
        .map(|d| d.to_string())
        .collect()
}
