//! Response headers and trailers, the one place the handler touches them.
//!
//! STUB until the runtime rewrite lands `RequestContext::response()` →
//! `&protogate::ResponseMetadata` (a cheap-to-clone handle with `insert_header`,
//! `append_header`, `insert_trailer`, `append_trailer`). This stand-in has the same shape
//! and DROPS everything it is given, so every conformance case that checks response
//! headers or trailers fails against it, honestly. When the API lands, replace everything
//! below with:
//!
//! ```ignore
//! pub use protogate::ResponseMetadata;
//!
//! pub fn response_metadata(ctx: &protogate::RequestContext) -> ResponseMetadata {
//!     ctx.response().clone()
//! }
//! ```

use http::{HeaderName, HeaderValue};

/// STUB: stands in for `protogate::ResponseMetadata`; drops what it is given.
#[derive(Clone, Debug, Default)]
pub struct ResponseMetadata;

impl ResponseMetadata {
    /// STUB of `protogate::ResponseMetadata::append_header`: drops the header.
    pub fn append_header(&self, name: HeaderName, value: HeaderValue) {
        let _ = (name, value);
    }

    /// STUB of `protogate::ResponseMetadata::append_trailer`: drops the trailer.
    pub fn append_trailer(&self, name: HeaderName, value: HeaderValue) {
        let _ = (name, value);
    }
}

/// STUB: the call's response metadata handle (will be `ctx.response().clone()`).
pub fn response_metadata(ctx: &protogate::RequestContext) -> ResponseMetadata {
    let _ = ctx;
    ResponseMetadata
}
