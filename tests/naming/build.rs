//! Generates the naming torture schema into OUT_DIR, the way a user's build script would.

/// The fixture's files, relative to codegen/tests/fixtures/naming (the golden test in
/// codegen/tests/naming.rs generates the same list).
const FILES: &[&str] = &[
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

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let fixture = root.join("codegen/tests/fixtures/naming");
    // The tests call the services through tonic's client too.
    let mut builder = protogate_codegen::Builder::new()
        .build_client(true)
        .include(&fixture)
        .include(root.join("schemas/proto"));
    for file in FILES {
        builder = builder.proto(fixture.join(file));
    }
    if let Err(e) = builder.compile() {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
