//! The output knobs of `Builder` and `protogate gen`: each one generates with the knob and
//! checks what changed in the output (tests/options compiles and runs the same knobs).

use std::path::{Path, PathBuf};
use std::process::Command;

use protogate_codegen::emit::json::{self, invoked as listed};
use protogate_codegen::Builder;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture() -> PathBuf {
    root().join("codegen/tests/fixtures/knobs")
}

/// A builder for the knobs fixture writing to `out`, printing no cargo directives.
fn builder(out: &Path) -> Builder {
    Builder::new()
        .emit_cargo_directives(false)
        .include(fixture())
        .include(root().join("schemas/proto"))
        .proto(fixture().join("knobs/v1/knobs.proto"))
        .out_dir(out)
}

/// The generated code of package `knobs.v1` in a run configured by `configure`: its file
/// (`knobs.v1.rs`) followed by the file of protogate's code (`knobs.v1.protogate.rs`).
fn generate(configure: impl FnOnce(Builder) -> Builder) -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().expect("temporary directory");
    configure(builder(out.path()))
        .compile()
        .unwrap_or_else(|e| panic!("{e}"));
    let code = package_code(out.path(), "knobs.v1");
    (out, code)
}

/// `<package>.rs` followed by `<package>.protogate.rs` from `dir`.
fn package_code(dir: &Path, package: &str) -> String {
    let read = |name: String| {
        std::fs::read_to_string(dir.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    read(format!("{package}.rs")) + &read(format!("{package}.protogate.rs"))
}

#[test]
fn protogate_code_is_in_its_own_file_beside_the_upstream_file() {
    let out = tempfile::tempdir().expect("temporary directory");
    builder(out.path())
        .build_client(true)
        .compile()
        .unwrap_or_else(|e| panic!("{e}"));
    let upstream = std::fs::read_to_string(out.path().join("knobs.v1.rs")).expect("knobs.v1.rs");
    let own = std::fs::read_to_string(out.path().join("knobs.v1.protogate.rs"))
        .expect("knobs.v1.protogate.rs");
    for upstream_item in ["pub struct Blob {", "pub mod blob_service_client"] {
        assert!(upstream.contains(upstream_item), "{upstream_item}");
        assert!(!own.contains(upstream_item), "{upstream_item}");
    }
    let messages = ["Blob", "Origin", "PutBlobRequest", "GetBlobRequest"];
    assert_eq!(listed(&own, json::MESSAGES), messages);
    for own_item in [
        "impl ::protogate::json::Message for Blob {",
        "impl ::protogate::Validate for Blob {",
        "impl __pg::Described for Blob {",
        "pub static BLOB_SERVICE: ::protogate::ServiceInfo",
        "pub mod blob_service_methods {",
        "pub trait BlobServiceHandler",
        "pub const FILE_DESCRIPTOR_SET",
    ] {
        assert!(own.contains(own_item), "{own_item}");
        assert!(!upstream.contains(own_item), "{own_item}");
    }
    let mod_rs = std::fs::read_to_string(out.path().join("mod.rs")).expect("mod.rs");
    assert!(
        mod_rs.contains("include!(\"knobs.v1.rs\");\n        include!(\"knobs.v1.protogate.rs\");"),
        "{mod_rs}"
    );
}

#[test]
fn the_adapter_dispatches_on_named_method_numbers() {
    let (_out, code) = generate(|b| b);
    let numbers = item(&code, "pub mod blob_service_methods {");
    assert!(
        numbers.contains("pub const PUT_BLOB: usize = 0;"),
        "{numbers}"
    );
    assert!(
        numbers.contains("pub const GET_BLOB: usize = 1;"),
        "{numbers}"
    );
    let adapter = item(
        &code,
        "impl<H: BlobServiceHandler> ::protogate::Service for BlobService<H> {",
    );
    assert!(
        adapter.contains("blob_service_methods::PUT_BLOB => "),
        "{adapter}"
    );
    assert!(
        adapter.contains("blob_service_methods::GET_BLOB => "),
        "{adapter}"
    );
    assert!(!adapter.contains("0 => "), "{adapter}");
}

/// The item that starts with `start`, up to its closing line at the same indentation.
fn item<'a>(code: &'a str, start: &str) -> &'a str {
    let at = code
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` not found"));
    let rest = &code[at..];
    let end = rest.find("\n}\n").map(|i| i + 3).unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn no_tonic_client_is_generated_unless_asked_for() {
    let (_out, lean) = generate(|b| b);
    assert!(!lean.contains("pub mod blob_service_client"), "{lean}");
    assert!(
        !lean.contains("tonic::"),
        "nothing of tonic in the lean output"
    );
    let (_out, with_client) = generate(|b| b.build_client(true));
    assert!(with_client.contains("pub mod blob_service_client"));
    assert!(with_client.contains("pub mod ping_service_client"));
    assert!(with_client.len() > lean.len());
}

#[test]
fn build_server_false_leaves_out_handlers_adapters_and_the_descriptor_set() {
    let (out, server) = generate(|b| b);
    assert!(server.contains("pub trait BlobServiceHandler"));
    assert!(server.contains("pub static BLOB_SERVICE: ::protogate::ServiceInfo"));
    assert!(out.path().join("knobs.v1.bin").exists());
    let (out, messages_only) = generate(|b| b.build_server(false).build_client(true));
    assert!(!messages_only.contains("BlobServiceHandler"));
    assert!(!messages_only.contains("::protogate::ServiceInfo"));
    assert!(!messages_only.contains("FILE_DESCRIPTOR_SET"));
    assert!(!out.path().join("knobs.v1.bin").exists());
    assert!(messages_only.contains("pub struct Blob {"));
    assert!(messages_only.contains("pub mod blob_service_client"));
}

#[test]
fn a_service_filter_generates_only_the_named_services() {
    let (out, code) = generate(|b| b.build_client(true).services(["knobs.v1.PingService"]));
    assert!(code.contains("pub trait PingServiceHandler"));
    assert!(code.contains("pub mod ping_service_client"));
    assert!(!code.contains("BlobServiceHandler"));
    assert!(!code.contains("blob_service_client"));
    // Every message is still there.
    assert!(code.contains("pub struct PutBlobRequest {"));
    let pages: Vec<String> = std::fs::read_dir(out.path().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(pages.iter().any(|p| p.contains("PingService")));
    assert!(
        !pages.iter().any(|p| p.contains("BlobService")),
        "{pages:?}"
    );
}

#[test]
fn a_service_filter_naming_an_unknown_service_fails() {
    let out = tempfile::tempdir().expect("temporary directory");
    let error = builder(out.path())
        .services(["knobs.v1.NoSuchService"])
        .compile()
        .expect_err("unknown service");
    assert!(
        error
            .to_string()
            .contains("no service `knobs.v1.NoSuchService`"),
        "{error}"
    );
}

#[test]
fn attributes_land_on_the_matching_items() {
    let (_out, code) = generate(|b| {
        b.type_attribute(".knobs.v1.Origin", "#[derive(Eq, Hash)]")
            .message_attribute(".knobs.v1.Blob", "#[doc(alias = \"object\")]")
            .enum_attribute(".knobs.v1.Tier", "#[doc(alias = \"class\")]")
            .field_attribute(".knobs.v1.Blob.name", "#[doc(alias = \"key\")]")
    });
    let origin = item(&code, "#[derive(Eq, Hash)]");
    assert!(origin.contains("pub struct Origin {"), "{origin}");
    let blob = item(&code, "#[doc(alias = \"object\")]");
    assert!(blob.contains("pub struct Blob {"), "{blob}");
    let tier = item(&code, "#[doc(alias = \"class\")]");
    assert!(tier.contains("pub enum Tier {"), "{tier}");
    let name = &blob[blob
        .find("#[doc(alias = \"key\")]")
        .expect("field attribute")..];
    assert!(name.contains("pub name:"), "{name}");
    assert_eq!(code.matches("#[derive(Eq, Hash)]").count(), 1);
}

#[test]
fn bytes_btree_map_and_boxed_change_the_field_types() {
    let (_out, plain) = generate(|b| b);
    let blob = item(&plain, "pub struct Blob {");
    assert!(
        blob.contains("pub data: ::prost::alloc::vec::Vec<u8>"),
        "{blob}"
    );
    assert!(blob.contains("::std::collections::HashMap<"), "{blob}");
    assert!(
        blob.contains("pub origin: ::core::option::Option<Origin>"),
        "{blob}"
    );

    let (_out, knobbed) = generate(|b| {
        b.bytes([".knobs.v1.Blob"])
            .btree_map([".knobs.v1.Blob.labels"])
            .boxed(".knobs.v1.Blob.origin")
    });
    let blob = item(&knobbed, "pub struct Blob {");
    assert!(blob.contains("pub data: ::prost::bytes::Bytes"), "{blob}");
    assert!(
        blob.contains("::prost::alloc::collections::BTreeMap<"),
        "{blob}"
    );
    assert!(
        blob.contains("::core::option::Option<::prost::alloc::boxed::Box<Origin>>"),
        "{blob}"
    );
    // The JSON code reads a map of either type through the same call.
    assert!(
        knobbed.contains("r.map::<::protogate::json::Plain, _>(&mut self.labels)"),
        "JSON side"
    );
}

#[test]
fn disable_comments_drops_the_proto_comments_of_the_matching_items() {
    let (_out, with) = generate(|b| b.build_client(true));
    assert!(with.contains("/// Puts one blob."));
    assert!(with.contains("/// The blob's name."));
    let (_out, without) = generate(|b| b.build_client(true).disable_comments(["."]));
    assert!(
        !without.contains("/// Puts one blob."),
        "handler and client"
    );
    assert!(!without.contains("/// The blob's name."), "prost messages");
    assert!(!without.contains("/// Stores blobs."));
    // Only the BlobService's comments: the PingService keeps its own.
    let (_out, one) = generate(|b| b.disable_comments([".knobs.v1.BlobService"]));
    assert!(!one.contains("/// Stores blobs."));
    assert!(one.contains("/// Answers pings."));
}

#[test]
fn docs_false_writes_no_reference_pages() {
    let (out, _) = generate(|b| b);
    assert!(out.path().join("docs/knobs.v1.BlobService.md").exists());
    let (out, _) = generate(|b| b.docs(false));
    assert!(!out.path().join("docs").exists());
}

#[test]
fn json_false_leaves_out_the_json_code_and_needs_no_server() {
    let (_out, with) = generate(|b| b);
    assert!(listed(&with, json::MESSAGES).contains(&"Blob"));
    let (_out, without) = generate(|b| b.json(false).build_server(false));
    assert!(!without.contains("protogate::json"), "no JSON code at all");
    // The field tables serve JSON and the server only.
    assert!(with.contains("impl __pg::Described for Blob {"));
    assert!(!without.contains("protogate::schema"), "no field tables");
    assert!(without.contains("pub struct Blob {"));

    let out = tempfile::tempdir().expect("temporary directory");
    let error = builder(out.path())
        .json(false)
        .compile()
        .expect_err("the server needs JSON");
    assert!(error.to_string().contains("build_server(false)"), "{error}");
}

#[test]
fn validators_false_checks_nothing() {
    let (_out, with) = generate(|b| b);
    assert!(with.contains("::protogate::rules::string::len_range("));
    let (_out, without) = generate(|b| b.validators(false));
    assert!(!without.contains("::protogate::rules::"));
    // Every message still implements Validate: the server requires it of requests.
    assert!(!without.contains("impl ::protogate::Validate for"));
    let listed = listed(&without, "::protogate::nothing_to_validate!");
    assert_eq!(listed.len(), 4, "one per message: {listed:?}");
}

#[test]
fn the_descriptor_set_is_a_file_beside_the_code_not_a_literal() {
    use prost::Message as _;
    let (out, code) = generate(|b| b);
    assert!(
        code.contains("pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(\"knobs.v1.bin\");"),
        "{}",
        item(&code, "pub const FILE_DESCRIPTOR_SET")
    );
    let longest = code.lines().map(str::len).max().unwrap_or(0);
    assert!(longest < 200, "longest line: {longest} characters");
    let bytes = std::fs::read(out.path().join("knobs.v1.bin")).expect("knobs.v1.bin");
    let set = prost_types::FileDescriptorSet::decode(bytes.as_slice()).expect("a descriptor set");
    let names: Vec<&str> = set.file.iter().map(|f| f.name()).collect();
    assert!(names.contains(&"knobs/v1/knobs.proto"), "{names:?}");
    assert!(
        names.contains(&"google/api/http.proto"),
        "imports too: {names:?}"
    );
}

#[test]
fn the_cli_takes_the_same_knobs() {
    let out = tempfile::tempdir().expect("temporary directory");
    let status = Command::new(env!("CARGO_BIN_EXE_protogate"))
        .arg("gen")
        .arg("-I")
        .arg(fixture())
        .arg("-I")
        .arg(root().join("schemas/proto"))
        .arg("--proto")
        .arg(fixture().join("knobs/v1/knobs.proto"))
        .args(["--build-client", "--service", "knobs.v1.BlobService"])
        .args(["--bytes", ".knobs.v1.Blob", "--btree-map", "."])
        .args(["--boxed", ".knobs.v1.Blob.origin"])
        .args(["--type-attribute", ".knobs.v1.Origin=#[derive(Eq, Hash)]"])
        .args([
            "--field-attribute",
            ".knobs.v1.Blob.name=#[doc(alias = \"key\")]",
        ])
        .args(["--disable-comments", ".", "--no-docs", "--no-validators"])
        .arg("--out")
        .arg(out.path())
        .status()
        .expect("runs protogate");
    assert!(status.success());
    let code = package_code(out.path(), "knobs.v1");
    assert!(code.contains("pub mod blob_service_client"));
    assert!(!code.contains("PingServiceHandler"));
    assert!(code.contains("pub data: ::prost::bytes::Bytes"));
    assert!(code.contains("::prost::alloc::collections::BTreeMap<"));
    assert!(code.contains("::prost::alloc::boxed::Box<Origin>"));
    assert!(code.contains("#[derive(Eq, Hash)]"));
    assert!(code.contains("#[doc(alias = \"key\")]"));
    assert!(!code.contains("/// The blob's name."));
    assert!(!code.contains("::protogate::rules::"));
    assert!(!out.path().join("docs").exists());
}

#[test]
fn default_stubs_give_every_handler_method_a_body_answering_unimplemented() {
    let (_out, plain) = generate(|b| b);
    assert!(!plain.contains("is not implemented"));
    let handler = item(&plain, "pub trait BlobServiceHandler");
    assert!(handler.contains(") -> impl ::core::future::Future<"));
    assert!(!handler.contains("::core::future::ready("), "{handler}");
    let (_out, stubs) = generate(|b| b.generate_default_stubs(true));
    let handler = item(&stubs, "pub trait BlobServiceHandler");
    assert!(handler.contains("\"knobs.v1.BlobService.PutBlob is not implemented\""));
    assert!(handler.contains("\"knobs.v1.BlobService.GetBlob is not implemented\""));
    assert_eq!(
        stubs.matches("::protogate::Code::Unimplemented").count(),
        3,
        "one per method"
    );
}

#[test]
fn a_validator_reading_a_deprecated_field_expects_the_lint_on_that_impl_only() {
    let (out, _) = generate(|b| b);
    let own = std::fs::read_to_string(out.path().join("knobs.v1.protogate.rs"))
        .expect("knobs.v1.protogate.rs");
    let origin = item(&own, "impl ::protogate::Validate for Origin {");
    assert!(origin.contains("self.region"), "{origin}");
    let at = own
        .find("impl ::protogate::Validate for Origin {")
        .expect("Origin's validator");
    assert!(
        own[..at].ends_with("#[expect(deprecated)]\n"),
        "the expectation sits on the impl"
    );
    // A deprecated oneof member is read through its variant.
    let get = item(&own, "impl ::protogate::Validate for GetBlobRequest {");
    assert!(get.contains("Version::Revision(value)"), "{get}");
    let at = own
        .find("impl ::protogate::Validate for GetBlobRequest {")
        .expect("GetBlobRequest's validator");
    assert!(own[..at].ends_with("#[expect(deprecated)]\n"));
    assert_eq!(own.matches("#[expect(deprecated)]").count(), 2);
    assert!(!own.contains("#![allow"), "nothing crate-wide");
    // The JSON code names the deprecated items of prost's output, which rustc reports even
    // through the JSON macros: there, and only there, the lint is allowed.
    for (at, _) in own.match_indices("#[allow(") {
        let rest = &own[at..];
        let next_line = rest.lines().nth(1).unwrap_or_default();
        let before = &own[..at];
        let in_json_list = before
            .rfind("::protogate::json_")
            .is_some_and(|start| !before[start..].contains(");"));
        let on_json = in_json_list || next_line.starts_with("impl ::protogate::json::");
        assert!(
            on_json,
            "an allow outside the JSON code: {}",
            &rest[..rest.len().min(200)]
        );
    }

    // Without validators nothing reads the field, so nothing is expected.
    let (out, _) = generate(|b| b.validators(false));
    let own = std::fs::read_to_string(out.path().join("knobs.v1.protogate.rs"))
        .expect("knobs.v1.protogate.rs");
    assert!(!own.contains("#[expect(deprecated)]"), "{own}");
}

#[test]
fn extern_path_names_the_types_generated_elsewhere_and_emits_nothing_for_them() {
    let out = tempfile::tempdir().expect("temporary directory");
    Builder::new()
        .emit_cargo_directives(false)
        .include(fixture())
        .include(root().join("schemas/proto"))
        .proto(fixture().join("knobs/uses/v1/uses.proto"))
        .extern_path(".knobs.v1", "::knobs_types::v1")
        .out_dir(out.path())
        .compile()
        .unwrap_or_else(|e| panic!("{e}"));
    let uses = package_code(out.path(), "knobs.uses.v1");
    assert!(
        uses.contains("::core::option::Option<::knobs_types::v1::Blob>"),
        "prost: {uses}"
    );
    // protogate's validator recurses into the extern type through its path.
    let validator = item(&uses, "impl ::protogate::Validate for Envelope {");
    assert!(validator.contains("v.embedded("), "{validator}");
    assert!(uses.contains("::knobs_types::v1::Tier"), "the enum check");
    // Nothing of knobs.v1 is generated here.
    let read = |name: &str| std::fs::read_to_string(out.path().join(name)).unwrap_or_default();
    let knobs = read("knobs.v1.rs") + &read("knobs.v1.protogate.rs");
    assert!(!knobs.contains("pub struct Blob"), "{knobs}");
    assert!(
        !knobs.contains("impl ::protogate::Validate for Blob"),
        "{knobs}"
    );
    assert!(!listed(&knobs, json::MESSAGES).contains(&"Blob"), "{knobs}");
}
