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

/// The diagnostics for the proto and document with every edit applied (each `from` must be
/// there), the document written beside `others` so `$ref`s can name them.
fn run(
    proto_edits: &[(&str, &str)],
    doc_edits: &[(&str, &str)],
    others: &[(&str, &str)],
) -> Diagnostics {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut proto_text = PROTO.to_string();
    for (from, to) in proto_edits {
        assert!(proto_text.contains(from), "{from}");
        proto_text = proto_text.replacen(from, to, 1);
    }
    let mut doc_text = DOC.to_string();
    for (from, to) in doc_edits {
        assert!(doc_text.contains(from), "{from}");
        doc_text = doc_text.replacen(from, to, 1);
    }
    let proto = dir.path().join("t.proto");
    std::fs::write(&proto, proto_text).expect("write proto");
    for (name, text) in others {
        std::fs::write(dir.path().join(name), text).expect("write other file");
    }
    let path = dir.path().join("t.yaml");
    std::fs::write(&path, doc_text).expect("write document");
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/proto");
    let input =
        load::proto::compile(&[proto], &[dir.path().to_path_buf(), schemas]).expect("compiles");
    let doc = load::openapi::read(&path).expect("parses");
    let mut diags = Diagnostics::default();
    let api = build(&input, &ModelOptions::default(), &mut diags);
    super::check(&api, &doc, &mut diags);
    // Paths in messages are the temporary directory's: keep the file names only.
    let dir_text = format!("{}/", dir.path().display());
    for d in &mut diags.0 {
        d.location.file = d.location.file.replace(&dir_text, "");
        for (l, _) in &mut d.related {
            l.file = l.file.replace(&dir_text, "");
        }
    }
    diags
}

const V31: (&str, &str) = ("openapi: 3.0.3", "openapi: 3.1.0");
const COUNT: &str =
    "count: {type: integer, format: int32, minimum: 0, exclusiveMinimum: true, maximum: 10}";

/// The codes of the diagnostics with their `file:line`.
fn found(diags: &Diagnostics) -> Vec<String> {
    diags
        .0
        .iter()
        .map(|d| format!("{}@{}:{}", d.code, d.location.file, d.location.line))
        .collect()
}

#[test]
fn openapi_3_1_bounds_type_arrays_and_const_are_read() {
    let clean = run(
        &[],
        &[
            V31,
            (COUNT, "count: {type: [integer, \"null\"], format: int32, exclusiveMinimum: 0, maximum: 10, examples: [1]}"),
        ],
        &[],
    );
    assert!(clean.0.is_empty(), "{clean}");
    let moved = run(
        &[],
        &[
            V31,
            (
                COUNT,
                "count: {type: integer, format: int32, exclusiveMinimum: 1, maximum: 10}",
            ),
        ],
        &[],
    );
    assert_eq!(found(&moved), ["openapi-bound@t.yaml:13"], "{moved}");
    let typed = run(
        &[],
        &[
            V31,
            (
                COUNT,
                "count: {type: [string, \"null\"], exclusiveMinimum: 0, maximum: 10}",
            ),
        ],
        &[],
    );
    assert_eq!(found(&typed), ["openapi-type@t.yaml:13"], "{typed}");
    // `const` is the one listed value of a string's `const` rule.
    let proto = [(
        "  int32 count = 1 [(validate.rules).int32 = {gt: 0, lte: 10}];",
        "  int32 count = 1 [(validate.rules).int32 = {gt: 0, lte: 10}];\n  string code = 2 [(validate.rules).string.const = \"a\"];",
    )];
    let with_code = |code: &str| {
        run(
            &proto,
            &[
                V31,
                (
                    "                count: {",
                    &format!(
                        "                code: {{type: string, {code}}}\n                count: {{"
                    ),
                ),
                (
                    ", minimum: 0, exclusiveMinimum: true",
                    ", exclusiveMinimum: 0",
                ),
            ],
            &[],
        )
    };
    let clean = with_code("const: a");
    assert!(clean.0.is_empty(), "{clean}");
    let other = with_code("const: b");
    assert_eq!(found(&other), ["openapi-enum@t.yaml:13"], "{other}");
}

#[test]
fn keywords_of_the_other_version_are_errors_at_their_line() {
    for edit in [
        "count: {type: integer, format: int32, minimum: 0, exclusiveMinimum: true, maximum: 10, const: 3}",
        "count: {type: [integer, \"null\"], format: int32, minimum: 0, exclusiveMinimum: true, maximum: 10}",
        "count: {type: integer, format: int32, exclusiveMinimum: 0, maximum: 10}",
    ] {
        let diags = run(&[], &[(COUNT, edit)], &[]);
        assert!(
            found(&diags).contains(&"openapi-version-keyword@t.yaml:13".to_string()),
            "{edit}: {diags}"
        );
    }
    // 3.0's boolean exclusive bound in a 3.1 document.
    let diags = run(&[], &[V31], &[]);
    assert!(
        found(&diags).contains(&"openapi-version-keyword@t.yaml:13".to_string()),
        "{diags}"
    );
}

