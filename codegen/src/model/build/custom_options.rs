//! Custom options (extensions set on a file's, message's, field's or method's options) as
//! JSON, the form the model keeps them in.

use prost_reflect::{DynamicMessage, Value};

use crate::model::CustomOption;

/// Every extension set on an options message, as JSON.
pub(super) fn custom_options(options: &DynamicMessage) -> Vec<CustomOption> {
    let mut out: Vec<CustomOption> = options
        .extensions()
        .map(|(ext, value)| CustomOption {
            name: ext.full_name().to_string(),
            value: value_json(value),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn value_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Bool(b) => J::Bool(*b),
        Value::I32(v) => (*v).into(),
        Value::I64(v) => J::String(v.to_string()),
        Value::U32(v) => (*v).into(),
        Value::U64(v) => J::String(v.to_string()),
        Value::F32(v) => serde_json::Number::from_f64(*v as f64)
            .map(J::Number)
            .unwrap_or(J::Null),
        Value::F64(v) => serde_json::Number::from_f64(*v)
            .map(J::Number)
            .unwrap_or(J::Null),
        Value::String(s) => J::String(s.clone()),
        Value::Bytes(b) => J::Array(b.iter().map(|x| (*x).into()).collect()),
        Value::EnumNumber(n) => (*n).into(),
        Value::Message(m) => {
            let mut obj = serde_json::Map::new();
            for (f, v) in m.fields() {
                obj.insert(f.json_name().to_string(), value_json(v));
            }
            J::Object(obj)
        }
        Value::List(items) => J::Array(items.iter().map(value_json).collect()),
        Value::Map(map) => {
            // proto3 JSON writes every map key as a string.
            let key = |k: &prost_reflect::MapKey| match k {
                prost_reflect::MapKey::Bool(b) => b.to_string(),
                prost_reflect::MapKey::I32(v) => v.to_string(),
                prost_reflect::MapKey::I64(v) => v.to_string(),
                prost_reflect::MapKey::U32(v) => v.to_string(),
                prost_reflect::MapKey::U64(v) => v.to_string(),
                prost_reflect::MapKey::String(s) => s.clone(),
            };
            let obj: serde_json::Map<String, J> =
                map.iter().map(|(k, v)| (key(k), value_json(v))).collect();
            J::Object(obj)
        }
    }
}
