//! The generated validators against PGV's rules written out by hand.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    protogate_props::validators(data);
});
