//! PATCH field-mask auto-population, as grpc-gateway's generated handlers do with
//! `runtime.FieldMaskFromRequestBody`: a PATCH whose body is one message field and whose
//! request has a `google.protobuf.FieldMask update_mask` the client did not set gets the mask
//! of the fields present in the body.

use serde_json::{Map, Value};

use crate::http::{BodySpec, HttpMethod, HttpRoute};
use crate::schema::{Kind, MessageInfo};

/// The name of the field filled.
const UPDATE_MASK: &str = "update_mask";

/// The `update_mask` to fill, comma-joined, for a request whose body set the fields of
/// `message` (the request as assembled from the body alone): when the route is a PATCH with
/// `body: "field"` and the request has a `google.protobuf.FieldMask update_mask`. Paths use
/// proto field names, relative to the body field, sorted; `None` when the body names no field.
pub(super) fn body_mask(
    route: &HttpRoute,
    info: &'static MessageInfo,
    message: &Map<String, Value>,
) -> Option<String> {
    if route.method != HttpMethod::Patch || route.request_http_body {
        return None;
    }
    let BodySpec::Field(body_field) = route.body else {
        return None;
    };
    let mask = info.field(UPDATE_MASK)?;
    if mask.repeated || !matches!(mask.kind, Kind::WellKnown("google.protobuf.FieldMask")) {
        return None;
    }
    let Kind::Message(body_info) = info.field(body_field)?.kind else {
        return None;
    };
    let paths = paths(message.get(body_field)?, body_info());
    // Proto names, which the FieldMask's JSON form reads back unchanged (a lowerCamelCase
    // round trip would lose `isbn_13`'s underscore).
    (!paths.is_empty()).then(|| paths.join(","))
}

/// Sets `update_mask` to `mask` unless the path or the query string set it.
pub(super) fn fill_update_mask(message: &mut Map<String, Value>, mask: Option<String>) {
    if let Some(mask) = mask {
        if !message.contains_key(UPDATE_MASK) {
            message.insert(UPDATE_MASK.to_string(), Value::String(mask));
        }
    }
}

/// The field paths present in `body`, a JSON value of the message `info`: a nested message's
/// fields recursively, and as leaves maps, repeated fields, well-known types, scalars and empty
/// or null messages. `google.protobuf.Struct` and `Value` contribute their keys' paths, as
/// grpc-gateway's `buildPathsBlindly`. Keys that name no field are left out.
pub(super) fn paths(body: &Value, info: &'static MessageInfo) -> Vec<String> {
    let mut out = Vec::new();
    if let Value::Object(object) = body {
        message_paths(object, info, "", &mut out);
    }
    out.sort();
    out
}

fn message_paths(
    object: &Map<String, Value>,
    info: &'static MessageInfo,
    prefix: &str,
    out: &mut Vec<String>,
) {
    for (key, value) in object {
        let Some(field) = info.field(key) else {
            continue;
        };
        let path = if prefix.is_empty() {
            field.name.to_string()
        } else {
            format!("{prefix}.{}", field.name)
        };
        match field.kind {
            _ if field.repeated || field.map_key.is_some() => out.push(path),
            Kind::Message(next) => match value {
                Value::Object(inner) if !inner.is_empty() => {
                    message_paths(inner, next(), &path, out)
                }
                _ => out.push(path),
            },
            Kind::WellKnown("google.protobuf.Struct" | "google.protobuf.Value") => {
                blind_paths(value, path, out)
            }
            _ => out.push(path),
        }
    }
}

/// The paths into a JSON value without a schema: every key down to a non-object value.
fn blind_paths(value: &Value, path: String, out: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object {
                blind_paths(inner, format!("{path}.{key}"), out);
            }
        }
        _ => out.push(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{FieldInfo, Number};
    use serde_json::json;

    const fn field(name: &'static str, json_name: &'static str, kind: Kind) -> FieldInfo {
        FieldInfo::new(name, json_name, kind)
    }

    fn edition() -> &'static MessageInfo {
        static INFO: MessageInfo = MessageInfo {
            full_name: "t.Edition",
            fields: &[
                field("number", "number", Kind::Number(Number::Int32)),
                field("isbn_13", "isbn13", Kind::Text),
            ],
        };
        &INFO
    }

    fn book() -> &'static MessageInfo {
        static INFO: MessageInfo = MessageInfo {
            full_name: "t.Book",
            fields: &[
                field("display_name", "displayName", Kind::Text),
                field("edition", "edition", Kind::Message(edition)),
                FieldInfo {
                    repeated: true,
                    ..field("tags", "tags", Kind::Text)
                },
                FieldInfo {
                    map_key: Some(Kind::Text),
                    ..field("labels", "labels", Kind::Text)
                },
                field(
                    "published",
                    "published",
                    Kind::WellKnown("google.protobuf.Timestamp"),
                ),
                field("extra", "extra", Kind::WellKnown("google.protobuf.Struct")),
            ],
        };
        &INFO
    }

    #[test]
    fn nested_messages_recurse_and_other_fields_are_leaves() {
        let body = json!({
            "displayName": "x",
            "edition": {"isbn13": "978", "number": 2},
            "tags": ["a"],
            "labels": {"k": "v"},
            "published": "2020-01-01T00:00:00Z",
            "extra": {"a": {"b": 1}, "c": 2},
            "unknown": 1,
        });
        assert_eq!(
            paths(&body, book()),
            [
                "display_name",
                "edition.isbn_13",
                "edition.number",
                "extra.a.b",
                "extra.c",
                "labels",
                "published",
                "tags"
            ]
        );
    }

    #[test]
    fn an_empty_or_null_message_is_a_leaf() {
        assert_eq!(
            paths(&json!({"edition": {}}), book()),
            ["edition"],
            "an empty object clears the message"
        );
        assert_eq!(paths(&json!({"edition": null}), book()), ["edition"]);
        assert!(paths(&json!({}), book()).is_empty());
        assert!(paths(&json!("text"), book()).is_empty());
    }
}
