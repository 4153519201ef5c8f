//! Round trips through `protogate openapi` and the drift check on schemas bigger than one
//! service: services under different REST base paths in one document, two services of one
//! name, `openapiv2_field` bounds the rules leave open, rules that hold only for a set value;
//! and ZITADEL's whole published API (npm `@zitadel/proto`, 30 services, 867 rpcs) as a
//! descriptor set: each emitted document checked against the proto it came from must give no
//! error.
//!
//! The ZITADEL set is `PROTOGATE_ZITADEL_SET`, else `target/zitadel/zitadel.binpb`, else written
//! by `tests/zitadel/extract.sh` (needs node). With `PROTOGATE_ORACLE_REQUIRED=1` (CI) a
//! missing set fails the test instead of skipping it.

use std::path::{Path, PathBuf};

use protogate_codegen::diag::{Diagnostic, Severity};
use protogate_codegen::emit::openapi::{Format, Version};
use protogate_codegen::model::build::ModelOptions;
use protogate_codegen::pipeline::{self, Inputs, ProtoSource};
use serde_json::{json, Value};

#[path = "diff_support/zitadel.rs"]
mod zitadel;
use zitadel::zitadel_set;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const OPTIONS: &str = r#"
import "google/api/annotations.proto";
import "protoc-gen-openapiv2/options/annotations.proto";
import "validate/validate.proto";
"#;

/// Two files with their own base paths, and a third service of the first one's name.
fn write_schema(dir: &Path) -> Vec<PathBuf> {
    let files = [
        (
            "admin.proto",
            format!(
                r#"syntax = "proto3";
package demo.admin.v1;
{OPTIONS}
option (grpc.gateway.protoc_gen_openapiv2.options.openapiv2_swagger) = {{base_path: "/admin/v1"}};

service AdminService {{
  rpc Healthz(HealthzRequest) returns (HealthzResponse) {{
    option (google.api.http) = {{get: "/healthz"}};
  }}
  rpc Rename(RenameRequest) returns (HealthzResponse) {{
    option (google.api.http) = {{post: "/names/{{id}}" body: "*"}};
  }}
}}
message HealthzRequest {{}}
message HealthzResponse {{}}
message RenameRequest {{
  string id = 1;
  // Only the annotation bounds it: as protoc-gen-openapiv2 writes it.
  string name = 2 [(grpc.gateway.protoc_gen_openapiv2.options.openapiv2_field) = {{
    min_length: 1, max_length: 200, pattern: "^[a-z]+$"
  }}];
  // A rule that holds only when set, and an annotation the rule wins over.
  string email = 3 [
    (validate.rules).string = {{ignore_empty: true, max_len: 320, email: true}},
    (grpc.gateway.protoc_gen_openapiv2.options.openapiv2_field) = {{max_length: 320}}
  ];
}}
"#
            ),
        ),
        (
            "auth.proto",
            format!(
                r#"syntax = "proto3";
package demo.auth.v1;
{OPTIONS}
option (grpc.gateway.protoc_gen_openapiv2.options.openapiv2_swagger) = {{base_path: "/auth/v1"}};

service AuthService {{
  rpc Healthz(Ping) returns (Ping) {{
    option (google.api.http) = {{get: "/healthz"}};
  }}
}}
message Ping {{}}
"#
            ),
        ),
        (
            "admin_beta.proto",
            format!(
                r#"syntax = "proto3";
package demo.admin.v2beta;
{OPTIONS}

service AdminService {{
  rpc Healthz(Ping) returns (Ping) {{
    option (google.api.http) = {{get: "/v2beta/healthz"}};
  }}
}}
message Ping {{}}
"#
            ),
        ),
    ];
    files
        .iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("writes the proto");
            path
        })
        .collect()
}

fn inputs(dir: &Path, files: &[PathBuf], openapi: Option<PathBuf>) -> Inputs {
    Inputs {
        proto: ProtoSource::Files {
            files: files.to_vec(),
            includes: vec![dir.to_path_buf(), root().join("schemas/proto")],
        },
        openapi,
        model: ModelOptions::default(),
    }
}

