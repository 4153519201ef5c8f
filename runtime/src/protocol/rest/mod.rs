//! REST/JSON transcoded from `google.api.http`, answering like grpc-gateway: routes bucketed
//! by HTTP method in the registry, the message assembled from body, path and query
//! ([`message`]), grpc-gateway's error JSON and HTTP status table, server streaming as
//! newline-delimited JSON, gzip through `Content-Encoding` / `Accept-Encoding`,
//! `google.api.HttpBody` as raw bytes ([`http_body`]) and PATCH update masks filled from the
//! body ([`field_mask`]).

mod field_mask;
mod healthz;
mod http_body;
mod message;
mod metadata;
mod options;
mod scalar;
mod unpopulated;

use axum::body::Body;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use serde_json::Value;

pub(crate) use message::parse_query;
pub(crate) use options::RestOptions;
pub use options::WrongMethod;

use super::compression::Encoding;
use super::{merge_headers, response_too_large, Opened, Refused, Wire};
use crate::codec::Input;
use crate::context::{Protocol, ResponseMetadata};
use crate::http::{BodySpec, Capture, HttpRoute};
use crate::registry::{Registry, RestMiss, Target};
use crate::server::body::read_body;
use crate::server::Limits;
use crate::service::{MethodKind, Requests, Responses};
use crate::status::{Code, Status};

/// REST/JSON, as the server's options say.
pub(crate) struct Rest<'a>(pub(crate) &'a RestOptions);

pub(crate) struct Head {
    route: &'static HttpRoute,
    captures: Vec<Capture>,
    request_encoding: Encoding,
    /// `Accept-Encoding`, read only for an answer large enough to compress.
    accept_encoding: Option<HeaderValue>,
    /// The JSON name of `response_body`'s field, when the route answers with one field.
    response_key: Option<&'static str>,
    /// The response message's fields, when unpopulated ones are written.
    unpopulated: Option<&'static crate::schema::MessageInfo>,
}

