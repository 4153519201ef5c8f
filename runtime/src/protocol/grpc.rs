//! gRPC (`application/grpc[+proto|+json]`) and, with the framing of [`super::grpc_web`],
//! gRPC-Web: length-prefixed messages both ways, `grpc-timeout`, `grpc-encoding`, the
//! status in trailers (or in the headers of a trailers-only answer).

use std::time::Duration;

use axum::body::Body;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Response};

use super::compression::{accepted, Encoding};
use super::envelope::EnvelopeReader;
use super::grpc_web::{self, Web};
use super::{enveloped, merge_headers, streamed_body, Opened, Refused, UnaryBody, Wire};
use crate::context::{Protocol, ResponseMetadata};
use crate::registry::{Registry, Target};
use crate::server::Limits;
use crate::service::{Requests, Responses};
use crate::status::Status;

const GRPC_TIMEOUT: &str = "grpc-timeout";
const GRPC_ENCODING: &str = "grpc-encoding";
const GRPC_ACCEPT_ENCODING: &str = "grpc-accept-encoding";
const GRPC_STATUS: http::HeaderName = http::HeaderName::from_static("grpc-status");
const GRPC_MESSAGE: http::HeaderName = http::HeaderName::from_static("grpc-message");
const GRPC_STATUS_DETAILS: http::HeaderName =
    http::HeaderName::from_static("grpc-status-details-bin");

/// gRPC, or gRPC-Web when `web` is set.
pub(crate) struct Grpc {
    pub(crate) web: bool,
}

pub(crate) struct Head {
    web: Option<Web>,
    json: bool,
    request_encoding: Encoding,
    response_encoding: Encoding,
    content_type: HeaderValue,
}

/// The content types served.
const GRPC_TYPES: &str = "application/grpc, application/grpc+proto, application/grpc+json";
const GRPC_WEB_TYPES: &str = "application/grpc-web, application/grpc-web+proto, \
application/grpc-web+json, application/grpc-web-text, application/grpc-web-text+proto, \
application/grpc-web-text+json";

impl Wire for Grpc {
    type Head = Head;

    fn protocol(&self) -> Protocol {
        if self.web {
            Protocol::GrpcWeb
        } else {
            Protocol::Grpc
        }
    }

    fn open(&self, registry: &Registry, parts: &Parts) -> Result<Opened<Head>, Refused> {
        let web = self.web;
        let content_type = parts.headers.get(http::header::CONTENT_TYPE);
        let Some((web_kind, json)) = codec(content_type, web) else {
            return Err(unsupported_media_type(content_type, web).into());
        };
        let fail = |status: Status| trailers_only(web, status, HeaderMap::new(), content_type);
        if parts.method != http::Method::POST {
            return Err(super::connect::bare(
                http::StatusCode::METHOD_NOT_ALLOWED,
                "allow",
                "POST",
            )
            .into());
        }
        let target = registry
            .by_grpc_path(parts.uri.path())
            .cloned()
            .ok_or_else(|| {
                fail(Status::unimplemented(format!(
                    "unknown method {}",
                    parts.uri.path()
                )))
            })?;
        let request_encoding =
            Encoding::from_header(parts.headers.get(GRPC_ENCODING)).map_err(|status| {
                let mut response = fail(status);
                response
                    .headers_mut()
                    .insert(GRPC_ACCEPT_ENCODING, accepted());
                response
            })?;
        let timeout =
            crate::pipeline::timeout(parts.headers.get(GRPC_TIMEOUT), parse_timeout, GRPC_TIMEOUT)
                .map_err(fail)?;
        let response_encoding =
            Encoding::for_response(parts.headers.get(GRPC_ACCEPT_ENCODING), request_encoding);
        let content_type = HeaderValue::from_static(match (web_kind, json) {
            (None, false) => "application/grpc",
            (None, true) => "application/grpc+json",
            (Some(Web::Binary), false) => "application/grpc-web+proto",
            (Some(Web::Binary), true) => "application/grpc-web+json",
            (Some(Web::Text), false) => "application/grpc-web-text+proto",
            (Some(Web::Text), true) => "application/grpc-web-text+json",
        });
        Ok(Opened {
            target,
            timeout,
            head: Head {
                web: web_kind,
                json,
                request_encoding,
                response_encoding,
                content_type,
            },
        })
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
        let reader = match head.web {
            Some(Web::Text) => {
                let bytes = grpc_web::read_text_body(body, &parts.headers, max).await?;
                EnvelopeReader::from_bytes(bytes, max, head.request_encoding)
            }
            _ => EnvelopeReader::new(body, max, head.request_encoding),
        };
        reader.into_requests(target.method.kind, head.json).await
    }

