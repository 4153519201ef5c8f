//! gRPC request bodies (length-prefixed frames) through protogate's server in process.
#![no_main]

static HARNESS: std::sync::LazyLock<protogate_props::Harness> =
    std::sync::LazyLock::new(protogate_props::Harness::new);

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    protogate_props::grpc_body(&HARNESS, data);
});
