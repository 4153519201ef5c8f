//! grpc-gateway v2's `EmitUnpopulated`: an answer written with every field of its message,
//! unset ones as protojson writes them (`0`, `"0"` for 64-bit integers, `""`, `false`, the
//! enum's first name, `[]`, `{}`, `null` for a message), never a oneof member or a proto3
//! `optional` field. Fields are written in declaration order.

use serde_json::{Map, Value};

use crate::schema::{FieldInfo, Kind, MessageInfo, Number};

/// The JSON text of `json`, a message of type `info` (or, with `key`, its field of that JSON
/// name), with its unpopulated fields written.
pub(super) fn to_bytes(json: &Value, info: &'static MessageInfo, key: Option<&str>) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    match key {
        None => value(&mut out, json, Some(info)),
        Some(key) => match info.fields.iter().find(|f| f.json_name == key) {
            Some(field) => match json.get(key) {
                Some(v) => field_value(&mut out, v, field),
                None => default(&mut out, field),
            },
            None => value(&mut out, json.get(key).unwrap_or(&Value::Null), None),
        },
    }
    out
}

/// A value; an object is written as a message of `info` when there is one.
fn value(out: &mut Vec<u8>, json: &Value, info: Option<&'static MessageInfo>) {
    match (json, info) {
        (Value::Object(map), Some(info)) => message(out, map, info),
        _ => plain(out, json),
    }
}

fn message(out: &mut Vec<u8>, map: &Map<String, Value>, info: &'static MessageInfo) {
    out.push(b'{');
    let mut first = true;
    let mut separate = |out: &mut Vec<u8>| {
        if !std::mem::take(&mut first) {
            out.push(b',');
        }
    };
    for field in info.fields {
        match map.get(field.json_name) {
            Some(v) => {
                separate(out);
                plain(out, &Value::String(field.json_name.to_string()));
                out.push(b':');
                field_value(out, v, field);
            }
            None if !field.oneof => {
                separate(out);
                plain(out, &Value::String(field.json_name.to_string()));
                out.push(b':');
                default(out, field);
            }
            None => {}
        }
    }
    // Anything the table does not name (there should be nothing) is kept as it is.
    for (k, v) in map {
        if !info.fields.iter().any(|f| f.json_name == k) {
            separate(out);
            plain(out, &Value::String(k.clone()));
            out.push(b':');
            plain(out, v);
        }
    }
    out.push(b'}');
}

/// A populated field: messages (in a list or a map too) are written with their own fields.
fn field_value(out: &mut Vec<u8>, json: &Value, field: &FieldInfo) {
    let Kind::Message(next) = field.kind else {
        return plain(out, json);
    };
    let info = next();
    match json {
        Value::Array(items) if field.repeated => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                value(out, item, Some(info));
            }
            out.push(b']');
        }
        Value::Object(entries) if field.map_key.is_some() => {
            out.push(b'{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                plain(out, &Value::String(k.clone()));
                out.push(b':');
                value(out, v, Some(info));
            }
            out.push(b'}');
        }
        _ => value(out, json, Some(info)),
    }
}

/// An unpopulated field's value.
fn default(out: &mut Vec<u8>, field: &FieldInfo) {
    let text: &[u8] = if field.map_key.is_some() {
        b"{}"
    } else if field.repeated {
        b"[]"
    } else {
        match field.kind {
            Kind::Number(Number::Int64 | Number::UInt64) => b"\"0\"",
            Kind::Number(_) => b"0",
            Kind::Bool => b"false",
            Kind::Text => b"\"\"",
            Kind::Enum(values) => {
                return match values.first() {
                    Some((name, _)) => plain(out, &Value::String((*name).to_string())),
                    None => out.push(b'0'),
                }
            }
            Kind::Message(_) | Kind::WellKnown(_) => b"null",
        }
    };
    out.extend_from_slice(text);
}

/// A JSON value as serde_json writes it (it cannot fail on a `Value`).
fn plain(out: &mut Vec<u8>, json: &Value) {
    if let Err(e) = serde_json::to_writer(&mut *out, json) {
        tracing::error!(error = %e, "writing a JSON value");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static INNER: MessageInfo = MessageInfo {
        full_name: "t.Inner",
        fields: &[FieldInfo {
            name: "serial",
            json_name: "serial",
            kind: Kind::Number(Number::UInt64),
            repeated: false,
            map_key: None,
            oneof: false,
        }],
    };

    static OUTER: MessageInfo = MessageInfo {
        full_name: "t.Outer",
        fields: &[
            FieldInfo {
                name: "name",
                json_name: "name",
                kind: Kind::Text,
                repeated: false,
                map_key: None,
                oneof: false,
            },
            FieldInfo {
                name: "inner",
                json_name: "inner",
                kind: Kind::Message(|| &INNER),
                repeated: false,
                map_key: None,
                oneof: false,
            },
            FieldInfo {
                name: "inners",
                json_name: "inners",
                kind: Kind::Message(|| &INNER),
                repeated: true,
                map_key: None,
                oneof: false,
            },
            FieldInfo {
                name: "color",
                json_name: "color",
                kind: Kind::Enum(&[("COLOR_UNSPECIFIED", 0), ("RED", 1)]),
                repeated: false,
                map_key: None,
                oneof: false,
            },
            FieldInfo {
                name: "text",
                json_name: "text",
                kind: Kind::Text,
                repeated: false,
                map_key: None,
                oneof: true,
            },
        ],
    };

    fn text(json: Value) -> String {
        String::from_utf8(to_bytes(&json, &OUTER, None)).unwrap()
    }

    #[test]
    fn unset_fields_get_their_defaults_in_declaration_order() {
        assert_eq!(
            text(json!({})),
            r#"{"name":"","inner":null,"inners":[],"color":"COLOR_UNSPECIFIED"}"#
        );
        assert_eq!(
            text(json!({"inners": [{}], "inner": {}, "text": "t"})),
            r#"{"name":"","inner":{"serial":"0"},"inners":[{"serial":"0"}],"color":"COLOR_UNSPECIFIED","text":"t"}"#
        );
    }
}
