//! Names that do not map one to one onto Rust: the naming fixture's golden output (keyword,
//! mixed-case and packageless packages; tests/naming compiles and serves it), the issue
//! reproductions, and the diagnostics for what cannot be named.
//!
//! After an intended generator change, rewrite the golden files with
//! `PROTOGATE_BLESS=1 cargo test -p protogate-codegen --test naming` and review the diff.

use std::path::{Path, PathBuf};

use protogate_codegen::emit::json::{self, invoked as listed};
use protogate_codegen::model::build::ModelOptions;
use protogate_codegen::pipeline::{self, Inputs, Output, ProtoSource};

/// The fixture's files; tests/naming/build.rs compiles the same list.
const FIXTURE: &[&str] = &[
    "ping.proto",
    "wallet.proto",
    "naming/type/money.proto",
    "naming/match/keywords.proto",
    "naming/async/use.proto",
    "naming/shop/shop.proto",
    "naming/prelude/prelude.proto",
    "naming/deep/deep.proto",
    "naming/clash/clash.proto",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(files: Vec<PathBuf>, includes: Vec<PathBuf>) -> Result<Output, String> {
    let inputs = Inputs {
        proto: ProtoSource::Files { files, includes },
        openapi: None,
        model: ModelOptions::default(),
    };
    // tests/naming calls the services through tonic's client: the golden output has it too.
    let options = protogate_codegen::emit::Options {
        build_client: true,
        ..Default::default()
    };
    pipeline::run_with(&inputs, &options).map_err(|d| d.to_string())
}

fn fixture() -> Output {
    let dir = root().join("codegen/tests/fixtures/naming");
    let files = FIXTURE.iter().map(|f| dir.join(f)).collect();
    run(files, vec![dir, root().join("schemas/proto")]).unwrap_or_else(|d| panic!("{d}"))
}

/// Writes `protos` (name, text) to a temporary directory and generates code for all of them.
fn generate(protos: &[(&str, &str)]) -> Result<Output, String> {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, text) in protos {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        files.push(path);
    }
    run(files, vec![dir.path().to_path_buf()])
}

#[test]
fn naming_fixture_matches_its_golden_output() {
    let output = fixture();
    assert!(output.warnings.0.is_empty(), "{}", output.warnings);
    let golden = root().join("codegen/tests/golden/naming");
    if std::env::var_os("PROTOGATE_BLESS").is_some() {
        protogate_codegen::emit::files::write(&golden, &output.files, &output.binary_files)
            .unwrap();
    }
    let staleness =
        protogate_codegen::emit::files::check(&golden, &output.files, &output.binary_files)
            .unwrap();
    assert!(
        staleness.is_fresh(),
        "codegen/tests/golden/naming is stale (rerun with PROTOGATE_BLESS=1 and review the diff):\n{staleness}"
    );
}

#[test]
fn files_are_named_as_prost_build_names_them() {
    let output = fixture();
    let names: Vec<&str> = output
        .files
        .keys()
        .map(String::as_str)
        .filter(|n| n.ends_with(".rs") && !n.starts_with("docs/"))
        .collect();
    assert_eq!(
        names,
        [
            "_.protogate.rs",
            "_.rs",
            "mod.rs",
            "naming.clash.protogate.rs",
            "naming.clash.rs",
            "naming.deep.protogate.rs",
            "naming.deep.rs",
            "naming.mixed_case.shop_v1.protogate.rs",
            "naming.mixed_case.shop_v1.rs",
            "naming.prelude.protogate.rs",
            "naming.prelude.rs",
            "naming.r#async.r#use.self_.super_.protogate.rs",
            "naming.r#async.r#use.self_.super_.rs",
            "naming.r#match.protogate.rs",
            "naming.r#match.rs",
            "naming.r#type.protogate.rs",
            "naming.r#type.rs",
        ]
    );
    let mod_rs = &output.files["mod.rs"];
    assert!(
        mod_rs.contains("\ninclude!(\"_.rs\");\ninclude!(\"_.protogate.rs\");\npub mod naming {\n"),
        "{mod_rs}"
    );
    assert!(
        mod_rs.contains(
            "    pub mod r#type {\n        include!(\"naming.r#type.rs\");\n        include!(\"naming.r#type.protogate.rs\");"
        ),
        "{mod_rs}"
    );
    assert!(output.files.contains_key("docs/Pinger.md"));
    assert!(output.files["docs/Pinger.md"].contains("/Pinger/Ping"));
}

#[test]
fn two_runs_are_byte_identical() {
    assert_eq!(fixture().files, fixture().files);
}

