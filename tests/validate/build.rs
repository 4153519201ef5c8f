//! Generates the validator test schemas (PGV and protovalidate) into OUT_DIR.

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let here = root.join("tests/validate/proto");
    let builder = protogate_codegen::Builder::new()
        .include(&here)
        .include(root.join("schemas/proto"))
        .include(root.join("codegen/tests/fixtures/protovalidate"))
        .proto(here.join("pgvcases/cases.proto"))
        .proto(here.join("pgvcases/numbers.proto"))
        .proto(here.join("pvcases/cases.proto"));
    if let Err(e) = builder.compile() {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
