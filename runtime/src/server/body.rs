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
/// reads the body (routing, authentication, the guard, a message over the limit) leaves the
/// body unread, and hyper then closes the connection under a client still writing it: the
/// client sees a broken pipe instead of the answer. Go's servers read up to 256 KiB for the
/// same reason. A larger body is handed on as it comes (what was read first, then the rest)
/// through [`forwarded`], which drains what the protocol leaves unread, so the limits still
/// see the body whole and the client still reads the answer.
pub(crate) async fn buffer_small_http1_body(request: Request<Body>) -> Request<Body> {
    let headers = request.headers();
    let length = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let has_body = match length {
        Some(len) => len > 0,
        None => headers.contains_key(http::header::TRANSFER_ENCODING),
    };
    if request.version() >= http::Version::HTTP_2 || !has_body {
        return request;
    }
    let (parts, mut body) = request.into_parts();
    if length.is_some_and(|len| len > SMALL_BODY as u64) {
        return Request::from_parts(parts, Body::from_stream(forwarded(body)));
    }
    let mut read = bytes::BytesMut::new();
    while read.len() <= SMALL_BODY {
        match body.frame().await {
            None => return Request::from_parts(parts, Body::from(read.freeze())),
            // The client has gone, or stalled past the body timeout: the protocol reads the
            // error and answers it.
            Some(Err(e)) => {
                let failed = futures_util::stream::once(std::future::ready(Err::<Bytes, _>(e)));
                return Request::from_parts(parts, Body::from_stream(failed));
            }
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    read.extend_from_slice(&data);
                }
            }
        }
    }
    let first = futures_util::stream::once(std::future::ready(Ok(read.freeze())));
    Request::from_parts(parts, Body::from_stream(first.chain(forwarded(body))))
}

/// How much of an HTTP/1 request body the server reads and discards after the protocol has
/// stopped reading it, so the client can finish sending and read the answer.
const DRAIN_LIMIT: usize = 8 * 1024 * 1024;
/// How long it waits for that.
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// The rest of a large HTTP/1 body, read on a task of its own. When the protocol drops what
/// it reads from (an early answer), the task reads on and discards, up to [`DRAIN_LIMIT`]
/// bytes and [`DRAIN_TIME`] from then: hyper keeps the connection, and the client its answer,
/// only when the request body is read to its end.
fn forwarded(
    mut body: Body,
) -> impl futures_core::Stream<Item = Result<Bytes, axum::Error>> + Send + 'static {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, axum::Error>>(2);
    tokio::spawn(async move {
        let mut discarded = 0usize;
        let mut draining_until: Option<tokio::time::Instant> = None;
        loop {
            if draining_until.is_none() && tx.is_closed() {
                draining_until = Some(tokio::time::Instant::now() + DRAIN_TIME);
            }
            let frame = match draining_until {
                None => body.frame().await,
                Some(until) => match tokio::time::timeout_at(until, body.frame()).await {
                    Ok(frame) => frame,
                    Err(_) => return,
                },
            };
            let data = match frame {
                None => return,
                Some(Err(e)) => {
                    let _ = tx.send(Err(e)).await;
                    return;
                }
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => data,
                    Err(_) => continue,
                },
            };
            let unread = if draining_until.is_some() {
                data.len()
            } else {
                match tx.send(Ok(data)).await {
                    Ok(()) => 0,
                    Err(tokio::sync::mpsc::error::SendError(item)) => {
                        item.map(|d| d.len()).unwrap_or(0)
                    }
                }
            };
            discarded += unread;
            if discarded > DRAIN_LIMIT {
                return;
            }
        }
    });
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
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
        Err(e) => Err(unreadable(e.as_ref())),
    }
}

/// The status of a request body that failed while being read: DEADLINE_EXCEEDED when it
/// stalled past the body timeout, INVALID_ARGUMENT otherwise.
pub(crate) fn unreadable(error: &(dyn std::error::Error + 'static)) -> Status {
    if super::body_timeout::is_stalled(error) {
        return Status::deadline_exceeded(format!("the request body stalled: {error}"));
    }
    Status::invalid_argument(format!("cannot read the request body: {error}"))
}
