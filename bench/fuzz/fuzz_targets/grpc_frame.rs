//! gRPC request bodies (length-prefixed frames) through protogate's server in process.
#![no_main]

static HARNESS: std::sync::LazyLock<protogate_bench::props::Harness> =
    std::sync::LazyLock::new(protogate_bench::props::Harness::new);

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    protogate_bench::props::grpc_body(&HARNESS, data);
});
