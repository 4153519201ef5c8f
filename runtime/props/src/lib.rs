//! Properties of protogate's runtime checked on arbitrary input: the bodies of the
//! cargo-fuzz targets in `runtime/fuzz/` and of the seeded property tests in
//! `runtime/props/tests/properties.rs`.
//!
//! Each function takes raw bytes and panics when a property fails: the server code never
//! panics, never answers a client's bad input with a server error (HTTP 5xx, gRPC UNKNOWN or
//! INTERNAL), and the pieces agree with a reference where one is simple enough to write here.

use axum::body::Body;
use bytes::Bytes;
use http::{HeaderMap, Request};
use http_body_util::BodyExt as _;
use protogate::codec::{self, Input};
use protogate::http::{PathTemplate, PathVariable, Segment};
use protogate::Validate;
use tower::ServiceExt as _;
use verify_phone::api::zitadel::auth::v1::{
    GetMyPhoneResponse, SetMyPhoneRequest, VerifyMyPhoneRequest,
};

mod handler;

pub use handler::{MemoryPhones, PENDING_CODE};

/// The protogate server in process, answering one request at a time.
pub struct Harness {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    token: String,
}

impl Default for Harness {
    fn default() -> Self {
        Harness::new()
    }
}

/// An answer: HTTP status, headers, body, trailers.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// The trailers, if any.
    pub trailers: Option<HeaderMap>,
}

impl Answer {
    /// grpc-status from the trailers or a trailers-only answer's headers.
    pub fn grpc_status(&self) -> Option<i32> {
        self.trailers
            .as_ref()
            .and_then(|t| t.get("grpc-status"))
            .or_else(|| self.headers.get("grpc-status"))
            .and_then(|v| v.to_str().ok()?.parse().ok())
    }

    /// grpc-status and grpc-message from a gRPC-Web body's trailer frame, or the headers.
    pub fn grpc_web_status(&self) -> Option<(i32, String)> {
        let mut body = &self.body[..];
        let text = self
            .headers
            .get(http::header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/grpc-web-text"));
        let decoded;
        if text {
            decoded = decode_base64_chunks(body);
            body = &decoded;
        }
        while body.len() >= 5 {
            let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
            let end = (5 + len).min(body.len());
            if body[0] & 0x80 != 0 {
                let block = String::from_utf8_lossy(&body[5..end]);
                let field = |name: &str| {
                    block
                        .split("\r\n")
                        .find_map(|l| l.strip_prefix(name))
                        .map(|v| v.trim().to_string())
                };
                let code = field("grpc-status:")?.parse().ok()?;
                let message = field("grpc-message:")
                    .map(|m| protogate::http::percent_decode(&m, true))
                    .unwrap_or_default();
                return Some((code, message));
            }
            body = &body[end..];
        }
        let code = self
            .headers
            .get("grpc-status")
            .and_then(|v| v.to_str().ok()?.parse().ok())?;
        Some((code, grpc_message(Some(&self.headers))))
    }
}

/// The properties' one token. Any other token is refused, as a forged one is; the token's
/// cryptography is not what these properties exercise.
const TOKEN: &str = "props-token";

/// The caller behind [`TOKEN`].
const SUBJECT: &str = "props-user";

/// Accepts [`TOKEN`] only.
struct KnownToken;

impl protogate::Authenticator for KnownToken {
    async fn authenticate(
        &self,
        request: &protogate::AuthRequest<'_>,
    ) -> Result<Option<protogate::Caller>, protogate::Status> {
        match protogate::bearer_token(request.headers)? {
            None => Ok(None),
            Some(TOKEN) => Ok(Some(protogate::Caller::new(SUBJECT))),
            Some(_) => Err(protogate::Status::unauthenticated("invalid token")),
        }
    }
}

impl Harness {
    /// The example's generated service on protogate, with phones in memory: the caller has
    /// a phone waiting for [`PENDING_CODE`].
    pub fn new() -> Harness {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let phones = MemoryPhones::with_phone(SUBJECT, "+41791234567");
        let router = protogate::Server::new()
            .authenticator(KnownToken)
            .service(verify_phone::api::zitadel::auth::v1::AuthService::new(
                phones,
            ))
            .into_router();
        Harness {
            runtime,
            router,
            token: TOKEN.to_string(),
        }
    }

