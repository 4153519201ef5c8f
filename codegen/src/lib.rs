//! protogate-codegen: from proto files (or a FileDescriptorSet) and an OpenAPI document to a
//! protogate service.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     protogate_codegen::Builder::new()
//!         .proto("schemas/proto/zitadel/auth.proto")
//!         .include("schemas/proto")
//!         .openapi("schemas/auth.openapi.yaml")
//!         .compile()?;
//!     Ok(())
//! }
//! ```
#![warn(missing_docs, rust_2018_idioms)]
// Diagnostics are the error type on purpose: they carry both sides of a disagreement and are
// produced once per failed run, so their size does not matter.
#![allow(clippy::result_large_err)]

pub mod builder;
pub mod check;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod load;
pub mod model;
pub mod names;
pub mod pipeline;
pub mod source;

pub use builder::{Builder, Error};
