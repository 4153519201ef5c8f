//! Properties of protogate's runtime checked on arbitrary input: the bodies of the
//! cargo-fuzz targets in `runtime/fuzz/` and of the seeded property tests in
//! `runtime/props/tests/properties.rs`.
//!
//! Each function takes raw bytes and panics when a property fails: the server code never
//! panics, never answers a client's bad input with a server error (HTTP 5xx, gRPC UNKNOWN or
//! INTERNAL), and the pieces agree with a reference where one is simple enough to write here.

mod handler;

pub use handler::{MemoryPhones, PENDING_CODE};

mod codecs;
pub mod gen;
mod harness;
mod paths;
mod protocols;

pub use codecs::{json_decode, proto_decode, validators};
pub use harness::{decode_base64_chunks, Answer, Harness};
pub use paths::{path_match, percent};
pub use protocols::{connect_body, grpc_body, grpc_web_body, rest_body, rest_query};

/// Inputs that once broke a property, kept as regression cases (`tests/properties.rs` runs
/// each before the mutated ones).
pub mod regressions {
    /// gRPC bodies tonic answered with INTERNAL "Missing request message.": a unary call
    /// without a complete message. Now INVALID_ARGUMENT.
    pub const GRPC: &[&[u8]] = &[b"", b"\x00\x00", b"\x00\x00\x00\x00"];
    /// The same as gRPC-Web bodies, binary (first byte even) and text (odd).
    pub const GRPC_WEB: &[&[u8]] = &[b"", b"\x00", b"\x00\x00\x00", b"\x01", b"\x01AAA="];
}

/// Seeds per target: valid inputs the mutations start from.
pub mod seeds {
    /// gRPC bodies.
    pub const GRPC: &[&[u8]] = &[
        b"\x00\x00\x00\x00\x08\x0a\x06H83J3A",
        b"\x00\x00\x00\x00\x00",
        b"\x00\x00\x00\x00\x02\x0a\x00",
        b"\x01\x00\x00\x00\x08\x0a\x06H83J3A",
        b"\x00\x00\x00\x00\x08\x0a\x06H83J3A\x00\x00\x00\x00\x00",
    ];
    /// gRPC-Web bodies (first byte: even = binary, odd = text).
    pub const GRPC_WEB: &[&[u8]] = &[
        b"\x00\x00\x00\x00\x00\x08\x0a\x06H83J3A",
        b"\x01AAAAAAgKBkg4M0ozQQ==",
        b"\x01AAAAAAA=",
        b"\x01AAAAAAgKBkg4M0ozQQ==AAAAAAA=",
        b"\x00\x80\x00\x00\x00\x00",
    ];
    /// REST query strings.
    pub const QUERY: &[&[u8]] = &[
        b"a=1&b.c=x%20y&a=2&flag&d=a+b",
        b"code=H83J3A",
        b"%zz=%2F&=&&",
        b"details.sequence=1&phone.phone=%2B41",
    ];
    /// JSON bodies.
    pub const JSON: &[&[u8]] = &[
        br#"{"code":"H83J3A"}"#,
        br#"{"phone":"+41791234567"}"#,
        br#"{"details":{"sequence":"2","creationDate":"2023-05-10T12:00:00Z","changeDate":"2023-05-10T12:00:00.123456789Z","resourceOwner":"69629023906488334"},"phone":{"phone":"+41791234567","isPhoneVerified":true}}"#,
        br#"{"details":{"sequence":18446744073709551615,"change_date":"1970-01-01T00:00:00+01:00"}}"#,
        br#"{"code":null,"unknown":[1,2,{"x":"\u00e9"}]}"#,
    ];
    /// Paths: a template index byte, then text.
    pub const PATH: &[&[u8]] = &[
        b"\x00users/me/phone/_verify",
        b"\x01s1",
        b"\x02s1\0b%2F2",
        b"\x03a/b/c.txt",
        b"\x04a b\0c:d",
    ];
    /// Strings for the validators.
    pub const TEXT: &[&[u8]] = &[
        b"H83J3A",
        b"+41791234567",
        b"",
        "éééééééééé".as_bytes(),
        b"+",
    ];
}
