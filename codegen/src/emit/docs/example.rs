//! JSON examples built from the schema: the document's examples where it has them, values
//! synthesized from the proto types and rules otherwise, keys in proto field order.

use std::collections::BTreeSet;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

use super::fields::{element_type, is_wkt};
use super::Docs;
use crate::model::rules::value_of as find;
use crate::model::{
    Cardinality, Element, Field, FieldType, Format, Limit, Meaning, Measure, Message, Rule,
    RuleValue, Side, TextRule,
};

/// The proto option whose `example` (a JSON text) documents a field.
const FIELD_OPTION: &str = "grpc.gateway.protoc_gen_openapiv2.options.openapiv2_field";

/// A JSON example whose object keys keep the order they were built in (proto field order),
/// whatever order `serde_json::Map` keeps.
pub(super) enum Ex {
    Json(Value),
    Arr(Vec<Ex>),
    Obj(Vec<(String, Ex)>),
}

impl Serialize for Ex {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Ex::Json(v) => v.serialize(s),
            Ex::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                items.iter().try_for_each(|i| seq.serialize_element(i))?;
                seq.end()
            }
            Ex::Obj(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                entries
                    .iter()
                    .try_for_each(|(k, v)| map.serialize_entry(k, v))?;
                map.end()
            }
        }
    }
}

impl Ex {
    pub(super) fn pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub(super) fn compact(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The grpc-gateway error body.
    pub(super) fn status(code: i64, message: String) -> Ex {
        Ex::Obj(vec![
            ("code".into(), Ex::Json(code.into())),
            ("message".into(), text(message)),
            ("details".into(), Ex::Arr(Vec::new())),
        ])
    }

    /// The grpc-gateway error body of a request that breaks `field`'s rule: InvalidArgument
    /// with PGV's text and a `google.rpc.BadRequest` naming the field.
    pub(super) fn bad_request(field: String, message: String) -> Ex {
        let violation = Ex::Obj(vec![
            ("field".into(), text(field)),
            ("description".into(), text(message.clone())),
        ]);
        let detail = Ex::Obj(vec![
            (
                "@type".into(),
                text("type.googleapis.com/google.rpc.BadRequest"),
            ),
            ("fieldViolations".into(), Ex::Arr(vec![violation])),
        ]);
        Ex::Obj(vec![
            ("code".into(), Ex::Json(3.into())),
            ("message".into(), text(message)),
            ("details".into(), Ex::Arr(vec![detail])),
        ])
    }
}

pub(super) fn text(s: impl Into<String>) -> Ex {
    Ex::Json(Value::String(s.into()))
}

/// Which fields an example shows. A short example (a request) keeps the fields a caller must
/// set or that have a documented example; `skip` and `force` apply to the top level only.
#[derive(Clone, Copy)]
pub(super) struct Pick<'p> {
    pub(super) short: bool,
    pub(super) skip: &'p [String],
    pub(super) force: &'p [String],
}

impl Pick<'_> {
    pub(super) const FULL: Pick<'static> = Pick {
        short: false,
        skip: &[],
        force: &[],
    };
}

impl<'a> Docs<'a> {
    pub(super) fn message_example(
        &self,
        msg: &Message,
        schema: Option<&'a Value>,
        pick: Pick<'_>,
        stack: &mut Vec<String>,
    ) -> Ex {
        if let Some(example) = schema
            .and_then(schema_example)
            .filter(|_| pick.skip.is_empty())
        {
            return self.ordered(example, Some(msg));
        }
        let mut oneofs = BTreeSet::new();
        let mut entries = Vec::new();
        for f in &msg.fields {
            let prop = self
                .property(schema, &f.json_name)
                .or_else(|| self.property(schema, &f.name));
            let shown = !pick.short
                || pick.force.contains(&f.name)
                || f.needs_value()
                || self.explicit_example(f, prop).is_some();
            // JSON carries one member of a oneof; the first one shown stands for the others.
            if pick.skip.contains(&f.name)
                || !shown
                || f.oneof.as_ref().is_some_and(|o| !oneofs.insert(o.clone()))
            {
                continue;
            }
            entries.push((
                f.json_name.clone(),
                self.field_example(f, prop, pick.short, stack),
            ));
        }
        Ex::Obj(entries)
    }

