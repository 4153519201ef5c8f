//! Field tables: rows with JSON names, proto3 JSON types and rules in words.

use super::rules::rule_words;
use super::view::Row;
use super::Docs;
use crate::model::{Cardinality, Enum, Field, FieldType, Meaning, Message, RuleValue};

impl<'a> Docs<'a> {
    pub(super) fn row(&self, name: String, f: &Field, in_path: bool) -> Row {
        let mut notes = vec![f.docs.text.clone()];
        if let Some(oneof) = &f.oneof {
            notes.push(format!(
                "Member of oneof `{oneof}`: set at most one of its fields."
            ));
        }
        for b in &f.behavior {
            match b.as_str() {
                "OUTPUT_ONLY" => notes.push("Output only: ignored in requests.".into()),
                "INPUT_ONLY" => notes.push("Input only: never in responses.".into()),
                "IMMUTABLE" => notes.push("Immutable once set.".into()),
                _ => {}
            }
        }
        let required = in_path
            || f.is_required()
            || matches!(
                f.rule("message", Meaning::Required).map(|r| &r.value),
                Some(RuleValue::Bool(true))
            );
        Row {
            name,
            ty: self.type_words(f),
            required: if required { "yes" } else { "no" },
            constraints: rule_words(&f.rules, self.element_enum(f)).join("; "),
            description: notes.join(" ").trim().to_string(),
        }
    }

    pub(super) fn type_words(&self, f: &Field) -> String {
        match &f.cardinality {
            Cardinality::Single => self.type_name(&f.ty),
            Cardinality::Repeated => format!("array of {}", self.type_name(&f.ty)),
            Cardinality::Map(k, v) => {
                let key = match k {
                    FieldType::String => "string".to_string(),
                    FieldType::Bool => "`\"true\"` or `\"false\"`".to_string(),
                    other => format!("{} as a string", other.proto_name()),
                };
                format!("map of {}, keyed by {key}", self.type_name(v))
            }
        }
    }

    pub(super) fn type_name(&self, ty: &FieldType) -> String {
        use FieldType::*;
        match ty {
            Double | Float => "number".into(),
            Int32 | Sint32 | Sfixed32 | Uint32 | Fixed32 => "integer".into(),
            Int64 | Sint64 | Sfixed64 | Uint64 | Fixed64 => format!("string ({})", ty.proto_name()),
            Bool => "boolean".into(),
            String => "string".into(),
            Bytes => "string (base64 bytes)".into(),
            Enum(name) => match self.api.enumeration(name) {
                Some(e) => format!(
                    "enum: {}",
                    e.values
                        .iter()
                        .map(|(v, _)| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => format!("enum `{name}`"),
            },
            Message(name) if is_wkt(name) => wkt_words(name),
            Message(name) => match self.api.message(name) {
                Some(m) => format!("object [`{}`](#{})", m.name, m.full_name),
                None => format!("object `{name}`"),
            },
        }
    }

    pub(super) fn element_enum(&self, f: &Field) -> Option<&'a Enum> {
        match element_type(f) {
            FieldType::Enum(name) => self.api.enumeration(name),
            _ => None,
        }
    }

    pub(super) fn field_at(&self, msg: &'a Message, path: &[String]) -> Option<&'a Field> {
        let (last, parents) = path.split_last()?;
        let mut current = msg;
        for name in parents {
            let FieldType::Message(t) = &current.field(name)?.ty else {
                return None;
            };
            current = self.api.message(t)?;
        }
        current.field(last)
    }
}

/// The type of a field's values: the element of a repeated field, the value of a map.
pub(super) fn element_type(f: &Field) -> &FieldType {
    match &f.cardinality {
        Cardinality::Map(_, v) => v,
        _ => &f.ty,
    }
}

pub(super) fn is_wkt(full_name: &str) -> bool {
    full_name.starts_with("google.protobuf.")
}

/// Well-known types in their proto3 JSON form.
fn wkt_words(full_name: &str) -> String {
    let name = full_name.trim_start_matches("google.protobuf.");
    match name {
        "Timestamp" => "string (RFC 3339 timestamp)".into(),
        "Duration" => "string (duration in seconds, e.g. `\"1.5s\"`)".into(),
        "FieldMask" => "string (field mask: comma-separated field paths)".into(),
        "Struct" => "object (any JSON object)".into(),
        "Value" => "any JSON value".into(),
        "ListValue" => "array (any JSON values)".into(),
        "Any" => "object (any message, named by `\"@type\"`)".into(),
        "Empty" => "object (empty)".into(),
        "DoubleValue" | "FloatValue" => "number or null".into(),
        "Int32Value" | "UInt32Value" => "integer or null".into(),
        "Int64Value" => "string (int64) or null".into(),
        "UInt64Value" => "string (uint64) or null".into(),
        "BoolValue" => "boolean or null".into(),
        "StringValue" => "string or null".into(),
        "BytesValue" => "string (base64 bytes) or null".into(),
        _ => format!("object `{full_name}`"),
    }
}
