//! The connection-level knobs of [`Server`]: HTTP/1.1 and HTTP/2 settings, connection limits,
//! the request body timeout and the concurrency limit, set with the builder methods here and
//! applied by the accept loop ([`super::serve`]) and the pipeline's admission check
//! ([`super::shed`]).

use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioTimer};
use hyper_util::server::conn::auto;

use super::stats::LoadStats;
use super::Server;

/// HTTP/2 settings (cleartext h2c and TLS alike). The defaults are hyper's, written out, with
/// keepalive pings on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Http2Settings {
    /// Streams a client may have open at once on one connection (default 200, as hyper);
    /// more are refused by the client's own HTTP/2 stack, which waits.
    pub max_concurrent_streams: u32,
    /// The flow-control window of each stream, in bytes (default 1 MiB).
    pub initial_stream_window_size: u32,
    /// The flow-control window of the whole connection, in bytes (default 1 MiB).
    pub initial_connection_window_size: u32,
    /// Whether the windows grow with the measured bandwidth-delay product (default off; on,
    /// the two window sizes above are ignored).
    pub adaptive_window: bool,
    /// How often the server pings an idle connection (default 60 s; `None`: never).
    pub keepalive_interval: Option<Duration>,
    /// How long a ping may wait for its answer before the connection is closed (default
    /// 20 s).
    pub keepalive_timeout: Duration,
    /// The largest header block a request may carry, decoded, in bytes (default 16 KiB); a
    /// larger one is refused with a stream reset (or a 431).
    pub max_header_list_size: u32,
    /// Streams the client may open and reset before the server has seen them (the HTTP/2
    /// rapid reset attack, CVE-2023-44487) before the connection is closed with GOAWAY
    /// ENHANCE_YOUR_CALM (default 20, as hyper).
    pub max_pending_accept_reset_streams: usize,
    /// Streams the server may reset for a client's protocol errors before it closes the
    /// connection with GOAWAY ENHANCE_YOUR_CALM (default 1024, as hyper).
    pub max_local_error_reset_streams: usize,
}

impl Default for Http2Settings {
    fn default() -> Self {
        Http2Settings {
            max_concurrent_streams: 200,
            initial_stream_window_size: 1024 * 1024,
            initial_connection_window_size: 1024 * 1024,
            adaptive_window: false,
            keepalive_interval: Some(Duration::from_secs(60)),
            keepalive_timeout: Duration::from_secs(20),
            max_header_list_size: 16 * 1024,
            max_pending_accept_reset_streams: 20,
            max_local_error_reset_streams: 1024,
        }
    }
}

/// HTTP/1.1 settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Http1Settings {
    /// How long a client may take to send a request's headers, counted from the moment the
    /// server starts waiting for them (so also how long a kept-alive connection may sit idle
    /// between requests); then the connection is closed without an answer (default 30 s).
    /// The same bound applies, on every connection, to the first bytes that tell HTTP/1.1
    /// from HTTP/2.
    pub header_read_timeout: Duration,
    /// The largest read buffer, in bytes, hence the largest request head (request line and
    /// headers) a client may send (default 64 KiB, at least 8 KiB); a larger head is
    /// answered `431 Request Header Fields Too Large` and the connection closed.
    pub max_buf_size: usize,
}

impl Default for Http1Settings {
    fn default() -> Self {
        Http1Settings {
            header_read_timeout: Duration::from_secs(30),
            max_buf_size: 64 * 1024,
        }
    }
}

/// Everything the accept loop and the admission check are configured with.
#[derive(Clone, Debug, Default)]
pub(crate) struct Serving {
    pub(crate) http1: Http1Settings,
    pub(crate) http2: Http2Settings,
    pub(crate) max_connections: Option<usize>,
    pub(crate) max_connections_per_ip: Option<usize>,
    pub(crate) abuse_cooldown: Option<Duration>,
    pub(crate) request_body_timeout: Option<Duration>,
    pub(crate) concurrency_limit: Option<usize>,
    pub(crate) stats: LoadStats,
}

impl Serving {
    /// hyper-util's connection builder with these settings (HTTP/1.1 and HTTP/2 detected
    /// per connection).
    pub(crate) fn connection_builder(&self) -> auto::Builder<TokioExecutor> {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(self.http1.header_read_timeout)
            .max_buf_size(self.http1.max_buf_size.max(8192));
        let h2 = self.http2;
        builder
            .http2()
            .timer(TokioTimer::new())
            .max_concurrent_streams(h2.max_concurrent_streams)
            .initial_stream_window_size(h2.initial_stream_window_size)
            .initial_connection_window_size(h2.initial_connection_window_size)
            .adaptive_window(h2.adaptive_window)
            .keep_alive_interval(h2.keepalive_interval)
            .keep_alive_timeout(h2.keepalive_timeout)
            .max_header_list_size(h2.max_header_list_size)
            .max_pending_accept_reset_streams(h2.max_pending_accept_reset_streams)
            .max_local_error_reset_streams(h2.max_local_error_reset_streams);
        builder
    }
}

impl Server {
    /// HTTP/2 settings (see [`Http2Settings`] for each and its default).
    pub fn http2(mut self, settings: Http2Settings) -> Server {
        self.serving.http2 = settings;
        self
    }

    /// HTTP/1.1 settings (see [`Http1Settings`] for each and its default).
    pub fn http1(mut self, settings: Http1Settings) -> Server {
        self.serving.http1 = settings;
        self
    }

    /// The most connections open at once (default: no limit). One more is closed as soon as
    /// it is accepted, before a byte is read: the client sees the connection reset or
    /// closed, and [`LoadStats::refused_connections`] counts it.
    pub fn max_connections(mut self, max: usize) -> Server {
        self.serving.max_connections = Some(max);
        self
    }

    /// The most connections open at once from one IP address (default: no limit); one more
    /// is closed at accept as with [`Server::max_connections`].
    pub fn max_connections_per_ip(mut self, max: usize) -> Server {
        self.serving.max_connections_per_ip = Some(max);
        self
    }

    /// How long connections from an address are refused at accept after one of its
    /// connections was closed with GOAWAY ENHANCE_YOUR_CALM (rapid reset and other stream
    /// abuse; see [`Http2Settings::max_pending_accept_reset_streams`]). Default: not at all,
    /// since clients behind one NAT share an address. The client sees its new connections
    /// closed, as with [`Server::max_connections`]; open ones are kept.
    pub fn abuse_cooldown(mut self, cooldown: Duration) -> Server {
        self.serving.abuse_cooldown = Some(cooldown);
        self
    }

    /// How long a request body may stall between two frames (default: no limit, since a
    /// client or bidi stream may rightly pause). A body that stalls longer ends its call with
    /// DEADLINE_EXCEEDED (REST: 504, the code's HTTP status) and frees its task.
    pub fn request_body_timeout(mut self, timeout: Duration) -> Server {
        self.serving.request_body_timeout = Some(timeout);
        self
    }

    /// The most calls in flight at once, from routing to the answer's last byte (default: no
    /// limit). One more is answered at once, without reaching its handler: UNAVAILABLE with a
    /// `google.rpc.RetryInfo` detail of 1 s (REST: 503) and a `Retry-After: 1` header, in
    /// its protocol's error format. Health checks (`grpc.health.v1.Health`, REST
    /// `/healthz`) and the reference pages are never refused.
    pub fn concurrency_limit(mut self, max: usize) -> Server {
        self.serving.concurrency_limit = Some(max);
        self
    }

    /// Counters of connections and calls, live while the server runs.
    pub fn load_stats(&self) -> LoadStats {
        self.serving.stats.clone()
    }
}
