//! One listener, every protocol: gRPC and gRPC-Web (tonic), REST/JSON transcoded from
//! `google.api.http`, and Connect, all sharing authentication, the guard, validation and the
//! error model.

mod connect;
mod grpc;
mod response;
mod rest;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use http::{Request, Response};
use tower::ServiceExt;
use tracing::Instrument as _;

use crate::auth::{Authenticator, DynAuthenticator, NoAuthentication};
use crate::service::{MethodInfo, Service};

/// Size limits shared by every protocol.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The largest request or response message, in bytes (default 4 MiB, as gRPC).
    pub max_message_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_size: 4 * 1024 * 1024,
        }
    }
}

/// A service the server can mount: the neutral dispatcher and its gRPC routes. Generated
/// adapters implement it.
pub trait Mountable: Service {
    /// Adds the service's tonic server (gRPC and gRPC-Web), configured with `limits`.
    fn add_grpc_routes(&self, routes: &mut tonic::service::RoutesBuilder, limits: &Limits);

    /// The encoded `FileDescriptorSet` of the service's package and its imports, for server
    /// reflection.
    fn file_descriptor_set(&self) -> &'static [u8];
}

pub(crate) struct Inner {
    pub(crate) services: Vec<Arc<dyn Service>>,
    pub(crate) authenticator: Arc<dyn DynAuthenticator>,
    pub(crate) limits: Limits,
    pub(crate) grpc: axum::Router,
    pub(crate) grpc_web: axum::Router,
}

impl Inner {
    /// The method whose gRPC path is `path`.
    pub(crate) fn method_by_grpc_path(
        &self,
        path: &str,
    ) -> Option<(&Arc<dyn Service>, usize, &'static MethodInfo)> {
        self.services.iter().find_map(|s| {
            s.info()
                .methods
                .iter()
                .enumerate()
                .find(|(_, m)| m.grpc_path == path)
                .map(|(i, m)| (s, i, m))
        })
    }
}

/// Builds and runs a protogate server.
pub struct Server {
    services: Vec<Arc<dyn Service>>,
    grpc: tonic::service::RoutesBuilder,
    descriptor_sets: Vec<&'static [u8]>,
    health: tonic_health::server::HealthReporter,
    authenticator: Arc<dyn DynAuthenticator>,
    limits: Limits,
    cors_origins: Vec<String>,
    tcp_nodelay: bool,
}

impl Default for Server {
    fn default() -> Self {
        Server::new()
    }
}

impl Server {
    /// A server with no services, no authentication and default limits.
    pub fn new() -> Server {
        Server {
            services: Vec::new(),
            grpc: tonic::service::Routes::builder(),
            descriptor_sets: Vec::new(),
            health: tonic_health::server::HealthReporter::new(),
            authenticator: Arc::new(NoAuthentication),
            limits: Limits::default(),
            cors_origins: Vec::new(),
            tcp_nodelay: true,
        }
    }

    /// Whether [`Server::serve`] and [`Server::serve_with_shutdown`] set `TCP_NODELAY` on
    /// accepted connections (default on, as tonic's server and Go's net package do): an
    /// answer's last segment then leaves at once instead of waiting for the peer's ACK.
    pub fn tcp_nodelay(mut self, enabled: bool) -> Server {
        self.tcp_nodelay = enabled;
        self
    }

    /// Sets the limits. Call before `service`, which configures the gRPC routes with them.
    pub fn limits(mut self, limits: Limits) -> Server {
        self.limits = limits;
        self
    }

    /// Mounts a generated service.
    pub fn service<S: Mountable>(mut self, service: S) -> Server {
        service.add_grpc_routes(&mut self.grpc, &self.limits);
        let set = service.file_descriptor_set();
        if !self.descriptor_sets.contains(&set) {
            self.descriptor_sets.push(set);
        }
        self.services.push(Arc::new(service));
        self
    }

    /// Sets how callers are authenticated (default: everyone is anonymous).
    pub fn authenticator(mut self, authenticator: impl Authenticator) -> Server {
        self.authenticator = Arc::new(authenticator);
        self
    }

