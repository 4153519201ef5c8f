//! REST/JSON transcoded from `google.api.http`, answering like grpc-gateway.

use std::sync::Arc;

use axum::body::Body;
use http::{Request, Response, StatusCode};
use serde_json::{Map, Value};

use super::response::{gateway_error, json_response, read_body};
use super::Inner;
use crate::codec::Input;
use crate::context::{Protocol, RequestContext};
use crate::http::{BodySpec, Capture, HttpRoute};
use crate::schema::{Kind, MessageInfo};
use crate::service::{MethodInfo, MethodKind, Service};
use crate::status::Status;

struct Found<'a> {
    service: &'a Arc<dyn Service>,
    index: usize,
    method: &'static MethodInfo,
    route: &'static HttpRoute,
    captures: Vec<Capture>,
}

enum Lookup<'a> {
    Found(Found<'a>),
    WrongMethod,
    NotFound,
}

fn lookup<'a>(inner: &'a Inner, verb: &str, path: &str) -> Lookup<'a> {
    let mut path_known = false;
    for service in &inner.services {
        let info = service.info();
        let Some(rest) = path.strip_prefix(info.rest_prefix) else {
            continue;
        };
        for (index, method) in info.methods.iter().enumerate() {
            for route in method.routes {
                if let Some(captures) = route.template.matches(rest) {
                    if route.method.as_str().eq_ignore_ascii_case(verb) {
                        return Lookup::Found(Found {
                            service,
                            index,
                            method,
                            route,
                            captures,
                        });
                    }
                    path_known = true;
                }
            }
        }
    }
    if path_known {
        Lookup::WrongMethod
    } else {
        Lookup::NotFound
    }
}

pub(crate) async fn call(
    inner: &Arc<Inner>,
    request: Request<Body>,
    content_type: &str,
) -> Response<Body> {
    match transcode(inner, request, content_type).await {
        Ok(response) => response,
        Err(Failure::Status(status)) => gateway_error(&status),
        Err(Failure::UnsupportedMediaType(status)) => {
            let mut response = gateway_error(&status);
            *response.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
            response
                .headers_mut()
                .insert("accept", http::HeaderValue::from_static("application/json"));
            response
        }
    }
}

/// Why a REST request failed.
enum Failure {
    Status(Status),
    /// 415, with an INVALID_ARGUMENT body naming what is accepted.
    UnsupportedMediaType(Status),
}

impl From<Status> for Failure {
    fn from(status: Status) -> Failure {
        Failure::Status(status)
    }
}

