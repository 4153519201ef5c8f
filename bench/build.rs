//! Compiles the example's proto files for the hand-written baseline the way a tonic user would:
//! protox for the descriptors (no protoc), tonic-prost-build for messages and the gRPC server.
//! The descriptor set is also kept in OUT_DIR: the connect-node peer loads the service from it.

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/proto");
    let files = [
        root.join("zitadel/auth.proto"),
        // `ErrorDetail`, which auth.proto does not import but the errors carry.
        root.join("zitadel/message.proto"),
    ];
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let fds = match protox::compile(&files, [&root]) {
        Ok(fds) => fds,
        Err(e) => {
            eprintln!("{e:?}");
            std::process::exit(1);
        }
    };
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(e) = std::fs::write(
        out.join("auth.fds.bin"),
        prost::Message::encode_to_vec(&fds),
    ) {
        eprintln!("writing the descriptor set: {e}");
        std::process::exit(1);
    }
    if let Err(e) = tonic_prost_build::configure()
        .build_client(false)
        .build_transport(false)
        .compile_fds(fds)
    {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
