//! Per-RPC metrics in Prometheus text at `GET /metrics`: protogate's [`RpcMetrics`]
//! interceptor (OpenTelemetry's RPC names: `rpc_server_duration`, `rpc_server_request_size`,
//! `rpc_server_response_size`, `rpc_server_calls`, labelled by system, service, method, status
//! code and protocol) recorded into the `metrics` facade, rendered by
//! `metrics-exporter-prometheus`. The page is served by a tower layer in front of the server,
//! so it is not an API route and needs no token; keep the port private, or put a proxy in
//! front, where the call counts are not for everyone.

use std::convert::Infallible;
use std::sync::OnceLock;

use axum::body::Body;
use http::{Method, Request, Response, StatusCode};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use protogate::metrics::{names, RpcMetrics, DURATION_BUCKETS_MS, SIZE_BUCKETS_BYTES};
use protogate::server::layer::BoxedService;

/// The path the metrics are served at.
pub const PATH: &str = "/metrics";

/// Adds the metrics interceptor and the `/metrics` page to `server`. The recorder is the
/// process's: installed once, shared by every server the process builds; when another
/// recorder was installed first, the server runs without metrics and says so.
pub fn serve(server: protogate::Server) -> protogate::Server {
    let Some(handle) = recorder() else {
        return server;
    };
    server
        .interceptor(RpcMetrics)
        .layer(tower::layer::layer_fn(move |inner: BoxedService| {
            MetricsPage {
                handle: handle.clone(),
                inner,
            }
        }))
}

fn recorder() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(names::DURATION.into()), DURATION_BUCKETS_MS)
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full(names::REQUEST_SIZE.into()),
                        SIZE_BUCKETS_BYTES,
                    )
                })
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full(names::RESPONSE_SIZE.into()),
                        SIZE_BUCKETS_BYTES,
                    )
                });
            match builder.and_then(|b| b.install_recorder()) {
                Ok(handle) => Some(handle),
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed; /metrics is off");
                    None
                }
            }
        })
        .clone()
}

/// Answers `GET /metrics`; passes everything else to the server.
#[derive(Clone)]
struct MetricsPage {
    handle: PrometheusHandle,
    inner: BoxedService,
}

impl tower::Service<Request<Body>> for MetricsPage {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = futures_util::future::Either<
        std::future::Ready<Result<Response<Body>, Infallible>>,
        <BoxedService as tower::Service<Request<Body>>>::Future,
    >;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        if request.uri().path() != PATH || request.method() != Method::GET {
            return futures_util::future::Either::Right(self.inner.call(request));
        }
        self.handle.run_upkeep();
        let page = Response::builder()
            .status(StatusCode::OK)
            .header(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")
            .body(Body::from(self.handle.render()))
            .unwrap_or_else(|_| Response::new(Body::empty()));
        futures_util::future::Either::Left(std::future::ready(Ok(page)))
    }
}
