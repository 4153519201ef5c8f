//! REST and Connect JSON bodies on VerifyMyPhone through protogate's server.
#![no_main]

static HARNESS: std::sync::LazyLock<protogate_props::Harness> =
    std::sync::LazyLock::new(protogate_props::Harness::new);

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    protogate_props::rest_body(&HARNESS, data);
    protogate_props::connect_body(&HARNESS, data);
});
