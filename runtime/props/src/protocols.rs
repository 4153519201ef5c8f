//! Request bodies of every protocol: arbitrary bytes never cause a server error.

use axum::body::Body;

use crate::handler::PENDING_CODE;
use crate::harness::{grpc_message, Harness};

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

/// gRPC codes no client input may cause. The one exception is the gRPC spec's own: a
/// message flagged compressed without an agreed encoding is INTERNAL (the Connect
/// conformance suite checks it), which the message names.
fn server_code(code: i32, message: &str) -> bool {
    let spec_internal = code == 13 && message.contains("compressed-flag but no encoding");
    matches!(code, 2 | 13 | 15) && !spec_internal
}
