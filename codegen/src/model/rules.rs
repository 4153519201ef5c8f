//! Validation rules read from `(validate.rules)` without knowing PGV's message types:
//! each set field of a rule message becomes one [`Rule`].

use prost_reflect::{DynamicMessage, ReflectMessage, Value};

use crate::diag::Location;

/// A rule value.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleValue {
    /// A flag or bool bound.
    Bool(bool),
    /// A signed integer (also enum numbers).
    Int(i64),
    /// An unsigned integer.
    Uint(u64),
    /// A float or double.
    Float(f64),
    /// A string.
    Str(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// A duration or timestamp: seconds and nanos.
    Time(i64, i32),
    /// `in` / `not_in`.
    List(Vec<RuleValue>),
    /// Nested rules (`repeated.items`, `map.keys`, `map.values`).
    Rules(Vec<Rule>),
}

impl RuleValue {
    /// As an unsigned integer, if it is one.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            RuleValue::Uint(v) => Some(*v),
            RuleValue::Int(v) if *v >= 0 => Some(*v as u64),
            _ => None,
        }
    }

    /// As a string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            RuleValue::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// One rule, e.g. `string.min_len = 1`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The rule family: `string`, `int32`, `repeated`, `message`, …
    pub family: String,
    /// The rule: `min_len`, `prefix`, `required`, …
    pub name: String,
    /// Its value.
    pub value: RuleValue,
    /// Where it is written.
    pub location: Location,
}

impl Rule {
    /// `family.name`, the id used in violations.
    pub fn id(&self) -> String {
        format!("{}.{}", self.family, self.name)
    }
}

/// Reads a `validate.FieldRules` message. `locate` maps a rule (family field number,
/// rule field number) to its location.
pub fn read_field_rules(rules: &DynamicMessage, locate: &dyn Fn(&[i32]) -> Location) -> Vec<Rule> {
    let mut out = Vec::new();
    for (family_field, family_value) in rules.fields() {
        let family = family_field.name().to_string();
        let Value::Message(family_msg) = family_value else {
            continue;
        };
        for (rule_field, value) in family_msg.fields() {
            let location = locate(&[family_field.number() as i32, rule_field.number() as i32]);
            let value = match rule_value(value, locate) {
                Some(v) => v,
                None => continue,
            };
            out.push(Rule {
                family: family.clone(),
                name: rule_field.name().to_string(),
                value,
                location,
            });
        }
    }
    out
}

fn rule_value(value: &Value, locate: &dyn Fn(&[i32]) -> Location) -> Option<RuleValue> {
    Some(match value {
        Value::Bool(b) => RuleValue::Bool(*b),
        Value::I32(v) => RuleValue::Int(*v as i64),
        Value::I64(v) => RuleValue::Int(*v),
        Value::U32(v) => RuleValue::Uint(*v as u64),
        Value::U64(v) => RuleValue::Uint(*v),
        Value::F32(v) => RuleValue::Float(*v as f64),
        Value::F64(v) => RuleValue::Float(*v),
        Value::String(s) => RuleValue::Str(s.clone()),
        Value::Bytes(b) => RuleValue::Bytes(b.to_vec()),
        Value::EnumNumber(n) => RuleValue::Int(*n as i64),
        Value::List(items) => {
            RuleValue::List(items.iter().filter_map(|v| rule_value(v, locate)).collect())
        }
        Value::Message(m) => {
            let full = m.descriptor().full_name().to_string();
            match full.as_str() {
                "google.protobuf.Duration" | "google.protobuf.Timestamp" => {
                    let seconds = m
                        .get_field_by_name("seconds")
                        .and_then(|v| v.as_i64())
                        .unwrap_or(0);
                    let nanos = m
                        .get_field_by_name("nanos")
                        .and_then(|v| v.as_i32())
                        .unwrap_or(0);
                    RuleValue::Time(seconds, nanos)
                }
                _ => RuleValue::Rules(read_field_rules(m, locate)),
            }
        }
        Value::Map(_) => return None,
    })
}
