//! The static description of a generated service, and the trait the runtime dispatches through.

use std::future::Future;
use std::pin::Pin;

use futures_core::Stream;

use crate::codec::{Input, Output};
use crate::context::RequestContext;
use crate::guard::Guard;
use crate::http::HttpRoute;
use crate::schema::Described;
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

/// A method's `idempotency_level` option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// Not said (the default).
    Unknown,
    /// The call changes nothing: it may be retried, cached and sent as an HTTP GET.
    NoSideEffects,
    /// Repeating the call has the effect of one call.
    Idempotent,
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
    /// The method's `idempotency_level`: Connect serves `NoSideEffects` methods over GET too.
    pub idempotency: Idempotency,
    /// The REST bindings, primary first.
    pub routes: &'static [HttpRoute],
    /// The request message's table: its full name ([`MethodInfo::input_type`]) and fields (for
    /// REST path and query parameters).
    pub input: fn() -> &'static crate::schema::MessageInfo,
    /// The response message's table: its full name ([`MethodInfo::output_type`]) and fields
    /// (for `response_body`).
    pub output: fn() -> &'static crate::schema::MessageInfo,
}

impl MethodInfo {
    /// A unary method from `I` to `O`, open to everyone ([`Guard::Public`]), of unknown
    /// idempotency, without REST routes, its names empty: the generated tables set the names
    /// and what else differs, and take the rest from here
    /// (`MethodInfo { name: …, ..MethodInfo::defaults::<I, O>() }`).
    pub const fn defaults<I: Described, O: Described>() -> MethodInfo {
        MethodInfo {
            name: "",
            full_name: "",
            grpc_path: "",
            kind: MethodKind::Unary,
            guard: Guard::Public,
            idempotency: Idempotency::Unknown,
            routes: &[],
            input: I::info,
            output: O::info,
        }
    }

    /// The full name of the request message, from its table.
    pub fn input_type(&self) -> &'static str {
        (self.input)().full_name
    }

    /// The full name of the response message, from its table.
    pub fn output_type(&self) -> &'static str {
        (self.output)().full_name
    }
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

/// Request messages as they arrive, not yet decoded.
pub type InputStream = Pin<Box<dyn Stream<Item = Result<Input, Status>> + Send + 'static>>;

/// What a call sends: one message (unary and server-streaming methods) or a stream.
pub enum Requests {
    /// The one request message.
    One(Input),
    /// The request messages, read as the handler asks for them.
    Stream(InputStream),
}

/// What a call answers: one message (unary and client-streaming methods) or a stream.
pub enum Responses {
    /// The one response message.
    One(Output),
    /// The response messages, encoded by the protocol as they come.
    Stream(ResponseStream<Output>),
}

impl std::fmt::Debug for Requests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Requests::One(input) => f.debug_tuple("One").field(input).finish(),
            Requests::Stream(_) => f.write_str("Stream"),
        }
    }
}

impl std::fmt::Debug for Responses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Responses::One(output) => f.debug_tuple("One").field(output).finish(),
            Responses::Stream(_) => f.write_str("Stream"),
        }
    }
}

/// A generated service, callable without knowing its message types: what every protocol
/// dispatches through. The server's pipeline has authenticated the caller and checked the
/// method's guard before `call` runs; the generated implementation decodes, validates and
/// calls the handler ([`crate::pipeline`]).
pub trait Service: Send + Sync + 'static {
    /// The service's description.
    fn info(&self) -> &'static ServiceInfo;

    /// The encoded `FileDescriptorSet` of the service's package and its imports, for server
    /// reflection (empty when the service has none).
    fn file_descriptor_set(&self) -> &'static [u8] {
        &[]
    }

    /// Calls method number `method` (an index into `info().methods`). The default answers that
    /// there is no such method: what a service without methods keeps.
    fn call(
        &self,
        method: usize,
        ctx: RequestContext,
        requests: Requests,
    ) -> BoxFuture<Result<Responses, Status>> {
        let _ = (ctx, requests);
        crate::pipeline::no_such_method(self.info().name, method)
    }
}
