//! The static description of a generated service, and the trait the runtime dispatches through.

use std::future::Future;
use std::pin::Pin;

use futures_core::Stream;

use crate::codec::{Input, Output};
use crate::context::RequestContext;
use crate::guard::Guard;
use crate::http::HttpRoute;
use crate::status::Status;

/// The streaming kind of a method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodKind {
    /// One request, one response.
    Unary,
    /// One request, a stream of responses.
    ServerStreaming,
    /// A stream of requests, one response.
    ClientStreaming,
    /// Streams both ways.
    BidiStreaming,
}

/// Everything the runtime needs to know about a method, generated from the schema.
#[derive(Clone, Copy, Debug)]
pub struct MethodInfo {
    /// The method's proto name, e.g. `VerifyMyPhone`.
    pub name: &'static str,
    /// `package.Service.Method`.
    pub full_name: &'static str,
    /// The gRPC path, `/package.Service/Method` (also Connect's).
    pub grpc_path: &'static str,
    /// Streaming kind.
    pub kind: MethodKind,
    /// The permission guard from the method's auth option.
    pub guard: Guard,
    /// The REST bindings, primary first.
    pub routes: &'static [HttpRoute],
    /// The full name of the request message.
    pub input_type: &'static str,
    /// The full name of the response message.
    pub output_type: &'static str,
    /// The request message's fields (for REST path and query parameters).
    pub input: fn() -> &'static crate::schema::MessageInfo,
    /// The response message's fields (for `response_body`).
    pub output: fn() -> &'static crate::schema::MessageInfo,
}

/// A generated service: its name and methods.
#[derive(Clone, Copy, Debug)]
pub struct ServiceInfo {
    /// `package.Service`.
    pub name: &'static str,
    /// The path prefix the REST routes are served under (the API's base path, e.g. `/auth/v1`).
    pub rest_prefix: &'static str,
    /// The methods, in schema order.
    pub methods: &'static [MethodInfo],
}

/// A boxed future of a handler's answer.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The stream of messages a handler answers a server- or bidi-streaming call with.
pub type ResponseStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// The stream of (already validated) messages a client- or bidi-streaming handler reads.
pub type RequestStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// A generated service, callable without knowing its message types: what the REST and
/// Connect protocols dispatch through, and unary gRPC and gRPC-Web calls. Streaming and
/// compressed gRPC calls go through the tonic server instead.
pub trait Service: Send + Sync + 'static {
    /// The service's description.
    fn info(&self) -> &'static ServiceInfo;

    /// Calls unary method number `method` (an index into `info().methods`): decode,
    /// guard, validate, handle. The result is encoded by the caller's protocol.
    fn call_unary(
        &self,
        method: usize,
        ctx: RequestContext,
        input: Input,
    ) -> BoxFuture<Result<Output, Status>>;

    /// Calls server-streaming method number `method`: decode, guard, validate, handle; the
    /// messages are encoded by the caller's protocol as they come.
    fn call_server_streaming(
        &self,
        method: usize,
        ctx: RequestContext,
        input: Input,
    ) -> BoxFuture<Result<ResponseStream<Output>, Status>>;
}
