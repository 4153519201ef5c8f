//! The Connect protocol: `POST /<package>.<Service>/<Method>` with JSON or protobuf, unary here
//! and server streaming in [`stream`].

mod stream;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use base64::Engine as _;
use http::{HeaderValue, Request, Response, StatusCode};

use super::response::{http_status, read_body};
use super::Inner;
use crate::codec::Input;
use crate::context::{Protocol, RequestContext};
use crate::service::MethodKind;
use crate::status::Status;

/// Whether the request is a POST to a mounted method's procedure path: a Connect call, or a
/// call in a content type no protocol speaks (answered 415 here).
pub(crate) fn is_connect(inner: &Inner, request: &Request<Body>, _content_type: &str) -> bool {
    request.method() == http::Method::POST
        && inner.method_by_grpc_path(request.uri().path()).is_some()
}

/// What a procedure path accepts, sent with a 415.
const ACCEPT_POST: &str = "application/grpc, application/grpc+proto, application/grpc-web, \
application/grpc-web+proto, application/grpc-web-text, application/grpc-web-text+proto, \
application/json, application/proto, application/connect+json, application/connect+proto";

pub(crate) async fn call(
    inner: &Arc<Inner>,
    request: Request<Body>,
    content_type: &str,
) -> Response<Body> {
    if let Some(codec) = content_type.strip_prefix("application/connect+") {
        return stream::call(inner, request, codec.starts_with("json")).await;
    }
    let json = content_type.starts_with("application/json");
    if !json && !content_type.starts_with("application/proto") {
        let mut response = error(&Status::invalid_argument(format!(
            "unsupported content type `{content_type}`; this procedure accepts {ACCEPT_POST}"
        )));
        *response.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
        response
            .headers_mut()
            .insert("accept-post", HeaderValue::from_static(ACCEPT_POST));
        return response;
    }
    match unary(inner, request, json).await {
        Ok(body) => {
            let mut response = Response::new(Body::from(body));
            let ct = if json {
                "application/json"
            } else {
                "application/proto"
            };
            response
                .headers_mut()
                .insert(http::header::CONTENT_TYPE, HeaderValue::from_static(ct));
            response
        }
        Err(status) => error(&status),
    }
}

async fn unary(inner: &Arc<Inner>, request: Request<Body>, json: bool) -> Result<Vec<u8>, Status> {
    let (parts, body) = request.into_parts();
    if let Some(v) = parts.headers.get("connect-protocol-version") {
        if v.as_bytes() != b"1" {
            return Err(Status::invalid_argument(
                "connect-protocol-version must be 1",
            ));
        }
    }
    let timeout = timeout(&parts.headers)?;
    let work = async {
        let (service, index, method) = inner
            .method_by_grpc_path(parts.uri.path())
            .ok_or_else(|| Status::unimplemented("no such method"))?;
        if method.kind != MethodKind::Unary {
            return Err(Status::unimplemented(format!(
                "{} is a streaming method; call it as a Connect stream (application/connect+proto \
                 or application/connect+json)",
                method.full_name
            )));
        }
        let caller = inner.authenticator.authenticate(&parts.headers).await?;
        let mut ctx = RequestContext::new(Protocol::Connect, method);
        ctx.caller = caller;
        method.guard.check(&ctx)?;
        let bytes = read_body(body, &parts.headers, inner.limits.max_message_size).await?;
        ctx.headers = parts.headers.clone();
        let input = if json {
            Input::JsonBytes(bytes)
        } else {
            Input::Proto(bytes)
        };
        let output = service.call_unary(index, ctx, input).await?;
        if json {
            output.to_json_bytes()
        } else {
            Ok(output.to_proto())
        }
    };
    match timeout {
        None => work.await,
        Some(t) => tokio::time::timeout(t, work)
            .await
            .unwrap_or_else(|_| Err(Status::deadline_exceeded("deadline exceeded"))),
    }
}

/// `connect-timeout-ms`: at most 10 digits of milliseconds.
fn timeout(headers: &http::HeaderMap) -> Result<Option<Duration>, Status> {
    let Some(v) = headers.get("connect-timeout-ms") else {
        return Ok(None);
    };
    let ms = std::str::from_utf8(v.as_bytes())
        .ok()
        .filter(|s| !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| {
            Status::invalid_argument(
                "connect-timeout-ms must be a positive integer of at most 10 digits",
            )
        })?;
    Ok(Some(Duration::from_millis(ms)))
}

/// Connect's error JSON: `{"code":"invalid_argument","message":…,"details":[{"type":…,"value":…}]}`.
pub(crate) fn error(status: &Status) -> Response<Body> {
    let body = error_json(status);
    let mut response = Response::new(Body::from(serde_json::to_vec(&body).unwrap_or_default()));
    *response.status_mut() = if status.code() == crate::Code::Ok {
        StatusCode::OK
    } else {
        http_status(status.code())
    };
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The error object of a unary error body and of a stream's end message.
fn error_json(status: &Status) -> serde_json::Value {
    let details: Vec<serde_json::Value> = status
        .details()
        .iter()
        .map(|d| {
            serde_json::json!({
                "type": d.type_url.rsplit('/').next().unwrap_or(&d.type_url),
                "value": base64::engine::general_purpose::STANDARD_NO_PAD.encode(&d.value),
                "debug": d.json,
            })
        })
        .collect();
    let mut body =
        serde_json::json!({"code": status.code().connect_name(), "message": status.message()});
    if !details.is_empty() {
        body["details"] = serde_json::Value::Array(details);
    }
    body
}
