//! gRPC and gRPC-Web: authentication and the guard run here, before anything is decoded.
//! Unary calls of the mounted services are then served here too (read the one message, run
//! the shared pipeline, write the answer and its status); streaming and compressed calls,
//! health and reflection go on to tonic (and tonic-web for gRPC-Web).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use base64::Engine as _;
use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderValue, Request, Response};
use http_body_util::BodyExt as _;

use super::response::read_body;
use super::{oneshot, Inner};
use crate::codec::Input;
use crate::context::{Protocol, RequestContext};
use crate::service::MethodKind;
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
    let protocol = if web {
        Protocol::GrpcWeb
    } else {
        Protocol::Grpc
    };
    let found = inner.method_by_grpc_path(request.uri().path());
    let mut ctx = None;
    match found {
        Some((_, _, method)) => {
            let mut c = RequestContext::new(protocol, method);
            c.caller = caller;
            if let Err(status) = method.guard.check(&c) {
                return fail(status);
            }
            ctx = Some(c);
        }
        None => {
            if let Some(caller) = caller {
                request.extensions_mut().insert(caller);
            }
        }
    }
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
    let native = found.filter(|(_, _, method)| {
        method.kind == MethodKind::Unary && uncompressed(request.headers())
    });
    if let Some((service, index, _)) = native {
        // `ctx` is set whenever the method was found.
        if let Some(mut ctx) = ctx.take() {
            ctx.deadline = timeout.map(|t| std::time::Instant::now() + t);
            let framing = match (web, text) {
                (false, _) => Framing::Grpc,
                (true, false) => Framing::GrpcWeb,
                (true, true) => Framing::GrpcWebText,
            };
            let work = unary(inner, service, index, ctx, request, framing);
            let answer = match timeout {
                None => work.await,
                Some(t) => tokio::time::timeout(t, work)
                    .await
                    .unwrap_or_else(|_| Err(Status::deadline_exceeded("deadline exceeded"))),
            };
            return answer.unwrap_or_else(fail);
        }
    }
    if let Some(caller) = ctx.and_then(|c| c.caller) {
        request.extensions_mut().insert(caller);
    }
    request.extensions_mut().insert(protocol);
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

/// How a unary answer is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Framing {
    /// gRPC: the message, then HTTP trailers.
    Grpc,
    /// gRPC-Web: the message and a trailer frame in the body.
    GrpcWeb,
    /// gRPC-Web text: the same, in base64.
    GrpcWebText,
}

/// Whether the request's messages come uncompressed (no `grpc-encoding`, or `identity`).
/// Compressed calls go to tonic, which decompresses them.
fn uncompressed(headers: &HeaderMap) -> bool {
    headers
        .get(&GRPC_ENCODING)
        .is_none_or(|v| v.as_bytes().eq_ignore_ascii_case(b"identity"))
}

