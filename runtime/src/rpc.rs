//! The `google.rpc` messages that carry error details on the wire.

use serde::Serialize;

/// `google.rpc.Status`, the payload of `grpc-status-details-bin`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Status {
    /// The status code.
    #[prost(int32, tag = "1")]
    pub code: i32,
    /// The developer-facing message.
    #[prost(string, tag = "2")]
    pub message: String,
    /// The typed details.
    #[prost(message, repeated, tag = "3")]
    pub details: Vec<prost_types::Any>,
}

/// `google.rpc.BadRequest`: every field of the request that broke a rule.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BadRequest {
    /// One entry per violated rule.
    #[prost(message, repeated, tag = "1")]
    pub field_violations: Vec<FieldViolation>,
}

/// `google.rpc.BadRequest.FieldViolation`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct FieldViolation {
    /// The path of the field, e.g. `details.resource_owner` or `items[2].name`.
    #[prost(string, tag = "1")]
    pub field: String,
    /// Why the value was refused.
    #[prost(string, tag = "2")]
    pub description: String,
}

impl prost::Name for Status {
    const NAME: &'static str = "Status";
    const PACKAGE: &'static str = "google.rpc";
}

impl prost::Name for BadRequest {
    const NAME: &'static str = "BadRequest";
    const PACKAGE: &'static str = "google.rpc";
}

impl prost::Name for FieldViolation {
    const NAME: &'static str = "BadRequest.FieldViolation";
    const PACKAGE: &'static str = "google.rpc";
}