async fn transcode(
    inner: &Arc<Inner>,
    request: Request<Body>,
    content_type: &str,
) -> Result<Response<Body>, Failure> {
    let (parts, body) = request.into_parts();
    let found = match lookup(inner, parts.method.as_str(), parts.uri.path()) {
        Lookup::Found(found) => found,
        Lookup::WrongMethod => return Err(Status::unimplemented("Method Not Allowed").into()),
        Lookup::NotFound if parts.method == http::Method::GET && parts.uri.path() == "/healthz" => {
            return Ok(json_response(
                StatusCode::OK,
                br#"{"status":"SERVING"}"#.to_vec(),
            ));
        }
        Lookup::NotFound => return Err(Status::not_found("Not Found").into()),
    };
    if !matches!(
        found.method.kind,
        MethodKind::Unary | MethodKind::ServerStreaming
    ) {
        return Err(Status::unimplemented(format!(
            "{} streams requests; call it over gRPC or gRPC-Web",
            found.method.full_name
        ))
        .into());
    }
    let caller = inner.authenticator.authenticate(&parts.headers).await?;
    let mut ctx = RequestContext::new(Protocol::Rest, found.method);
    ctx.caller = caller;
    // The guard runs before the body is even read.
    found.method.guard.check(&ctx)?;

    let info = (found.method.input)();
    let bytes = match found.route.body {
        BodySpec::None => None,
        _ => Some(read_body(body, &parts.headers, inner.limits.max_message_size).await?),
    };
    let first = bytes
        .as_ref()
        .and_then(|b| b.iter().find(|c| !c.is_ascii_whitespace()).copied());
    if first.is_some()
        && !content_type.is_empty()
        && !content_type.starts_with("application/json")
        && !content_type.contains("+json")
    {
        return Err(Failure::UnsupportedMediaType(Status::invalid_argument(
            format!("unsupported content type `{content_type}`: send application/json"),
        )));
    }
    let input = match bytes {
        // `body: "*"` without path variables: the body is the whole message (query
        // parameters do not apply to it), decoded straight from the bytes.
        Some(bytes)
            if found.route.body == BodySpec::Whole
                && found.captures.is_empty()
                && first == Some(b'{') =>
        {
            Input::JsonBytes(bytes)
        }
        bytes => {
            let message = assemble(&found, info, bytes, parts.uri.query())?;
            Input::Json(Value::Object(message))
        }
    };
    ctx.headers = parts.headers;
    let response_key = found.route.response_body.map(|field| {
        let out_info = (found.method.output)();
        out_info.field(field).map(|f| f.json_name).unwrap_or(field)
    });
    let select = move |json: Value| match response_key {
        Some(key) => json.get(key).cloned().unwrap_or(Value::Null),
        None => json,
    };
    if found.method.kind == MethodKind::ServerStreaming {
        let stream = found
            .service
            .call_server_streaming(found.index, ctx, input)
            .await?;
        return Ok(ndjson(stream, select));
    }
    let output = found.service.call_unary(found.index, ctx, input).await?;
    let body = match response_key {
        None => output.to_json_bytes()?,
        Some(_) => serde_json::to_vec(&select(output.to_json()?))
            .map_err(|e| Status::internal(format!("encoding the response: {e}")))?,
    };
    Ok(json_response(StatusCode::OK, body))
}

/// The request message as JSON, from the body (`bytes`, when the route takes one), the path
/// variables and the query parameters, as grpc-gateway assembles it.
fn assemble(
    found: &Found<'_>,
    info: &'static MessageInfo,
    bytes: Option<bytes::Bytes>,
    query: Option<&str>,
) -> Result<Map<String, Value>, Failure> {
    let mut message = match (found.route.body, bytes) {
        (BodySpec::None, _) | (_, None) => Map::new(),
        (spec, Some(bytes)) => {
            let value = if bytes.iter().all(u8::is_ascii_whitespace) {
                Value::Object(Map::new())
            } else {
                serde_json::from_slice::<Value>(&bytes)
                    .map_err(|e| Status::invalid_argument(format!("invalid JSON body: {e}")))?
            };
            match spec {
                BodySpec::Field(field) => {
                    let mut map = Map::new();
                    map.insert(field.to_string(), value);
                    map
                }
                _ => match value {
                    Value::Object(map) => map,
                    _ => {
                        return Err(Status::invalid_argument(
                            "the request body must be a JSON object",
                        )
                        .into())
                    }
                },
            }
        }
    };
    for capture in &found.captures {
        set_field(&mut message, info, capture.field_path, &capture.value, true)?;
    }
    if found.route.body != BodySpec::Whole {
        if let Some(query) = query {
            let bound: Vec<String> = found
                .captures
                .iter()
                .map(|c| c.field_path.join("."))
                .collect();
            let body_field = match found.route.body {
                BodySpec::Field(f) => Some(f),
                _ => None,
            };
            for (key, value) in parse_query(query) {
                let path: Vec<&str> = key.split('.').collect();
                if bound.contains(&key) || body_field == path.first().copied() {
                    continue;
                }
                // Unknown query parameters are ignored, like unknown JSON fields.
                if resolve(info, &path).is_some() {
                    set_field(&mut message, info, &path, &value, false)?;
                }
            }
        }
    }
    Ok(message)
}

