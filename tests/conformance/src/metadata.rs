//! Response headers and trailers: the handle the handler sets them through.
//!
//! `RequestContext::response()` hands out the call's `protogate::ResponseMetadata`; headers
//! set before the handler returns (for a stream: before its first message) are sent as
//! headers, trailers at the end of the call, on success and on error alike. A clone shares
//! the same sets, so a response stream's task can carry one.

pub use protogate::ResponseMetadata;

/// The call's response metadata handle.
pub fn response_metadata(ctx: &protogate::RequestContext) -> ResponseMetadata {
    ctx.response().clone()
}
