//! The request span's attributes: OpenTelemetry's RPC names (`rpc.system`, `rpc.service`,
//! `rpc.method`, `rpc.grpc.status_code`) and the W3C trace context (`traceparent`) the call
//! continues. The span itself is built by the server, only when a subscriber wants it.

use std::hash::{BuildHasher as _, Hasher as _};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::context::Protocol;
use crate::service::MethodInfo;
use crate::status::Code;

/// A W3C `traceparent` (Trace Context, level 1): the trace a call belongs to and the span
/// that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceParent {
    /// The trace id, 16 bytes, never all zero.
    pub trace_id: [u8; 16],
    /// The caller's span id, 8 bytes, never all zero.
    pub parent_id: [u8; 8],
    /// The trace flags (bit 0: sampled).
    pub flags: u8,
}

impl TraceParent {
    /// The request's `traceparent`, when it has a valid one (version `00`, or a later
    /// version's first four fields; anything else is ignored, as the specification says).
    pub fn from_headers(headers: &http::HeaderMap) -> Option<TraceParent> {
        TraceParent::parse(headers.get("traceparent")?.to_str().ok()?)
    }

    /// Parses a `traceparent` value.
    pub fn parse(value: &str) -> Option<TraceParent> {
        let value = value.trim();
        let mut fields = value.split('-');
        let version = hex::<1>(fields.next()?)?[0];
        let trace_id = hex::<16>(fields.next()?)?;
        let parent_id = hex::<8>(fields.next()?)?;
        let flags = fields.next()?;
        // Version 00 has exactly four fields; later versions may add more after a dash.
        let flags = match version {
            0xff => return None,
            0 if fields.next().is_some() => return None,
            _ => hex::<1>(flags)?[0],
        };
        if trace_id == [0; 16] || parent_id == [0; 8] {
            return None;
        }
        Some(TraceParent {
            trace_id,
            parent_id,
            flags,
        })
    }

    /// The `traceparent` value for a call made from this one's span `span_id`.
    pub fn child(&self, span_id: [u8; 8]) -> String {
        format!(
            "00-{}-{}-{:02x}",
            lower_hex(&self.trace_id),
            lower_hex(&span_id),
            self.flags
        )
    }
}

/// `N` bytes from exactly `2N` lowercase hex digits.
fn hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, pair) in digits.chunks_exact(2).enumerate() {
        let nibble = |d: u8| match d {
            b'0'..=b'9' => Some(d - b'0'),
            b'a'..=b'f' => Some(d - b'a' + 10),
            _ => None,
        };
        out[i] = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(out)
}

/// Lowercase hex of `bytes`.
pub(crate) fn lower_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// A fresh span id: unique within the process and unpredictable across processes.
pub(crate) fn new_span_id() -> [u8; 8] {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let id = hasher.finish().max(1);
    id.to_be_bytes()
}

/// OpenTelemetry's `rpc.system` for a protocol: `grpc` for gRPC, gRPC-Web and REST (which is
/// gRPC transcoded, as grpc-gateway serves it), `connect_rpc` for Connect.
pub fn rpc_system(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Connect => "connect_rpc",
        Protocol::Grpc | Protocol::GrpcWeb | Protocol::Rest => "grpc",
    }
}

/// The service part of `package.Service.Method`.
pub fn service_name(method: &MethodInfo) -> &'static str {
    method
        .full_name
        .rsplit_once('.')
        .map_or(method.full_name, |(service, _)| service)
}

/// Records the method on the request span, if one is being recorded.
pub(crate) fn record_method(method: &MethodInfo) {
    if tracing::enabled!(tracing::Level::INFO) {
        let span = tracing::Span::current();
        span.record("rpc.service", service_name(method));
        span.record("rpc.method", method.name);
    }
}

/// Records the call's status code on the request span, if one is being recorded.
pub(crate) fn record_code(code: Code) {
    if tracing::enabled!(tracing::Level::INFO) {
        tracing::Span::current().record("rpc.grpc.status_code", code as i32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_follows_the_w3c_grammar() {
        let tp = TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .expect("valid");
        assert_eq!(lower_hex(&tp.trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(lower_hex(&tp.parent_id), "00f067aa0ba902b7");
        assert_eq!(tp.flags, 1);
        assert_eq!(
            tp.child([0, 0, 0, 0, 0, 0, 0, 7]),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000007-01"
        );
        // A later version may carry more fields.
        assert!(TraceParent::parse(
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"
        )
        .is_some());
        for bad in [
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "",
        ] {
            assert_eq!(TraceParent::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn span_ids_differ() {
        let a = new_span_id();
        let b = new_span_id();
        assert_ne!(a, b);
        assert_ne!(a, [0; 8]);
    }
}
