//! The messages of `grpc.reflection.v1` (wire-identical to `v1alpha`), with proto3 JSON.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::validate::{Collector, Validate};

/// The full name of the v1 reflection service.
pub const SERVICE_V1: &str = "grpc.reflection.v1.ServerReflection";
/// The full name of the v1alpha reflection service, which older clients (grpcurl before 1.9) call.
pub const SERVICE_V1ALPHA: &str = "grpc.reflection.v1alpha.ServerReflection";

/// `grpc.reflection.v1.ServerReflectionRequest`: one question on the reflection stream.
#[derive(Clone, PartialEq, prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServerReflectionRequest {
    /// The host the client addressed; echoed back as `valid_host`.
    #[prost(string, tag = "1")]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub host: String,
    /// What is asked.
    #[prost(
        oneof = "server_reflection_request::MessageRequest",
        tags = "3, 4, 5, 6, 7"
    )]
    #[serde(flatten)]
    pub message_request: Option<server_reflection_request::MessageRequest>,
}

/// The oneof of [`ServerReflectionRequest`].
pub mod server_reflection_request {
    use serde::{Deserialize, Serialize};

    /// `ServerReflectionRequest.message_request`. Proto3 JSON spells the fields in camelCase
    /// and parsers accept the proto names too, hence the aliases.
    #[derive(Clone, PartialEq, prost::Oneof, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub enum MessageRequest {
        /// The file of this name (e.g. `acme/v1/users.proto`).
        #[prost(string, tag = "3")]
        #[serde(alias = "file_by_filename")]
        FileByFilename(String),
        /// The file defining this fully-qualified symbol: a type, service, method or field.
        #[prost(string, tag = "4")]
        #[serde(alias = "file_containing_symbol")]
        FileContainingSymbol(String),
        /// The file defining this extension.
        #[prost(message, tag = "5")]
        #[serde(alias = "file_containing_extension")]
        FileContainingExtension(super::ExtensionRequest),
        /// The numbers of every extension of this fully-qualified message type.
        #[prost(string, tag = "6")]
        #[serde(alias = "all_extension_numbers_of_type")]
        AllExtensionNumbersOfType(String),
        /// Every service's full name; the value is not looked at.
        #[prost(string, tag = "7")]
        #[serde(alias = "list_services")]
        ListServices(String),
    }
}

/// `grpc.reflection.v1.ExtensionRequest`: an extension by the message it extends and its number.
#[derive(Clone, PartialEq, prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExtensionRequest {
    /// The fully-qualified name of the extended message.
    #[prost(string, tag = "1")]
    #[serde(alias = "containing_type", skip_serializing_if = "String::is_empty")]
    pub containing_type: String,
    /// The extension's field number.
    #[prost(int32, tag = "2")]
    #[serde(alias = "extension_number", skip_serializing_if = "is_zero")]
    pub extension_number: i32,
}

/// `grpc.reflection.v1.ServerReflectionResponse`: the answer to one request.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerReflectionResponse {
    /// The request's `host`.
    #[prost(string, tag = "1")]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub valid_host: String,
    /// The request this answers.
    #[prost(message, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_request: Option<ServerReflectionRequest>,
    /// The answer.
    #[prost(
        oneof = "server_reflection_response::MessageResponse",
        tags = "4, 5, 6, 7"
    )]
    #[serde(flatten)]
    pub message_response: Option<server_reflection_response::MessageResponse>,
}

/// The oneof of [`ServerReflectionResponse`].
pub mod server_reflection_response {
    use serde::Serialize;

    /// `ServerReflectionResponse.message_response`.
    #[derive(Clone, PartialEq, prost::Oneof, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub enum MessageResponse {
        /// Answers the three file requests.
        #[prost(message, tag = "4")]
        FileDescriptorResponse(super::FileDescriptorResponse),
        /// Answers `all_extension_numbers_of_type`.
        #[prost(message, tag = "5")]
        AllExtensionNumbersResponse(super::ExtensionNumberResponse),
        /// Answers `list_services`.
        #[prost(message, tag = "6")]
        ListServicesResponse(super::ListServiceResponse),
        /// Answers a request that could not be served; the stream goes on.
        #[prost(message, tag = "7")]
        ErrorResponse(super::ErrorResponse),
    }
}

/// `grpc.reflection.v1.FileDescriptorResponse`: encoded `FileDescriptorProto`s.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileDescriptorResponse {
    /// The file asked for first, then the files it imports, transitively.
    #[prost(bytes = "bytes", repeated, tag = "1")]
    #[serde(serialize_with = "base64_list", skip_serializing_if = "Vec::is_empty")]
    pub file_descriptor_proto: Vec<Bytes>,
}

/// `grpc.reflection.v1.ExtensionNumberResponse`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionNumberResponse {
    /// The message type, as the request named it.
    #[prost(string, tag = "1")]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub base_type_name: String,
    /// Its extension numbers, ascending.
    #[prost(int32, repeated, tag = "2")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extension_number: Vec<i32>,
}

/// `grpc.reflection.v1.ListServiceResponse`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct ListServiceResponse {
    /// One entry per service.
    #[prost(message, repeated, tag = "1")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub service: Vec<ServiceResponse>,
}

/// `grpc.reflection.v1.ServiceResponse`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct ServiceResponse {
    /// The service's full name, e.g. `acme.v1.Users`.
    #[prost(string, tag = "1")]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
}

/// `grpc.reflection.v1.ErrorResponse`: why a request was not served.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorResponse {
    /// A gRPC status code.
    #[prost(int32, tag = "1")]
    #[serde(skip_serializing_if = "is_zero")]
    pub error_code: i32,
    /// What went wrong.
    #[prost(string, tag = "2")]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub error_message: String,
}

impl prost::Name for ServerReflectionRequest {
    const NAME: &'static str = "ServerReflectionRequest";
    const PACKAGE: &'static str = "grpc.reflection.v1";
}

impl prost::Name for ServerReflectionResponse {
    const NAME: &'static str = "ServerReflectionResponse";
    const PACKAGE: &'static str = "grpc.reflection.v1";
}

// The schema sets no rules on reflection requests; any question gets an answer.
impl Validate for ServerReflectionRequest {
    fn collect_violations(&self, _: &mut Collector) {}
}

fn is_zero(value: &i32) -> bool {
    *value == 0
}

// Proto3 JSON writes `bytes` as standard base64 with padding.
fn base64_list<S: serde::Serializer>(files: &[Bytes], serializer: S) -> Result<S::Ok, S::Error> {
    use base64::Engine as _;
    let engine = &base64::engine::general_purpose::STANDARD;
    serializer.collect_seq(files.iter().map(|file| engine.encode(file)))
}
