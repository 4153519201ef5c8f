//! Compiles `schemas/proto` with protox (no protoc needed) and hands the descriptor set to
//! connectrpc-build, which emits buffa messages and the connectrpc service trait.

use std::path::PathBuf;

use prost::Message as _;

/// The files whose types the service uses; the option-only imports stay descriptors.
const FILES: [&str; 4] = [
    "zitadel/auth.proto",
    "zitadel/object.proto",
    "zitadel/user.proto",
    "zitadel/message.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let schemas = manifest.join("../../../schemas/proto");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={}", schemas.display());
    let set = protox::compile(FILES, [&schemas])?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let descriptors = out.join("auth.fds.bin");
    std::fs::write(&descriptors, set.encode_to_vec())?;
    connectrpc_build::Config::new()
        .descriptor_set(&descriptors)
        .files(&FILES)
        .include_file("_connectrpc.rs")
        // Its directives would name the descriptor file this script writes, so every build
        // would run it again; the schemas directory above is what matters.
        .emit_rerun_directives(false)
        .compile()?;
    Ok(())
}
