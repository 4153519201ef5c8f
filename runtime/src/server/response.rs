//! Responses shared by REST and Connect: bodies read within limits, JSON errors.

use axum::body::Body;
use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode};
use http_body_util::BodyExt;

use crate::status::{Code, Status};

/// Reads a body, refusing (without buffering it whole) one larger than `max`.
pub(crate) async fn read_body(
    body: Body,
    headers: &http::HeaderMap,
    max: usize,
) -> Result<Bytes, Status> {
    let too_large =
        || Status::resource_exhausted(format!("request body is larger than the {max}-byte limit"));
    if let Some(len) = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > max as u64 {
            return Err(too_large());
        }
    }
    match http_body_util::Limited::new(body, max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(too_large())
        }
        Err(e) => Err(Status::invalid_argument(format!(
            "cannot read the request body: {e}"
        ))),
    }
}

/// grpc-gateway's error response: HTTP status from the code, JSON body, `WWW-Authenticate` on 401.
pub(crate) fn gateway_error(status: &Status) -> Response<Body> {
    let body = serde_json::to_vec(&status.to_gateway_json()).unwrap_or_default();
    let mut response = json_response(http_status(status.code()), body);
    if status.code() == Code::Unauthenticated {
        response.headers_mut().insert(
            http::header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer"),
        );
    }
    response
}

/// A JSON response.
pub(crate) fn json_response(status: StatusCode, body: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

pub(crate) fn http_status(code: Code) -> StatusCode {
    StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