    /// A request with the valid token.
    pub fn request(&self, method: &str, uri: &str) -> http::request::Builder {
        Request::builder()
            .method(method)
            .uri(uri)
            .version(http::Version::HTTP_2)
            .header(
                http::header::AUTHORIZATION,
                format!("Bearer {}", self.token),
            )
    }

    /// Sends `request` and reads the whole answer.
    pub fn send(&self, request: Request<Body>) -> Answer {
        self.runtime.block_on(async {
            let response = match self.router.clone().oneshot(request).await {
                Ok(r) => r,
                Err(never) => match never {},
            };
            let (parts, body) = response.into_parts();
            let collected = body.collect().await.expect("an in-process body");
            let trailers = collected.trailers().cloned();
            Answer {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body: collected.to_bytes(),
                trailers,
            }
        })
    }
}

/// Base64 in chunks that may each carry padding, as gRPC-Web text bodies come; what does not
/// decode is dropped (the caller then finds no trailer frame).
pub fn decode_base64_chunks(text: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = match rest.iter().position(|&b| b == b'=') {
            Some(i) => i + rest[i..].iter().take_while(|&&b| b == b'=').count(),
            None => rest.len(),
        };
        if base64::engine::general_purpose::STANDARD
            .decode_vec(&rest[..end], &mut out)
            .is_err()
        {
            break;
        }
        rest = &rest[end..];
    }
    out
}

/// gRPC codes no client input may cause. The one exception is the gRPC spec's own: a
/// message flagged compressed without an agreed encoding is INTERNAL (the Connect
/// conformance suite checks it), which the message names.
fn server_code(code: i32, message: &str) -> bool {
    let spec_internal = code == 13 && message.contains("compressed-flag but no encoding");
    matches!(code, 2 | 13 | 15) && !spec_internal
}

fn grpc_message(headers: Option<&HeaderMap>) -> String {
    headers
        .and_then(|h| h.get("grpc-message"))
        .and_then(|v| v.to_str().ok())
        .map(|v| protogate::http::percent_decode(v, true))
        .unwrap_or_default()
}

/// A gRPC request body of arbitrary bytes: answered with HTTP 200 and a grpc-status that
/// blames the client.
pub fn grpc_body(h: &Harness, data: &[u8]) {
    let request = h
        .request("POST", "/zitadel.auth.v1.AuthService/VerifyMyPhone")
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(Body::from(data.to_vec()))
        .expect("request");
    let answer = h.send(request);
    assert_eq!(answer.status, 200, "gRPC answers HTTP 200; body {data:?}");
    let code = answer
        .grpc_status()
        .unwrap_or_else(|| panic!("no grpc-status for body {data:?}"));
    let message = match answer.trailers.as_ref() {
        Some(t) if t.contains_key("grpc-status") => grpc_message(Some(t)),
        _ => grpc_message(Some(&answer.headers)),
    };
    assert!(
        !server_code(code, &message),
        "grpc-status {code} ({message:?}) for body {data:?}"
    );
}

/// A gRPC-Web request body of arbitrary bytes; the first byte picks binary or text.
pub fn grpc_web_body(h: &Harness, data: &[u8]) {
    let (text, body) = match data.split_first() {
        Some((first, rest)) => (first & 1 == 1, rest),
        None => (false, data),
    };
    let content_type = if text {
        "application/grpc-web-text"
    } else {
        "application/grpc-web+proto"
    };
    let request = h
        .request("POST", "/zitadel.auth.v1.AuthService/VerifyMyPhone")
        .header("content-type", content_type)
        .header("x-grpc-web", "1")
        .body(Body::from(body.to_vec()))
        .expect("request");
    let answer = h.send(request);
    assert!(
        answer.status < 500,
        "HTTP {} for gRPC-Web body {body:?} ({content_type})",
        answer.status
    );
    if answer.status == 200 {
        let (code, message) = answer
            .grpc_web_status()
            .unwrap_or_else(|| panic!("no grpc-status for gRPC-Web body {body:?}"));
        assert!(
            !server_code(code, &message),
            "grpc-status {code} ({message:?}) for gRPC-Web body {body:?} ({content_type})"
        );
    }
}

