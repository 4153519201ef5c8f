//! `google.api.HttpBody` over REST, as grpc-gateway's `HTTPBodyMarshaler` and
//! `ForwardResponseStream` treat it: a request body of that type is the raw request bytes and
//! `Content-Type`, never decoded as JSON; a response of that type (or a `response_body` field
//! of it) is written as its `data` under its `content_type`, and a stream of them as one chunk
//! per message without framing.

use axum::body::Body;
use base64::Engine as _;
use bytes::Bytes;
use futures_util::{FutureExt as _, StreamExt as _};
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use prost::Message as _;
use serde_json::{Map, Value};

use super::message;
use crate::codec::{Input, Output};
use crate::http::{BodySpec, Capture, HttpRoute};
use crate::protocol::compression::Encoding;
use crate::schema::MessageInfo;
use crate::server::Limits;
use crate::service::Responses;
use crate::status::Status;
use crate::wkt::HttpBody;

/// The content type of a response whose `HttpBody` names none.
const DEFAULT_CONTENT_TYPE: &str = "application/octet-stream";

/// The request message of a route whose body is `HttpBody`: `bytes` and the request's
/// `Content-Type` fill it; the path variables and (for `body: "field"`) the query string fill
/// the rest of the message as for any route.
pub(super) fn request(
    route: &HttpRoute,
    captures: &[Capture],
    info: &'static MessageInfo,
    headers: &HeaderMap,
    bytes: Bytes,
    query: Option<&str>,
) -> Result<Input, Status> {
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match route.body {
        // The whole request is the body: encoded straight as protobuf, no base64 round trip.
        BodySpec::Whole if captures.is_empty() => Ok(Input::Proto(Bytes::from(
            HttpBody::new(content_type, bytes).encode_to_vec(),
        ))),
        BodySpec::None => Err(Status::internal(
            "a route without a body cannot carry google.api.HttpBody",
        )),
        spec => {
            let mut fields = message::assemble(route, captures, info, None, query)?;
            let body = as_json(content_type, &bytes);
            match spec {
                BodySpec::Field(field) => {
                    fields.insert(field.to_string(), Value::Object(body));
                }
                _ => fields.extend(body),
            }
            Ok(Input::Json(Value::Object(fields)))
        }
    }
}

/// An `HttpBody` in proto3 JSON.
fn as_json(content_type: &str, data: &[u8]) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("contentType".into(), Value::String(content_type.into()));
    body.insert(
        "data".into(),
        Value::String(base64::engine::general_purpose::STANDARD.encode(data)),
    );
    body
}

/// The response of a route that answers with `HttpBody` (`key`: the JSON name of the
/// `response_body` field, when it is one field of the response).
///
/// A whole answer in a compressible content type (text, JSON, XML, SVG) is compressed with
/// the encoding `compression` picks for its length; images, archives and other media, which
/// are compressed already, and streams go as they are.
pub(super) fn response(
    responses: Responses,
    key: Option<&'static str>,
    limits: &Limits,
    compression: impl Fn(usize) -> Option<Encoding>,
) -> Result<Response<Body>, Status> {
    match responses {
        Responses::One(output) => {
            let body = extract(&output, key)?;
            if body.data.len() > limits.max_response_size {
                return Err(super::response_too_large(
                    body.data.len(),
                    limits.max_response_size,
                ));
            }
            let encoding = compressible(&body.content_type)
                .then(|| compression(body.data.len()))
                .flatten();
            let Some(encoding) = encoding else {
                return raw_response(&body.content_type, Body::from(body.data));
            };
            let mut response = raw_response(
                &body.content_type,
                Body::from(encoding.compress(&body.data)?),
            )?;
            response.headers_mut().insert(
                http::header::CONTENT_ENCODING,
                HeaderValue::from_static(encoding.name()),
            );
            Ok(response)
        }
        Responses::Stream(mut stream) => {
            // The pipeline has already waited for the first message, so it is ready here: its
            // content type is the response's, as grpc-gateway takes it from the first message.
            let (content_type, first) = match stream.next().now_or_never() {
                Some(Some(Err(status))) => return Err(status),
                Some(Some(Ok(output))) => {
                    let body = extract(&output, key)?;
                    (body.content_type, Some(Ok(body.data)))
                }
                Some(None) | None => (String::new(), None),
            };
            let rest = stream.map(move |item| item.and_then(|output| extract(&output, key)));
            let chunks = futures_util::stream::iter(first)
                .chain(rest.map(|item| item.map(|body| body.data)))
                .map(|item| {
                    Ok::<_, std::convert::Infallible>(match item {
                        Ok(data) => data,
                        Err(status) => error_chunk(&status),
                    })
                });
            raw_response(&content_type, Body::from_stream(chunks))
        }
    }
}

/// Whether answers of `content_type` shrink when compressed: text and the structured text
/// formats; not images, audio, video, archives or unknown bytes.
fn compressible(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || matches!(
            essence.as_str(),
            "application/json"
                | "application/xml"
                | "application/javascript"
                | "application/x-ndjson"
                | "application/csv"
                | "application/yaml"
                | "image/svg+xml"
        )
}

/// The `HttpBody` a response message is, or holds at `key`.
fn extract(output: &Output, key: Option<&str>) -> Result<HttpBody, Status> {
    match key {
        None => HttpBody::decode(output.to_proto().as_slice())
            .map_err(|e| Status::internal(format!("the response is not an HttpBody: {e}"))),
        Some(key) => {
            let json = output.to_json()?;
            match json.get(key) {
                None | Some(Value::Null) => Ok(HttpBody::default()),
                Some(value) => serde_json::from_value(value.clone()).map_err(|e| {
                    Status::internal(format!("the response's `{key}` is not an HttpBody: {e}"))
                }),
            }
        }
    }
}

/// A failure in the middle of a stream: grpc-gateway's `{"error":…}` and a newline.
fn error_chunk(status: &Status) -> Bytes {
    let mut bytes = serde_json::to_vec(&serde_json::json!({ "error": status.to_gateway_json() }))
        .unwrap_or_default();
    bytes.push(b'\n');
    Bytes::from(bytes)
}

/// 200 with `body` under `content_type` (`application/octet-stream` when empty).
fn raw_response(content_type: &str, body: Body) -> Result<Response<Body>, Status> {
    let content_type = if content_type.is_empty() {
        DEFAULT_CONTENT_TYPE
    } else {
        content_type
    };
    let value = HeaderValue::from_str(content_type).map_err(|_| {
        Status::internal(format!(
            "the response's content type {content_type:?} is not a valid header value"
        ))
    })?;
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::OK;
    response
        .headers_mut()
        .insert(http::header::CONTENT_TYPE, value);
    Ok(response)
}
