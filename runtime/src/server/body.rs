//! Request bodies read within limits.

use axum::body::Body;
use bytes::Bytes;
use futures_util::StreamExt as _;
use http::Request;
use http_body_util::BodyExt;

use crate::status::Status;

/// HTTP/1 bodies up to this size are read before the request is dispatched.
const SMALL_BODY: usize = 64 * 1024;

/// Reads a small HTTP/1 request body up front. A protocol that refuses a request before it
/// reads the body (routing, authentication, the guard) leaves the body unread, and hyper then
/// closes the connection under a client still writing it: the client sees a broken pipe
/// instead of the answer. Go's servers read up to 256 KiB for the same reason. A larger body
/// is handed on as it comes (what was read first, then the rest), so the limits still see it
/// whole.
pub(crate) async fn buffer_small_http1_body(request: Request<Body>) -> Request<Body> {
    let headers = request.headers();
    let length = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let has_body = match length {
        Some(len) => len > 0 && len <= SMALL_BODY as u64,
        None => headers.contains_key(http::header::TRANSFER_ENCODING),
    };
    if request.version() >= http::Version::HTTP_2 || !has_body {
        return request;
    }
    let (parts, mut body) = request.into_parts();
    let mut read = bytes::BytesMut::new();
    while read.len() <= SMALL_BODY {
        match body.frame().await {
            None => return Request::from_parts(parts, Body::from(read.freeze())),
            // The client has gone; nobody will see the answer.
            Some(Err(_)) => return Request::from_parts(parts, Body::empty()),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    read.extend_from_slice(&data);
                }
            }
        }
    }
    let first = futures_util::stream::once(std::future::ready(Ok(read.freeze())));
    Request::from_parts(
        parts,
        Body::from_stream(first.chain(body.into_data_stream())),
    )
}

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
