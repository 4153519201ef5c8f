//! The request pipeline, the one place that runs, once per call, for every protocol and call
//! kind: deadline → authenticate → guard → read the request messages → decode → validate →
//! handler → write the answer. Protocols ([`crate::protocol`]) only read and write their
//! wire format; the typed steps (decode, validate, handler) are [`handler`]'s, called by
//! generated code.

mod handler;

use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use futures_core::Stream;
use http::{Request, Response};

pub use handler::{
    bidi_streaming, client_streaming, no_such_method, server_streaming, unary, RequestMessage,
    ResponseMessage,
};

use crate::codec::Output;
use crate::context::{RequestContext, ResponseMetadata};
use crate::protocol::{Opened, Wire};
use crate::server::Inner;
use crate::service::{ResponseStream, Responses};
use crate::status::Status;

/// Serves one request that `wire` speaks.
pub(crate) async fn run<W: Wire>(
    wire: &W,
    inner: &Inner,
    request: Request<Body>,
) -> Response<Body> {
    let (mut parts, body) = request.into_parts();
    let Opened {
        target,
        timeout,
        head,
    } = match wire.open(&inner.registry, &parts) {
        Ok(opened) => opened,
        Err(refused) => return *refused.0,
    };
    let Some(permit) = inner.admission.admit(target.service.info().name) else {
        return crate::server::shed::refuse(wire, head, &inner.limits);
    };
    wire.incoming_metadata(&mut parts.headers);
    let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
    let metadata = ResponseMetadata::default();
    let work = async {
        let caller = inner.authenticator.authenticate(&parts.headers).await?;
        target.method.guard.check(caller.as_ref())?;
        let requests = wire
            .requests(&head, &target, &parts, body, &inner.limits)
            .await?;
        let mut ctx =
            RequestContext::with_metadata(wire.protocol(), target.method, metadata.clone());
        ctx.caller = caller;
        ctx.deadline = deadline.map(tokio::time::Instant::into_std);
        ctx.headers = parts.headers;
        match target.service.call(target.index, ctx, requests).await? {
            Responses::Stream(stream) => first_message(stream).await,
            one => Ok(one),
        }
    };
    let outcome = match deadline {
        None => work.await,
        Some(at) => tokio::time::timeout_at(at, work)
            .await
            .unwrap_or_else(|_| Err(deadline_exceeded())),
    };
    let outcome = outcome.map(|responses| match (responses, deadline) {
        (Responses::Stream(stream), Some(at)) => Responses::Stream(Box::pin(UntilDeadline {
            stream,
            deadline: Box::pin(tokio::time::sleep_until(at)),
            done: false,
        })),
        (responses, _) => responses,
    });
    crate::server::shed::hold(permit, wire.reply(head, outcome, metadata, &inner.limits))
}

/// Waits for a response stream's first item, as gRPC and Connect servers do before they send
/// the headers: the handler may set headers until then. A stream that fails first still
/// sends its headers, then the error (not trailers-only): the headers were the handler's.
async fn first_message(mut stream: ResponseStream<Output>) -> Result<Responses, Status> {
    use futures_util::StreamExt as _;
    Ok(Responses::Stream(match stream.next().await {
        None => Box::pin(futures_util::stream::empty()),
        Some(first) => {
            Box::pin(futures_util::stream::once(std::future::ready(first)).chain(stream))
        }
    }))
}

/// The status of a call whose deadline passed.
pub(crate) fn deadline_exceeded() -> Status {
    Status::deadline_exceeded("deadline exceeded")
}

/// A response stream cut off at the call's deadline: it ends with DEADLINE_EXCEEDED there,
/// and dropping it cancels the handler's stream.
struct UntilDeadline {
    stream: ResponseStream<Output>,
    deadline: Pin<Box<tokio::time::Sleep>>,
    done: bool,
}

impl Stream for UntilDeadline {
    type Item = Result<Output, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = self.stream.as_mut().poll_next(cx) {
            return Poll::Ready(item);
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.done = true;
            return Poll::Ready(Some(Err(deadline_exceeded())));
        }
        Poll::Pending
    }
}

/// A timeout header's value, or the INVALID_ARGUMENT status for a malformed one.
pub(crate) fn timeout(
    value: Option<&http::HeaderValue>,
    parse: fn(&[u8]) -> Option<Duration>,
    header: &str,
) -> Result<Option<Duration>, Status> {
    match value {
        None => Ok(None),
        Some(v) => parse(v.as_bytes())
            .map(Some)
            .ok_or_else(|| Status::invalid_argument(format!("malformed {header} header"))),
    }
}
