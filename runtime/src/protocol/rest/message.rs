//! The request message of a REST call, assembled from the body, the path variables and the
//! query string as grpc-gateway assembles it, typed by the schema.

use serde_json::{Map, Value};

use crate::http::{BodySpec, Capture, HttpRoute};
use crate::schema::{Kind, MessageInfo};
use crate::status::Status;

use super::scalar;

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
    // grpc-gateway fills a PATCH's update mask from the body alone, before path and query.
    let body_mask = super::field_mask::body_mask(route, info, &message);
    for capture in captures {
        let source = Source::Path(capture.field_path.join("."));
        set_field(
            &mut message,
            info,
            capture.field_path,
            None,
            &capture.value,
            &source,
        )?;
    }
    if route.body != BodySpec::Whole {
        if let Some(query) = query {
            let bound: Vec<String> = captures.iter().map(|c| c.field_path.join(".")).collect();
            let body_field = match route.body {
                BodySpec::Field(f) => Some(f),
                _ => None,
            };
            for (key, value) in parse_query(query) {
                // grpc-gateway's `map_field[key]=value`.
                let (name, map_key) = match key.strip_suffix(']').and_then(|k| k.split_once('[')) {
                    Some((name, map_key)) => (name, Some(map_key)),
                    None => (key.as_str(), None),
                };
                let path: Vec<&str> = name.split('.').collect();
                if bound.iter().any(|b| b == name) || body_field == path.first().copied() {
                    continue;
                }
                // Unknown query parameters are ignored, like unknown JSON fields.
                if resolve(info, &path).is_some() {
                    let source = Source::Query(key.clone());
                    set_field(&mut message, info, &path, map_key, &value, &source)?;
                }
            }
        }
    }
    super::field_mask::fill_update_mask(&mut message, body_mask);
    Ok(message)
}

/// Where a value came from, to name it when it is refused.
enum Source {
    /// A path variable bound to this field path.
    Path(String),
    /// A query parameter, as the client spelled it.
    Query(String),
}

impl Source {
    /// INVALID_ARGUMENT naming the parameter, with a `google.rpc.BadRequest` field violation.
    fn refuse(&self, description: String) -> Status {
        let (what, name) = match self {
            Source::Path(name) => ("path variable", name),
            Source::Query(name) => ("query parameter", name),
        };
        let detail = crate::rpc::BadRequest {
            field_violations: vec![crate::rpc::FieldViolation {
                field: name.clone(),
                description: description.clone(),
            }],
        };
        Status::invalid_argument(format!("{what} `{name}`: {description}")).with_detail(&detail)
    }
}

/// The field at `path`, if every step exists.
fn resolve(info: &'static MessageInfo, path: &[&str]) -> Option<&'static crate::schema::FieldInfo> {
    let (last, parents) = path.split_last()?;
    let mut current = info;
    for name in parents {
        let field = current.field(name)?;
        match field.kind {
            Kind::Message(next) if field.map_key.is_none() && !field.repeated => current = next(),
            _ => return None,
        }
    }
    current.field(last)
}

/// Sets `path` (or, with `map_key`, one entry of the map at `path`) in the JSON object from a
/// path or query string value, typed by the schema.
fn set_field(
    object: &mut Map<String, Value>,
    info: &'static MessageInfo,
    path: &[&str],
    map_key: Option<&str>,
    raw: &str,
    source: &Source,
) -> Result<(), Status> {
    let unknown = || {
        source.refuse(format!(
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
        current = match descend(current, field.name) {
            Some(map) => map,
            None => return Err(source.refuse(format!("`{name}` is set twice"))),
        };
    }
    let field = current_info.field(last).ok_or_else(unknown)?;
    let expected = |what: String| source.refuse(format!("invalid value {raw:?}: expected {what}"));
    match (field.map_key, map_key) {
        (Some(key_kind), Some(key)) => {
            if matches!(field.kind, Kind::Message(_)) {
                return Err(
                    source.refuse("a map of messages cannot be set from the query string".into())
                );
            }
            let key = scalar::map_key(key_kind, key).map_err(|what| {
                source.refuse(format!("invalid map key {key:?}: expected {what}"))
            })?;
            let value = scalar::parse(field.kind, raw).map_err(expected)?;
            let Some(entries) = descend(current, field.name) else {
                return Err(source.refuse(format!("`{}` is set twice", path.join("."))));
            };
            entries.insert(key, value);
            return Ok(());
        }
        (Some(_), None) => {
            return Err(source.refuse(format!(
                "map field `{}` is set as {}[KEY]=VALUE",
                path.join("."),
                path.join(".")
            )))
        }
        (None, Some(_)) => {
            return Err(source.refuse(format!("`{}` is not a map field", path.join("."))))
        }
        (None, None) => {}
    }
    let value = scalar::parse(field.kind, raw).map_err(expected)?;
    if field.repeated {
        match current
            .entry(field.name.to_string())
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            Value::Array(items) => items.push(value),
            _ => return Err(source.refuse(format!("`{}` is set twice", path.join(".")))),
        }
    } else {
        current.insert(field.name.to_string(), value);
    }
    Ok(())
}

/// The JSON object at `name` in `object`, created empty when absent; `None` when `name`
/// holds something else.
fn descend<'a>(
    object: &'a mut Map<String, Value>,
    name: &str,
) -> Option<&'a mut Map<String, Value>> {
    match object
        .entry(name.to_string())
        .or_insert_with(|| Value::Object(Map::new()))
    {
        Value::Object(map) => Some(map),
        _ => None,
    }
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
