//! `PathTemplate::matches` on arbitrary paths and on paths built from the template; percent-decoding.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    protogate_props::path_match(data);
    protogate_props::percent(data);
});