/// A unary call of a mounted service, served here rather than through tonic: one read of
/// the message (refused by its prefix when it is too large), the shared pipeline (guard,
/// decode, validate, handler), one write of the answer. Errors come back for the caller to
/// answer trailers-only, as tonic does.
async fn unary(
    inner: &Inner,
    service: &Arc<dyn crate::service::Service>,
    index: usize,
    mut ctx: RequestContext,
    request: Request<Body>,
    framing: Framing,
) -> Result<Response<Body>, Status> {
    let max = inner.limits.max_message_size;
    let (parts, body) = request.into_parts();
    let message = read_message(body, max).await?;
    ctx.headers = parts.headers;
    let output = service
        .call_unary(index, ctx, Input::Proto(message))
        .await?;
    let mut frame = output.to_proto_frame();
    if frame.len() - 5 > max {
        return Err(Status::resource_exhausted(format!(
            "the response message is {} bytes, over the {max}-byte limit",
            frame.len() - 5
        )));
    }
    let (body, content_type) = match framing {
        Framing::Grpc => {
            let mut trailers = HeaderMap::with_capacity(1);
            trailers.insert(GRPC_STATUS, HeaderValue::from_static("0"));
            let body = UnaryBody {
                data: Some(Bytes::from(frame)),
                trailers: Some(trailers),
            };
            (Body::new(body), "application/grpc")
        }
        Framing::GrpcWeb => {
            frame.extend_from_slice(WEB_OK_TRAILERS);
            (Body::from(frame), "application/grpc-web+proto")
        }
        Framing::GrpcWebText => {
            frame.extend_from_slice(WEB_OK_TRAILERS);
            let text = base64::engine::general_purpose::STANDARD.encode(&frame);
            (Body::from(text), "application/grpc-web-text+proto")
        }
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    // As tonic says for the same service: gzip-compressed requests are accepted.
    headers.insert(GRPC_ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
    Ok(response)
}

/// gRPC-Web's trailer frame of a successful call: flag 0x80, length 15, `grpc-status:0\r\n`.
const WEB_OK_TRAILERS: &[u8] = b"\x80\x00\x00\x00\x0fgrpc-status:0\r\n";

/// Reads the one length-prefixed message of a unary call. The prefix is checked as soon as
/// it arrives, so a message over `max` is refused before its payload is sent; a message that
/// arrives in one piece (as it does over HTTP/2 up to the frame size) is not copied.
async fn read_message(mut body: Body, max: usize) -> Result<Bytes, Status> {
    let mut first = Bytes::new();
    let mut joined: Option<BytesMut> = None;
    loop {
        let have: &[u8] = joined.as_deref().unwrap_or(&first);
        if have.len() >= 5 {
            let len = message_length(have, max)?;
            if have.len() >= 5 + len {
                return Ok(match joined {
                    Some(mut all) => all.split_to(5 + len).freeze().slice(5..),
                    None => first.slice(5..5 + len),
                });
            }
        }
        let empty = have.is_empty();
        match body.frame().await {
            None if empty => {
                return Err(Status::invalid_argument(
                    "missing request message: a unary call sends exactly one",
                ))
            }
            None => {
                return Err(Status::invalid_argument(
                    "truncated request: the body ended inside a length-prefixed message",
                ))
            }
            Some(Err(e)) => {
                return Err(Status::invalid_argument(format!(
                    "cannot read the request body: {e}"
                )))
            }
            Some(Ok(frame)) => {
                let Ok(data) = frame.into_data() else {
                    continue;
                };
                match joined.as_mut() {
                    None if first.is_empty() => first = data,
                    None => {
                        let mut all = BytesMut::with_capacity(first.len() + data.len());
                        all.extend_from_slice(&first);
                        all.extend_from_slice(&data);
                        joined = Some(all);
                    }
                    Some(all) => all.extend_from_slice(&data),
                }
            }
        }
    }
}

/// The length in a message's 5-byte prefix (`prefix` holds at least 5 bytes), refusing a
/// compressed or unknown flag (no `grpc-encoding` was agreed) and a length over `max`.
fn message_length(prefix: &[u8], max: usize) -> Result<usize, Status> {
    match prefix[0] {
        0 => {}
        1 => {
            return Err(Status::invalid_argument(
                "protocol error: received message with compressed-flag but no grpc-encoding \
                 was specified",
            ))
        }
        flag => {
            return Err(Status::invalid_argument(format!(
                "protocol error: received message with invalid compression flag: {flag} (valid \
                 flags are 0 and 1)"
            )))
        }
    }
    let len = u32::from_be_bytes([prefix[1], prefix[2], prefix[3], prefix[4]]) as usize;
    if len > max {
        return Err(Status::resource_exhausted(format!(
            "Error, decoded message length too large: found {len} bytes, the limit is: {max} bytes"
        )));
    }
    Ok(len)
}

/// A unary gRPC answer's body: the message, then the trailers.
struct UnaryBody {
    data: Option<Bytes>,
    trailers: Option<HeaderMap>,
}

impl http_body::Body for UnaryBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let frame = match self.data.take() {
            Some(data) => Some(http_body::Frame::data(data)),
            None => self.trailers.take().map(http_body::Frame::trailers),
        };
        std::task::Poll::Ready(frame.map(Ok))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && self.trailers.is_none()
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
const GRPC_ENCODING: http::HeaderName = http::HeaderName::from_static("grpc-encoding");
const GRPC_ACCEPT_ENCODING: http::HeaderName =
    http::HeaderName::from_static("grpc-accept-encoding");

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

    fn chunked(chunks: &[&[u8]]) -> Body {
        let chunks: Vec<Result<Bytes, std::io::Error>> = chunks
            .iter()
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        Body::from_stream(futures_util::stream::iter(chunks))
    }

    fn read(chunks: &[&[u8]], max: usize) -> Result<Bytes, Status> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(read_message(chunked(chunks), max))
    }

    #[test]
    fn a_unary_message_is_read_whole_from_any_split() {
        let framed = b"\0\0\0\0\x03abc";
        assert_eq!(read(&[framed], 10).unwrap(), &b"abc"[..]);
        for split in 1..framed.len() {
            let (a, b) = framed.split_at(split);
            assert_eq!(read(&[a, b], 10).unwrap(), &b"abc"[..], "split at {split}");
        }
        let bytes: Vec<&[u8]> = framed.chunks(1).collect();
        assert_eq!(read(&bytes, 10).unwrap(), &b"abc"[..]);
        assert_eq!(read(&[b"\0\0\0\0\0"], 10).unwrap(), &b""[..]);
        // What follows the one message is not read.
        assert_eq!(read(&[framed, b"junk"], 10).unwrap(), &b"abc"[..]);
    }

    #[test]
    fn broken_unary_bodies_are_the_callers_fault() {
        let fails = |chunks: &[&[u8]], max: usize| read(chunks, max).unwrap_err();
        let missing = fails(&[], 10);
        assert_eq!(missing.code(), Code::InvalidArgument);
        assert!(missing.message().starts_with("missing request message"));
        for truncated in [&b"\0\0"[..], b"\0\0\0\0\x03ab"] {
            let status = fails(&[truncated], 10);
            assert_eq!(status.code(), Code::InvalidArgument);
            assert!(
                status.message().starts_with("truncated request"),
                "{status:?}"
            );
        }
        let compressed = fails(&[b"\x01\0\0\0\x01a"], 10);
        assert_eq!(compressed.code(), Code::InvalidArgument);
        assert!(compressed.message().contains("compressed-flag"));
        assert_eq!(fails(&[b"\x80\0\0\0\0"], 10).code(), Code::InvalidArgument);
        // Refused by its prefix: the payload never has to arrive.
        let large = fails(&[b"\0\0\0\0\x0b"], 10);
        assert_eq!(large.code(), Code::ResourceExhausted);
        assert!(large
            .message()
            .contains("found 11 bytes, the limit is: 10 bytes"));
    }

    #[test]
    fn a_web_trailer_frame_says_its_length() {
        assert_eq!(WEB_OK_TRAILERS[0], 0x80);
        let len = u32::from_be_bytes([
            WEB_OK_TRAILERS[1],
            WEB_OK_TRAILERS[2],
            WEB_OK_TRAILERS[3],
            WEB_OK_TRAILERS[4],
        ]) as usize;
        assert_eq!(&WEB_OK_TRAILERS[5..], b"grpc-status:0\r\n");
        assert_eq!(len, WEB_OK_TRAILERS.len() - 5);
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