    fn reply(
        &self,
        head: Head,
        outcome: Result<Responses, Status>,
        metadata: ResponseMetadata,
        limits: &Limits,
    ) -> Response<Body> {
        let max = limits.max_response_size;
        let (json, encoding) = (head.json, head.response_encoding);
        let responses = match outcome {
            Ok(responses) => responses,
            Err(status) => return failed(&head, status, &metadata),
        };
        let mut response = match responses {
            Responses::One(output) => {
                let frame = match enveloped(&output, json, encoding, max) {
                    Ok(frame) => frame,
                    Err(status) => return failed(&head, status, &metadata),
                };
                let trailers = ok_trailers(metadata.take_trailers());
                match head.web {
                    None => Response::new(Body::new(UnaryBody {
                        data: Some(frame),
                        trailers: Some(trailers),
                    })),
                    Some(web) => {
                        Response::new(Body::from(grpc_web::unary_body(web, frame, &trailers)))
                    }
                }
            }
            Responses::Stream(messages) => {
                let web = head.web;
                let trailers = metadata.clone();
                let encode = move |message: &crate::codec::Output| {
                    let frame = enveloped(message, json, encoding, max)?;
                    Ok(match web {
                        Some(Web::Text) => grpc_web::text(&frame),
                        _ => frame,
                    })
                };
                let end = move |failure: Option<Status>| {
                    let mut map = trailers.take_trailers();
                    match failure {
                        None => {
                            map = ok_trailers(map);
                        }
                        Some(status) => status_into(status, &mut map),
                    }
                    match web {
                        None => http_body::Frame::trailers(map),
                        Some(web) => http_body::Frame::data(grpc_web::trailer_frame(web, &map)),
                    }
                };
                Response::new(streamed_body(messages, encode, end))
            }
        };
        let headers = response.headers_mut();
        merge_headers(headers, metadata.take_headers());
        answer_headers(&head, headers);
        response
    }
}

/// The protocol's own response headers.
fn answer_headers(head: &Head, headers: &mut HeaderMap) {
    headers.insert(http::header::CONTENT_TYPE, head.content_type.clone());
    if head.response_encoding != Encoding::Identity {
        headers.insert(
            GRPC_ENCODING,
            HeaderValue::from_static(head.response_encoding.name()),
        );
    }
    headers.insert(GRPC_ACCEPT_ENCODING, accepted());
}

/// A failed call's trailers-only answer, with the handler's headers and trailers.
fn failed(head: &Head, status: Status, metadata: &ResponseMetadata) -> Response<Body> {
    let mut extra = metadata.take_headers();
    merge_headers(&mut extra, metadata.take_trailers());
    let mut response = trailers_only(head.web.is_some(), status, extra, Some(&head.content_type));
    answer_headers(head, response.headers_mut());
    response
}

/// A trailers-only answer: the status in the headers, no body.
pub(crate) fn trailers_only(
    web: bool,
    status: Status,
    extra: HeaderMap,
    content_type: Option<&HeaderValue>,
) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    let headers = response.headers_mut();
    merge_headers(headers, extra);
    let default = if web {
        "application/grpc-web+proto"
    } else {
        "application/grpc"
    };
    headers.insert(
        http::header::CONTENT_TYPE,
        content_type
            .cloned()
            .unwrap_or_else(|| HeaderValue::from_static(default)),
    );
    status_into(status, headers);
    response
}

/// `grpc-status`, `grpc-message` and `grpc-status-details-bin` for `status`: the message
/// percent-encoded as the gRPC spec asks (bytes outside printable ASCII, and `%`), the
/// details as unpadded base64 of `google.rpc.Status`.
pub(crate) fn status_into(status: Status, headers: &mut HeaderMap) {
    headers.insert(GRPC_STATUS, code_value(status.code()));
    if !status.message().is_empty() {
        if let Ok(message) = HeaderValue::from_str(&percent_encoded(status.message())) {
            headers.insert(GRPC_MESSAGE, message);
        }
    }
    if !status.details().is_empty() {
        use base64::Engine as _;
        use prost::Message as _;
        let details = base64::engine::general_purpose::STANDARD_NO_PAD
            .encode(status.to_rpc_status().encode_to_vec());
        if let Ok(details) = HeaderValue::try_from(details) {
            headers.insert(GRPC_STATUS_DETAILS, details);
        }
    }
}

/// `grpc-status`'s value for `code`.
fn code_value(code: crate::Code) -> HeaderValue {
    const VALUES: [&str; 17] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
    ];
    HeaderValue::from_static(VALUES.get(code as usize).copied().unwrap_or("2"))
}