    /// Allows browsers from these origins (`*` for any).
    pub fn cors_origins<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        origins: I,
    ) -> Server {
        self.cors_origins = origins.into_iter().map(Into::into).collect();
        self
    }

    /// The `grpc.health.v1` reporter: every mounted service starts SERVING; flip a service (or
    /// `""`, the whole server) to NOT_SERVING to drain traffic.
    pub fn health_reporter(&self) -> tonic_health::server::HealthReporter {
        self.health.clone()
    }

    /// The server as an axum router (for tests, or to nest under other routes).
    pub fn into_router(self) -> axum::Router {
        axum::Router::new().fallback_service(self.into_service())
    }

    /// The server as one tower service, what [`Server::serve`] runs: every request goes
    /// straight to the protocol dispatch, with no router in front.
    pub fn into_service(mut self) -> ServerService {
        use futures_util::FutureExt as _;
        for service in &self.services {
            // An uncontended lock: the future is ready at once.
            let _ = self
                .health
                .set_service_status(service.info().name, tonic_health::ServingStatus::Serving)
                .now_or_never();
        }
        self.grpc
            .add_service(tonic_health::pb::health_server::HealthServer::new(
                tonic_health::server::HealthService::from_health_reporter(self.health.clone()),
            ));
        // The health service is described too, so reflection clients can call it.
        let mut v1 = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET);
        let mut v1alpha = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET);
        for set in &self.descriptor_sets {
            v1 = v1.register_encoded_file_descriptor_set(set);
            v1alpha = v1alpha.register_encoded_file_descriptor_set(set);
        }
        match (v1.build_v1(), v1alpha.build_v1alpha()) {
            (Ok(v1), Ok(v1alpha)) => {
                self.grpc.add_service(v1).add_service(v1alpha);
            }
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "server reflection is off: the descriptor sets do not load")
            }
        }
        let grpc = grpc::responses(self.grpc.routes().prepare().into_axum_router());
        let inner = Arc::new_cyclic(|_| Inner {
            services: self.services,
            authenticator: self.authenticator,
            limits: self.limits,
            grpc: grpc.clone(),
            grpc_web: grpc.layer(tonic_web::GrpcWebLayer::new()),
        });
        let dispatch = Dispatch(inner);
        ServerService(match cors(&self.cors_origins) {
            Some(layer) => tower::util::Either::Right(tower::Layer::layer(&layer, dispatch)),
            None => tower::util::Either::Left(dispatch),
        })
    }

    /// Serves on `addr` until SIGTERM or Ctrl-C, letting in-flight requests finish.
    pub async fn serve(self, addr: SocketAddr) -> std::io::Result<()> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        self.serve_with_shutdown(listener, shutdown_signal()).await
    }

    /// Serves on `listener` until `signal` completes, letting in-flight requests finish.
    pub async fn serve_with_shutdown(
        self,
        listener: tokio::net::TcpListener,
        signal: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        use axum::serve::ListenerExt as _;
        let nodelay = self.tcp_nodelay;
        let listener = listener.tap_io(move |tcp| {
            if let Err(e) = tcp.set_nodelay(nodelay) {
                tracing::debug!(error = %e, "TCP_NODELAY not set on an accepted connection");
            }
        });
        let service = axum::ServiceExt::<Request<Body>>::into_make_service(self.into_service());
        axum::serve(listener, service)
            .with_graceful_shutdown(signal)
            .await
    }
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}

fn cors(origins: &[String]) -> Option<tower_http::cors::CorsLayer> {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| o.parse().ok()))
    };
    let expose = [
        "grpc-status",
        "grpc-message",
        "grpc-status-details-bin",
        "connect-protocol-version",
    ]
    .map(http::HeaderName::from_static);
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods(tower_http::cors::AllowMethods::mirror_request())
            .allow_headers(tower_http::cors::AllowHeaders::mirror_request())
            .expose_headers(expose)
            .max_age(Duration::from_secs(7200)),
    )
}

/// A built server as a tower service (see [`Server::into_service`]).
#[derive(Clone)]
pub struct ServerService(tower::util::Either<Dispatch, tower_http::cors::Cors<Dispatch>>);

impl tower::Service<Request<Body>> for ServerService {
    type Response = Response<Body>;
    type Error = std::convert::Infallible;
    type Future =
        <tower::util::Either<Dispatch, tower_http::cors::Cors<Dispatch>> as tower::Service<
            Request<Body>,
        >>::Future;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        self.0.call(request)
    }
}

impl std::fmt::Debug for ServerService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerService")
    }
}

/// Every request goes to [`dispatch`] (a service rather than an axum handler: no extractors
/// to run per request).
#[derive(Clone)]
pub struct Dispatch(Arc<Inner>);

impl tower::Service<Request<Body>> for Dispatch {
    type Response = Response<Body>;
    type Error = std::convert::Infallible;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Response<Body>, Self::Error>> + Send>,
    >;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let inner = self.0.clone();
        Box::pin(async move { Ok(dispatch(inner, request).await) })
    }
}

/// Which protocol a request speaks, from its content type and path.
async fn dispatch(inner: Arc<Inner>, request: Request<Body>) -> Response<Body> {
    let request = response::buffer_small_http1_body(request).await;
    // Media types are case-insensitive; the usual lower-case one is not copied.
    let header = request.headers().get(http::header::CONTENT_TYPE).cloned();
    let raw = header.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("");
    let content_type: std::borrow::Cow<'_, str> = if raw.bytes().any(|b| b.is_ascii_uppercase()) {
        raw.to_ascii_lowercase().into()
    } else {
        raw.into()
    };
    let started = std::time::Instant::now();
    let protocol = if content_type.starts_with("application/grpc-web") {
        "grpc-web"
    } else if content_type.starts_with("application/grpc") {
        "grpc"
    } else if connect::is_connect(&inner, &request, &content_type) {
        "connect"
    } else {
        "rest"
    };
    // Without a subscriber that wants it, no span is built: building one (and, with tracing's
    // `log` feature on, formatting it for `log`) costs more than routing the request.
    let traced = tracing::enabled!(tracing::Level::INFO);
    let target = traced.then(|| (request.method().clone(), request.uri().clone()));
    let answer = async {
        match protocol {
            "grpc-web" => grpc::call(&inner, request, true).await,
            "grpc" => grpc::call(&inner, request, false).await,
            "connect" => connect::call(&inner, request, &content_type).await,
            _ => rest::call(&inner, request, &content_type).await,
        }
    };
    let Some((method, uri)) = target else {
        return answer.await;
    };
    // One span per request: protocol and method up front, status and latency when answered.
    let span = tracing::info_span!(
        "request",
        protocol,
        method = %method,
        path = %uri.path(),
        status = tracing::field::Empty,
        grpc_status = tracing::field::Empty,
        latency_us = tracing::field::Empty,
    );
    let response = answer.instrument(span.clone()).await;
    span.record("status", response.status().as_u16());
    if let Some(code) = response
        .headers()
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
    {
        span.record("grpc_status", code);
    }
    span.record("latency_us", started.elapsed().as_micros() as u64);
    span.in_scope(|| tracing::info!("answered"));
    response
}

/// Runs a tonic router on a request; routing errors are impossible (the router has a fallback).
pub(crate) async fn oneshot(router: axum::Router, request: Request<Body>) -> Response<Body> {
    match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}
