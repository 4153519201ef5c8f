//! `GET /healthz`, answered from the health reporter as grpc-gateway's
//! `WithHealthEndpointAt` answers it: `{"status":"SERVING"}`, or grpc-gateway's error JSON
//! with UNAVAILABLE (503) when NOT_SERVING or UNKNOWN, NOT_FOUND (404) for a service the
//! reporter does not know. `?service=NAME` asks about one service; without it, the server.

use axum::body::Body;
use http::request::Parts;
use http::{HeaderMap, Response, StatusCode};

use super::{gateway_error, json_response, message::parse_query};
use crate::services::health::{HealthReporter, ServingStatus};
use crate::status::Status;

/// The path served.
pub(super) const PATH: &str = "/healthz";

/// The answer to `GET /healthz` for `parts`.
pub(super) fn answer(health: &HealthReporter, parts: &Parts) -> Response<Body> {
    let service = parts
        .uri
        .query()
        .map(parse_query)
        .unwrap_or_default()
        .into_iter()
        .find(|(key, _)| key == "service")
        .map(|(_, value)| value)
        .unwrap_or_default();
    let status = match health.status(&service) {
        None => {
            return gateway_error(
                &Status::not_found(format!("unknown service {service:?}")),
                HeaderMap::new(),
            )
        }
        Some(status) => status,
    };
    match status {
        ServingStatus::Serving => {
            json_response(StatusCode::OK, br#"{"status":"SERVING"}"#.to_vec())
        }
        ServingStatus::ServiceUnknown => gateway_error(
            &Status::not_found(format!("status:{}", status.name())),
            HeaderMap::new(),
        ),
        ServingStatus::NotServing | ServingStatus::Unknown => {
            tracing::debug!(service, status = status.name(), "/healthz: not serving");
            gateway_error(
                &Status::unavailable(format!("status:{}", status.name())),
                HeaderMap::new(),
            )
        }
    }
}
