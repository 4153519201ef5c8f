//! The runtime that protogate-generated services link against.
//!
//! Generated code names the types of this crate: [`Status`] (the one error model),
//! [`RequestContext`] (who is calling, over which protocol), [`Validate`] (the schema's
//! constraints), the [`Guard`] generated from a method's auth option, and the static
//! [`ServiceInfo`] / [`HttpRoute`] tables that route a request to a method.
#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]

pub mod auth;
pub mod buf_validate;
pub mod cel;
pub mod codec;
pub mod context;
pub mod field_path;
pub mod guard;
pub mod http;
pub mod interceptor;
pub mod json;
#[cfg(feature = "metrics")]
pub mod metrics;
pub mod pipeline;
pub(crate) mod protocol;
pub(crate) mod registry;
pub mod rpc;
pub mod rules;
pub mod schema;
pub mod server;
pub mod service;
pub mod services;
pub mod status;
pub mod validate;
pub mod wkt;

pub use auth::{bearer_token, AuthRequest, Authenticator, Caller, NoAuthentication};
pub use context::{Protocol, RequestContext, ResponseMetadata};
pub use guard::Guard;
pub use http::{BodySpec, HttpMethod, HttpRoute, PathTemplate, PathVariable, Segment};
pub use interceptor::{Call, Interceptor, Outcome};
pub use pipeline::trace::TraceParent;
pub use protocol::rest::WrongMethod;
pub use protogate_macros::{include_generated, Validate};
pub use server::reference;
pub use server::{
    Http1Settings, Http2Settings, Limits, LoadStats, Server, ServerService, TlsConfig, TlsError,
};
pub use service::{
    Idempotency, MethodInfo, MethodKind, RequestStream, Requests, ResponseStream, Responses,
    Service, ServiceInfo,
};
pub use services::health::{HealthReporter, ServingStatus};
pub use status::{Code, Status};
pub use validate::{Collector, Validate, Violation, Violations};
