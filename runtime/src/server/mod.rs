//! One listener, every protocol: gRPC, gRPC-Web, Connect and REST/JSON transcoded from
//! `google.api.http`, each request sent by its content type and path to its protocol and
//! through the one pipeline ([`crate::pipeline`]).

pub(crate) mod body;
pub(crate) mod body_timeout;
mod conn_limit;
pub mod layer;
pub mod reference;
mod serve;
mod settings;
pub(crate) mod shed;
mod stats;
mod tls;

pub use settings::{Http1Settings, Http2Settings};
pub use stats::LoadStats;
pub use tls::{TlsConfig, TlsError};

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use http::{Request, Response};
use tracing::Instrument as _;

use crate::auth::{Authenticator, DynAuthenticator, NoAuthentication};
use crate::interceptor::{DynInterceptor, Interceptor, Interceptors};
use crate::pipeline;
use crate::pipeline::trace::{lower_hex, new_span_id, rpc_system, TraceParent};
use crate::protocol::connect::ConnectUnary;
use crate::protocol::connect_stream::ConnectStream;
use crate::protocol::grpc::Grpc;
use crate::protocol::rest::{Rest, RestOptions, WrongMethod};
use crate::registry::Registry;
use crate::service::Service;
use crate::services::health::{Health, HealthReporter, ServingStatus};
use reference::{Page, Reference};

/// Size limits shared by every protocol.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The largest request message, in bytes, after decompression (default 4 MiB, as gRPC).
    /// A larger one is refused with RESOURCE_EXHAUSTED, by its length prefix where the
    /// protocol has one, before its payload is read.
    pub max_message_size: usize,
    /// The largest response message, in bytes (default 4 MiB); a larger answer becomes
    /// RESOURCE_EXHAUSTED instead.
    pub max_response_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_size: 4 * 1024 * 1024,
            max_response_size: 4 * 1024 * 1024,
        }
    }
}

/// What every request's pipeline shares.
pub(crate) struct Inner {
    pub(crate) registry: Registry,
    pub(crate) authenticator: Arc<dyn DynAuthenticator>,
    pub(crate) interceptors: Interceptors,
    pub(crate) limits: Limits,
    pub(crate) reference: Reference,
    pub(crate) rest: RestOptions,
    pub(crate) admission: shed::Admission,
}

