//! Per-RPC metrics after OpenTelemetry's semantic conventions for RPC servers, recorded
//! through the `metrics` facade (so any of its exporters — Prometheus, OpenTelemetry, statsd —
//! can publish them). [`RpcMetrics`] is an [`Interceptor`]: add it with
//! [`crate::Server::interceptor`] and install a recorder.
//!
//! | metric | kind | unit |
//! |---|---|---|
//! | `rpc.server.duration` | histogram | milliseconds |
//! | `rpc.server.request.size` | histogram | bytes (the call's request messages) |
//! | `rpc.server.response.size` | histogram | bytes (the call's response messages) |
//! | `rpc.server.calls` | counter | calls |
//!
//! Labels: `rpc.system` (`grpc`, or `connect_rpc` for Connect), `rpc.service`,
//! `rpc.method`, `rpc.grpc.status_code` (the numeric code, Connect's and REST's included:
//! every protocol shares gRPC's codes) and `protogate.protocol` (`grpc`, `grpc_web`,
//! `connect`, `rest`). The Prometheus exporter writes dots as underscores
//! (`rpc_server_duration_bucket{rpc_system="grpc",…}`).

use crate::context::Protocol;
use crate::interceptor::{Interceptor, Outcome};
use crate::pipeline::trace::{rpc_system, service_name};

/// The metric names, for exporters that want buckets per metric.
pub mod names {
    /// Duration of a call, in milliseconds.
    pub const DURATION: &str = "rpc.server.duration";
    /// Size of a call's request messages, in bytes.
    pub const REQUEST_SIZE: &str = "rpc.server.request.size";
    /// Size of a call's response messages, in bytes.
    pub const RESPONSE_SIZE: &str = "rpc.server.response.size";
    /// Calls ended.
    pub const CALLS: &str = "rpc.server.calls";
}

/// OpenTelemetry's recommended buckets for `rpc.server.duration`, in milliseconds.
pub const DURATION_BUCKETS_MS: &[f64] = &[
    0.0, 5.0, 10.0, 25.0, 50.0, 75.0, 100.0, 250.0, 500.0, 750.0, 1000.0, 2500.0, 5000.0, 7500.0,
    10000.0,
];

/// Buckets for the size histograms, in bytes.
pub const SIZE_BUCKETS_BYTES: &[f64] = &[
    0.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0,
];

/// Records every call's duration, sizes and status code (see the module's table).
#[derive(Clone, Copy, Debug, Default)]
pub struct RpcMetrics;

impl Interceptor for RpcMetrics {
    fn after(&self, outcome: &Outcome<'_>) {
        let labels = [
            ("rpc.system", rpc_system(outcome.protocol)),
            ("rpc.service", service_name(outcome.method)),
            ("rpc.method", outcome.method.name),
            ("rpc.grpc.status_code", code_label(outcome.code() as i32)),
            ("protogate.protocol", protocol_label(outcome.protocol)),
        ];
        metrics::histogram!(names::DURATION, &labels)
            .record(outcome.duration.as_secs_f64() * 1000.0);
        metrics::histogram!(names::REQUEST_SIZE, &labels).record(outcome.request_bytes as f64);
        metrics::histogram!(names::RESPONSE_SIZE, &labels).record(outcome.response_bytes as f64);
        metrics::counter!(names::CALLS, &labels).increment(1);
    }
}

/// A status code as a label value, without formatting per call.
fn code_label(code: i32) -> &'static str {
    const CODES: [&str; 17] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
    ];
    usize::try_from(code)
        .ok()
        .and_then(|i| CODES.get(i))
        .copied()
        .unwrap_or("2")
}

fn protocol_label(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Grpc => "grpc",
        Protocol::GrpcWeb => "grpc_web",
        Protocol::Connect => "connect",
        Protocol::Rest => "rest",
    }
}
