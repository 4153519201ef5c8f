//! Runs one of the two servers: what `protogate-bench serve` and the tests start.

use std::future::Future;
use std::sync::Arc;

use crate::auth::Tokens;
use crate::store::Store;

/// Which server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Variant {
    /// tonic + tonic-web + axum by hand.
    Baseline,
    /// The example's generated code on protogate.
    Protogate,
}

impl Variant {
    /// The name in reports.
    pub fn label(self) -> &'static str {
        match self {
            Variant::Baseline => "baseline",
            Variant::Protogate => "protogate",
        }
    }
}

/// The variant's router over `phones`, authenticated with `tokens`.
pub fn router(variant: Variant, phones: Arc<Store>, tokens: Tokens) -> axum::Router {
    match variant {
        Variant::Baseline => crate::baseline::router(phones, tokens),
        Variant::Protogate => {
            crate::gate::server(phones, crate::gate::BenchAuthenticator(tokens)).into_router()
        }
    }
}

/// Serves `router` on `listener` (HTTP/1.1 and h2c, as axum detects them) until `signal`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    signal: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(signal)
        .await
}

/// Serves the variant on `listener` until `signal` the way its users would: the baseline's
/// router on `axum::serve`, protogate with `Server::serve_with_shutdown` (its own accept
/// loop on hyper-util's automatic HTTP/1.1-or-HTTP/2 builder, as `axum::serve` is, with the
/// server's default limits).
pub async fn run(
    variant: Variant,
    phones: Arc<Store>,
    tokens: Tokens,
    listener: tokio::net::TcpListener,
    signal: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    match variant {
        Variant::Baseline => serve(listener, crate::baseline::router(phones, tokens), signal).await,
        Variant::Protogate => {
            crate::gate::server(phones, crate::gate::BenchAuthenticator(tokens))
                .serve_with_shutdown(listener, signal)
                .await
        }
    }
}