/// `message` with every byte outside printable ASCII, and `%`, written as `%XX`; most
/// messages need none, and are returned as they are.
fn percent_encoded(message: &str) -> std::borrow::Cow<'_, str> {
    let plain = |b: &u8| (0x20..=0x7e).contains(b) && *b != b'%';
    if message.as_bytes().iter().all(plain) {
        return std::borrow::Cow::Borrowed(message);
    }
    use std::fmt::Write as _;
    let mut out = String::with_capacity(message.len() + 16);
    for b in message.bytes() {
        if plain(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    std::borrow::Cow::Owned(out)
}

fn ok_trailers(mut trailers: HeaderMap) -> HeaderMap {
    trailers.insert(GRPC_STATUS, HeaderValue::from_static("0"));
    trailers
}

/// The framing and codec of a content type: `(web kind, json)`, `None` when not served.
fn codec(content_type: Option<&HeaderValue>, web: bool) -> Option<(Option<Web>, bool)> {
    let full = content_type.and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = full
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let (kind, rest) = if !web {
        (None, essence.strip_prefix("application/grpc")?)
    } else if let Some(rest) = essence.strip_prefix("application/grpc-web-text") {
        (Some(Web::Text), rest)
    } else {
        (
            Some(Web::Binary),
            essence.strip_prefix("application/grpc-web")?,
        )
    };
    match rest {
        "" | "+proto" => Some((kind, false)),
        "+json" => Some((kind, true)),
        _ => None,
    }
}

/// A 415 for a codec no protocol here speaks; like connect-go, it names what is accepted.
fn unsupported_media_type(content_type: Option<&HeaderValue>, web: bool) -> Response<Body> {
    let full = content_type.and_then(|v| v.to_str().ok()).unwrap_or("");
    let accepted = if web { GRPC_WEB_TYPES } else { GRPC_TYPES };
    let status = Status::invalid_argument(format!(
        "unsupported content type `{full}`; send one of {accepted}"
    ));
    let mut response = trailers_only(false, status, HeaderMap::new(), None);
    *response.status_mut() = http::StatusCode::UNSUPPORTED_MEDIA_TYPE;
    response
        .headers_mut()
        .insert("accept-post", HeaderValue::from_static(accepted));
    response
}

/// `grpc-timeout`: up to 8 digits and a unit (H, M, S, m, u, n).
pub(crate) fn parse_timeout(value: &[u8]) -> Option<Duration> {
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some(match unit {
        b"H" => Duration::from_secs(n * 3600),
        b"M" => Duration::from_secs(n * 60),
        b"S" => Duration::from_secs(n),
        b"m" => Duration::from_millis(n),
        b"u" => Duration::from_micros(n),
        b"n" => Duration::from_nanos(n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_headers_follow_the_grpc_spec() {
        let mut headers = HeaderMap::new();
        let status =
            Status::invalid_argument("bad 100% ü\n").with_detail_message(crate::rpc::BadRequest {
                field_violations: vec![crate::rpc::FieldViolation {
                    field: "code".into(),
                    description: "empty".into(),
                }],
            });
        status_into(status.clone(), &mut headers);
        assert_eq!(headers["grpc-status"], "3");
        // Printable ASCII but `%` stays as it is; the rest is percent-encoded.
        assert_eq!(headers["grpc-message"], "bad 100%25 %C3%BC%0A");
        // Unpadded base64 of google.rpc.Status, which tonic's client reads back whole.
        let details = headers["grpc-status-details-bin"].to_str().unwrap();
        assert!(!details.ends_with('='), "{details}");
        let read = Status::from(tonic::Status::from_header_map(&headers).unwrap());
        assert_eq!(read.code(), crate::Code::InvalidArgument);
        assert_eq!(read.message(), "bad 100% ü\n");
        assert_eq!(read.details(), status.details());

        let mut headers = HeaderMap::new();
        status_into(Status::new(crate::Code::Unauthenticated, ""), &mut headers);
        assert_eq!(headers["grpc-status"], "16");
        assert!(!headers.contains_key("grpc-message"));
        assert!(!headers.contains_key("grpc-status-details-bin"));
    }

    #[test]
    fn content_types_pick_framing_and_codec() {
        let ct = |s: &'static str| HeaderValue::from_static(s);
        assert_eq!(
            codec(Some(&ct("application/grpc")), false),
            Some((None, false))
        );
        assert_eq!(
            codec(Some(&ct("application/grpc+proto; x=y")), false),
            Some((None, false))
        );
        assert_eq!(
            codec(Some(&ct("application/grpc+json")), false),
            Some((None, true))
        );
        assert_eq!(codec(Some(&ct("application/grpc+xml")), false), None);
        assert_eq!(
            codec(Some(&ct("application/grpc-web-text")), true),
            Some((Some(Web::Text), false))
        );
        assert_eq!(
            codec(Some(&ct("application/grpc-web+json")), true),
            Some((Some(Web::Binary), true))
        );
        let refused = unsupported_media_type(Some(&ct("application/grpc+xml")), false);
        assert_eq!(refused.status(), 415);
        assert_eq!(refused.headers()["grpc-status"], "3");
    }

    #[test]
    fn timeouts_follow_the_grpc_spec() {
        assert_eq!(parse_timeout(b"100m"), Some(Duration::from_millis(100)));
        assert_eq!(parse_timeout(b"2S"), Some(Duration::from_secs(2)));
        assert_eq!(parse_timeout(b"1H"), Some(Duration::from_secs(3600)));
        for bad in [&b""[..], b"m", b"123456789S", b"10x", b"-1S"] {
            assert_eq!(parse_timeout(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn success_trailers_keep_the_handlers() {
        let mut handler = HeaderMap::new();
        handler.insert("x-trace", HeaderValue::from_static("1"));
        let trailers = ok_trailers(handler);
        assert_eq!(trailers["grpc-status"], "0");
        assert_eq!(trailers["x-trace"], "1");
    }
}