    pub(super) fn field_example(
        &self,
        f: &Field,
        prop: Option<&'a Value>,
        short: bool,
        stack: &mut Vec<String>,
    ) -> Ex {
        if let Some(v) = self.explicit_example(f, prop) {
            return self.ordered_field(&v, f);
        }
        let inner = |key: &str| prop.and_then(|p| p.get(key)).map(|s| self.resolve(s));
        let items = element_rules(f);
        match &f.cardinality {
            Cardinality::Single => self.value_example(&f.ty, prop, &f.rules, short, stack),
            Cardinality::Repeated => Ex::Arr(vec![self.value_example(
                &f.ty,
                inner("items"),
                &items,
                short,
                stack,
            )]),
            Cardinality::Map(k, v) => {
                let key = match k {
                    FieldType::String => "key",
                    FieldType::Bool => "true",
                    _ => "1",
                };
                Ex::Obj(vec![(
                    key.into(),
                    self.value_example(v, inner("additionalProperties"), &items, short, stack),
                )])
            }
        }
    }

    pub(super) fn value_example(
        &self,
        ty: &FieldType,
        schema: Option<&'a Value>,
        rules: &[Rule],
        short: bool,
        stack: &mut Vec<String>,
    ) -> Ex {
        use FieldType::*;
        let listed =
            find(rules, Meaning::Const)
                .cloned()
                .or_else(|| match find(rules, Meaning::In) {
                    Some(RuleValue::List(items)) => items.first().cloned(),
                    _ => None,
                });
        match ty {
            Message(name) if is_wkt(name) => wkt_example(name),
            Message(name) => match self
                .api
                .message(name)
                .filter(|_| !stack.contains(name) && stack.len() < super::MAX_NESTING)
            {
                Some(m) => {
                    stack.push(name.clone());
                    let ex = self.message_example(
                        m,
                        schema,
                        Pick {
                            short,
                            ..Pick::FULL
                        },
                        stack,
                    );
                    stack.pop();
                    ex
                }
                None => Ex::Obj(Vec::new()),
            },
            Enum(name) => {
                let values = self
                    .api
                    .enumeration(name)
                    .map(|e| e.values.as_slice())
                    .unwrap_or_default();
                let chosen = match listed {
                    Some(RuleValue::Int(n)) => values.iter().find(|(_, v)| i64::from(*v) == n),
                    _ => values.iter().find(|(_, v)| *v != 0).or(values.first()),
                };
                chosen
                    .map(|(v, _)| text(v.as_str()))
                    .unwrap_or(Ex::Json(0.into()))
            }
            String => text(
                listed
                    .as_ref()
                    .and_then(RuleValue::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| string_example(rules)),
            ),
            Bytes => text("aGVsbG8="),
            Bool => Ex::Json(Value::Bool(false)),
            Double | Float => Ex::Json(
                serde_json::Number::from_f64(number(rules, listed, 1.5))
                    .map_or(Value::Null, Value::Number),
            ),
            Int64 | Sint64 | Sfixed64 | Uint64 | Fixed64 => {
                text((number(rules, listed, 2.0) as i128).to_string())
            }
            _ => Ex::Json((number(rules, listed, 2.0) as i64).into()),
        }
    }

    /// A field's example from the document's property, else from its `openapiv2_field` option.
    pub(super) fn explicit_example(&self, f: &Field, prop: Option<&Value>) -> Option<Value> {
        if let Some(v) = prop.and_then(schema_example) {
            return Some(v.clone());
        }
        let json = f
            .options
            .iter()
            .find(|o| o.name == FIELD_OPTION)?
            .value
            .get("example")?
            .as_str()?;
        Some(serde_json::from_str(json).unwrap_or_else(|_| Value::String(json.to_string())))
    }

    /// A document example with object keys in proto field order, unknown keys sorted after.
    pub(super) fn ordered(&self, v: &Value, msg: Option<&Message>) -> Ex {
        match (v, msg) {
            (Value::Object(map), Some(m)) => {
                let mut taken = BTreeSet::new();
                let mut entries = Vec::new();
                for f in &m.fields {
                    let Some(key) = [&f.json_name, &f.name]
                        .into_iter()
                        .find(|k| map.contains_key(k.as_str()))
                    else {
                        continue;
                    };
                    taken.insert(key.clone());
                    entries.push((key.clone(), self.ordered_field(&map[key.as_str()], f)));
                }
                let rest = map.iter().filter(|(k, _)| !taken.contains(*k));
                entries.extend(sorted(
                    rest.map(|(k, v)| (k.clone(), self.ordered(v, None)))
                        .collect(),
                ));
                Ex::Obj(entries)
            }
            (Value::Object(map), None) => Ex::Obj(sorted(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.ordered(v, None)))
                    .collect(),
            )),
            (Value::Array(items), _) => {
                Ex::Arr(items.iter().map(|i| self.ordered(i, msg)).collect())
            }
            (other, _) => Ex::Json(other.clone()),
        }
    }

    pub(super) fn ordered_field(&self, v: &Value, f: &Field) -> Ex {
        let inner = match element_type(f) {
            FieldType::Message(name) => self.api.message(name),
            _ => None,
        };
        match (&f.cardinality, v) {
            (Cardinality::Map(..), Value::Object(map)) => Ex::Obj(sorted(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.ordered(v, inner)))
                    .collect(),
            )),
            _ => self.ordered(v, inner),
        }
    }
}