impl Wire for Rest<'_> {
    type Head = Head;

    fn protocol(&self) -> Protocol {
        Protocol::Rest
    }

    fn open(&self, registry: &Registry, parts: &Parts) -> Result<Opened<Head>, Refused> {
        let fail = |status: Status| gateway_error(&status, HeaderMap::new());
        let found = match registry.rest(&parts.method, parts.uri.path()) {
            Ok(found) => found,
            Err(RestMiss::WrongMethod(allowed)) => {
                return Err(wrong_method(self.0.wrong_method, &allowed).into())
            }
            Err(RestMiss::NotFound)
                if parts.method == http::Method::GET && parts.uri.path() == healthz::PATH =>
            {
                return Err(healthz::answer(&self.0.health, parts).into())
            }
            Err(RestMiss::NotFound) => return Err(fail(Status::not_found("Not Found")).into()),
        };
        let method = found.target.method;
        if !matches!(method.kind, MethodKind::Unary | MethodKind::ServerStreaming) {
            return Err(fail(Status::unimplemented(format!(
                "{} streams requests; call it over gRPC, gRPC-Web or Connect",
                method.full_name
            )))
            .into());
        }
        if found.route.body != BodySpec::None && !found.route.request_http_body {
            check_content_type(&parts.headers)?;
        }
        let request_encoding = Encoding::from_header(
            parts.headers.get(http::header::CONTENT_ENCODING),
        )
        .map_err(|status| {
            let mut response = fail(status);
            *response.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
            response
        })?;
        let response_key = found.route.response_body.map(|field| {
            (method.output)()
                .field(field)
                .map(|f| f.json_name)
                .unwrap_or(field)
        });
        Ok(Opened {
            target: found.target,
            timeout: None,
            head: Head {
                route: found.route,
                captures: found.captures,
                request_encoding,
                accept_encoding: parts.headers.get(http::header::ACCEPT_ENCODING).cloned(),
                response_key,
                unpopulated: self.0.emit_unpopulated.then(|| (method.output)()),
            },
        })
    }

    fn incoming_metadata(&self, headers: &mut HeaderMap) {
        metadata::incoming(headers);
    }

    async fn requests(
        &self,
        head: &Head,
        target: &Target,
        parts: &Parts,
        body: Body,
        limits: &Limits,
    ) -> Result<Requests, Status> {
        let max = limits.max_message_size;
        let bytes = match head.route.body {
            BodySpec::None => None,
            _ => {
                let read_limit = match head.request_encoding {
                    Encoding::Identity => max,
                    _ => max.saturating_mul(2).max(1024),
                };
                let raw = read_body(body, &parts.headers, read_limit).await?;
                Some(head.request_encoding.decompress(raw, max)?)
            }
        };
        if head.route.request_http_body {
            let info = (target.method.input)();
            let bytes = bytes.unwrap_or_default();
            let query = parts.uri.query();
            let input = http_body::request(
                head.route,
                &head.captures,
                info,
                &parts.headers,
                bytes,
                query,
            )?;
            return Ok(Requests::One(input));
        }
        let first = bytes
            .as_ref()
            .and_then(|b| b.iter().find(|c| !c.is_ascii_whitespace()).copied());
        Ok(Requests::One(match bytes {
            // `body: "*"` without path variables: the body is the whole message (query
            // parameters do not apply to it), decoded straight from the bytes.
            Some(bytes)
                if head.route.body == BodySpec::Whole
                    && head.captures.is_empty()
                    && first == Some(b'{') =>
            {
                Input::JsonBytes(bytes)
            }
            bytes => {
                let info = (target.method.input)();
                let message =
                    message::assemble(head.route, &head.captures, info, bytes, parts.uri.query())?;
                Input::Json(Value::Object(message))
            }
        }))
    }

    fn reply(
        &self,
        head: Head,
        outcome: Result<Responses, Status>,
        metadata: ResponseMetadata,
        limits: &Limits,
    ) -> Response<Body> {
        let extra = metadata.take_headers();
        let key = head.response_key;
        if head.route.response_http_body {
            let mut gateway = metadata::outgoing(&extra);
            gateway.extend(super::prefixed(metadata.take_trailers(), "grpc-trailer-"));
            let answer = outcome
                .and_then(|r| http_body::response(r, key, limits, |len| compression(&head, len)));
            let response = match answer {
                Ok(mut response) => {
                    merge_headers(response.headers_mut(), extra);
                    response
                }
                Err(status) => gateway_error(&status, extra),
            };
            return with_gateway_headers(response, gateway);
        }
        let body = outcome.and_then(|responses| match responses {
            Responses::Stream(stream) => Ok(Err(stream)),
            Responses::One(output) => {
                let bytes = match (key, head.unpopulated) {
                    (_, Some(info)) => unpopulated::to_bytes(&output.to_json()?, info, key),
                    (None, None) => output.to_json_bytes()?,
                    (Some(_), None) => serde_json::to_vec(&select(output.to_json()?, key))
                        .map_err(|e| Status::internal(format!("encoding the response: {e}")))?,
                };
                if bytes.len() > limits.max_response_size {
                    return Err(response_too_large(bytes.len(), limits.max_response_size));
                }
                Ok(Ok(bytes))
            }
        });
        // grpc-gateway's names for metadata and trailers start with `grpc-`, which a handler
        // may not set itself: they are added after the handler's headers are merged.
        let mut gateway = metadata::outgoing(&extra);
        gateway.extend(super::prefixed(metadata.take_trailers(), "grpc-trailer-"));
        let mut response = match body {
            Err(status) => return with_gateway_headers(gateway_error(&status, extra), gateway),
            Ok(Err(stream)) => ndjson(stream, key, head.unpopulated),
            Ok(Ok(bytes)) => match compression(&head, bytes.len()) {
                None => json_response(StatusCode::OK, bytes),
                Some(encoding) => match encoding.compress(&bytes) {
                    Ok(packed) => {
                        let mut response = json_response(StatusCode::OK, packed);
                        response.headers_mut().insert(
                            http::header::CONTENT_ENCODING,
                            HeaderValue::from_static(encoding.name()),
                        );
                        response
                    }
                    Err(status) => {
                        return with_gateway_headers(gateway_error(&status, extra), gateway)
                    }
                },
            },
        };
        merge_headers(response.headers_mut(), extra);
        with_gateway_headers(response, gateway)
    }
}

