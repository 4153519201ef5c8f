//! gRPC and gRPC-Web: authentication and the guard run here, before tonic decodes anything;
//! tonic (and tonic-web for gRPC-Web) does the rest.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use base64::Engine as _;
use http::{HeaderMap, HeaderValue, Request, Response};

use super::response::read_body;
use super::{oneshot, Inner};
use crate::context::{Protocol, RequestContext};
use crate::status::{Code, Status};

pub(crate) async fn call(
    inner: &Arc<Inner>,
    mut request: Request<Body>,
    web: bool,
) -> Response<Body> {
    let content_type = request.headers().get(http::header::CONTENT_TYPE).cloned();
    if let Some(response) = unsupported_codec(content_type.as_ref(), web) {
        return response;
    }
    let fail = |status: Status| error(status, web, content_type.clone());
    let caller = match inner.authenticator.authenticate(request.headers()).await {
        Ok(caller) => caller,
        Err(status) => return fail(status),
    };
    if let Some((_, _, method)) = inner.method_by_grpc_path(request.uri().path()) {
        let mut ctx = RequestContext::new(
            if web {
                Protocol::GrpcWeb
            } else {
                Protocol::Grpc
            },
            method,
        );
        ctx.caller = caller.clone();
        if let Err(status) = method.guard.check(&ctx) {
            return fail(status);
        }
    }
    if let Some(caller) = caller {
        request.extensions_mut().insert(caller);
    }
    request.extensions_mut().insert(if web {
        Protocol::GrpcWeb
    } else {
        Protocol::Grpc
    });
    let text = web
        && content_type
            .as_ref()
            .is_some_and(|ct| ct.as_bytes().starts_with(b"application/grpc-web-text"));
    if text {
        request = match decode_text_request(request, inner.limits.max_message_size).await {
            Ok(request) => request,
            Err(status) => return fail(status),
        };
    }
    let timeout = match request
        .headers()
        .get(&GRPC_TIMEOUT)
        .map(|v| parse_timeout(v.as_bytes()))
    {
        None => None,
        Some(Some(t)) => Some(t),
        Some(None) => return fail(Status::invalid_argument("malformed grpc-timeout header")),
    };
    let router = if web {
        inner.grpc_web.clone()
    } else {
        inner.grpc.clone()
    };
    if let Some(t) = timeout {
        request
            .extensions_mut()
            .insert(Deadline(tokio::time::Instant::now() + t));
    }
    match timeout {
        None => oneshot(router, request).await,
        Some(t) => match tokio::time::timeout(t, oneshot(router, request)).await {
            Ok(response) => response,
            Err(_) => fail(Status::deadline_exceeded("deadline exceeded")),
        },
    }
}

/// The content types served: protobuf only, as tonic decodes every message as protobuf.
const GRPC_TYPES: &str = "application/grpc, application/grpc+proto";
const GRPC_WEB_TYPES: &str = "application/grpc-web, application/grpc-web+proto, \
application/grpc-web-text, application/grpc-web-text+proto";

/// A 415 for a codec other than protobuf (`application/grpc+json`), which tonic would otherwise
/// try to decode as protobuf. Like connect-go, it names what is accepted.
fn unsupported_codec(content_type: Option<&HeaderValue>, web: bool) -> Option<Response<Body>> {
    let full = content_type.and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = full.split(';').next().unwrap_or("").trim();
    let accepted = if web { GRPC_WEB_TYPES } else { GRPC_TYPES };
    if accepted
        .split(", ")
        .any(|t| t.eq_ignore_ascii_case(essence))
    {
        return None;
    }
    let status = Status::invalid_argument(format!(
        "unsupported content type `{full}`; send one of {accepted}"
    ));
    let mut response = error(status, false, None);
    *response.status_mut() = http::StatusCode::UNSUPPORTED_MEDIA_TYPE;
    response
        .headers_mut()
        .insert("accept-post", HeaderValue::from_static(accepted));
    Some(response)
}

/// A trailers-only error response in the request's own content type.
pub(crate) fn error(
    status: Status,
    web: bool,
    content_type: Option<http::HeaderValue>,
) -> Response<Body> {
    let mut response: Response<Body> = tonic::Status::from(status).into_http();
    if web {
        let ct = content_type
            .unwrap_or_else(|| http::HeaderValue::from_static("application/grpc-web+proto"));
        response
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, ct);
    }
    response
}

