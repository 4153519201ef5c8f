//! Counters of what the limits did, shared by the accept loop and the admission check.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What the server's limits did so far: read it with [`super::Server::load_stats`] before
/// serving; the counters move while the server runs.
#[derive(Clone, Debug, Default)]
pub struct LoadStats(Arc<Counters>);

#[derive(Debug, Default)]
struct Counters {
    open_connections: AtomicU64,
    refused_connections: AtomicU64,
    shed_calls: AtomicU64,
}

impl LoadStats {
    /// Connections open now.
    pub fn open_connections(&self) -> u64 {
        self.0.open_connections.load(Ordering::Relaxed)
    }

    /// Connections closed at accept by [`super::Server::max_connections`] or
    /// [`super::Server::max_connections_per_ip`].
    pub fn refused_connections(&self) -> u64 {
        self.0.refused_connections.load(Ordering::Relaxed)
    }

    /// Calls answered UNAVAILABLE by [`super::Server::concurrency_limit`].
    pub fn shed_calls(&self) -> u64 {
        self.0.shed_calls.load(Ordering::Relaxed)
    }

    pub(crate) fn connection_opened(&self) {
        self.0.open_connections.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn connection_closed(&self) {
        self.0.open_connections.fetch_sub(1, Ordering::Relaxed);
    }

    pub(crate) fn connection_refused(&self) {
        self.0.refused_connections.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn call_shed(&self) {
        self.0.shed_calls.fetch_add(1, Ordering::Relaxed);
    }
}