#[test]
fn all_of_parts_are_merged_and_checked() {
    let split = [(
        "            schema:\n              type: object\n              properties:\n",
        "            schema:\n              allOf:\n                - type: object\n                - properties:\n",
    ), (COUNT, &format!("    {COUNT}")[..])];
    let clean = run(&[], &split, &[]);
    assert!(clean.0.is_empty(), "{clean}");
    let raised = run(&[], &[split[0], (COUNT, "    count: {type: integer, format: int32, minimum: 0, exclusiveMinimum: true, maximum: 11}")], &[]);
    assert_eq!(found(&raised), ["openapi-bound@t.yaml:14"], "{raised}");
}

const CHOICE: (&str, &str) = (
    "  int32 count = 1 [(validate.rules).int32 = {gt: 0, lte: 10}];",
    "  int32 count = 1 [(validate.rules).int32 = {gt: 0, lte: 10}];\n  oneof choice {\n    string a = 2;\n    string b = 3;\n  }",
);

fn with_one_of(one_of: &str) -> Diagnostics {
    let props = format!("                a: {{type: string}}\n                b: {{type: string}}\n                {COUNT}\n              oneOf: {one_of}");
    run(
        &[CHOICE],
        &[(&format!("                {COUNT}")[..], &props[..])],
        &[],
    )
}

#[test]
fn one_of_of_required_fields_is_compared_with_the_oneofs() {
    let clean = with_one_of(
        "[{required: [a]}, {required: [b]}, {not: {anyOf: [{required: [a]}, {required: [b]}]}}]",
    );
    assert!(clean.0.is_empty(), "{clean}");
    let required = with_one_of("[{required: [a]}, {required: [b]}]");
    assert_eq!(found(&required), ["openapi-oneof@t.yaml:16"], "{required}");
    let wrong = with_one_of("[{required: [a]}, {required: [count]}]");
    assert_eq!(found(&wrong), ["openapi-oneof@t.yaml:16"], "{wrong}");
    assert!(
        wrong.0[0]
            .related
            .iter()
            .any(|(l, _)| l.file.ends_with("t.proto")),
        "{wrong}"
    );
}

#[test]
fn other_compositions_are_reported_as_not_checked() {
    let diags = with_one_of("[{properties: {a: {minLength: 2}}}, {required: [b]}]");
    let warnings: Vec<String> = diags
        .0
        .iter()
        .filter(|d| !d.is_error())
        .map(|d| format!("{}@{}:{}", d.code, d.location.file, d.location.line))
        .collect();
    assert_eq!(warnings, ["openapi-not-checked@t.yaml:16"], "{diags}");
    assert!(!diags.has_errors(), "{diags}");
    let field = run(
        &[],
        &[(COUNT, "count: {oneOf: [{type: integer}, {type: string}]}")],
        &[],
    );
    assert_eq!(found(&field), ["openapi-not-checked@t.yaml:13"], "{field}");
}

#[test]
fn refs_into_other_files_are_followed_with_their_lines() {
    let to_common = (
        COUNT,
        "count: {$ref: 'common.yaml#/components/schemas/Count'}",
    );
    let common = "components:\n  schemas:\n    Count:\n      type: integer\n      format: int32\n      minimum: 0\n      exclusiveMinimum: true\n      maximum: 10\n";
    let clean = run(&[], &[to_common], &[("common.yaml", common)]);
    assert!(clean.0.is_empty(), "{clean}");
    let raised = run(
        &[],
        &[to_common],
        &[("common.yaml", &common.replace("maximum: 10", "maximum: 12"))],
    );
    assert_eq!(found(&raised), ["openapi-bound@common.yaml:8"], "{raised}");
    assert!(
        raised.0[0]
            .related
            .iter()
            .any(|(l, _)| l.file == "t.yaml" && l.line == 13),
        "the error names the `$ref` that led there: {raised}"
    );
    let missing = run(&[], &[to_common], &[]);
    assert_eq!(found(&missing), ["openapi-ref@t.yaml:13"], "{missing}");
    let no_pointer = run(&[], &[to_common], &[("common.yaml", "components: {}\n")]);
    assert_eq!(
        found(&no_pointer),
        ["openapi-ref@t.yaml:13"],
        "{no_pointer}"
    );
}

#[test]
fn keywords_beside_a_ref_hold_in_3_1() {
    let last = "              schema: {type: object, properties: {}}\n";
    let components = "              schema: {type: object, properties: {}}\ncomponents:\n  schemas:\n    Count: {type: integer, format: int32, exclusiveMinimum: 0}\n";
    let with = |sibling: &str| {
        run(
            &[],
            &[
                V31,
                (
                    COUNT,
                    &format!("count: {{$ref: '#/components/schemas/Count', {sibling}}}")[..],
                ),
                (last, components),
            ],
            &[],
        )
    };
    let clean = with("maximum: 10");
    assert!(clean.0.is_empty(), "{clean}");
    let raised = with("maximum: 12");
    assert_eq!(found(&raised), ["openapi-bound@t.yaml:13"], "{raised}");
}

#[test]
fn a_ref_cycle_is_an_error() {
    let last = "              schema: {type: object, properties: {}}\n";
    let components = "              schema: {type: object, properties: {}}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n";
    let diags = run(
        &[],
        &[
            (COUNT, "count: {$ref: '#/components/schemas/A'}"),
            (last, components),
        ],
        &[],
    );
    assert_eq!(found(&diags), ["openapi-ref@t.yaml:13"], "{diags}");
}