/// A REST query string of arbitrary bytes on GetMyPhone: unknown parameters are ignored, so
/// the answer is 200 or a 400 that blames the request, never a server error.
pub fn rest_query(h: &Harness, data: &[u8]) {
    let query: String = data
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?%".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let uri = format!("/auth/v1/users/me/phone?{query}");
    let Ok(request) = h.request("GET", &uri).body(Body::empty()) else {
        return;
    };
    let answer = h.send(request);
    assert!(
        answer.status == 200 || answer.status == 400,
        "HTTP {} for query {query:?}: {:?}",
        answer.status,
        answer.body
    );
}

/// A REST body of arbitrary bytes on VerifyMyPhone: 2xx or 4xx, always JSON, and 200 only
/// when the body is a JSON object whose `code` is the pending code.
pub fn rest_body(h: &Harness, data: &[u8]) {
    let request = h
        .request("POST", "/auth/v1/users/me/phone/_verify")
        .header("content-type", "application/json")
        .body(Body::from(data.to_vec()))
        .expect("request");
    let answer = h.send(request);
    assert!(
        answer.status < 500,
        "HTTP {} for REST body {:?}: {:?}",
        answer.status,
        String::from_utf8_lossy(data),
        answer.body
    );
    let value: Option<serde_json::Value> = serde_json::from_slice(&answer.body).ok();
    assert!(value.is_some(), "REST answers JSON; got {:?}", answer.body);
    if answer.status == 200 {
        let sent: Option<serde_json::Value> = serde_json::from_slice(data).ok();
        let code = sent.as_ref().and_then(|v| v.get("code")?.as_str());
        assert_eq!(
            code,
            Some(PENDING_CODE),
            "HTTP 200 for REST body {:?}, which does not carry the pending code",
            String::from_utf8_lossy(data)
        );
    }
}

/// Connect unary JSON of arbitrary bytes: never a server error.
pub fn connect_body(h: &Harness, data: &[u8]) {
    let request = h
        .request("POST", "/zitadel.auth.v1.AuthService/VerifyMyPhone")
        .header("content-type", "application/json")
        .header("connect-protocol-version", "1")
        .body(Body::from(data.to_vec()))
        .expect("request");
    let answer = h.send(request);
    assert!(
        answer.status < 500,
        "HTTP {} for Connect body {:?}: {:?}",
        answer.status,
        String::from_utf8_lossy(data),
        answer.body
    );
}

const TEMPLATES: &[PathTemplate] = &[
    PathTemplate {
        source: "/users/me/phone/_verify",
        segments: &[
            Segment::Literal("users"),
            Segment::Literal("me"),
            Segment::Literal("phone"),
            Segment::Literal("_verify"),
        ],
        variables: &[],
        verb: None,
    },
    PathTemplate {
        source: "/v1/shelves/{shelf}",
        segments: &[
            Segment::Literal("v1"),
            Segment::Literal("shelves"),
            Segment::Single,
        ],
        variables: &[PathVariable {
            field_path: &["shelf"],
            start: 2,
            end: 3,
        }],
        verb: None,
    },
    PathTemplate {
        source: "/v1/{name=shelves/*/books/*}:cancel",
        segments: &[
            Segment::Literal("v1"),
            Segment::Literal("shelves"),
            Segment::Single,
            Segment::Literal("books"),
            Segment::Single,
        ],
        variables: &[PathVariable {
            field_path: &["name"],
            start: 1,
            end: 5,
        }],
        verb: Some("cancel"),
    },
    PathTemplate {
        source: "/v1/{name=files/**}",
        segments: &[
            Segment::Literal("v1"),
            Segment::Literal("files"),
            Segment::Multi,
        ],
        variables: &[PathVariable {
            field_path: &["name"],
            start: 1,
            end: 3,
        }],
        verb: None,
    },
    PathTemplate {
        source: "/v1/{a}/x/{b.c}:do",
        segments: &[
            Segment::Literal("v1"),
            Segment::Single,
            Segment::Literal("x"),
            Segment::Single,
        ],
        variables: &[
            PathVariable {
                field_path: &["a"],
                start: 1,
                end: 2,
            },
            PathVariable {
                field_path: &["b", "c"],
                start: 3,
                end: 4,
            },
        ],
        verb: Some("do"),
    },
];

