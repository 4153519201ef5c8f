//! Connect streams (`application/connect+proto`, `application/connect+json`): enveloped
//! messages both ways, then an end-of-stream message that carries the error, if any, and the
//! trailers. A stream always answers HTTP 200: its outcome is in the end message. Server,
//! client and bidi streaming; bidi is full duplex on HTTP/2 and half duplex on HTTP/1.1.

use axum::body::Body;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Response};

use super::compression::{accepted, Encoding};
use super::connect::{check_protocol_version, error_json, parse_timeout};
use super::envelope::{frame, EnvelopeReader};
use super::{enveloped, merge_headers, streamed_body, Opened, Refused, Wire};
use crate::context::{Protocol, ResponseMetadata};
use crate::registry::{Registry, Target};
use crate::server::Limits;
use crate::service::{MethodKind, Requests, Responses};
use crate::status::Status;

/// Envelope flag of the end-of-stream message.
const END_STREAM: u8 = 0x02;

const CONTENT_ENCODING: &str = "connect-content-encoding";
const ACCEPT_ENCODING: &str = "connect-accept-encoding";

/// Connect streams.
pub(crate) struct ConnectStream;

pub(crate) struct Head {
    json: bool,
    request_encoding: Encoding,
    response_encoding: Encoding,
}

impl Wire for ConnectStream {
    type Head = Head;

    fn protocol(&self) -> Protocol {
        Protocol::Connect
    }

    fn open(&self, registry: &Registry, parts: &Parts) -> Result<Opened<Head>, Refused> {
        let content_type = parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let codec = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let json = match codec.as_str() {
            "application/connect+json" => true,
            "application/connect+proto" => false,
            _ => {
                return Err(super::connect::unsupported_media_type(&format!(
                    "unsupported content type `{content_type}`"
                ))
                .into())
            }
        };
        let fail = |status: Status| end_only(json, &status, HeaderMap::new(), &HeaderMap::new());
        let target = registry
            .by_grpc_path(parts.uri.path())
            .cloned()
            .ok_or_else(|| {
                let mut response = Response::new(Body::empty());
                *response.status_mut() = http::StatusCode::NOT_FOUND;
                response
            })?;
        if parts.method != http::Method::POST {
            return Err(super::connect::bare(
                http::StatusCode::METHOD_NOT_ALLOWED,
                "allow",
                "POST",
            )
            .into());
        }
        if target.method.kind == MethodKind::Unary {
            return Err(super::connect::unsupported_media_type(&format!(
                "unsupported content type `{content_type}`"
            ))
            .into());
        }
        check_protocol_version(parts.headers.get("connect-protocol-version")).map_err(fail)?;
        let timeout = crate::pipeline::timeout(
            parts.headers.get("connect-timeout-ms"),
            parse_timeout,
            "connect-timeout-ms",
        )
        .map_err(fail)?;
        let request_encoding =
            Encoding::from_header(parts.headers.get(CONTENT_ENCODING)).map_err(|status| {
                let mut response = fail(status);
                response.headers_mut().insert(ACCEPT_ENCODING, accepted());
                response
            })?;
        Ok(Opened {
            target,
            timeout,
            head: Head {
                json,
                request_encoding,
                response_encoding: Encoding::for_response(
                    parts.headers.get(ACCEPT_ENCODING),
                    request_encoding,
                ),
            },
        })
    }

    async fn requests(
        &self,
        head: &Head,
        target: &Target,
        _: &Parts,
        body: Body,
        limits: &Limits,
    ) -> Result<Requests, Status> {
        let reader = EnvelopeReader::new(body, limits.max_message_size, head.request_encoding);
        reader.into_requests(target.method.kind, head.json).await
    }

    fn reply(
        &self,
        head: Head,
        outcome: Result<Responses, Status>,
        metadata: ResponseMetadata,
        limits: &Limits,
    ) -> Response<Body> {
        let (json, encoding, max) = (head.json, head.response_encoding, limits.max_response_size);
        let headers = metadata.take_headers();
        let mut response = match outcome {
            Err(status) => return end_only(json, &status, headers, &metadata.take_trailers()),
            Ok(Responses::One(output)) => {
                let first = enveloped(&output, json, encoding, max);
                let trailers = metadata.take_trailers();
                let body = match first {
                    Ok(message) => {
                        let mut all = message.to_vec();
                        all.extend_from_slice(&end_stream(None, &trailers));
                        all
                    }
                    Err(status) => end_stream(Some(&status), &trailers).to_vec(),
                };
                Response::new(Body::from(body))
            }
            Ok(Responses::Stream(messages)) => {
                let trailers = metadata.clone();
                let encode =
                    move |message: &crate::codec::Output| enveloped(message, json, encoding, max);
                let end = move |failure: Option<Status>| {
                    http_body::Frame::data(end_stream(failure.as_ref(), &trailers.take_trailers()))
                };
                Response::new(streamed_body(messages, encode, end))
            }
        };
        let out = response.headers_mut();
        merge_headers(out, headers);
        out.insert(http::header::CONTENT_TYPE, content_type(json));
        if encoding != Encoding::Identity {
            out.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding.name()));
        }
        out.insert(ACCEPT_ENCODING, accepted());
        response
    }
}

fn content_type(json: bool) -> HeaderValue {
    HeaderValue::from_static(if json {
        "application/connect+json"
    } else {
        "application/connect+proto"
    })
}

/// A stream that fails before its first message: HTTP 200 and only the end message.
fn end_only(
    json: bool,
    status: &Status,
    headers: HeaderMap,
    trailers: &HeaderMap,
) -> Response<Body> {
    let mut response = Response::new(Body::from(end_stream(Some(status), trailers)));
    let out = response.headers_mut();
    merge_headers(out, headers);
    out.insert(http::header::CONTENT_TYPE, content_type(json));
    response
}

/// The end-of-stream message: `{}` on success, `{"error":{…}}` on failure, with
/// `"metadata"` holding the trailers.
fn end_stream(status: Option<&Status>, trailers: &HeaderMap) -> bytes::Bytes {
    let mut body = serde_json::Map::new();
    if let Some(status) = status {
        body.insert("error".into(), error_json(status));
    }
    if !trailers.is_empty() {
        let mut metadata = serde_json::Map::new();
        for name in trailers.keys() {
            let values: Vec<serde_json::Value> = trailers
                .get_all(name)
                .iter()
                .map(|v| serde_json::Value::String(String::from_utf8_lossy(v.as_bytes()).into()))
                .collect();
            metadata.insert(name.as_str().to_string(), serde_json::Value::Array(values));
        }
        body.insert("metadata".into(), serde_json::Value::Object(metadata));
    }
    frame(
        END_STREAM,
        &serde_json::to_vec(&serde_json::Value::Object(body)).unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_message_carries_the_error_and_trailers() {
        let end = end_stream(Some(&Status::not_found("gone")), &HeaderMap::new());
        assert_eq!(end[0], END_STREAM);
        let json: serde_json::Value = serde_json::from_slice(&end[5..]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "not_found", "message": "gone"}})
        );
        assert_eq!(&end_stream(None, &HeaderMap::new())[5..], b"{}");
        let mut trailers = HeaderMap::new();
        trailers.append("x-a", HeaderValue::from_static("1"));
        trailers.append("x-a", HeaderValue::from_static("2"));
        let end = end_stream(None, &trailers);
        let json: serde_json::Value = serde_json::from_slice(&end[5..]).unwrap();
        assert_eq!(json, serde_json::json!({"metadata": {"x-a": ["1", "2"]}}));
    }
}
