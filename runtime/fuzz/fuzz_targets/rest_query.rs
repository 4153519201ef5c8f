//! REST query strings on GetMyPhone through protogate's server.
#![no_main]

static HARNESS: std::sync::LazyLock<protogate_props::Harness> =
    std::sync::LazyLock::new(protogate_props::Harness::new);

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    protogate_props::rest_query(&HARNESS, data);
});