fn shown(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The drift check's findings for `inputs(document)`: errors and warnings.
fn drift(inputs: Inputs) -> Vec<Diagnostic> {
    let diags = match pipeline::run(&inputs) {
        Ok(output) => output.warnings,
        Err(diags) => diags,
    };
    diags.0
}

#[test]
fn services_under_their_own_base_paths_share_one_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = write_schema(dir.path());
    let output = pipeline::openapi(
        &inputs(dir.path(), &files, None),
        Version::V3_1,
        Format::Json,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let doc: Value = serde_json::from_str(&output.text).expect("JSON");

    // No shared base path: no server URL, each route under its own service's.
    assert_eq!(doc.get("servers"), None);
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        paths,
        [
            "/admin/v1/healthz",
            "/admin/v1/names/{id}",
            "/auth/v1/healthz",
            "/v2beta/healthz"
        ]
    );
    // The second AdminService's operationId is qualified with its package, with a warning.
    assert_eq!(
        doc["paths"]["/v2beta/healthz"]["get"]["operationId"],
        json!("demo_admin_v2beta_AdminService_Healthz")
    );
    assert!(output
        .warnings
        .0
        .iter()
        .any(|w| w.code == "openapi-emit-operation-id"));

    // The annotation bounds the rules leave open; the rule wins where both speak.
    // `body: "*"` without the path's `id`: the component `<method>Body`.
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let body = schemas
        .iter()
        .find(|(name, _)| name.contains("Rename"))
        .map(|(_, schema)| &schema["properties"])
        .expect("the request body's schema");
    assert_eq!(
        body["name"],
        json!({"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[a-z]+$",
               "description": "Only the annotation bounds it: as protoc-gen-openapiv2 writes it."})
    );
    assert_eq!(
        body["email"]["anyOf"],
        json!([{"enum": [""]}, {"maxLength": 320, "format": "email"}])
    );

    // The server routes each service under its own base path.
    let generated =
        pipeline::run(&inputs(dir.path(), &files, None)).unwrap_or_else(|d| panic!("{d}"));
    let code: String = generated
        .files
        .values()
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    for prefix in ["\"/admin/v1\"", "\"/auth/v1\""] {
        assert!(
            code.contains(&format!("rest_prefix: {prefix}")),
            "no service is served under {prefix}"
        );
    }
}

#[test]
fn the_drift_check_reads_the_multi_service_document_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = write_schema(dir.path());
    let text = pipeline::openapi(
        &inputs(dir.path(), &files, None),
        Version::V3_0,
        Format::Yaml,
    )
    .unwrap_or_else(|d| panic!("{d}"))
    .text;
    let path = dir.path().join("api.yaml");
    std::fs::write(&path, &text).expect("writes the document");
    let findings = drift(inputs(dir.path(), &files, Some(path.clone())));
    assert!(findings.is_empty(), "{}", shown(&findings));

    // A route moved to another service's base path, and the annotation's bound dropped from
    // the document, are found.
    let moved = text.replacen("/auth/v1/healthz:", "/admin/v1/healthz2:", 1);
    let dropped = text.replacen("maxLength: 200", "maxLength: 100", 1);
    for (what, changed, code) in [
        ("moved route", moved, "openapi-missing-operation"),
        ("annotation bound", dropped, "openapi-bound"),
    ] {
        assert_ne!(changed, text, "{what}: the edit applies");
        std::fs::write(&path, &changed).expect("writes the document");
        let findings = drift(inputs(dir.path(), &files, Some(path.clone())));
        assert!(
            findings
                .iter()
                .any(|d| d.code == code && d.severity == Severity::Error),
            "{what}: expected {code}, got:\n{}",
            shown(&findings)
        );
    }
}

#[test]
fn zitadel_agrees_with_its_own_emitted_document() {
    let Some(set) = zitadel_set() else {
        assert!(
            std::env::var("PROTOGATE_ORACLE_REQUIRED").as_deref() != Ok("1"),
            "ZITADEL's descriptor set is required (PROTOGATE_ZITADEL_SET or tests/zitadel/extract.sh)"
        );
        eprintln!("skipped: no ZITADEL descriptor set (tests/zitadel/extract.sh needs node)");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = |openapi: Option<PathBuf>| Inputs {
        proto: ProtoSource::DescriptorSet(set.clone()),
        openapi,
        model: ModelOptions::default(),
    };
    // The document in either version reads back: 3.1's type arrays, `const` and numeric
    // bounds as well as 3.0's forms.
    for version in [Version::V3_0, Version::V3_1] {
        let emitted = pipeline::openapi(&inputs(None), version, Format::Yaml)
            .unwrap_or_else(|d| panic!("{d}"));
        let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&emitted.text).expect("YAML");
        let operations: usize = doc["paths"]
            .as_mapping()
            .map(|paths| {
                paths
                    .values()
                    .filter_map(|item| item.as_mapping())
                    .map(|item| item.len())
                    .sum()
            })
            .unwrap_or(0);
        let path = dir.path().join("zitadel.openapi.yaml");
        std::fs::write(&path, &emitted.text).expect("writes the document");
        let findings = drift(inputs(Some(path)));
        let errors: Vec<Diagnostic> = findings.iter().filter(|d| d.is_error()).cloned().collect();
        assert!(errors.is_empty(), "{}", shown(&errors));
        // What may remain is about the proto alone: an `openapiv2_field` that says another bound
        // than the rule beside it (the document follows the rule).
        let other: Vec<Diagnostic> = findings
            .iter()
            .filter(|d| d.code != "openapi-annotation")
            .cloned()
            .collect();
        assert!(other.is_empty(), "{}", shown(&other));
        eprintln!(
            "ZITADEL: {operations} operations, {} bytes of OpenAPI {version:?}, 0 errors, {} warnings about the proto's own annotations",
            emitted.text.len(),
            findings.len()
        );
        assert!(operations > 500, "only {operations} operations emitted");
    }
}