/// Turns a `grpc-web-text` request into a binary gRPC-Web one that still asks for a text
/// response. The body is base64 in chunks that may each carry their own padding, which
/// tonic-web cannot decode; a text request is unary or server streaming, so its one message
/// is read whole, within the size limit (plus base64's third).
async fn decode_text_request(request: Request<Body>, max: usize) -> Result<Request<Body>, Status> {
    let (mut parts, body) = request.into_parts();
    let encoded = read_body(body, &parts.headers, (max + 5) / 3 * 4 + 4 + 64).await?;
    let decoded = decode_base64_chunks(&encoded).map_err(|e| {
        Status::invalid_argument(format!("invalid base64 in the grpc-web-text body: {e}"))
    })?;
    let headers = &mut parts.headers;
    headers.remove(http::header::CONTENT_LENGTH);
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/grpc-web+proto"),
    );
    headers.insert(
        http::header::ACCEPT,
        HeaderValue::from_static("application/grpc-web-text+proto"),
    );
    Ok(Request::from_parts(parts, Body::from(decoded)))
}

/// Decodes concatenated base64 chunks, each padded on its own (`AAAAAB4=CgR0...`).
fn decode_base64_chunks(text: &[u8]) -> Result<Vec<u8>, base64::DecodeError> {
    let text: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut rest = &text[..];
    while !rest.is_empty() {
        let end = match rest.iter().position(|&b| b == b'=') {
            Some(i) => i + rest[i..].iter().take_while(|&&b| b == b'=').count(),
            None => rest.len(),
        };
        base64::engine::general_purpose::STANDARD.decode_vec(&rest[..end], &mut out)?;
        rest = &rest[end..];
    }
    Ok(out)
}

/// Applies [`normalize_codec_status`] to every status a tonic router answers with, in the
/// headers of a trailers-only response and in the trailers of a streamed one.
/// When a call's `grpc-timeout` runs out. The headers of the response must come before it
/// (`call` waits that long); [`responses`] holds the rest of the response to it too.
#[derive(Clone, Copy, Debug)]
struct Deadline(tokio::time::Instant);

const GRPC_TIMEOUT: http::HeaderName = http::HeaderName::from_static("grpc-timeout");
const GRPC_STATUS: http::HeaderName = http::HeaderName::from_static("grpc-status");
const GRPC_MESSAGE: http::HeaderName = http::HeaderName::from_static("grpc-message");

/// What the gRPC routes' responses go through, in one layer inside tonic-web (so tonic-web
/// turns the trailers into its trailer frame):
/// - the codec's statuses are normalized ([`normalize_codec_status`]) in headers and trailers;
/// - a body still running at the call's deadline ends there with `DEADLINE_EXCEEDED`
///   trailers, so a server stream cannot outlive its `grpc-timeout` (dropping the body
///   cancels the handler's stream).
pub(crate) fn responses(router: axum::Router) -> axum::Router {
    router.layer(axum::middleware::from_fn(
        |request: Request<Body>, next: axum::middleware::Next| async move {
            let deadline = request.extensions().get::<Deadline>().copied();
            let (mut parts, body) = next.run(request).await.into_parts();
            normalize_codec_status(&mut parts.headers);
            let body = GrpcBody {
                inner: Some(body),
                deadline: deadline.map(|Deadline(at)| Box::pin(tokio::time::sleep_until(at))),
            };
            Response::from_parts(parts, Body::new(body))
        },
    ))
}

/// A gRPC response body: trailers normalized, cut off at a deadline.
struct GrpcBody {
    /// `None` once the body has ended.
    inner: Option<Body>,
    deadline: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl http_body::Body for GrpcBody {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        use std::task::Poll;
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(None);
        };
        if let Poll::Ready(frame) = std::pin::Pin::new(inner).poll_frame(cx) {
            return Poll::Ready(match frame {
                None => {
                    self.inner = None;
                    None
                }
                Some(Ok(mut frame)) => {
                    if let Some(trailers) = frame.trailers_mut() {
                        normalize_codec_status(trailers);
                    }
                    Some(Ok(frame))
                }
                Some(Err(e)) => Some(Err(e)),
            });
        }
        let expired = match self.deadline.as_mut() {
            Some(sleep) => std::future::Future::poll(sleep.as_mut(), cx).is_ready(),
            None => false,
        };
        if !expired {
            return Poll::Pending;
        }
        self.inner = None;
        let mut trailers = HeaderMap::new();
        trailers.insert(GRPC_STATUS, HeaderValue::from_static("4"));
        trailers.insert(
            GRPC_MESSAGE,
            HeaderValue::from_static("deadline%20exceeded"),
        );
        Poll::Ready(Some(Ok(http_body::Frame::trailers(trailers))))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(|b| b.is_end_stream())
    }
}

