//! The auth matrix: 4 protocols × {no token, malformed, bad signature, expired, wrong issuer,
//! wrong audience, valid} against protogate serving the bench's handler behind the example's
//! own JWT authenticator (`verify_phone::token::Tokens`). Only valid tokens reach the handler;
//! every other case is UNAUTHENTICATED in that protocol's form.

use std::sync::Arc;
use std::time::Duration;

use protogate_bench::client::{self, Connection, Protocol, VERIFY};
use protogate_bench::logic::{seed_user, Phones, SEED_CODE, SEED_ORG};
use verify_phone::token::{Claims, Tokens};

const KEY: &[u8] = b"auth-matrix-key-of-thirty-two-bytes!";
const ISSUER: &str = "https://issuer.example";
const AUDIENCE: &str = "verify-phone";

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

/// (case, authorization header value or none, reaches the handler)
fn cases() -> Vec<(&'static str, Option<String>, bool)> {
    let tokens = Tokens::new(KEY, ISSUER, AUDIENCE);
    let sign = |c: Claims| format!("Bearer {}", tokens.sign(&c).expect("sign"));
    let forged = Tokens::new(b"another key, also thirty-two bytes", ISSUER, AUDIENCE)
        .sign(&claims())
        .expect("sign");
    vec![
        ("no token", None, false),
        ("malformed", Some("Bearer not.a.jwt".into()), false),
        ("bad signature", Some(format!("Bearer {forged}")), false),
        (
            "expired",
            Some(sign(Claims {
                exp: claims().iat - 3600,
                iat: claims().iat - 7200,
                ..claims()
            })),
            false,
        ),
        (
            "wrong issuer",
            Some(sign(Claims {
                iss: "https://elsewhere.example".into(),
                ..claims()
            })),
            false,
        ),
        (
            "wrong audience",
            Some(sign(Claims {
                aud: "another-api".into(),
                ..claims()
            })),
            false,
        ),
        ("valid", Some(sign(claims())), true),
    ]
}

#[tokio::test]
async fn only_valid_tokens_reach_the_handler_on_every_protocol() {
    let phones = Arc::new(Phones::seeded(1));
    let server = protogate_bench::gate::server(phones.clone(), Tokens::new(KEY, ISSUER, AUDIENCE));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.serve_with_shutdown(listener, async {
        let _ = stopped.await;
    }));

    let proto = client::string_field_1(SEED_CODE);
    let json = format!("{{\"code\":\"{SEED_CODE}\"}}");
    let mut failures = Vec::new();
    let mut reached = 0;
    for protocol in [
        Protocol::Grpc,
        Protocol::GrpcWeb,
        Protocol::RestH1,
        Protocol::Connect,
    ] {
        let mut connection = Connection::open(addr, protocol.is_h2())
            .await
            .expect("connect");
        for (case, header, valid) in cases() {
            let before = phones.calls();
            // The bench client adds `Bearer`; send the header as the case has it.
            let mut request = client::build(protocol, VERIFY, None, &proto, &json);
            if let Some(value) = &header {
                request
                    .headers_mut()
                    .insert(http::header::AUTHORIZATION, value.parse().expect("header"));
            }
            let (parts, body, trailers) =
                tokio::time::timeout(Duration::from_secs(10), connection.send(request))
                    .await
                    .expect("answered in time")
                    .expect("answered");
            let www_authenticate = parts.headers.contains_key(http::header::WWW_AUTHENTICATE);
            let outcome = client::interpret(protocol, parts, body, trailers);
            let handled = phones.calls() - before;
            reached += handled;
            let expected = if valid { 0 } else { 16 };
            let mut problems = Vec::new();
            if outcome.code != expected {
                problems.push(format!("code {} ({:?})", outcome.code, outcome.message));
            }
            if handled != u64::from(valid) {
                problems.push(format!("reached the handler {handled} times"));
            }
            let http_expected = match (protocol, valid) {
                (_, true) | (Protocol::Grpc | Protocol::GrpcWeb, false) => 200,
                (_, false) => 401,
            };
            if outcome.http != http_expected {
                problems.push(format!("HTTP {} (expected {http_expected})", outcome.http));
            }
            if protocol == Protocol::RestH1 && !valid && !www_authenticate {
                problems.push("no WWW-Authenticate".into());
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{} / {case}: {}",
                    protocol.label(),
                    problems.join(", ")
                ));
            }
        }
    }
    let _ = stop.send(());
    serving.await.expect("join").expect("served");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        reached, 4,
        "one valid call per protocol reached the handler"
    );
}
