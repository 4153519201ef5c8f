//! Generates the Connect conformance suite's protos (pinned copies in proto/) with protogate.

fn main() {
    let proto = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proto");
    let mut builder = protogate_codegen::Builder::new().include(&proto);
    for file in ["service", "config", "server_compat"] {
        builder = builder.proto(proto.join(format!("connectrpc/conformance/v1/{file}.proto")));
    }
    if let Err(e) = builder.compile() {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
