//! `protogate::codec::decode` of generated request and response types, JSON and protobuf.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    protogate_props::json_decode(data);
    protogate_props::proto_decode(data);
});
