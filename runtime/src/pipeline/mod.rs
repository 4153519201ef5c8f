//! The request pipeline, the one place that runs, once per call, for every protocol and call
//! kind: deadline → authenticate → guard → read the request messages → decode → validate →
//! handler → write the answer. Protocols ([`crate::protocol`]) only read and write their
//! wire format; the typed steps (decode, validate, handler) are [`handler`]'s, called by
//! generated code.

mod handler;
pub mod trace;

use std::future::Future as _;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use futures_core::Stream;
use http::{Request, Response};

pub use handler::{
    bidi_streaming, client_streaming, no_such_method, server_streaming, unary, RequestMessage,
    ResponseMessage,
};

use crate::auth::AuthRequest;
use crate::codec::Output;
use crate::context::{RequestContext, ResponseMetadata};
use crate::interceptor::{Call, Observation};
use crate::protocol::{Opened, Wire};
use crate::server::Inner;
use crate::service::{Requests, ResponseStream, Responses};
use crate::status::Status;

/// Serves one request that `wire` speaks.
pub(crate) async fn run<W: Wire>(
    wire: &W,
    inner: &Inner,
    request: Request<Body>,
) -> Response<Body> {
    let started = std::time::Instant::now();
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
    let protocol = wire.protocol();
    trace::record_method(target.method);
    wire.incoming_metadata(&mut parts.headers);
    let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
    let metadata = ResponseMetadata::default();
    // Interceptors' `after` needs the call's sizes and end; without interceptors, nothing
    // is counted.
    let mut observation = (!inner.interceptors.is_empty())
        .then(|| Observation::new(inner.interceptors.clone(), target.method, protocol, started));
    let request_bytes = observation.as_ref().map(Observation::request_bytes);
    let work = async {
        let caller = inner
            .authenticator
            .authenticate(&AuthRequest {
                headers: &parts.headers,
                method: target.method,
                protocol,
            })
            .await?;
        target.method.guard.check(caller.as_ref())?;
        for interceptor in inner.interceptors.iter() {
            let mut call = Call {
                method: target.method,
                protocol,
                caller: caller.as_ref(),
                headers: &mut parts.headers,
                response: &metadata,
            };
            interceptor.before(&mut call).await?;
        }
        let mut requests = wire
            .requests(&head, &target, &parts, body, &inner.limits)
            .await?;
        if let Some(counter) = &request_bytes {
            requests = counted(requests, counter, &parts.headers);
        }
        let mut ctx = RequestContext::with_metadata(protocol, target.method, metadata.clone());
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
    trace::record_code(
        outcome
            .as_ref()
            .map_or_else(Status::code, |_| crate::Code::Ok),
    );
    let outcome = match observation.take() {
        None => outcome,
        Some(mut observation) => match outcome {
            Ok(Responses::One(output)) => {
                observation.add_response(&output);
                observation.finish(None);
                Ok(Responses::One(output))
            }
            Ok(Responses::Stream(stream)) => Ok(Responses::Stream(observation.watch(stream))),
            Err(status) => {
                observation.finish(Some(&status));
                Err(status)
            }
        },
    };
    crate::server::shed::hold(permit, wire.reply(head, outcome, metadata, &inner.limits))
}

/// The request messages, each adding its size to `counter` as it is read (REST's assembled
/// JSON: the body's `Content-Length`).
fn counted(requests: Requests, counter: &Arc<AtomicU64>, headers: &http::HeaderMap) -> Requests {
    use futures_util::StreamExt as _;
    match requests {
        Requests::One(input) => {
            let len = input.size().unwrap_or_else(|| {
                headers
                    .get(http::header::CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok()?.parse().ok())
                    .unwrap_or(0)
            });
            counter.fetch_add(len as u64, Ordering::Relaxed);
            Requests::One(input)
        }
        Requests::Stream(stream) => {
            let counter = counter.clone();
            Requests::Stream(Box::pin(stream.inspect(move |item| {
                if let Ok(input) = item {
                    counter.fetch_add(input.size().unwrap_or(0) as u64, Ordering::Relaxed);
                }
            })))
        }
    }
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
