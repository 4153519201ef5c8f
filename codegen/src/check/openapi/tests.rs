//! The check on a small schema, keyword by keyword.

use std::path::Path;

use crate::diag::Diagnostics;
use crate::load;
use crate::model::build::{build, ModelOptions};

const PROTO: &str = r#"syntax = "proto3";
package t.v1;
import "google/api/annotations.proto";
import "validate/validate.proto";
service S {
  rpc Count(CountRequest) returns (CountResponse) {
    option (google.api.http) = {post: "/count", body: "*"};
  }
}
message CountRequest {
  int32 count = 1 [(validate.rules).int32 = {gt: 0, lte: 10}];
}
message CountResponse {}
"#;

const DOC: &str = r#"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /count:
    post:
      operationId: S_Count
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                count: {type: integer, format: int32, minimum: 0, exclusiveMinimum: true, maximum: 10}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {}}
"#;

/// The diagnostics of the checker for the document with `from` replaced by `to`.
fn check_with(from: &str, to: &str) -> Diagnostics {
    check_with_proto("", "", from, to)
}

/// The same with the proto's `proto_from` replaced by `proto_to` too.
fn check_with_proto(proto_from: &str, proto_to: &str, from: &str, to: &str) -> Diagnostics {
    let dir = tempfile::tempdir().expect("tempdir");
    let proto = dir.path().join("t.proto");
    assert!(PROTO.contains(proto_from));
    std::fs::write(&proto, PROTO.replacen(proto_from, proto_to, 1)).expect("write proto");
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/proto");
    let input =
        load::proto::compile(&[proto], &[dir.path().to_path_buf(), schemas]).expect("compiles");
    assert!(DOC.contains(from));
    let doc = load::openapi::parse("t.yaml", &DOC.replace(from, to)).expect("parses");
    let mut diags = Diagnostics::default();
    let api = build(&input, &ModelOptions::default(), &mut diags);
    super::check(&api, &doc, &mut diags);
    diags
}

/// A field whose rules need a value may be listed as required (a valid request carries
/// it, and `protogate openapi` lists it); any other field may not.
#[test]
fn required_follows_the_field_behavior_or_the_rules() {
    let listed = "              type: object\n              required: [count]\n";
    let diags = check_with("              type: object\n", listed);
    assert!(
        diags.errors().any(|d| d.code == "openapi-required"),
        "{diags}"
    );
    let needed = "  int32 count = 1 [(validate.rules).int32 = {gt: 0, lte: 10}];\n  repeated string tags = 2 [(validate.rules).repeated.min_items = 1];";
    let diags = check_with_proto(
        "  int32 count = 1 [(validate.rules).int32 = {gt: 0, lte: 10}];",
        needed,
        "                count: {",
        "                tags: {type: array, minItems: 1, items: {type: string}}\n                count: {",
    );
    assert!(diags.0.is_empty(), "{diags}");
    let diags = check_with_proto(
        "  int32 count = 1 [(validate.rules).int32 = {gt: 0, lte: 10}];",
        needed,
        "              type: object\n              properties:\n                count: {",
        "              type: object\n              required: [tags]\n              properties:\n                tags: {type: array, minItems: 1, items: {type: string}}\n                count: {",
    );
    assert!(diags.0.is_empty(), "{diags}");
}

#[test]
fn numeric_bounds_follow_exclusiveness() {
    let clean = check_with("maximum: 10", "maximum: 10");
    assert!(clean.0.is_empty(), "{clean}");
    for (from, to, keyword) in [
        (", exclusiveMinimum: true", "", "minimum"),
        ("minimum: 0", "minimum: 1", "minimum"),
        (
            "maximum: 10",
            "maximum: 10, exclusiveMaximum: true",
            "maximum",
        ),
        (", maximum: 10", "", "maximum"),
    ] {
        let diags = check_with(from, to);
        assert!(
            diags.errors().any(
                |d| d.code == "openapi-bound" && d.message.starts_with(&format!("`{keyword}`"))
            ),
            "{from} -> {to}: {diags}"
        );
    }
}
