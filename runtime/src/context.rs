//! Who is calling, over which protocol, with which headers: what a handler may look at.

use std::time::Instant;

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

/// The authenticated principal, put into the request by the server's authenticator.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Caller {
    /// The subject (user id).
    pub subject: String,
    /// The organisation that owns the subject (ZITADEL's resource owner), when known.
    pub org: Option<String>,
    /// Permissions granted to the subject.
    pub permissions: Vec<String>,
}

impl Caller {
    /// Whether the caller holds `permission`.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }
}

/// Everything about a request except its message.
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// The protocol the request arrived on.
    pub protocol: Protocol,
    /// The method being called.
    pub method: &'static MethodInfo,
    /// The request headers (gRPC metadata for gRPC).
    pub headers: http::HeaderMap,
    /// The authenticated caller, if any.
    pub caller: Option<Caller>,
    /// When the caller stops waiting, if it said.
    pub deadline: Option<Instant>,
}

impl RequestContext {
    /// A context with no headers, caller or deadline.
    pub fn new(protocol: Protocol, method: &'static MethodInfo) -> RequestContext {
        RequestContext {
            protocol,
            method,
            headers: http::HeaderMap::new(),
            caller: None,
            deadline: None,
        }
    }

    /// Sets the caller.
    pub fn with_caller(mut self, caller: Caller) -> RequestContext {
        self.caller = Some(caller);
        self
    }
}
