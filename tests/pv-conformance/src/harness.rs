//! The harness protocol (`buf.validate.conformance.harness`): the request the harness writes to
//! the executor's stdin, the response it reads back, and the `--dump --proto` result set the
//! case descriptors are captured from. Only the fields the executor reads are declared; the
//! descriptor sets stay raw bytes so custom options (the rules) survive untouched.

use std::collections::HashMap;

use protogate::buf_validate::Violations;

/// `google.protobuf.FileDescriptorSet`, each file kept as its encoded bytes.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RawFileSet {
    /// The encoded `FileDescriptorProto`s.
    #[prost(bytes = "vec", repeated, tag = "1")]
    pub file: Vec<Vec<u8>>,
}

/// The parts of a `FileDescriptorProto` needed to order and compare files.
#[derive(Clone, PartialEq, prost::Message)]
pub struct FileHeader {
    /// The file's path, e.g. `buf/validate/conformance/cases/strings.proto`.
    #[prost(string, tag = "1")]
    pub name: String,
    /// The files it imports.
    #[prost(string, repeated, tag = "3")]
    pub dependency: Vec<String>,
}

/// `TestConformanceRequest`: the suite's descriptors and its cases by name.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TestConformanceRequest {
    /// The files of the suite's case messages and their imports.
    #[prost(message, optional, tag = "2")]
    pub fdset: Option<RawFileSet>,
    /// Case name → the message to validate.
    #[prost(map = "string, message", tag = "3")]
    pub cases: HashMap<String, prost_types::Any>,
}

/// `TestConformanceResponse`: one result per case name.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TestConformanceResponse {
    /// Case name → its outcome.
    #[prost(map = "string, message", tag = "1")]
    pub results: HashMap<String, TestResult>,
}

/// `TestResult`: the outcome of validating one case.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TestResult {
    /// Which outcome.
    #[prost(oneof = "Outcome", tags = "1, 2, 3, 4, 5")]
    pub result: Option<Outcome>,
}

/// The `result` oneof of `TestResult`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Outcome {
    /// The message is valid.
    #[prost(bool, tag = "1")]
    Success(bool),
    /// The message broke these rules.
    #[prost(message, tag = "2")]
    ValidationError(Violations),
    /// The message's rules could not be compiled.
    #[prost(string, tag = "3")]
    CompilationError(String),
    /// A rule could not be evaluated on this value.
    #[prost(string, tag = "4")]
    RuntimeError(String),
    /// Anything else, e.g. rules this build does not enforce.
    #[prost(string, tag = "5")]
    UnexpectedError(String),
}

/// `ResultSet` of `--dump --proto`, reduced to each suite's descriptors.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResultSet {
    /// One entry per suite.
    #[prost(message, repeated, tag = "3")]
    pub suites: Vec<SuiteResults>,
}

/// `SuiteResults`, reduced to the suite's descriptors.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SuiteResults {
    /// The suite's name.
    #[prost(string, tag = "1")]
    pub name: String,
    /// The descriptors the harness sends with the suite's request.
    #[prost(message, optional, tag = "5")]
    pub fdset: Option<RawFileSet>,
}
