//! The auth matrix: 4 protocols × {no token, malformed, bad signature, expired, wrong issuer,
//! wrong audience, valid} against protogate serving the bench's handler behind the example's
//! own JWT authenticator (`verify_phone::token::Tokens`).
//!
//! Only valid tokens reach the handler (a wrapper around it counts its calls), and every
//! other case is UNAUTHENTICATED in that protocol's own form, for the case's own reason:
//! - gRPC: HTTP 200, `application/grpc`, grpc-status 16 (trailers, or the headers of a
//!   trailers-only answer), no message frame;
//! - gRPC-Web (binary and text): HTTP 200, grpc-status 16 in the trailer frame of the body or
//!   the headers of a trailers-only answer, no message frame;
//! - Connect: HTTP 401, `application/json`, `{"code":"unauthenticated","message":…}`;
//! - REST (HTTP/1.1 and h2c): HTTP 401, `WWW-Authenticate: Bearer…`, grpc-gateway's
//!   `{"code":16,"message":…,"details":[…]}`.
//!
//! Each case runs on VerifyMyPhone (REST POST with a body) and GetMyPhone (REST GET).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http::HeaderMap;
use http_body_util::Full;
use protogate::{RequestContext, Status};
use protogate_bench::client::{self, Connection, Protocol, Rpc, GET, VERIFY};
use protogate_bench::gate::Handler;
use protogate_bench::logic::{seed_user, Phones, SEED_CODE, SEED_ORG};
use protogate_bench::store::Store;
use verify_phone::api::zitadel::auth::v1::{
    AuthService, AuthServiceHandler, GetMyPhoneRequest, GetMyPhoneResponse, HealthzRequest,
    HealthzResponse, RemoveMyPhoneRequest, RemoveMyPhoneResponse, ResendMyPhoneVerificationRequest,
    ResendMyPhoneVerificationResponse, SetMyPhoneRequest, SetMyPhoneResponse, VerifyMyPhoneRequest,
    VerifyMyPhoneResponse,
};
use verify_phone::token::{Claims, Tokens};

const KEY: &[u8] = b"auth-matrix-key-of-thirty-two-bytes!";
const ISSUER: &str = "https://issuer.example";
const AUDIENCE: &str = "verify-phone";

/// The bench's handler, counting every call that reaches it.
struct Counting {
    inner: Handler,
    calls: Arc<AtomicU64>,
}

impl Counting {
    fn count(&self) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

impl AuthServiceHandler for Counting {
    async fn healthz(
        &self,
        ctx: &RequestContext,
        r: HealthzRequest,
    ) -> Result<HealthzResponse, Status> {
        self.count();
        self.inner.healthz(ctx, r).await
    }

    async fn get_my_phone(
        &self,
        ctx: &RequestContext,
        r: GetMyPhoneRequest,
    ) -> Result<GetMyPhoneResponse, Status> {
        self.count();
        self.inner.get_my_phone(ctx, r).await
    }

    async fn set_my_phone(
        &self,
        ctx: &RequestContext,
        r: SetMyPhoneRequest,
    ) -> Result<SetMyPhoneResponse, Status> {
        self.count();
        self.inner.set_my_phone(ctx, r).await
    }

    async fn verify_my_phone(
        &self,
        ctx: &RequestContext,
        r: VerifyMyPhoneRequest,
    ) -> Result<VerifyMyPhoneResponse, Status> {
        self.count();
        self.inner.verify_my_phone(ctx, r).await
    }

    async fn resend_my_phone_verification(
        &self,
        ctx: &RequestContext,
        r: ResendMyPhoneVerificationRequest,
    ) -> Result<ResendMyPhoneVerificationResponse, Status> {
        self.count();
        self.inner.resend_my_phone_verification(ctx, r).await
    }

    async fn remove_my_phone(
        &self,
        ctx: &RequestContext,
        r: RemoveMyPhoneRequest,
    ) -> Result<RemoveMyPhoneResponse, Status> {
        self.count();
        self.inner.remove_my_phone(ctx, r).await
    }
}

fn claims() -> Claims {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    Claims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: seed_user(0),
        org: SEED_ORG.into(),
        iat: now,
        exp: now + 600,
    }
}

/// One row of the matrix.
struct Case {
    name: &'static str,
    /// The authorization header value, if any.
    header: Option<String>,
    /// Whether the call reaches the handler.
    valid: bool,
    /// What the refusal's message says (the authenticator's reason for this case).
    reason: &'static str,
}

