//! The REST settings a [`crate::Server`] is built with: how a wrong method is answered and
//! whether JSON answers carry unpopulated fields.

use crate::services::health::HealthReporter;

/// How REST answers a request whose path a route has, but under other HTTP methods.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WrongMethod {
    /// HTTP 405 Method Not Allowed with `Allow` naming the path's methods, as RFC 9110
    /// (section 15.5.6) requires; the body is grpc-gateway's error JSON with code 12
    /// (UNIMPLEMENTED). The default: clients, caches and API testers (schemathesis) read 405.
    #[default]
    MethodNotAllowed,
    /// HTTP 501 with UNIMPLEMENTED "Method Not Allowed", exactly as grpc-gateway v2's default
    /// routing error handler answers (its mux maps 405 to UNIMPLEMENTED), for clients that
    /// expect a drop-in replacement. `Allow` is sent as well.
    Unimplemented,
}

/// What the REST protocol is configured with.
#[derive(Clone, Debug, Default)]
pub(crate) struct RestOptions {
    pub(crate) wrong_method: WrongMethod,
    /// grpc-gateway v2's `EmitUnpopulated`: answers carry every field, unset ones with their
    /// default value (`null` for a message).
    pub(crate) emit_unpopulated: bool,
    /// What `GET /healthz` reports.
    pub(crate) health: HealthReporter,
}
