//! Generates protobuf's conformance protocol and test messages (proto3 and proto2) through protogate's `Builder`,
//! the way a user's build script would: the testee answers with exactly the code a server gets.
//! Also writes the test messages' descriptor set, which the testee registers for
//! `google.protobuf.Any` as a server registers its services' (the test messages have none).

use prost::Message as _;

fn main() {
    let proto = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proto");
    let test_messages = [
        proto.join("test_messages_proto3.proto"),
        proto.join("test_messages_proto2.proto"),
    ];
    println!("cargo:rerun-if-changed={}", proto.display());
    let builder = protogate_codegen::Builder::new()
        .include(&proto)
        .proto(proto.join("conformance/conformance.proto"))
        .proto(&test_messages[0])
        .proto(&test_messages[1]);
    if let Err(e) = builder.compile() {
        eprintln!("{e}");
        std::process::exit(1);
    }
    let descriptors = match protox::compile(&test_messages, [&proto]) {
        Ok(set) => set.encode_to_vec(),
        Err(e) => {
            eprintln!("{e:?}");
            std::process::exit(1);
        }
    };
    let Some(out) = std::env::var_os("OUT_DIR") else {
        eprintln!("cargo sets OUT_DIR for build scripts");
        std::process::exit(1);
    };
    let path = std::path::Path::new(&out).join("test_messages.binpb");
    if let Err(e) = std::fs::write(&path, descriptors) {
        eprintln!("writing {}: {e}", path.display());
        std::process::exit(1);
    }
}
