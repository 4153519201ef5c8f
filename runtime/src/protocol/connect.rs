//! Connect unary calls: `POST /<package>.<Service>/<Method>` with `application/json` or
//! `application/proto`, and `GET` for methods without side effects (the message in the
//! query). Connect streams are [`super::connect_stream`]'s.

use std::time::Duration;

use axum::body::Body;
use base64::Engine as _;
use bytes::Bytes;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Response, StatusCode};

use super::compression::{accepted, Encoding};
use super::envelope::input;
use super::{merge_headers, response_too_large, Opened, Refused, Wire};
use crate::context::{Protocol, ResponseMetadata};
use crate::registry::{Registry, Target};
use crate::server::body::read_body;
use crate::server::Limits;
use crate::service::{Idempotency, MethodKind, Requests, Responses};
use crate::status::Status;

/// What a procedure path accepts, sent with a 415.
pub(crate) const ACCEPT_POST: &str = "application/grpc, application/grpc+proto, \
application/grpc+json, application/grpc-web, application/grpc-web+proto, \
application/grpc-web+json, application/grpc-web-text, application/grpc-web-text+proto, \
application/grpc-web-text+json, application/json, application/proto, \
application/connect+json, application/connect+proto";

/// Connect unary.
pub(crate) struct ConnectUnary;

pub(crate) struct Head {
    json: bool,
    request_encoding: Encoding,
    response_encoding: Encoding,
    /// A GET's message, from the query.
    query_message: Option<Bytes>,
}

impl Wire for ConnectUnary {
    type Head = Head;

    fn protocol(&self) -> Protocol {
        Protocol::Connect
    }

