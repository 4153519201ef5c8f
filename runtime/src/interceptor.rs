//! Interceptors: per-method hooks that run inside the pipeline, once per call, on every
//! protocol alike. An interceptor sees the method, the protocol and the caller before the
//! request is read (and may change the request metadata or refuse the call with a
//! [`Status`]), and sees every call's outcome — its status code, duration and message
//! sizes — when the call ends.
//!
//! Where they run: `deadline → authenticate → guard → interceptors' before (in the order
//! added) → read → decode → validate → handler`. `after` runs, in reverse order, for every
//! call that named a method of a mounted service, whatever ended it — the authenticator, the
//! guard, an interceptor, decoding, validation or the handler — and, for a response stream,
//! when the stream ends (or is dropped: CANCELLED).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_core::Stream;
use http::HeaderMap;

use crate::auth::Caller;
use crate::codec::Output;
use crate::context::{Protocol, ResponseMetadata};
use crate::service::{MethodInfo, ResponseStream};
use crate::status::{Code, Status};

/// A call as an interceptor sees it before the request is read.
#[derive(Debug)]
pub struct Call<'a> {
    /// The method being called.
    pub method: &'static MethodInfo,
    /// The protocol it arrived on.
    pub protocol: Protocol,
    /// The authenticated caller, if any (the guard has let it through).
    pub caller: Option<&'a Caller>,
    /// The request metadata, as the handler will see it in `ctx.headers`: an interceptor may
    /// add, change or remove entries.
    pub headers: &'a mut HeaderMap,
    /// The answer's headers and trailers, as the handler's `ctx.response()`.
    pub response: &'a ResponseMetadata,
}

/// How a call ended, as an interceptor's [`Interceptor::after`] sees it.
#[derive(Debug)]
pub struct Outcome<'a> {
    /// The method that was called.
    pub method: &'static MethodInfo,
    /// The protocol it arrived on.
    pub protocol: Protocol,
    /// The error, or `None` for success.
    pub error: Option<&'a Status>,
    /// From the pipeline's start to the answer (for a response stream: to its end).
    pub duration: Duration,
    /// The request messages' size in bytes, as received and decompressed, summed over the
    /// call (REST: the JSON body, 0 without one).
    pub request_bytes: u64,
    /// The response messages' protobuf size in bytes, summed over the call.
    pub response_bytes: u64,
}

impl Outcome<'_> {
    /// The status code the call ended with.
    pub fn code(&self) -> Code {
        self.error.map_or(Code::Ok, Status::code)
    }
}

/// A hook around every call of every method. Both steps have defaults that do nothing;
/// implement the ones you need. Add with [`crate::Server::interceptor`].
pub trait Interceptor: Send + Sync + 'static {
    /// Runs before the request is read, after authentication and the guard. An error ends the
    /// call with that status; later interceptors and the handler do not run.
    fn before(&self, call: &mut Call<'_>) -> impl Future<Output = Result<(), Status>> + Send {
        let _ = call;
        std::future::ready(Ok(()))
    }

    /// Runs once when the call has ended.
    fn after(&self, outcome: &Outcome<'_>) {
        let _ = outcome;
    }
}

/// Object-safe form used by the server.
pub(crate) trait DynInterceptor: Send + Sync + 'static {
    fn before<'a>(
        &'a self,
        call: &'a mut Call<'_>,
    ) -> Pin<Box<dyn Future<Output = Result<(), Status>> + Send + 'a>>;
    fn after(&self, outcome: &Outcome<'_>);
}

impl<I: Interceptor> DynInterceptor for I {
    fn before<'a>(
        &'a self,
        call: &'a mut Call<'_>,
    ) -> Pin<Box<dyn Future<Output = Result<(), Status>> + Send + 'a>> {
        Box::pin(Interceptor::before(self, call))
    }

    fn after(&self, outcome: &Outcome<'_>) {
        Interceptor::after(self, outcome);
    }
}

/// The server's interceptors, in the order added.
pub(crate) type Interceptors = Arc<[Arc<dyn DynInterceptor>]>;

/// What the pipeline keeps of a call for its interceptors' `after`.
pub(crate) struct Observation {
    interceptors: Interceptors,
    method: &'static MethodInfo,
    protocol: Protocol,
    started: Instant,
    request_bytes: Arc<AtomicU64>,
    response_bytes: u64,
}

impl Observation {
    pub(crate) fn new(
        interceptors: Interceptors,
        method: &'static MethodInfo,
        protocol: Protocol,
        started: Instant,
    ) -> Observation {
        Observation {
            interceptors,
            method,
            protocol,
            started,
            request_bytes: Arc::new(AtomicU64::new(0)),
            response_bytes: 0,
        }
    }

    /// The counter the request messages' sizes are added to.
    pub(crate) fn request_bytes(&self) -> Arc<AtomicU64> {
        self.request_bytes.clone()
    }

    /// Adds a response message's size.
    pub(crate) fn add_response(&mut self, output: &Output) {
        self.response_bytes += output.encoded_len() as u64;
    }

    /// Tells every interceptor, last added first.
    pub(crate) fn finish(self, error: Option<&Status>) {
        let outcome = Outcome {
            method: self.method,
            protocol: self.protocol,
            error,
            duration: self.started.elapsed(),
            request_bytes: self.request_bytes.load(Ordering::Relaxed),
            response_bytes: self.response_bytes,
        };
        for interceptor in self.interceptors.iter().rev() {
            interceptor.after(&outcome);
        }
    }

    /// A response stream that counts its messages' sizes and tells the interceptors how it
    /// ended: its last error or success, or CANCELLED when dropped before its end.
    pub(crate) fn watch(self, stream: ResponseStream<Output>) -> ResponseStream<Output> {
        Box::pin(Watched {
            stream,
            observation: Some(self),
        })
    }
}

struct Watched {
    stream: ResponseStream<Output>,
    observation: Option<Observation>,
}

impl Stream for Watched {
    type Item = Result<Output, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let item = std::task::ready!(self.stream.as_mut().poll_next(cx));
        match &item {
            Some(Ok(output)) => {
                if let Some(observation) = self.observation.as_mut() {
                    observation.add_response(output);
                }
            }
            Some(Err(status)) => {
                if let Some(observation) = self.observation.take() {
                    observation.finish(Some(status));
                }
            }
            None => {
                if let Some(observation) = self.observation.take() {
                    observation.finish(None);
                }
            }
        }
        Poll::Ready(item)
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if let Some(observation) = self.observation.take() {
            observation.finish(Some(&Status::cancelled("the response stream was dropped")));
        }
    }
}
