//! The wire protocols, one file each, behind one small trait ([`Wire`]): each reads its own
//! framing, headers, timeout and compression, and writes the answer in its own format. What
//! happens between — authentication, the guard, decoding, validation, the handler — is the
//! pipeline's ([`crate::pipeline`]).

pub(crate) mod compression;
pub(crate) mod connect;
pub(crate) mod connect_stream;
pub(crate) mod envelope;
pub(crate) mod grpc;
mod grpc_web;
pub(crate) mod rest;

use std::future::Future;
use std::time::Duration;

use axum::body::Body;
use http::request::Parts;
use http::Response;

use crate::context::{Protocol, ResponseMetadata};
use crate::registry::{Registry, Target};
use crate::server::Limits;
use crate::service::{Requests, Responses};
use crate::status::Status;

/// What a protocol made of a request's head: the method it calls, how long the caller waits,
/// and what the protocol needs to read the body and write the answer.
pub(crate) struct Opened<H> {
    pub(crate) target: Target,
    pub(crate) timeout: Option<Duration>,
    pub(crate) head: H,
}

/// An answer given before the call starts (boxed: the error path is the rare one).
pub(crate) struct Refused(pub(crate) Box<Response<Body>>);

impl From<Response<Body>> for Refused {
    fn from(response: Response<Body>) -> Refused {
        Refused(Box::new(response))
    }
}

/// One wire protocol.
pub(crate) trait Wire: Sync {
    /// What [`Wire::open`] learnt from the head that the body and the answer need.
    type Head: Send + Sync;

    /// The protocol, as handlers see it.
    fn protocol(&self) -> Protocol;

    /// Reads the request's method, path and headers. A request the protocol cannot take (an
    /// unknown method, a content type or encoding it does not speak, a malformed timeout) is
    /// answered at once, in the protocol's own format.
    fn open(&self, registry: &Registry, parts: &Parts) -> Result<Opened<Self::Head>, Refused>;

    /// Adds what the protocol derives from the request's headers to the metadata the
    /// authenticator and the handler see (REST: grpc-gateway's `Grpc-Metadata-*`).
    fn incoming_metadata(&self, _headers: &mut http::HeaderMap) {}

    /// The request messages, from the body (and, for some protocols, the path and query).
    /// Runs after authentication and the guard: a refused call never has its body read.
    fn requests(
        &self,
        head: &Self::Head,
        target: &Target,
        parts: &Parts,
        body: Body,
        limits: &Limits,
    ) -> impl Future<Output = Result<Requests, Status>> + Send;

    /// Writes the outcome with the handler's headers and trailers.
    fn reply(
        &self,
        head: Self::Head,
        outcome: Result<Responses, Status>,
        metadata: ResponseMetadata,
        limits: &Limits,
    ) -> Response<Body>;
}

/// Copies a handler's headers into a response's, the protocol's own headers winning.
pub(crate) fn merge_headers(into: &mut http::HeaderMap, from: http::HeaderMap) {
    let mut last = None;
    for (name, value) in from {
        if let Some(name) = name {
            last = Some(name);
        }
        if let Some(name) = &last {
            if !is_reserved(name) {
                into.append(name.clone(), value);
            }
        }
    }
}

/// Trailers as headers named `<prefix><name>`, for protocols that send them in the head:
/// Connect unary's `trailer-`, grpc-gateway's `grpc-trailer-`.
pub(crate) fn prefixed(
    trailers: http::HeaderMap,
    prefix: &str,
) -> Vec<(http::HeaderName, http::HeaderValue)> {
    let mut out = Vec::with_capacity(trailers.len());
    let mut last = None;
    for (name, value) in trailers {
        if let Some(name) = name {
            last = http::HeaderName::from_bytes(format!("{prefix}{name}").as_bytes()).ok();
        }
        if let Some(name) = &last {
            out.push((name.clone(), value));
        }
    }
    out
}

/// Headers a handler may not set: the protocols' own.
pub(crate) fn is_reserved(name: &http::HeaderName) -> bool {
    let name = name.as_str();
    name == "content-type"
        || name == "content-length"
        || name == "content-encoding"
        || name == "transfer-encoding"
        || name.starts_with("grpc-")
        || name.starts_with("connect-")
}

/// An answer too large to send.
pub(crate) fn response_too_large(len: usize, max: usize) -> Status {
    Status::resource_exhausted(format!(
        "the response message is {len} bytes, over the {max}-byte limit"
    ))
}

/// A response body that writes each message of `messages` as `encode` makes it, then the
/// frame `end` makes of the outcome (`None` for success): trailers, a trailer frame or an
/// end-of-stream message. The first failure ends the stream.
pub(crate) fn streamed_body<E, F>(
    messages: crate::service::ResponseStream<crate::codec::Output>,
    encode: E,
    end: F,
) -> Body
where
    E: FnMut(&crate::codec::Output) -> Result<bytes::Bytes, Status> + Send + 'static,
    F: FnOnce(Option<Status>) -> http_body::Frame<bytes::Bytes> + Send + 'static,
{
    use futures_util::StreamExt as _;
    struct Sending<E, F> {
        messages: crate::service::ResponseStream<crate::codec::Output>,
        encode: E,
        end: F,
    }
    let state = Sending {
        messages,
        encode,
        end,
    };
    let frames = futures_util::stream::unfold(Some(state), |state| async move {
        let mut state = state?;
        let failure = match state.messages.next().await {
            Some(Ok(message)) => match (state.encode)(&message) {
                Ok(bytes) => {
                    return Some((Ok(http_body::Frame::data(bytes)), Some(state)));
                }
                Err(status) => Some(status),
            },
            Some(Err(status)) => Some(status),
            None => None,
        };
        let end = (state.end)(failure);
        Some((Ok::<_, std::convert::Infallible>(end), None))
    });
    Body::new(http_body_util::StreamBody::new(frames))
}

/// A body of at most one data frame and, for gRPC, trailers: the answer of a unary call,
/// without a stream to poll.
pub(crate) struct UnaryBody {
    pub(crate) data: Option<bytes::Bytes>,
    pub(crate) trailers: Option<http::HeaderMap>,
}

impl http_body::Body for UnaryBody {
    type Data = bytes::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        let frame = match self.data.take() {
            Some(data) => Some(http_body::Frame::data(data)),
            None => self.trailers.take().map(http_body::Frame::trailers),
        };
        std::task::Poll::Ready(frame.map(Ok))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && self.trailers.is_none()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match (&self.data, &self.trailers) {
            (Some(data), None) => http_body::SizeHint::with_exact(data.len() as u64),
            (None, None) => http_body::SizeHint::with_exact(0),
            _ => http_body::SizeHint::default(),
        }
    }
}

/// Encodes one message in an envelope, compressed when worth it, within the size limit.
pub(crate) fn enveloped(
    message: &crate::codec::Output,
    json: bool,
    encoding: compression::Encoding,
    max: usize,
) -> Result<bytes::Bytes, Status> {
    let framed = if json {
        envelope::frame(0, &message.to_json_bytes()?).to_vec()
    } else {
        message.to_proto_frame()
    };
    let len = framed.len() - 5;
    if len > max {
        return Err(response_too_large(len, max));
    }
    if encoding.worth(len) {
        let packed = encoding.compress(&framed[5..])?;
        return Ok(envelope::frame(envelope::COMPRESSED, &packed));
    }
    Ok(bytes::Bytes::from(framed))
}
