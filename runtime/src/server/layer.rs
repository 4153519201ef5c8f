//! Application tower layers around the whole server ([`crate::Server::layer`]): each wraps the
//! service built so far, boxed so that any number of layers of any type make one service.

use std::convert::Infallible;

use axum::body::Body;
use http::{Request, Response};

/// The server as a boxed, cloneable tower service: what an application layer wraps.
pub type BoxedService = tower::util::BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

/// A stored layer: wraps a boxed service in the application's layer and boxes the result.
pub(crate) type BoxedLayer = Box<dyn Fn(BoxedService) -> BoxedService + Send + Sync>;

/// A response a layer may answer with: any HTTP response whose body axum can carry (what
/// tower-http's layers produce).
pub trait IntoAxumResponse {
    /// As an axum response.
    fn into_axum(self) -> Response<Body>;
}

impl<B> IntoAxumResponse for Response<B>
where
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    fn into_axum(self) -> Response<Body> {
        self.map(Body::new)
    }
}

/// Stores `layer` as a function from the inner service to the wrapped one.
pub(crate) fn boxed<L>(layer: L) -> BoxedLayer
where
    L: tower::Layer<BoxedService> + Send + Sync + 'static,
    L::Service: tower::Service<Request<Body>, Error = Infallible> + Clone + Send + Sync + 'static,
    <L::Service as tower::Service<Request<Body>>>::Response: IntoAxumResponse,
    <L::Service as tower::Service<Request<Body>>>::Future: Send + 'static,
{
    use tower::ServiceExt as _;
    Box::new(move |inner| {
        BoxedService::new(layer.layer(inner).map_response(IntoAxumResponse::into_axum))
    })
}