    fn open(&self, registry: &Registry, parts: &Parts) -> Result<Opened<Head>, Refused> {
        let target = registry
            .by_grpc_path(parts.uri.path())
            .cloned()
            .ok_or_else(|| {
                // connect-go's mux answers 404 with no error body: clients read UNIMPLEMENTED.
                let mut response = Response::new(Body::empty());
                *response.status_mut() = StatusCode::NOT_FOUND;
                response
            })?;
        let fail = |status: Status| error(&status, HeaderMap::new());
        if parts.method != http::Method::POST && parts.method != http::Method::GET {
            let allow = if target.method.idempotency == Idempotency::NoSideEffects {
                "GET, POST"
            } else {
                "POST"
            };
            return Err(bare(StatusCode::METHOD_NOT_ALLOWED, "allow", allow).into());
        }
        if target.method.kind != MethodKind::Unary {
            return Err(unsupported_media_type(&format!(
                "{} is a streaming method: send application/connect+proto or \
                 application/connect+json",
                target.method.full_name
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
        let head = if parts.method == http::Method::GET {
            get_head(&target, parts)?
        } else {
            let content_type = parts
                .headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let essence = content_type.split(';').next().unwrap_or("").trim();
            let json = if essence.eq_ignore_ascii_case("application/json") {
                true
            } else if essence.eq_ignore_ascii_case("application/proto") {
                false
            } else {
                return Err(unsupported_media_type(&format!(
                    "unsupported content type `{content_type}`"
                ))
                .into());
            };
            let request_encoding =
                Encoding::from_header(parts.headers.get(http::header::CONTENT_ENCODING))
                    .map_err(unsupported_encoding)?;
            Head {
                json,
                request_encoding,
                response_encoding: Encoding::for_response(
                    parts.headers.get(http::header::ACCEPT_ENCODING),
                    request_encoding,
                ),
                query_message: None,
            }
        };
        Ok(Opened {
            target,
            timeout,
            head,
        })
    }

    async fn requests(
        &self,
        head: &Head,
        _: &Target,
        parts: &Parts,
        body: Body,
        limits: &Limits,
    ) -> Result<Requests, Status> {
        let max = limits.max_message_size;
        let raw = match &head.query_message {
            Some(message) => message.clone(),
            None if head.request_encoding == Encoding::Identity => {
                read_body(body, &parts.headers, max).await?
            }
            // The compressed body may be any size up to the limit of what it inflates to.
            None => read_body(body, &parts.headers, max.saturating_mul(2).max(1024)).await?,
        };
        let message = head.request_encoding.decompress(raw, max)?;
        Ok(Requests::One(input(message, head.json)))
    }

    fn reply(
        &self,
        head: Head,
        outcome: Result<Responses, Status>,
        metadata: ResponseMetadata,
        limits: &Limits,
    ) -> Response<Body> {
        let mut extra = metadata.take_headers();
        let encoded = outcome.and_then(|responses| match responses {
            Responses::One(output) => {
                if head.json {
                    output.to_json_bytes()
                } else {
                    Ok(output.to_proto())
                }
            }
            Responses::Stream(_) => Err(Status::internal("a unary method answered with a stream")),
        });
        let encoded = encoded.and_then(|bytes| {
            if bytes.len() > limits.max_response_size {
                return Err(response_too_large(bytes.len(), limits.max_response_size));
            }
            Ok(bytes)
        });
        for (name, value) in super::prefixed(metadata.take_trailers(), "trailer-") {
            extra.append(name, value);
        }
        let body = match encoded {
            Ok(body) => body,
            Err(status) => return error(&status, extra),
        };
        let (body, compressed) = if head.response_encoding.worth(body.len()) {
            match head.response_encoding.compress(&body) {
                Ok(packed) => (packed, true),
                Err(status) => return error(&status, extra),
            }
        } else {
            (body, false)
        };
        let mut response = Response::new(Body::from(body));
        let headers = response.headers_mut();
        merge_headers(headers, extra);
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static(if head.json {
                "application/json"
            } else {
                "application/proto"
            }),
        );
        if compressed {
            headers.insert(
                http::header::CONTENT_ENCODING,
                HeaderValue::from_static(head.response_encoding.name()),
            );
        }
        headers.insert(http::header::ACCEPT_ENCODING, accepted());
        response
    }
}

/// A GET's head: `message`, `encoding`, `base64`, `compression` and `connect` from the query.
fn get_head(target: &Target, parts: &Parts) -> Result<Head, Refused> {
    if target.method.idempotency != Idempotency::NoSideEffects {
        let mut response = error(
            &Status::unimplemented(format!(
                "{} may have side effects: call it with POST",
                target.method.full_name
            )),
            HeaderMap::new(),
        );
        *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        response
            .headers_mut()
            .insert(http::header::ALLOW, HeaderValue::from_static("POST"));
        return Err(response.into());
    }
    let fail = |status: Status| error(&status, HeaderMap::new());
    let query = parts.uri.query().unwrap_or("");
    let (mut message, mut codec, mut base64, mut compression) = (None, None, false, None);
    for (key, value) in super::rest::parse_query(query) {
        match key.as_str() {
            "message" => message = Some(value),
            "encoding" => codec = Some(value),
            "base64" => base64 = value == "1",
            "compression" => compression = Some(value),
            "connect" if value != "v1" => {
                return Err(fail(Status::invalid_argument(format!(
                    "connect={value}: this server speaks connect=v1"
                )))
                .into())
            }
            _ => {}
        }
    }
    let json = match codec.as_deref() {
        Some("json") => true,
        Some("proto") => false,
        Some(other) => {
            return Err(unsupported_media_type(&format!(
                "unsupported encoding `{other}` in the query"
            ))
            .into())
        }
        None => {
            return Err(fail(Status::invalid_argument(
                "missing `encoding` in the query: json or proto",
            ))
            .into())
        }
    };
    let message = message.unwrap_or_default();
    let message = if base64 {
        let trimmed = message.trim_end_matches('=');
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(trimmed)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(trimmed))
            .map_err(|e| {
                fail(Status::invalid_argument(format!(
                    "invalid base64 in the `message` query parameter: {e}"
                )))
            })?
    } else {
        message.into_bytes()
    };
    let request_encoding = match compression {
        None => Encoding::Identity,
        Some(name) => Encoding::from_header(HeaderValue::from_str(&name).ok().as_ref())
            .map_err(unsupported_encoding)?,
    };
    Ok(Head {
        json,
        request_encoding,
        response_encoding: Encoding::for_response(
            parts.headers.get(http::header::ACCEPT_ENCODING),
            Encoding::Identity,
        ),
        query_message: Some(Bytes::from(message)),
    })
}

/// `connect-protocol-version`, when sent, must be 1.
pub(crate) fn check_protocol_version(value: Option<&HeaderValue>) -> Result<(), Status> {
    match value {
        Some(v) if v.as_bytes() != b"1" => Err(Status::invalid_argument(
            "connect-protocol-version must be 1",
        )),
        _ => Ok(()),
    }
}

/// `connect-timeout-ms`: at most 10 digits of milliseconds.
pub(crate) fn parse_timeout(value: &[u8]) -> Option<Duration> {
    let text = std::str::from_utf8(value).ok()?;
    if text.is_empty() || text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u64>().ok().map(Duration::from_millis)
}

/// A 415 naming what the procedure accepts.
///
/// The body is empty, as connect-go's: Connect clients read the outcome from the HTTP status
/// (`unknown`) and what would work from `Accept-Post`.
pub(crate) fn unsupported_media_type(message: &str) -> Response<Body> {
    tracing::debug!("refused with 415: {message}");
    bare(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "accept-post",
        ACCEPT_POST,
    )
}

/// An answer with no body: a status and the one header that says what would work.
pub(crate) fn bare(
    status: StatusCode,
    header: &'static str,
    value: &'static str,
) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header, HeaderValue::from_static(value));
    response
}

