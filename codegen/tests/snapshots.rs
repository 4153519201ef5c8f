//! Snapshots (insta) of the generated validators, so a change to the emitters shows up as a
//! reviewable diff of the code they write: PGV's rules (`pgvcases`) and protovalidate's
//! (`pvcases`), from the validator test schemas. `cargo insta review` accepts a change.

use std::path::{Path, PathBuf};

use protogate_codegen::model::build::ModelOptions;
use protogate_codegen::pipeline::{self, Inputs, ProtoSource};

fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The generated code of `package` from `file` under tests/validate/proto.
fn generate(file: &str, package: &str) -> String {
    let inputs = Inputs {
        proto: ProtoSource::Files {
            files: vec![manifest("../tests/validate/proto").join(file)],
            includes: vec![
                manifest("../tests/validate/proto"),
                manifest("../schemas/proto"),
                manifest("tests/fixtures/protovalidate"),
            ],
        },
        openapi: None,
        model: ModelOptions::default(),
    };
    let output = pipeline::run(&inputs)
        .unwrap_or_else(|diags| panic!("the test schema does not generate:\n{diags}"));
    output.files[&format!("{package}.protogate.rs")].clone()
}

/// Every `impl ::protogate::Validate for …` block of a generated file, in file order.
fn validators(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(start) = rest.find("impl ::protogate::Validate for ") {
        let block = &rest[start..];
        // A message without rules keeps the trait's default: `impl … for X {}` on one line.
        let first_line = block.find('\n').map_or(block.len(), |i| i + 1);
        let end = if block[..first_line].trim_end().ends_with("{}") {
            first_line
        } else {
            block.find("\n}\n").map_or(block.len(), |i| i + 3)
        };
        out.push_str(&block[..end]);
        out.push('\n');
        rest = &block[end..];
    }
    out
}

#[test]
fn pgv_validators() {
    let code = generate("pgvcases/cases.proto", "pgvcases");
    insta::assert_snapshot!(validators(&code));
}

#[test]
fn protovalidate_validators() {
    let code = generate("pvcases/cases.proto", "pvcases");
    insta::assert_snapshot!(validators(&code));
}
