//! Generates the knobs schema twice into OUT_DIR, the way a user's build script would: a server
//! of one service with `Bytes`, `BTreeMap` and boxed fields and extra attributes, and a lean
//! messages-only build without JSON, validators, docs or comments; and a package that uses the
//! first build's types through `extern_path`.

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let fixture = root.join("codegen/tests/fixtures/knobs");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let schema = || {
        protogate_codegen::Builder::new()
            .include(&fixture)
            .include(root.join("schemas/proto"))
            .proto(fixture.join("knobs/v1/knobs.proto"))
    };
    let server = schema()
        .out_dir(out.join("server"))
        .services(["knobs.v1.PingService"])
        .generate_default_stubs(true)
        .bytes([".knobs.v1.Blob.data"])
        .btree_map([".knobs.v1.Blob.labels"])
        .boxed(".knobs.v1.Blob.origin")
        .type_attribute(".knobs.v1.Origin", "#[derive(PartialOrd, Ord)]")
        .field_attribute(".knobs.v1.Blob.name", "#[doc(alias = \"key\")]")
        .docs(false);
    let lean = schema()
        .out_dir(out.join("lean"))
        .build_server(false)
        .json(false)
        .validators(false)
        .docs(false)
        .disable_comments(["."]);
    // knobs.v1's types are `server`'s: this build generates only what uses them.
    let uses = protogate_codegen::Builder::new()
        .include(&fixture)
        .include(root.join("schemas/proto"))
        .proto(fixture.join("knobs/uses/v1/uses.proto"))
        .extern_path(".knobs.v1", "crate::server")
        .out_dir(out.join("uses"))
        .docs(false);
    for builder in [server, lean, uses] {
        if let Err(e) = builder.compile() {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