/// Percent-encodes everything but unreserved characters.
fn encode_segment(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Path matching: no panic on any path, and a path built from a template's own shape (with
/// arbitrary, percent-encoded single-segment values) matches and gives the values back.
pub fn path_match(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let template = &TEMPLATES[pick as usize % TEMPLATES.len()];
    let text = String::from_utf8_lossy(rest);
    let _ = template.matches(&text);
    let _ = template.matches(&format!("/{text}"));
    for variable in template.variables {
        // Captures index positions; a template may not bind past its segments.
        assert!(variable.end <= template.segments.len());
    }
    // Constructive: one value per `*` from the input, split at NUL.
    let mut values = text.split('\0').filter(|v| !v.is_empty());
    let mut path = String::new();
    let mut singles = Vec::new();
    for segment in template.segments {
        path.push('/');
        match segment {
            Segment::Literal(l) => path.push_str(l),
            Segment::Single => {
                let v = values.next().unwrap_or("x").to_string();
                path.push_str(&encode_segment(&v));
                singles.push(v);
            }
            Segment::Multi => {
                let v = values.next().unwrap_or("x");
                let parts: Vec<String> = v.split('/').map(encode_segment).collect();
                let joined = parts.join("/");
                path.push_str(if joined.is_empty() { "x" } else { &joined });
            }
        }
    }
    if let Some(verb) = template.verb {
        path.push(':');
        path.push_str(verb);
    }
    let captures = template
        .matches(&path)
        .unwrap_or_else(|| panic!("{} does not match its own shape {path:?}", template.source));
    assert_eq!(captures.len(), template.variables.len());
    for (capture, variable) in captures.iter().zip(template.variables) {
        let single = variable.end - variable.start == 1
            && template.segments[variable.start] == Segment::Single;
        if single {
            let index = template.segments[..variable.start]
                .iter()
                .filter(|s| **s == Segment::Single)
                .count();
            assert_eq!(
                capture.value, singles[index],
                "{} from {path:?}",
                template.source
            );
        }
    }
}

/// Percent-decoding: no panic, and encoding then decoding gives the text back.
pub fn percent(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = protogate::http::percent_decode(&text, true);
    let _ = protogate::http::percent_decode(&text, false);
    assert_eq!(
        protogate::http::percent_decode(&encode_segment(&text), true),
        text
    );
}

/// Proto3 JSON decoding of generated types: no panic; what decodes re-encodes to JSON that
/// decodes to the same message.
pub fn json_decode(data: &[u8]) {
    fn round_trip<M>(data: &[u8])
    where
        M: prost::Message + Default + serde::de::DeserializeOwned + serde::Serialize + PartialEq,
    {
        let Ok(message) = codec::decode::<M>(Input::JsonBytes(Bytes::copy_from_slice(data))) else {
            return;
        };
        let json = serde_json::to_vec(&message).expect("a decoded message encodes");
        let again: M = codec::decode(Input::JsonBytes(Bytes::from(json.clone())))
            .unwrap_or_else(|e| panic!("re-decoding {:?}: {e:?}", String::from_utf8_lossy(&json)));
        assert!(
            again == message,
            "JSON round trip changed {:?}",
            String::from_utf8_lossy(data)
        );
        // The protobuf form round-trips as well.
        let proto = message.encode_to_vec();
        assert!(M::decode(&proto[..]).expect("own encoding") == message);
    }
    round_trip::<VerifyMyPhoneRequest>(data);
    round_trip::<SetMyPhoneRequest>(data);
    round_trip::<GetMyPhoneResponse>(data);
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = codec::decode::<GetMyPhoneResponse>(Input::Json(value));
    }
}

/// Protobuf decoding of the same types: no panic.
pub fn proto_decode(data: &[u8]) {
    let input = || Input::Proto(Bytes::copy_from_slice(data));
    let _ = codec::decode::<VerifyMyPhoneRequest>(input());
    let _ = codec::decode::<SetMyPhoneRequest>(input());
    let _ = codec::decode::<GetMyPhoneResponse>(input());
}

