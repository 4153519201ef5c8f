//! Load shedding: a bound on calls in flight, checked once per call in the pipeline. A call
//! over the bound is answered at once with UNAVAILABLE in its protocol's format, with a
//! `google.rpc.RetryInfo` detail and a `Retry-After` header.

use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use http::Response;

use super::stats::LoadStats;
use crate::context::ResponseMetadata;
use crate::protocol::Wire;
use crate::server::Limits;
use crate::status::Status;

/// The service whose calls are never shed: health checks must see an overloaded server
/// still answering.
const HEALTH_SERVICE: &str = "grpc.health.v1.Health";

/// How long a shed client is asked to wait, in seconds.
const RETRY_AFTER_SECONDS: i64 = 1;

/// The admission check of [`super::Server::concurrency_limit`].
#[derive(Clone, Debug)]
pub(crate) struct Admission {
    limit: Option<usize>,
    in_flight: Arc<AtomicUsize>,
    stats: LoadStats,
}

/// A call's place among those in flight, freed when dropped; `None` inside when there is no
/// limit.
#[derive(Debug)]
pub(crate) struct Permit(Option<Arc<AtomicUsize>>);

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(in_flight) = &self.0 {
            in_flight.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl Admission {
    pub(crate) fn new(limit: Option<usize>, stats: LoadStats) -> Admission {
        Admission {
            limit,
            in_flight: Arc::new(AtomicUsize::new(0)),
            stats,
        }
    }

    /// A permit for a call to `service`, or `None` when the server holds its most calls.
    pub(crate) fn admit(&self, service: &str) -> Option<Permit> {
        let Some(limit) = self.limit else {
            return Some(Permit(None));
        };
        if service == HEALTH_SERVICE {
            return Some(Permit(None));
        }
        if self.in_flight.fetch_add(1, Ordering::AcqRel) >= limit {
            self.in_flight.fetch_sub(1, Ordering::AcqRel);
            self.stats.call_shed();
            tracing::debug!(limit, "call shed: concurrency limit reached");
            return None;
        }
        Some(Permit(Some(self.in_flight.clone())))
    }
}

/// The status of a shed call: UNAVAILABLE with a `google.rpc.RetryInfo` detail.
pub(crate) fn overloaded() -> Status {
    Status::unavailable("the server is overloaded; retry later").with_detail(&RetryInfo {
        retry_delay: Some(prost_types::Duration {
            seconds: RETRY_AFTER_SECONDS,
            nanos: 0,
        }),
    })
}

/// The answer to a shed call, in `wire`'s error format, with `Retry-After`.
pub(crate) fn refuse<W: Wire>(wire: &W, head: W::Head, limits: &Limits) -> Response<Body> {
    let mut response = wire.reply(head, Err(overloaded()), ResponseMetadata::default(), limits);
    response.headers_mut().insert(
        http::header::RETRY_AFTER,
        http::HeaderValue::from(RETRY_AFTER_SECONDS),
    );
    response
}

/// `response`, holding `permit` until its body has been sent (or dropped).
pub(crate) fn hold(permit: Permit, response: Response<Body>) -> Response<Body> {
    if permit.0.is_none() {
        return response;
    }
    response.map(|body| {
        Body::new(Held {
            body,
            _permit: permit,
        })
    })
}

struct Held {
    body: Body,
    _permit: Permit,
}

impl http_body::Body for Held {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// `google.rpc.RetryInfo`: when to retry.
#[derive(Clone, PartialEq, prost::Message)]
struct RetryInfo {
    #[prost(message, optional, tag = "1")]
    retry_delay: Option<prost_types::Duration>,
}

impl prost::Name for RetryInfo {
    const NAME: &'static str = "RetryInfo";
    const PACKAGE: &'static str = "google.rpc";
}

impl serde::Serialize for RetryInfo {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        if let Some(delay) = &self.retry_delay {
            map.serialize_entry("retryDelay", &format!("{}s", delay.seconds))?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_up_to_the_limit_and_never_sheds_health() {
        let stats = LoadStats::default();
        let admission = Admission::new(Some(1), stats.clone());
        let first = admission.admit("a.B").unwrap();
        assert!(admission.admit("a.B").is_none());
        assert!(admission.admit(HEALTH_SERVICE).is_some());
        drop(first);
        assert!(admission.admit("a.B").is_some());
        assert_eq!(stats.shed_calls(), 1);
    }

    #[test]
    fn the_retry_detail_is_retry_info() {
        let status = overloaded();
        let detail = &status.details()[0];
        assert_eq!(detail.type_url, "type.googleapis.com/google.rpc.RetryInfo");
        assert_eq!(&detail.value()[..], &[0x0a, 0x02, 0x08, 0x01]);
        assert_eq!(detail.json(), &serde_json::json!({"retryDelay": "1s"}));
    }
}