/// Issue reproduction: a keyword package imported by another lost its prost structs and serde
/// impls without a word.
#[test]
fn a_keyword_package_keeps_its_messages() {
    let output = generate(&[
        (
            "demo/type.proto",
            "syntax = \"proto3\"; package demo.type; message Money { int64 units = 1; }",
        ),
        (
            "demo/shop.proto",
            "syntax = \"proto3\"; package demo.shop; import \"demo/type.proto\";\n\
             message Price { demo.type.Money amount = 1; }",
        ),
    ])
    .unwrap();
    let money = &output.files["demo.r#type.rs"];
    assert!(money.contains("pub struct Money {"), "{money}");
    let money_json = &output.files["demo.r#type.protogate.rs"];
    assert_eq!(
        listed(money_json, json::MESSAGES),
        ["Money"],
        "{money_json}"
    );
    let price = &output.files["demo.shop.rs"];
    assert!(
        price.contains("::core::option::Option<super::r#type::Money>"),
        "{price}"
    );
}

/// Issue reproduction: a non-snake-case package lost its structs the same way.
#[test]
fn a_mixed_case_package_keeps_its_messages() {
    let output = generate(&[(
        "shop.proto",
        "syntax = \"proto3\"; package Demo.ShopV1; message Price { int64 cents = 1; }",
    )])
    .unwrap();
    let price = &output.files["demo.shop_v1.rs"];
    assert!(price.contains("pub struct Price {"), "{price}");
    let price_json = &output.files["demo.shop_v1.protogate.rs"];
    assert_eq!(
        listed(price_json, json::MESSAGES),
        ["Price"],
        "{price_json}"
    );
    assert!(output.files["mod.rs"]
        .contains("pub mod shop_v1 {\n        include!(\"demo.shop_v1.rs\");"));
}

/// Issue reproduction: pbjson-build (once the JSON generator) panicked ("expected package") on a
/// file without one.
#[test]
fn a_file_without_a_package_generates_at_the_root() {
    let output = generate(&[(
        "a.proto",
        "syntax = \"proto3\"; message Ping { string msg = 1; }\n\
         service Pinger { rpc Ping(Ping) returns (Ping); }",
    )])
    .unwrap();
    let code = &output.files["_.rs"];
    assert!(code.contains("pub struct Ping {"), "{code}");
    let own = &output.files["_.protogate.rs"];
    assert_eq!(listed(own, json::MESSAGES), ["Ping"], "{own}");
    assert!(own.contains("grpc_path: \"/Pinger/Ping\""), "{own}");
    assert!(own.contains("pub trait PingerHandler"), "{own}");
    assert!(
        output.files["mod.rs"].ends_with("include!(\"_.rs\");\ninclude!(\"_.protogate.rs\");\n")
    );
}

#[test]
fn packages_that_share_a_rust_module_are_an_error_naming_both() {
    let err = generate(&[
        (
            "a.proto",
            "syntax = \"proto3\"; package demo.Shop; message A {}",
        ),
        (
            "b.proto",
            "syntax = \"proto3\"; package demo.shop; message B {}",
        ),
    ])
    .expect_err("two packages cannot share one module");
    assert!(err.contains("error[package-module]"), "{err}");
    assert!(
        err.contains(
            "package `demo.shop` maps to the Rust module `demo::shop`, as package `demo.Shop`"
        ),
        "{err}"
    );
    assert!(err.contains("b.proto:1:"), "{err}");
}

#[test]
fn a_message_whose_nested_module_is_a_package_module_is_an_error() {
    let err = generate(&[
        (
            "a.proto",
            "syntax = \"proto3\"; package demo;\nmessage Item { message Detail {} }",
        ),
        (
            "b.proto",
            "syntax = \"proto3\"; package demo.item; message B {}",
        ),
    ])
    .expect_err("`demo::item` cannot hold both");
    assert!(
        err.contains("the nested types of `demo.Item` go to the Rust module `demo::item`, which is package `demo.item`'s module"),
        "{err}"
    );
    assert!(err.contains("a.proto:2:"), "{err}");

    // Without nested types the message is a struct beside the package's module: no conflict.
    generate(&[
        (
            "a.proto",
            "syntax = \"proto3\"; package demo; message Item {}",
        ),
        (
            "b.proto",
            "syntax = \"proto3\"; package demo.item; message B {}",
        ),
    ])
    .unwrap();
}

#[test]
fn a_package_named_like_a_protogate_file_is_an_error() {
    let err = generate(&[
        ("a.proto", "syntax = \"proto3\"; package demo; message A {}"),
        (
            "b.proto",
            "syntax = \"proto3\";\npackage demo.protogate; message B {}",
        ),
    ])
    .expect_err("`demo.protogate.rs` cannot hold both");
    assert!(err.contains("error[package-file]"), "{err}");
    assert!(
        err.contains("package `demo.protogate` would be generated into `demo.protogate.rs`, the file of protogate's code for package `demo`"),
        "{err}"
    );
    assert!(err.contains("b.proto:2:"), "{err}");
}