/// The generated validators agree with PGV's rules written out by hand, and `validate` fails
/// exactly when `validate_all` does.
pub fn validators(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let runes = text.chars().count();
    let verify = VerifyMyPhoneRequest { code: text.clone() };
    let expected = (1..=200).contains(&runes);
    assert_eq!(verify.validate().is_ok(), expected, "code of {runes} runes");
    assert_eq!(verify.validate_all().is_ok(), expected);
    let set = SetMyPhoneRequest {
        phone: text.clone(),
    };
    let expected = (1..=50).contains(&runes) && text.starts_with('+');
    assert_eq!(set.validate().is_ok(), expected, "phone {text:?}");
    assert_eq!(set.validate_all().is_ok(), expected, "phone {text:?}");
    if let Err(all) = set.validate_all() {
        let first = set.validate().expect_err("validate fails too");
        assert!(all.0.len() >= first.0.len());
        assert_eq!(
            all.0[0], first.0[0],
            "the first violation comes first in both"
        );
    }
}

/// A small, seeded generator of inputs for the property tests: valid seeds mutated by byte
/// flips, insertions, deletions, truncation and splicing (what a fuzzer does first).
pub mod gen {
    /// xorshift64*: deterministic for a seed, no dependency.
    #[derive(Clone, Debug)]
    pub struct Rng(u64);

    impl Rng {
        /// A generator from `seed` (0 is mapped to another value).
        pub fn new(seed: u64) -> Rng {
            Rng(seed.max(1))
        }

        /// The next 64 random bits.
        pub fn next_u64(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            x.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        /// A number below `n` (n > 0).
        pub fn below(&mut self, n: usize) -> usize {
            (self.next_u64() % n.max(1) as u64) as usize
        }
    }

    const INTERESTING: &[&[u8]] = &[
        b"\0",
        b"\xff",
        b"\x7f",
        b"\x80",
        b"%",
        b"%2F",
        b"%zz",
        b"/",
        b"//",
        b":",
        b"\"",
        b"\\u0000",
        b"{",
        b"}",
        b"[",
        b"]",
        b"null",
        b"-1",
        b"1e999",
        b"18446744073709551616",
        b"\xf0\x9f\x98\x80",
        b"\xc3\xa9",
        b"=",
        b"&",
        b"+",
        b"\r\n",
        b"\x00\x00\x00\x00\x00",
        b"\x80\x00\x00\x00\x10",
        b"\x01\x00\x00\x00\x01",
        b"\x00\xff\xff\xff\xff",
    ];

    /// A mutation of one of `seeds`.
    pub fn mutate(rng: &mut Rng, seeds: &[&[u8]]) -> Vec<u8> {
        let mut data = seeds[rng.below(seeds.len())].to_vec();
        let steps = 1 + rng.below(6);
        for _ in 0..steps {
            match rng.below(7) {
                0 if !data.is_empty() => {
                    let i = rng.below(data.len());
                    data[i] ^= 1 << rng.below(8);
                }
                1 if !data.is_empty() => {
                    let i = rng.below(data.len());
                    data[i] = rng.next_u64() as u8;
                }
                2 => {
                    let i = rng.below(data.len() + 1);
                    let piece = INTERESTING[rng.below(INTERESTING.len())];
                    data.splice(i..i, piece.iter().copied());
                }
                3 if !data.is_empty() => {
                    let i = rng.below(data.len());
                    let n = 1 + rng.below((data.len() - i).min(8));
                    data.drain(i..i + n);
                }
                4 => {
                    let len = data.len();
                    data.truncate(rng.below(len + 1));
                }
                5 => {
                    let other = seeds[rng.below(seeds.len())];
                    let at = rng.below(data.len() + 1);
                    let from = rng.below(other.len() + 1);
                    data.truncate(at);
                    data.extend_from_slice(&other[from..]);
                }
                _ => {
                    let n = rng.below(16);
                    for _ in 0..n {
                        data.push(rng.next_u64() as u8);
                    }
                }
            }
        }
        data
    }
}

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
