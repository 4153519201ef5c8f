//! Connect server streaming: `application/connect+proto` or `application/connect+json`, one
//! enveloped request message in; enveloped messages out, then an end-of-stream message that
//! carries the error, if any. A stream always answers HTTP 200: its outcome is in the end
//! message.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::Body;
use bytes::Bytes;
use futures_util::StreamExt as _;
use http::{HeaderValue, Request, Response};
use tokio::time::Instant;

use super::super::response::read_body;
use super::super::Inner;
use super::{error_json, timeout};
use crate::codec::{Input, Output};
use crate::context::{Protocol, RequestContext};
use crate::service::{MethodKind, ResponseStream};
use crate::status::Status;

/// Envelope flag of a compressed message.
const COMPRESSED: u8 = 0x01;
/// Envelope flag of the end-of-stream message.
const END_STREAM: u8 = 0x02;

pub(super) async fn call(inner: &Arc<Inner>, request: Request<Body>, json: bool) -> Response<Body> {
    let deadline = match timeout(request.headers()) {
        Ok(t) => t.map(|t| Instant::now() + t),
        Err(status) => return respond(json, Err(status), None),
    };
    let opened = open(inner, request, json);
    let opened = match deadline {
        None => opened.await,
        Some(at) => tokio::time::timeout_at(at, opened)
            .await
            .unwrap_or_else(|_| Err(Status::deadline_exceeded("deadline exceeded"))),
    };
    respond(json, opened, deadline)
}

/// Everything up to the handler's stream: method, authentication, guard, the one request
/// message.
async fn open(
    inner: &Arc<Inner>,
    request: Request<Body>,
    json: bool,
) -> Result<ResponseStream<Output>, Status> {
    let (parts, body) = request.into_parts();
    let (service, index, method) = inner
        .method_by_grpc_path(parts.uri.path())
        .ok_or_else(|| Status::unimplemented("no such method"))?;
    if method.kind != MethodKind::ServerStreaming {
        return Err(Status::unimplemented(format!(
            "{} is not a server-streaming method; Connect streams serve server streaming only",
            method.full_name
        )));
    }
    if let Some(encoding) = parts.headers.get("connect-content-encoding") {
        if encoding.as_bytes() != b"identity" {
            return Err(Status::unimplemented(format!(
                "connect-content-encoding {encoding:?} is not supported; send identity"
            )));
        }
    }
    let caller = inner.authenticator.authenticate(&parts.headers).await?;
    let mut ctx = RequestContext::new(Protocol::Connect, method);
    ctx.caller = caller;
    method.guard.check(&ctx)?;
    let max = inner.limits.max_message_size;
    let body = read_body(body, &parts.headers, max + 5).await?;
    let message = unwrap_envelope(body, max)?;
    ctx.headers = parts.headers;
    let input = if json {
        Input::JsonBytes(message)
    } else {
        Input::Proto(message)
    };
    service.call_server_streaming(index, ctx, input).await
}

/// The one message of a request body: flags, big-endian length, payload, nothing after.
fn unwrap_envelope(mut body: Bytes, max: usize) -> Result<Bytes, Status> {
    if body.len() < 5 {
        return Err(Status::invalid_argument(format!(
            "truncated request: {} bytes, less than an envelope header",
            body.len()
        )));
    }
    let flags = body[0];
    let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
    if flags & COMPRESSED != 0 {
        return Err(Status::invalid_argument(
            "the request message is flagged compressed, but no connect-content-encoding was sent",
        ));
    }
    if flags != 0 {
        return Err(Status::invalid_argument(format!(
            "invalid envelope flags {flags:#04x} on the request message"
        )));
    }
    if len > max {
        return Err(Status::resource_exhausted(format!(
            "request message of {len} bytes is larger than the {max}-byte limit"
        )));
    }
    let payload = body.split_off(5);
    if payload.len() != len {
        return Err(Status::invalid_argument(format!(
            "the envelope announces {len} bytes but the body holds {}",
            payload.len()
        )));
    }
    Ok(payload)
}

fn envelope(flags: u8, payload: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(5 + payload.len());
    out.push(flags);
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    Bytes::from(out)
}

/// The end-of-stream message: `{}` on success, `{"error":{…}}` on failure.
fn end_stream(status: Option<&Status>) -> Bytes {
    let body = match status {
        None => serde_json::json!({}),
        Some(status) => serde_json::json!({ "error": error_json(status) }),
    };
    envelope(END_STREAM, &serde_json::to_vec(&body).unwrap_or_default())
}

fn encode(message: &Output, json: bool) -> Result<Vec<u8>, Status> {
    if json {
        message.to_json_bytes()
    } else {
        Ok(message.to_proto())
    }
}

/// Where a response stream is.
struct Sending {
    messages: ResponseStream<Output>,
    deadline: Option<Instant>,
    json: bool,
    done: bool,
}

fn respond(
    json: bool,
    opened: Result<ResponseStream<Output>, Status>,
    deadline: Option<Instant>,
) -> Response<Body> {
    let body = match opened {
        Err(status) => Body::from(end_stream(Some(&status))),
        Ok(messages) => {
            let state = Sending {
                messages,
                deadline,
                json,
                done: false,
            };
            Body::from_stream(futures_util::stream::unfold(state, |mut s| async move {
                if s.done {
                    return None;
                }
                let next = match s.deadline {
                    None => s.messages.next().await,
                    Some(at) => tokio::time::timeout_at(at, s.messages.next())
                        .await
                        .unwrap_or_else(|_| {
                            Some(Err(Status::deadline_exceeded("deadline exceeded")))
                        }),
                };
                let frame = match next.map(|item| item.and_then(|m| encode(&m, s.json))) {
                    Some(Ok(payload)) => envelope(0, &payload),
                    Some(Err(status)) => {
                        s.done = true;
                        end_stream(Some(&status))
                    }
                    None => {
                        s.done = true;
                        end_stream(None)
                    }
                };
                Some((Ok::<_, Infallible>(frame), s))
            }))
        }
    };
    let mut response = Response::new(body);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(if json {
            "application/connect+json"
        } else {
            "application/connect+proto"
        }),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_envelopes_are_checked() {
        let one = Bytes::from_static(b"\0\0\0\0\x02hi");
        assert_eq!(unwrap_envelope(one, 10).unwrap(), "hi");
        for (bad, code) in [
            (&b"\0\0\0"[..], crate::Code::InvalidArgument),
            (b"\0\0\0\0\x05hi", crate::Code::InvalidArgument),
            (b"\x01\0\0\0\x02hi", crate::Code::InvalidArgument),
            (b"\0\0\0\0\x0bhello world", crate::Code::ResourceExhausted),
        ] {
            let err = unwrap_envelope(Bytes::copy_from_slice(bad), 10).unwrap_err();
            assert_eq!(err.code(), code, "{bad:?}");
        }
    }

    #[test]
    fn the_end_message_carries_the_error() {
        let end = end_stream(Some(&Status::not_found("gone")));
        assert_eq!(end[0], END_STREAM);
        let json: serde_json::Value = serde_json::from_slice(&end[5..]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "not_found", "message": "gone"}})
        );
        assert_eq!(&end_stream(None)[5..], b"{}");
    }
}