fn cases() -> Vec<Case> {
    let tokens = Tokens::new(KEY, ISSUER, AUDIENCE);
    let sign = |c: Claims| format!("Bearer {}", tokens.sign(&c).expect("sign"));
    let forged = Tokens::new(b"another key, also thirty-two bytes", ISSUER, AUDIENCE)
        .sign(&claims())
        .expect("sign");
    let case = |name, header, valid, reason| Case {
        name,
        header,
        valid,
        reason,
    };
    vec![
        case("no token", None, false, "missing"),
        case(
            "malformed",
            Some("Bearer not.a.jwt".into()),
            false,
            "malformed",
        ),
        case(
            "bad signature",
            Some(format!("Bearer {forged}")),
            false,
            "bad signature",
        ),
        case(
            "expired",
            Some(sign(Claims {
                exp: claims().iat - 3600,
                iat: claims().iat - 7200,
                ..claims()
            })),
            false,
            "expired",
        ),
        case(
            "wrong issuer",
            Some(sign(Claims {
                iss: "https://elsewhere.example".into(),
                ..claims()
            })),
            false,
            "wrong issuer",
        ),
        case(
            "wrong audience",
            Some(sign(Claims {
                aud: "another-api".into(),
                ..claims()
            })),
            false,
            "wrong audience",
        ),
        case("valid", Some(sign(claims())), true, ""),
    ]
}

/// The protocols and transports of the matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Wire {
    Grpc,
    GrpcWeb,
    GrpcWebText,
    Connect,
    RestH1,
    RestH2,
}

impl Wire {
    fn protocol(self) -> Protocol {
        match self {
            Wire::Grpc => Protocol::Grpc,
            Wire::GrpcWeb | Wire::GrpcWebText => Protocol::GrpcWeb,
            Wire::Connect => Protocol::Connect,
            Wire::RestH1 => Protocol::RestH1,
            Wire::RestH2 => Protocol::RestH2,
        }
    }
}

fn request(wire: Wire, rpc: Rpc, header: Option<&str>) -> http::Request<Full<Bytes>> {
    let (proto, json) = if rpc.name == VERIFY.name {
        (
            client::string_field_1(SEED_CODE),
            format!("{{\"code\":\"{SEED_CODE}\"}}"),
        )
    } else {
        (Vec::new(), "{}".to_string())
    };
    let mut request = client::build(wire.protocol(), rpc, None, &proto, &json);
    if wire == Wire::GrpcWebText {
        let text = base64::engine::general_purpose::STANDARD.encode(client::grpc_frame(&proto));
        request = request.map(|_| Full::new(Bytes::from(text)));
        request.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/grpc-web-text"),
        );
    }
    if let Some(value) = header {
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, value.parse().expect("header"));
    }
    request
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Length-prefixed frames of a gRPC or gRPC-Web body: (flags, payload).
fn frames(mut body: &[u8]) -> Result<Vec<(u8, Vec<u8>)>, String> {
    let mut out = Vec::new();
    while !body.is_empty() {
        if body.len() < 5 {
            return Err(format!("{} stray bytes after the frames", body.len()));
        }
        let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
        let payload = body
            .get(5..5 + len)
            .ok_or_else(|| format!("a frame promises {len} bytes, {} come", body.len() - 5))?;
        out.push((body[0], payload.to_vec()));
        body = &body[5 + len..];
    }
    Ok(out)
}

/// (grpc-status, decoded grpc-message) of `headers`.
fn grpc_status(headers: &HeaderMap) -> Option<(i32, String)> {
    let code = headers.get("grpc-status")?.to_str().ok()?.parse().ok()?;
    let message = protogate::http::percent_decode(header(headers, "grpc-message"), true);
    Some((code, message))
}