/// tonic's codec answers malformed input (a broken or missing message) with INTERNAL and an oversized message with
/// OUT_OF_RANGE. The error model promises what Connect and REST answer for the same input:
/// INVALID_ARGUMENT with a message saying what was wrong, and RESOURCE_EXHAUSTED.
fn normalize_codec_status(headers: &mut HeaderMap) {
    let code = headers
        .get(&GRPC_STATUS)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i32>().ok());
    let Some(code) = code.map(Code::from_i32) else {
        return;
    };
    if !matches!(code, Code::Internal | Code::OutOfRange) {
        return;
    }
    let message = headers
        .get(&GRPC_MESSAGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| crate::http::percent_decode(v, true))
        .unwrap_or_default();
    let status = match code {
        Code::Internal => {
            if let Some(reason) = message.strip_prefix("failed to decode Protobuf message: ") {
                Status::invalid_argument(format!("invalid protobuf message: {reason}"))
            } else if message == "Unexpected EOF decoding stream." {
                Status::invalid_argument(
                    "truncated request: the body ended inside a length-prefixed message",
                )
            } else if message.starts_with("protocol error: received message with") {
                Status::invalid_argument(message)
            } else if message == "Missing request message." {
                // A unary call whose body ends before its one message (empty, or only part
                // of a frame header).
                Status::invalid_argument("missing request message: a unary call sends exactly one")
            } else {
                return;
            }
        }
        Code::OutOfRange if message.starts_with("Error, decoded message length too large") => {
            Status::resource_exhausted(message)
        }
        _ => return,
    };
    let _ = tonic::Status::from(status).add_header(headers);
}

/// `grpc-timeout`: up to 8 digits and a unit (H, M, S, m, u, n).
pub(crate) fn parse_timeout(value: &[u8]) -> Option<Duration> {
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some(match unit {
        b"H" => Duration::from_secs(n * 3600),
        b"M" => Duration::from_secs(n * 60),
        b"S" => Duration::from_secs(n),
        b"m" => Duration::from_millis(n),
        b"u" => Duration::from_micros(n),
        b"n" => Duration::from_nanos(n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_protobuf_codecs_are_served() {
        let ct = |s: &'static str| HeaderValue::from_static(s);
        assert!(unsupported_codec(Some(&ct("application/grpc")), false).is_none());
        assert!(unsupported_codec(Some(&ct("application/grpc+proto; x=y")), false).is_none());
        assert!(unsupported_codec(Some(&ct("application/grpc-web-text")), true).is_none());
        let refused = unsupported_codec(Some(&ct("application/grpc+json")), false).unwrap();
        assert_eq!(refused.status(), 415);
        assert_eq!(refused.headers()["grpc-status"], "3");
        assert!(unsupported_codec(Some(&ct("application/grpc-web+json")), true).is_some());
    }

    #[test]
    fn text_bodies_may_be_padded_chunk_by_chunk() {
        assert_eq!(
            decode_base64_chunks(b"AAAAAB4=Cg==").unwrap(),
            b"\0\0\0\0\x1e\n"
        );
        assert_eq!(decode_base64_chunks(b"AAAA\r\nAAA=").unwrap(), [0; 5]);
        assert!(decode_base64_chunks(b"!!!!").is_err());
    }

    #[test]
    fn codec_errors_become_the_promised_codes() {
        let mut h = HeaderMap::new();
        h.insert("grpc-status", "13".parse().unwrap());
        h.insert(
            "grpc-message",
            "failed%20to%20decode%20Protobuf%20message:%20x"
                .parse()
                .unwrap(),
        );
        normalize_codec_status(&mut h);
        assert_eq!(h["grpc-status"], "3");
        assert_eq!(h["grpc-message"], "invalid%20protobuf%20message:%20x");
        h.insert("grpc-status", "13".parse().unwrap());
        h.insert("grpc-message", "boom".parse().unwrap());
        normalize_codec_status(&mut h);
        assert_eq!(h["grpc-status"], "13", "other internal errors stay");
        h.insert(
            "grpc-message",
            "Missing%20request%20message.".parse().unwrap(),
        );
        normalize_codec_status(&mut h);
        assert_eq!(h["grpc-status"], "3", "an empty unary body is the client's");
    }

    #[test]
    fn timeouts_follow_the_grpc_spec() {
        assert_eq!(parse_timeout(b"100m"), Some(Duration::from_millis(100)));
        assert_eq!(parse_timeout(b"2S"), Some(Duration::from_secs(2)));
        assert_eq!(parse_timeout(b"1H"), Some(Duration::from_secs(3600)));
        for bad in [&b""[..], b"m", b"123456789S", b"10x", b"-1S"] {
            assert_eq!(parse_timeout(bad), None, "{bad:?}");
        }
    }
}
