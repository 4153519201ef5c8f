//! Generates protobuf's conformance protocol and test messages through protogate's `Builder`,
//! the way a user's build script would: the testee answers with exactly the code a server gets.

fn main() {
    let proto = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proto");
    let builder = protogate_codegen::Builder::new()
        .include(&proto)
        .proto(proto.join("conformance/conformance.proto"))
        .proto(proto.join("test_messages_proto3.proto"));
    if let Err(e) = builder.compile() {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
