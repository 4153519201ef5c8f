//! Generates the library test schema into OUT_DIR, the way a user's build script would.

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let fixture = root.join("codegen/tests/fixtures/library");
    // The tests call the services through tonic's client too.
    let mut builder = protogate_codegen::Builder::new()
        .build_client(true)
        .include(&fixture)
        .include(root.join("schemas/proto"));
    for file in [
        "library/v1/books.proto",
        "library/v1/shelves.proto",
        "library/v1/authors.proto",
        "library/v1/loans.proto",
        "library/admin/v1/admin.proto",
    ] {
        builder = builder.proto(fixture.join(file));
    }
    // A small schema of its own for the REST edge (query maps, metadata, unpopulated fields).
    let probe = root.join("tests/build-rs/proto");
    builder = builder
        .include(&probe)
        .include(root.join("codegen/tests/fixtures/protovalidate"))
        .proto(probe.join("probe/v1/probe.proto"))
        .proto(probe.join("probe/v1/projects.proto"))
        .proto(probe.join("probe/v1/checked.proto"));
    if let Err(e) = builder.compile() {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