fn sorted(mut entries: Vec<(String, Ex)>) -> Vec<(String, Ex)> {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries
}

/// The rules of a repeated field's items or a map's values.
fn element_rules(f: &Field) -> Vec<Rule> {
    f.rules
        .iter()
        .filter(|r| {
            matches!(
                r.meaning(),
                Some(Meaning::Elements(Element::Items | Element::Values))
            )
        })
        .flat_map(|r| match &r.value {
            RuleValue::Rules(inner) => inner.clone(),
            _ => Vec::new(),
        })
        .collect()
}

/// A string that passes the field's length, affix and format rules (patterns aside).
fn string_example(rules: &[Rule]) -> String {
    let flag = |format| find(rules, Meaning::Format(format)) == Some(&RuleValue::Bool(true));
    for (format, example) in [
        (Format::Email, "user@example.com"),
        (Format::Hostname, "example.com"),
        (Format::Uri, "https://example.com"),
        (Format::UriRef, "https://example.com"),
        (Format::Ipv6, "2001:db8::1"),
        (Format::Ip, "192.0.2.1"),
        (Format::Ipv4, "192.0.2.1"),
        (Format::Address, "example.com"),
        (Format::Uuid, "0b5d7f9e-2c1a-4e3b-9f6d-8a7c5e4b3a21"),
    ] {
        if flag(format) {
            return example.into();
        }
    }
    let affix = |rule| {
        find(rules, Meaning::Text(rule))
            .and_then(RuleValue::as_str)
            .unwrap_or("")
    };
    let body = match affix(TextRule::Contains) {
        "" => "string",
        contained => contained,
    };
    let (prefix, suffix) = (affix(TextRule::Prefix), affix(TextRule::Suffix));
    let mut out: Vec<char> = format!("{prefix}{body}{suffix}").chars().collect();
    let size = |limit| {
        find(rules, Meaning::Size(Measure::Characters, limit))
            .and_then(RuleValue::as_u64)
            .map(|n| n as usize)
    };
    let len = size(Limit::Exact);
    let min = len.or(size(Limit::Min)).unwrap_or(0);
    let max = len.or(size(Limit::Max));
    while out.len() < min {
        out.push('x');
    }
    if let Some(max) = max {
        out.truncate(max);
    }
    out.into_iter().collect()
}

/// `base`, moved into the rule bounds; a `const` or first `in` value wins.
fn number(rules: &[Rule], listed: Option<RuleValue>, base: f64) -> f64 {
    let value = |v: &RuleValue| match v {
        RuleValue::Int(n) => Some(*n as f64),
        RuleValue::Uint(n) => Some(*n as f64),
        RuleValue::Float(n) => Some(*n),
        _ => None,
    };
    if let Some(n) = listed.as_ref().and_then(value) {
        return n;
    }
    let bound = |side, inclusive| find(rules, Meaning::Bound(side, inclusive)).and_then(value);
    let mut n = base;
    if let Some(lo) = bound(Side::Lower, true).or(bound(Side::Lower, false).map(|v| v + 1.0)) {
        n = n.max(lo);
    }
    if let Some(hi) = bound(Side::Upper, true).or(bound(Side::Upper, false).map(|v| v - 1.0)) {
        n = n.min(hi);
    }
    n
}

fn wkt_example(name: &str) -> Ex {
    match name.trim_start_matches("google.protobuf.") {
        "Timestamp" => text("2024-01-01T00:00:00Z"),
        "Duration" => text("3600s"),
        "FieldMask" => text("name"),
        "Struct" => Ex::Obj(vec![("key".into(), text("value"))]),
        "Value" => text("value"),
        "ListValue" => Ex::Arr(vec![text("value")]),
        "Any" => Ex::Obj(vec![
            (
                "@type".into(),
                text("type.googleapis.com/google.protobuf.Empty"),
            ),
            ("value".into(), Ex::Obj(Vec::new())),
        ]),
        "DoubleValue" | "FloatValue" => Ex::Json(serde_json::json!(1.5)),
        "Int64Value" | "UInt64Value" => text("2"),
        "Int32Value" | "UInt32Value" => Ex::Json(2.into()),
        "BoolValue" => Ex::Json(Value::Bool(false)),
        "StringValue" => text("string"),
        "BytesValue" => text("aGVsbG8="),
        _ => Ex::Obj(Vec::new()),
    }
}

/// A schema's example: `example`, or the first of OpenAPI 3.1's `examples`.
fn schema_example(schema: &Value) -> Option<&Value> {
    schema.get("example").or_else(|| {
        schema
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|list| list.first())
    })
}