/// Checks one answer against the case; returns the problems found.
fn check(
    wire: Wire,
    case: &Case,
    parts: &http::response::Parts,
    body: &[u8],
    trailers: Option<&HeaderMap>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let http = parts.status.as_u16();
    let content_type = header(&parts.headers, "content-type");
    let mut expect = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };
    let expected_code = if case.valid { 0 } else { 16 };
    match wire {
        Wire::Grpc | Wire::GrpcWeb | Wire::GrpcWebText => {
            expect(http == 200, format!("HTTP {http}, expected 200"));
            let prefix = match wire {
                Wire::Grpc => "application/grpc",
                Wire::GrpcWeb => "application/grpc-web",
                _ => "application/grpc-web-text",
            };
            expect(
                content_type.starts_with(prefix),
                format!("content-type {content_type:?}"),
            );
            let body = if wire == Wire::GrpcWebText {
                // Base64 chunks, each padded on its own (message frame, trailer frame).
                protogate_props::decode_base64_chunks(body)
            } else {
                body.to_vec()
            };
            let frames = match frames(&body) {
                Ok(f) => f,
                Err(e) => {
                    problems.push(e);
                    return problems;
                }
            };
            let messages = frames.iter().filter(|(f, _)| f & 0x80 == 0).count();
            let status = if wire == Wire::Grpc {
                // Trailers, or the headers of a trailers-only answer (then no body at all).
                match trailers.and_then(grpc_status) {
                    Some(s) => Some(s),
                    None if body.is_empty() => grpc_status(&parts.headers),
                    None => None,
                }
            } else {
                // The trailer frame, or the headers of a trailers-only answer.
                match frames.iter().find(|(f, _)| f & 0x80 != 0) {
                    Some((_, block)) => grpc_status(&client::parse_trailer_block(block)),
                    None if messages == 0 => grpc_status(&parts.headers),
                    None => None,
                }
            };
            let Some((code, message)) = status else {
                problems.push("no grpc-status".into());
                return problems;
            };
            let wanted = usize::from(case.valid);
            if code != expected_code {
                problems.push(format!("grpc-status {code} ({message:?})"));
            }
            if messages != wanted {
                problems.push(format!("{messages} message frames, expected {wanted}"));
            }
            if !case.valid && !message.to_lowercase().contains(case.reason) {
                problems.push(format!(
                    "message {message:?} does not say {:?}",
                    case.reason
                ));
            }
        }
        Wire::Connect | Wire::RestH1 | Wire::RestH2 => {
            let expected_http = if case.valid { 200 } else { 401 };
            expect(
                http == expected_http,
                format!("HTTP {http}, expected {expected_http}"),
            );
            expect(
                content_type.starts_with("application/json"),
                format!("content-type {content_type:?}"),
            );
            let value: serde_json::Value = match serde_json::from_slice(body) {
                Ok(v) => v,
                Err(e) => {
                    problems.push(format!(
                        "body is not JSON ({e}): {:?}",
                        String::from_utf8_lossy(body)
                    ));
                    return problems;
                }
            };
            let Some(object) = value.as_object() else {
                problems.push(format!("body is not a JSON object: {value}"));
                return problems;
            };
            if case.valid {
                return problems;
            }
            let message = object
                .get("message")
                .and_then(|m| m.as_str())
                .unwrap_or_default();
            if !message.to_lowercase().contains(case.reason) {
                problems.push(format!(
                    "message {message:?} does not say {:?}",
                    case.reason
                ));
            }
            if wire == Wire::Connect {
                if object.get("code") != Some(&serde_json::json!("unauthenticated")) {
                    problems.push(format!("Connect error body {value}"));
                }
            } else {
                let gateway_shape = object.get("code") == Some(&serde_json::json!(16))
                    && object.get("message").is_some_and(|m| m.is_string())
                    && object.get("details").is_some_and(|d| d.is_array())
                    && object.len() == 3;
                if !gateway_shape {
                    problems.push(format!("not grpc-gateway's error body: {value}"));
                }
                let challenge = header(&parts.headers, "www-authenticate");
                if !challenge.to_lowercase().starts_with("bearer") {
                    problems.push(format!("WWW-Authenticate {challenge:?}"));
                }
            }
        }
    }
    problems
}

#[tokio::test]
async fn only_valid_tokens_reach_the_handler_on_every_protocol() {
    let phones = Arc::new(Store::from(Phones::seeded(1)));
    let calls = Arc::new(AtomicU64::new(0));
    let handler = Counting {
        inner: Handler::new(phones),
        calls: calls.clone(),
    };
    let server = protogate::Server::new()
        .authenticator(Tokens::new(KEY, ISSUER, AUDIENCE))
        .service(AuthService::new(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.serve_with_shutdown(listener, async {
        let _ = stopped.await;
    }));

    let wires = [
        Wire::Grpc,
        Wire::GrpcWeb,
        Wire::GrpcWebText,
        Wire::Connect,
        Wire::RestH1,
        Wire::RestH2,
    ];
    let rpcs = [VERIFY, GET];
    let mut failures = Vec::new();
    let mut checked = 0;
    for wire in wires {
        let mut connection = Connection::open(addr, wire.protocol().is_h2())
            .await
            .expect("connect");
        for rpc in rpcs {
            for case in cases() {
                let before = calls.load(Ordering::SeqCst);
                let request = request(wire, rpc, case.header.as_deref());
                let (parts, body, trailers) =
                    tokio::time::timeout(Duration::from_secs(10), connection.send(request))
                        .await
                        .expect("answered in time")
                        .expect("answered");
                let handled = calls.load(Ordering::SeqCst) - before;
                let mut problems = check(wire, &case, &parts, &body, trailers.as_ref());
                if handled != u64::from(case.valid) {
                    problems.push(format!("reached the handler {handled} times"));
                }
                if !problems.is_empty() {
                    failures.push(format!(
                        "{wire:?} {} / {}: {}",
                        rpc.name,
                        case.name,
                        problems.join("; ")
                    ));
                }
                checked += 1;
            }
        }
    }
    let _ = stop.send(());
    serving.await.expect("join").expect("served");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, wires.len() * rpcs.len() * cases().len());
    assert_eq!(
        calls.load(Ordering::SeqCst),
        (wires.len() * rpcs.len()) as u64,
        "exactly one valid call per protocol and RPC reached the handler"
    );
}