/// Builds and runs a protogate server.
pub struct Server {
    services: Vec<Arc<dyn Service>>,
    health: HealthReporter,
    authenticator: Arc<dyn DynAuthenticator>,
    interceptors: Vec<Arc<dyn DynInterceptor>>,
    layers: Vec<layer::BoxedLayer>,
    limits: Limits,
    cors_origins: Vec<String>,
    tcp_nodelay: bool,
    tls: Option<TlsConfig>,
    reference: Reference,
    rest_wrong_method: WrongMethod,
    rest_emit_unpopulated: bool,
    serving: settings::Serving,
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
            health: HealthReporter::new(),
            authenticator: Arc::new(NoAuthentication),
            interceptors: Vec::new(),
            layers: Vec::new(),
            limits: Limits::default(),
            cors_origins: Vec::new(),
            tcp_nodelay: true,
            tls: None,
            reference: Reference::default(),
            rest_wrong_method: WrongMethod::default(),
            rest_emit_unpopulated: false,
            serving: settings::Serving::default(),
        }
    }

    /// How REST answers a known path called with a method it has no route for (default
    /// [`WrongMethod::MethodNotAllowed`]: 405 with `Allow`, as RFC 9110 requires;
    /// [`WrongMethod::Unimplemented`] answers 501 as grpc-gateway does).
    pub fn rest_wrong_method(mut self, answer: WrongMethod) -> Server {
        self.rest_wrong_method = answer;
        self
    }

    /// Whether REST answers carry unpopulated fields with their default values (`0`, `""`,
    /// `false`, the enum's zero name, `[]`, `{}`, `null` for a message; never a oneof's), as
    /// grpc-gateway v2's default marshaler (`EmitUnpopulated: true`) writes them. Default off:
    /// canonical proto3 JSON, the same bytes Connect's JSON answers carry. Costs one pass over
    /// the answer as a JSON value.
    pub fn rest_emit_unpopulated(mut self, emit: bool) -> Server {
        self.rest_emit_unpopulated = emit;
        self
    }

    /// Whether [`Server::serve`] and [`Server::serve_with_shutdown`] set `TCP_NODELAY` on
    /// accepted connections (default on, as tonic's server and Go's net package do): an
    /// answer's last segment then leaves at once instead of waiting for the peer's ACK.
    pub fn tcp_nodelay(mut self, enabled: bool) -> Server {
        self.tcp_nodelay = enabled;
        self
    }

    /// Serves over TLS (ALPN `h2` and `http/1.1`) instead of cleartext HTTP/1.1 and h2c.
    pub fn tls(mut self, config: TlsConfig) -> Server {
        self.tls = Some(config);
        self
    }

    /// Sets the limits.
    pub fn limits(mut self, limits: Limits) -> Server {
        self.limits = limits;
        self
    }

    /// Mounts a generated service.
    pub fn service<S: Service>(mut self, service: S) -> Server {
        self.services.push(Arc::new(service));
        self
    }

    /// Serves `document`, the API's OpenAPI document in JSON, at `/openapi.json` (GET and
    /// HEAD, `application/json`), unless a route of a mounted service claims that path.
    pub fn openapi(mut self, document: &'static str) -> Server {
        self.reference.openapi = Some(document);
        self
    }

    /// Serves the generated reference pages (`PAGES` of the generated `docs/pages.rs`) at
    /// their paths under `/docs` (GET and HEAD, with a strict Content-Security-Policy),
    /// unless a route of a mounted service claims the path.
    pub fn docs(mut self, pages: &'static [Page]) -> Server {
        self.reference.pages = pages;
        self
    }

    /// Sets how callers are authenticated (default: everyone is anonymous).
    pub fn authenticator(mut self, authenticator: impl Authenticator) -> Server {
        self.authenticator = Arc::new(authenticator);
        self
    }

    /// Adds an interceptor: a per-method hook that runs inside the pipeline on every protocol
    /// (see [`crate::interceptor`]). Interceptors run in the order added; their `after` runs
    /// in reverse order.
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Server {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// Wraps the whole server in a tower layer: it sees every HTTP request as it arrives —
    /// before protocol detection, CORS, `/healthz` and the reference pages — and every
    /// response as it leaves. The first layer added is the outermost. For per-method hooks
    /// that know the method, the caller and the status, use [`Server::interceptor`].
    pub fn layer<L>(mut self, layer: L) -> Server
    where
        L: tower::Layer<layer::BoxedService> + Send + Sync + 'static,
        L::Service: tower::Service<Request<Body>, Error = std::convert::Infallible>
            + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as tower::Service<Request<Body>>>::Response: layer::IntoAxumResponse,
        <L::Service as tower::Service<Request<Body>>>::Future: Send + 'static,
    {
        self.layers.push(layer::boxed(layer));
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
    pub fn health_reporter(&self) -> HealthReporter {
        self.health.clone()
    }

    /// The server as an axum router (for tests, or to nest under other routes).
    pub fn into_router(self) -> axum::Router {
        axum::Router::new().fallback_service(self.into_service())
    }

    /// The server as one tower service, what [`Server::serve`] runs: every request goes
    /// straight to the protocol dispatch, with no router in front.
    pub fn into_service(self) -> ServerService {
        let mut registry = Registry::default();
        let mut descriptor_sets: Vec<&'static [u8]> = Vec::new();
        for service in self.services {
            self.health
                .set_service_status(service.info().name, ServingStatus::Serving);
            let set = service.file_descriptor_set();
            if !set.is_empty() && !descriptor_sets.contains(&set) {
                descriptor_sets.push(set);
                // `Any` fields in JSON are written through the schema of what they hold.
                if let Err(e) = crate::wkt::register_descriptors(set) {
                    tracing::warn!(service = service.info().name, error = %e, "google.protobuf.Any values of this service's types cannot be written as JSON");
                }
            }
            registry.add(service);
        }
        registry.add(Arc::new(Health(self.health.clone())));
        crate::services::reflection::mount(&mut registry, &descriptor_sets);
        let inner = Arc::new(Inner {
            registry,
            authenticator: self.authenticator,
            interceptors: self.interceptors.into(),
            limits: self.limits,
            reference: self.reference,
            rest: RestOptions {
                wrong_method: self.rest_wrong_method,
                emit_unpopulated: self.rest_emit_unpopulated,
                health: self.health.clone(),
            },
            admission: shed::Admission::new(
                self.serving.concurrency_limit,
                self.serving.stats.clone(),
            ),
        });
        let dispatch = Dispatch(inner);
        let plain = match cors(&self.cors_origins) {
            Some(layer) => tower::util::Either::Right(tower::Layer::layer(&layer, dispatch)),
            None => tower::util::Either::Left(dispatch),
        };
        if self.layers.is_empty() {
            return ServerService(Routes::Plain(plain));
        }
        let service = self
            .layers
            .iter()
            .rev()
            .fold(layer::BoxedService::new(plain), |inner, layer| layer(inner));
        ServerService(Routes::Layered(service))
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
        let accepting = serve::Accepting {
            serving: self.serving.clone(),
            tls: self.tls.as_ref().map(TlsConfig::acceptor),
            nodelay: self.tcp_nodelay,
            service: self.into_service(),
        };
        serve::serve(listener, accepting, signal).await
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
pub struct ServerService(Routes);

type Plain = tower::util::Either<Dispatch, tower_http::cors::Cors<Dispatch>>;

/// The dispatch as built, or boxed behind the application's layers.
// The plain variant is the common one and is cloned per connection: boxing it would add an
// allocation there to save bytes in a value that lives once per connection.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Routes {
    Plain(Plain),
    Layered(layer::BoxedService),
}

impl tower::Service<Request<Body>> for ServerService {
    type Response = Response<Body>;
    type Error = std::convert::Infallible;
    type Future = futures_util::future::Either<
        <Plain as tower::Service<Request<Body>>>::Future,
        <layer::BoxedService as tower::Service<Request<Body>>>::Future,
    >;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        match &mut self.0 {
            Routes::Plain(service) => service.poll_ready(cx),
            Routes::Layered(service) => service.poll_ready(cx),
        }
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        match &mut self.0 {
            Routes::Plain(service) => futures_util::future::Either::Left(service.call(request)),
            Routes::Layered(service) => futures_util::future::Either::Right(service.call(request)),
        }
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
    let request = body::buffer_small_http1_body(request).await;
    let mut protocol = protocol_of(&inner.registry, &request);
    let page = match protocol {
        "rest" if !inner.reference.is_empty() => inner.reference.answer(&inner.registry, &request),
        _ => None,
    };
    if page.is_some() {
        protocol = "reference";
    }
    let started = std::time::Instant::now();
    // Without a subscriber that wants it, no span is built: building one (and, with tracing's
    // `log` feature on, formatting it for `log`) costs more than routing the request.
    let traced = tracing::enabled!(tracing::Level::INFO);
    let target = traced.then(|| {
        (
            request.method().clone(),
            request.uri().clone(),
            TraceParent::from_headers(request.headers()),
        )
    });
    let answer = async {
        if let Some(page) = page {
            return page;
        }
        match protocol {
            "grpc-web" => pipeline::run(&Grpc { web: true }, &inner, request).await,
            "grpc" => pipeline::run(&Grpc { web: false }, &inner, request).await,
            "connect-stream" => pipeline::run(&ConnectStream, &inner, request).await,
            "connect" => pipeline::run(&ConnectUnary, &inner, request).await,
            _ => pipeline::run(&Rest(&inner.rest), &inner, request).await,
        }
    };
    let Some((method, uri, trace_parent)) = target else {
        return answer.await;
    };
    // One span per request: protocol and method up front, status and latency when answered.
    let span = tracing::info_span!(
        "request",
        protocol,
        method = %method,
        path = %uri.path(),
        rpc.system = rpc_system_of(protocol),
        rpc.service = tracing::field::Empty,
        rpc.method = tracing::field::Empty,
        rpc.grpc.status_code = tracing::field::Empty,
        trace_id = tracing::field::Empty,
        parent_span_id = tracing::field::Empty,
        span_id = %lower_hex(&new_span_id()),
        status = tracing::field::Empty,
        latency_us = tracing::field::Empty,
    );
    if let Some(parent) = trace_parent {
        span.record("trace_id", lower_hex(&parent.trace_id));
        span.record("parent_span_id", lower_hex(&parent.parent_id));
    }
    let response = answer.instrument(span.clone()).await;
    span.record("status", response.status().as_u16());
    span.record("latency_us", started.elapsed().as_micros() as u64);
    span.in_scope(|| tracing::info!("answered"));
    response
}

/// The request span's `rpc.system`, from the protocol dispatch's name (`""` for what is not
/// a call: the reference pages).
fn rpc_system_of(protocol: &str) -> &'static str {
    use crate::context::Protocol;
    match protocol {
        "reference" => "",
        "connect" | "connect-stream" => rpc_system(Protocol::Connect),
        "grpc-web" => rpc_system(Protocol::GrpcWeb),
        "grpc" => rpc_system(Protocol::Grpc),
        _ => rpc_system(Protocol::Rest),
    }
}

/// Whether `path` has the shape of a procedure, `/<package>.<Service>/<Method>`: two
/// segments (only a packageless service has no dot), so REST paths skip the lookup.
fn looks_like_procedure(path: &str) -> bool {
    path.strip_prefix('/')
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(service, method)| {
            !service.is_empty() && !method.is_empty() && !method.contains('/')
        })
}

/// The protocol a request speaks: gRPC and gRPC-Web by content type; Connect for a request
/// to a mounted method's path, or one that says it is Connect (`connect-protocol-version`,
/// a Connect content type) whatever its path; REST for everything else.
fn protocol_of(registry: &Registry, request: &Request<Body>) -> &'static str {
    let content_type = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .map(|v| v.as_bytes())
        .unwrap_or(b"");
    let starts = |prefix: &[u8]| {
        content_type.len() >= prefix.len()
            && content_type[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    if starts(b"application/grpc-web") {
        "grpc-web"
    } else if starts(b"application/grpc") {
        "grpc"
    } else if starts(b"application/connect+") {
        "connect-stream"
    } else if starts(b"application/proto")
        || request.headers().contains_key("connect-protocol-version")
        || (looks_like_procedure(request.uri().path())
            && registry.by_grpc_path(request.uri().path()).is_some())
    {
        "connect"
    } else {
        "rest"
    }
}
