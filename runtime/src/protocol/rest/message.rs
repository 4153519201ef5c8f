//! The request message of a REST call, assembled from the body, the path variables and the
//! query string as grpc-gateway assembles it, typed by the schema.

use serde_json::{Map, Value};

use crate::http::{BodySpec, Capture, HttpRoute};
use crate::schema::{Kind, MessageInfo};
use crate::status::Status;

/// The request message as JSON, from the body (`bytes`, when the route takes one), the path
/// variables and the query parameters, as grpc-gateway assembles it.
pub(super) fn assemble(
    route: &HttpRoute,
    captures: &[Capture],
    info: &'static MessageInfo,
    bytes: Option<bytes::Bytes>,
    query: Option<&str>,
) -> Result<Map<String, Value>, Status> {
    let mut message = match (route.body, bytes) {
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
                        ))
                    }
                },
            }
        }
    };
    for capture in captures {
        set_field(&mut message, info, capture.field_path, &capture.value, true)?;
    }
    if route.body != BodySpec::Whole {
        if let Some(query) = query {
            let bound: Vec<String> = captures.iter().map(|c| c.field_path.join(".")).collect();
            let body_field = match route.body {
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