/// A known path called with another method: 405 with `Allow` (RFC 9110), or grpc-gateway's
/// 501, both with grpc-gateway's error body (UNIMPLEMENTED).
fn wrong_method(answer: WrongMethod, allowed: &[&str]) -> Response<Body> {
    let mut response = gateway_error(
        &Status::unimplemented("Method Not Allowed"),
        HeaderMap::new(),
    );
    if answer == WrongMethod::MethodNotAllowed {
        *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    }
    if let Ok(allow) = HeaderValue::from_str(&allowed.join(", ")) {
        response.headers_mut().insert(http::header::ALLOW, allow);
    }
    response
}

/// Adds grpc-gateway's `Grpc-Metadata-*` and `Grpc-Trailer-*` headers.
fn with_gateway_headers(
    mut response: Response<Body>,
    headers: Vec<(http::HeaderName, HeaderValue)>,
) -> Response<Body> {
    for (name, value) in headers {
        response.headers_mut().append(name, value);
    }
    response
}

/// The encoding to compress an answer of `len` bytes with, if the client accepts one and the
/// answer is worth it (the accept header is only parsed then).
fn compression(head: &Head, len: usize) -> Option<Encoding> {
    if !Encoding::Gzip.worth(len) {
        return None;
    }
    Some(Encoding::for_response(
        head.accept_encoding.as_ref(),
        Encoding::Identity,
    ))
    .filter(|e| *e != Encoding::Identity)
}

/// The response, or its `response_body` field.
fn select(json: Value, key: Option<&str>) -> Value {
    match key {
        Some(key) => json.get(key).cloned().unwrap_or(Value::Null),
        None => json,
    }
}

/// grpc-gateway's server streaming: one `{"result":…}` per line, `{"error":…}` last on failure.
fn ndjson(
    stream: crate::service::ResponseStream<crate::codec::Output>,
    key: Option<&'static str>,
    unpopulated: Option<&'static crate::schema::MessageInfo>,
) -> Response<Body> {
    use futures_util::StreamExt as _;
    let lines = stream.map(move |item| {
        let mut bytes = match item.and_then(|m| m.to_json()) {
            Ok(json) => match unpopulated {
                Some(info) => {
                    let mut line = br#"{"result":"#.to_vec();
                    line.extend(unpopulated::to_bytes(&json, info, key));
                    line.push(b'}');
                    line
                }
                None => serde_json::to_vec(&serde_json::json!({ "result": select(json, key) }))
                    .unwrap_or_default(),
            },
            Err(status) => {
                serde_json::to_vec(&serde_json::json!({ "error": status.to_gateway_json() }))
                    .unwrap_or_default()
            }
        };
        bytes.push(b'\n');
        Ok::<_, std::convert::Infallible>(bytes::Bytes::from(bytes))
    });
    let mut response = Response::new(Body::from_stream(lines));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A body in a content type other than JSON: 415, naming what is accepted. A request that
/// says its body is empty may say any content type.
fn check_content_type(headers: &HeaderMap) -> Result<(), Refused> {
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .map(|v| v.as_bytes())
        .unwrap_or(b"");
    let empty = headers
        .get(http::header::CONTENT_LENGTH)
        .is_some_and(|v| v.as_bytes() == b"0");
    let json =
        content_type.len() >= 16 && content_type[..16].eq_ignore_ascii_case(b"application/json");
    let essence = content_type.split(|&b| b == b';').next().unwrap_or(b"");
    let suffixed =
        essence.len() >= 5 && essence[essence.len() - 5..].eq_ignore_ascii_case(b"+json");
    if empty || content_type.is_empty() || json || suffixed {
        return Ok(());
    }
    let status = Status::invalid_argument(format!(
        "unsupported content type `{}`: send application/json",
        String::from_utf8_lossy(content_type)
    ));
    let mut response = gateway_error(&status, HeaderMap::new());
    *response.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
    response.headers_mut().insert(
        http::header::ACCEPT,
        HeaderValue::from_static("application/json"),
    );
    Err(response.into())
}

/// grpc-gateway's error response: HTTP status from the code, JSON body, `WWW-Authenticate`
/// on 401.
pub(crate) fn gateway_error(status: &Status, extra: HeaderMap) -> Response<Body> {
    let body = status.to_gateway_json_bytes();
    let mut response = json_response(
        StatusCode::from_u16(status.code().http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body,
    );
    let headers = response.headers_mut();
    merge_headers(headers, extra);
    if status.code() == Code::Unauthenticated {
        headers.insert(
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