/// grpc-gateway's server streaming: one `{"result":…}` per line, `{"error":…}` last on failure.
fn ndjson(
    stream: crate::service::ResponseStream<crate::codec::Output>,
    select: impl Fn(Value) -> Value + Send + 'static,
) -> Response<Body> {
    use futures_util::StreamExt as _;
    let lines = stream.map(move |item| {
        let line = match item.and_then(|m| m.to_json()) {
            Ok(json) => serde_json::json!({ "result": select(json) }),
            Err(status) => serde_json::json!({ "error": status.to_gateway_json() }),
        };
        let mut bytes = serde_json::to_vec(&line).unwrap_or_default();
        bytes.push(b'\n');
        Ok::<_, std::convert::Infallible>(bytes::Bytes::from(bytes))
    });
    let mut response = Response::new(Body::from_stream(lines));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// The field at `path`, if every step exists.
fn resolve(info: &'static MessageInfo, path: &[&str]) -> Option<&'static crate::schema::FieldInfo> {
    let (last, parents) = path.split_last()?;
    let mut current = info;
    for name in parents {
        match current.field(name)?.kind {
            Kind::Message(next) => current = next(),
            _ => return None,
        }
    }
    current.field(last)
}

/// Sets `path` in the JSON object from a path or query string value, typed by the schema.
fn set_field(
    object: &mut Map<String, Value>,
    info: &'static MessageInfo,
    path: &[&str],
    raw: &str,
    from_path: bool,
) -> Result<(), Status> {
    let unknown = || {
        Status::invalid_argument(format!(
            "`{}` is not a field of {}",
            path.join("."),
            info.full_name
        ))
    };
    let (last, parents) = path.split_last().ok_or_else(unknown)?;
    let mut current_info = info;
    let mut current = object;
    for name in parents {
        let field = current_info.field(name).ok_or_else(unknown)?;
        let Kind::Message(next) = field.kind else {
            return Err(unknown());
        };
        current_info = next();
        let entry = current
            .entry(field.name.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        current = match entry {
            Value::Object(map) => map,
            _ => return Err(Status::invalid_argument(format!("`{name}` is set twice"))),
        };
    }
    let field = current_info.field(last).ok_or_else(unknown)?;
    if field.map {
        return Err(Status::invalid_argument(format!(
            "map field `{}` cannot be set from the {}",
            path.join("."),
            if from_path { "path" } else { "query string" }
        )));
    }
    let value = match field.kind {
        Kind::Bool | Kind::WellKnown("google.protobuf.BoolValue") => match raw {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => {
                return Err(Status::invalid_argument(format!(
                    "`{}`: {raw:?} is not a boolean",
                    path.join(".")
                )))
            }
        },
        Kind::Message(_) => {
            return Err(Status::invalid_argument(format!(
                "message field `{}` cannot be set from a single value",
                path.join(".")
            )))
        }
        Kind::Enum => match raw.parse::<i32>() {
            Ok(number) => Value::from(number),
            Err(_) => Value::String(raw.to_string()),
        },
        _ => Value::String(raw.to_string()),
    };
    if field.repeated {
        match current
            .entry(field.name.to_string())
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            Value::Array(items) => items.push(value),
            _ => {
                return Err(Status::invalid_argument(format!(
                    "`{}` is set twice",
                    path.join(".")
                )))
            }
        }
    } else {
        current.insert(field.name.to_string(), value);
    }
    Ok(())
}

/// `application/x-www-form-urlencoded` pairs, percent-decoded, `+` as space.
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| crate::http::percent_decode(&s.replace('+', " "), true);
            (decode(k), decode(v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_are_decoded() {
        assert_eq!(
            parse_query("a=1&b.c=x%20y&a=2&flag&d=a+b"),
            vec![
                ("a".into(), "1".into()),
                ("b.c".into(), "x y".into()),
                ("a".into(), "2".into()),
                ("flag".into(), "".into()),
                ("d".into(), "a b".into()),
            ]
        );
    }
}
