//! Who is calling, over which protocol, with which headers — and what the handler answers
//! besides its message: what a handler may look at and set.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::auth::Caller;
use crate::service::MethodInfo;

/// The wire protocol a request arrived on. Handlers should not need it; logs and metrics do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// gRPC over HTTP/2.
    Grpc,
    /// gRPC-Web, binary or text.
    GrpcWeb,
    /// REST/JSON transcoded from `google.api.http`.
    Rest,
    /// The Connect protocol.
    Connect,
}

/// Everything about a request except its message.
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// The protocol the request arrived on.
    pub protocol: Protocol,
    /// The method being called.
    pub method: &'static MethodInfo,
    /// The request headers (gRPC metadata for gRPC).
    pub headers: HeaderMap,
    /// The authenticated caller, if any.
    pub caller: Option<Caller>,
    /// When the caller stops waiting, if it said.
    pub deadline: Option<Instant>,
    response: ResponseMetadata,
}

impl RequestContext {
    /// A context with no headers, caller or deadline.
    pub fn new(protocol: Protocol, method: &'static MethodInfo) -> RequestContext {
        RequestContext {
            protocol,
            method,
            headers: HeaderMap::new(),
            caller: None,
            deadline: None,
            response: ResponseMetadata::default(),
        }
    }

    /// Sets the caller.
    pub fn with_caller(mut self, caller: Caller) -> RequestContext {
        self.caller = Some(caller);
        self
    }

    /// The value of type `T` the authenticator attached to the caller (its claims, a tenant,
    /// whatever the application's [`crate::Authenticator`] puts in [`Caller::extensions`]).
    pub fn extension<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.caller.as_ref()?.extension::<T>()
    }

    /// Checks the method's guard against the value of the request field its auth option
    /// names (`check_field_name`); generated code calls it once the request is decoded.
    pub fn check_field(&self, value: &str) -> Result<(), crate::Status> {
        self.method.guard.check_field(self.caller.as_ref(), value)
    }

    /// The headers and trailers the answer will carry, on success and on error alike. Clone
    /// the handle into a response stream to set trailers while it runs.
    pub fn response(&self) -> &ResponseMetadata {
        &self.response
    }

    /// A context whose answer's metadata is `response`, shared with the protocol that writes
    /// it (one allocation per call, not two).
    pub(crate) fn with_metadata(
        protocol: Protocol,
        method: &'static MethodInfo,
        response: ResponseMetadata,
    ) -> RequestContext {
        RequestContext {
            protocol,
            method,
            headers: HeaderMap::new(),
            caller: None,
            deadline: None,
            response,
        }
    }
}

/// Response headers and trailers set by a handler, rendered by each protocol in its own way:
/// gRPC headers and trailers, the gRPC-Web trailer frame, Connect's `trailer-` headers (unary)
/// or end-of-stream metadata (streams), REST headers (`grpc-trailer-` for trailers, as
/// grpc-gateway does).
///
/// Headers set before the handler returns (for a stream: before its first message is
/// written) are sent; trailers are read when the call ends. Cloning shares the same sets.
#[derive(Clone, Debug, Default)]
pub struct ResponseMetadata(Arc<Mutex<MetadataSets>>);

#[derive(Debug, Default)]
struct MetadataSets {
    headers: HeaderMap,
    trailers: HeaderMap,
}

impl ResponseMetadata {
    fn lock(&self) -> MutexGuard<'_, MetadataSets> {
        // A handler that panicked while holding the lock left plain maps behind: still usable.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Sets a response header, replacing earlier values.
    pub fn insert_header(&self, name: HeaderName, value: HeaderValue) {
        self.lock().headers.insert(name, value);
    }

    /// Adds a value to a response header.
    pub fn append_header(&self, name: HeaderName, value: HeaderValue) {
        self.lock().headers.append(name, value);
    }

    /// Sets a trailer, replacing earlier values.
    pub fn insert_trailer(&self, name: HeaderName, value: HeaderValue) {
        self.lock().trailers.insert(name, value);
    }

    /// Adds a value to a trailer.
    pub fn append_trailer(&self, name: HeaderName, value: HeaderValue) {
        self.lock().trailers.append(name, value);
    }

    /// The headers set so far.
    pub fn headers(&self) -> HeaderMap {
        self.lock().headers.clone()
    }

    /// The trailers set so far.
    pub fn trailers(&self) -> HeaderMap {
        self.lock().trailers.clone()
    }

    /// Takes the headers, leaving none (what a protocol sends once).
    pub(crate) fn take_headers(&self) -> HeaderMap {
        std::mem::take(&mut self.lock().headers)
    }

    /// Takes the trailers, leaving none.
    pub(crate) fn take_trailers(&self) -> HeaderMap {
        std::mem::take(&mut self.lock().trailers)
    }
}