/// An unknown compression: UNIMPLEMENTED, saying what is accepted.
fn unsupported_encoding(status: Status) -> Response<Body> {
    let mut response = error(&status, HeaderMap::new());
    response
        .headers_mut()
        .insert(http::header::ACCEPT_ENCODING, accepted());
    response
}

/// Connect's unary error: the HTTP status of the code and the error JSON, with the handler's
/// headers (and `trailer-` headers) in `extra`.
pub(crate) fn error(status: &Status, extra: HeaderMap) -> Response<Body> {
    let body = serde_json::to_vec(&error_json(status)).unwrap_or_default();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status.code().http_status())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    merge_headers(headers, extra);
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The error object of a unary error body and of a stream's end message:
/// `{"code":"invalid_argument","message":…,"details":[{"type":…,"value":…}]}`.
pub(crate) fn error_json(status: &Status) -> serde_json::Value {
    let details: Vec<serde_json::Value> = status
        .details()
        .iter()
        .map(|d| {
            let mut detail = serde_json::json!({
                "type": d.type_url.rsplit('/').next().unwrap_or(&d.type_url),
                "value": base64::engine::general_purpose::STANDARD_NO_PAD.encode(d.value()),
            });
            if !d.json().is_null() {
                detail["debug"] = d.json().clone();
            }
            detail
        })
        .collect();
    let mut body = serde_json::json!({"code": status.code().connect_name()});
    if !status.message().is_empty() {
        body["message"] = serde_json::Value::String(status.message().to_string());
    }
    if !details.is_empty() {
        body["details"] = serde_json::Value::Array(details);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_milliseconds_of_at_most_ten_digits() {
        assert_eq!(parse_timeout(b"250"), Some(Duration::from_millis(250)));
        for bad in [&b""[..], b"-1", b"12345678901", b"1.5"] {
            assert_eq!(parse_timeout(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn errors_carry_code_message_and_details() {
        let status = Status::not_found("gone");
        let json = error_json(&status);
        assert_eq!(
            json,
            serde_json::json!({"code": "not_found", "message": "gone"})
        );
        let response = error(&status, HeaderMap::new());
        assert_eq!(response.status(), 404);
    }

    #[test]
    fn unary_trailers_travel_as_prefixed_headers() {
        let mut trailers = HeaderMap::new();
        trailers.append("x-a", HeaderValue::from_static("1"));
        trailers.append("x-a", HeaderValue::from_static("2"));
        let prefixed = super::super::prefixed(trailers, "trailer-");
        assert_eq!(prefixed.len(), 2);
        assert!(prefixed.iter().all(|(n, _)| n == "trailer-x-a"));
    }
}
