//! Validation rules read from `(validate.rules)` (PGV) and `(buf.validate.field)`
//! (protovalidate) without knowing their message types: each set field of a rule message
//! becomes one [`Rule`].

use prost_reflect::{DynamicMessage, Kind, ReflectMessage, Value};

use super::predefined::{read_predefined, PredefinedRule};
use crate::diag::{Diagnostic, Location};

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

    /// As a literal the shared emitters and checks read; nested rules are not one.
    pub fn literal(&self) -> Option<protogate_rules::emit::Value> {
        use protogate_rules::emit::Value;
        Some(match self {
            RuleValue::Bool(b) => Value::Bool(*b),
            RuleValue::Int(i) => Value::Int(i128::from(*i)),
            RuleValue::Uint(u) => Value::Int(i128::from(*u)),
            RuleValue::Float(f) => Value::Float(*f),
            RuleValue::Str(s) => Value::Text(s.clone()),
            RuleValue::Bytes(b) => Value::Bytes(b.clone()),
            RuleValue::Time(seconds, nanos) => Value::Time {
                seconds: *seconds,
                nanos: *nanos,
            },
            RuleValue::List(items) => {
                Value::List(items.iter().filter_map(RuleValue::literal).collect())
            }
            RuleValue::Rules(_) => return None,
        })
    }

    /// As a string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            RuleValue::Str(s) => Some(s),
            _ => None,
        }
    }
}

pub use protogate_rules::catalogue::meaning::{Element, Format, Limit, Measure, Side, TextRule};
pub use protogate_rules::catalogue::{Dialect, Meaning};

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
    /// The option it comes from.
    pub dialect: Dialect,
}

impl Rule {
    /// `family.name`, the id used in violations.
    pub fn id(&self) -> String {
        format!("{}.{}", self.family, self.name)
    }

    /// What the rule means, from the catalogue; `None` for a rule the catalogue does not know.
    pub fn meaning(&self) -> Option<Meaning> {
        protogate_rules::catalogue::meaning(&self.family, &self.name)
    }
}

/// The value of the first rule meaning `meaning`, if there is one.
pub fn value_of(rules: &[Rule], meaning: Meaning) -> Option<&RuleValue> {
    rules
        .iter()
        .find(|r| r.meaning() == Some(meaning))
        .map(|r| &r.value)
}

/// protovalidate's `IGNORE_IF_ZERO_VALUE`: the rules hold only for a set value.
pub const IGNORE_IF_ZERO_VALUE: i64 = 1;
/// protovalidate's `IGNORE_ALWAYS`: the field is never validated.
pub const IGNORE_ALWAYS: i64 = 3;

/// Whether the rules hold only for a non-empty value (PGV's `ignore_empty`,
/// protovalidate's `IGNORE_IF_ZERO_VALUE`).
pub fn ignores_empty(rules: &[Rule]) -> bool {
    rules.iter().any(|r| match (r.meaning(), &r.value) {
        (Some(Meaning::IgnoreEmpty), RuleValue::Bool(true)) => true,
        (Some(Meaning::Ignore), RuleValue::Int(n)) => *n == IGNORE_IF_ZERO_VALUE,
        _ => false,
    })
}

/// Whether the rules switch validation off entirely (protovalidate's `IGNORE_ALWAYS`).
pub fn ignored_always(rules: &[Rule]) -> bool {
    rules
        .iter()
        .any(|r| r.meaning() == Some(Meaning::Ignore) && r.value == RuleValue::Int(IGNORE_ALWAYS))
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
            let value = match rule_value(value, &|m| RuleValue::Rules(read_field_rules(m, locate)))
            {
                Some(v) => v,
                None => continue,
            };
            out.push(Rule {
                family: family.clone(),
                name: rule_field.name().to_string(),
                value,
                location,
                dialect: Dialect::Pgv,
            });
        }
    }
    out
}

/// A protovalidate rule the generator cannot enforce (a CEL expression or a predefined
/// extension rule): what it is called and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct UnsupportedRule {
    /// The rule's id (or the extension's name).
    pub name: String,
    /// The expression, when there is one.
    pub expression: String,
    /// The rule's message (CEL rules), possibly empty.
    pub message: String,
    /// Where it is written.
    pub location: Location,
    /// The element rules it sits in (`items`, `keys`, `values`), when it is not on the field
    /// itself.
    pub element: Option<String>,
    /// Its position in its list of rules (`cel[1]`).
    pub index: usize,
}

/// A protovalidate `cel` (or `cel_expression`) rule, compiled to Rust by protogate-cel.
#[derive(Debug, Clone, PartialEq)]
pub struct CelRule {
    /// The rule id reported on violation (`cel_expression` rules use their expression).
    pub id: String,
    /// The message reported when the expression yields `false`.
    pub message: String,
    /// The CEL expression.
    pub expression: String,
    /// Where it is written.
    pub location: Location,
    /// Written as a `cel_expression` string rather than a `cel` rule message.
    pub shorthand: bool,
    /// Its position in its list (`cel[1]`, `cel_expression[0]`).
    pub index: usize,
    /// The element rules it sits in (`items`, `keys`, `values`), where `this` is each list
    /// item, map key or map value; `None` for a rule on the field (or message) itself.
    pub element: Option<String>,
}

impl UnsupportedRule {
    /// The CEL rule this is, when it has an expression (not a predefined rule).
    pub fn as_cel(&self) -> Option<CelRule> {
        if self.expression.is_empty() {
            return None;
        }
        let id = if self.name == "cel_expression" {
            self.expression.clone()
        } else {
            self.name.clone()
        };
        Some(CelRule {
            id,
            message: self.message.clone(),
            expression: self.expression.clone(),
            location: self.location.clone(),
            shorthand: self.name == "cel_expression",
            index: self.index,
            element: self.element.clone(),
        })
    }

    /// The generation-time warning for it; `on` names the field or message.
    pub fn diagnostic(&self, on: &str) -> Diagnostic {
        let what = if self.expression.is_empty() {
            format!("predefined rule `{}`", self.name)
        } else {
            format!("custom CEL rule `{}` (`{}`)", self.name, self.expression)
        };
        Diagnostic::warning(
            crate::check::unenforced::CODE,
            self.location.clone(),
            match &self.element {
                None => format!("{what} on `{on}` is not enforced by this protogate version"),
                Some(element) => format!(
                    "{what} on the {element} of `{on}` is not enforced by this protogate version"
                ),
            },
        )
        .hint("protogate generates the standard protovalidate rules only; enforce this one in the handler")
    }
}

/// Reads a `buf.validate.FieldRules` message of a field whose own rules belong to `family`
/// (`string`, `repeated`, `message`, …); `element` gives the families of list items and of map
/// keys and values. Field-level `required` and `ignore` become rules of `family`; predefined
/// rules go to `predefined`; CEL rules, and predefined rules the generator cannot read, are
/// returned as unsupported.
pub fn read_pv_field_rules(
    rules: &DynamicMessage,
    family: &str,
    element: &dyn Fn(&str) -> String,
    locate: &dyn Fn(&[i32]) -> Location,
    unsupported: &mut Vec<UnsupportedRule>,
    predefined: &mut Vec<PredefinedRule>,
) -> Vec<Rule> {
    let mut out = Vec::new();
    for (field, value) in rules.fields() {
        let location = locate(&[field.number() as i32]);
        match (field.name(), value) {
            ("cel", Value::List(items)) => {
                for (index, item) in items.iter().enumerate() {
                    if let Value::Message(m) = item {
                        unsupported.push(UnsupportedRule {
                            index,
                            ..cel_rule(m, location.clone())
                        });
                    }
                }
            }
            ("cel_expression", Value::List(items)) => {
                for (index, item) in items.iter().enumerate() {
                    if let Value::String(e) = item {
                        unsupported.push(UnsupportedRule {
                            name: "cel_expression".into(),
                            expression: e.clone(),
                            message: String::new(),
                            location: location.clone(),
                            element: None,
                            index,
                        });
                    }
                }
            }
            (name @ ("required" | "ignore"), value) => {
                if let Some(value) = rule_value(value, &|_| RuleValue::Bool(false)) {
                    out.push(Rule {
                        family: family.to_string(),
                        name: name.to_string(),
                        value,
                        location,
                        dialect: Dialect::Protovalidate,
                    });
                }
            }
            (fam, Value::Message(family_msg)) => {
                for (ext, value) in family_msg.extensions() {
                    let at = locate(&[field.number() as i32, ext.number() as i32]);
                    match read_predefined(&ext, value, family_msg, fam, at) {
                        Ok(rule) => predefined.push(rule),
                        Err(rule) => unsupported.push(rule),
                    }
                }
                for (rule_field, value) in family_msg.fields() {
                    let at = locate(&[field.number() as i32, rule_field.number() as i32]);
                    let nested_family = element(rule_field.name());
                    let inner = std::cell::RefCell::new(Vec::new());
                    let inner_predefined = std::cell::RefCell::new(Vec::new());
                    let nested = |m: &DynamicMessage| {
                        RuleValue::Rules(read_pv_field_rules(
                            m,
                            &nested_family,
                            &|_| "message".to_string(),
                            locate,
                            &mut inner.borrow_mut(),
                            &mut inner_predefined.borrow_mut(),
                        ))
                    };
                    let value = rule_value(value, &nested);
                    unsupported.extend(inner.into_inner().into_iter().map(|mut rule| {
                        rule.element
                            .get_or_insert_with(|| rule_field.name().to_string());
                        rule
                    }));
                    predefined.extend(inner_predefined.into_inner().into_iter().map(|mut rule| {
                        rule.element
                            .get_or_insert_with(|| rule_field.name().to_string());
                        rule
                    }));
                    if let Some(value) = value {
                        out.push(Rule {
                            family: fam.to_string(),
                            name: rule_field.name().to_string(),
                            value,
                            location: at,
                            dialect: Dialect::Protovalidate,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Reads a `buf.validate.MessageRules` message: its `oneof` rules, and the rules protogate
/// cannot enforce (CEL expressions), returned as unsupported.
pub fn read_pv_message_rules(
    rules: &DynamicMessage,
    locate: &dyn Fn(&[i32]) -> Location,
) -> (Vec<crate::model::MessageOneof>, Vec<UnsupportedRule>) {
    let mut oneofs = Vec::new();
    let mut unsupported = Vec::new();
    for (field, value) in rules.fields() {
        let Value::List(items) = value else {
            continue;
        };
        for (index, item) in items.iter().enumerate() {
            let location = locate(&[field.number() as i32, index as i32]);
            match (field.name(), item) {
                ("cel", Value::Message(m)) => unsupported.push(UnsupportedRule {
                    index,
                    ..cel_rule(m, location)
                }),
                ("cel_expression", Value::String(e)) => unsupported.push(UnsupportedRule {
                    name: "cel_expression".into(),
                    expression: e.clone(),
                    message: String::new(),
                    location,
                    element: None,
                    index,
                }),
                ("oneof", Value::Message(m)) => {
                    let fields: Vec<String> = m
                        .get_field_by_name("fields")
                        .and_then(|v| {
                            v.as_list().map(|l| {
                                l.iter()
                                    .filter_map(|s| s.as_str().map(str::to_string))
                                    .collect()
                            })
                        })
                        .unwrap_or_default();
                    let required = m
                        .get_field_by_name("required")
                        .and_then(|v| v.as_bool())
                        .unwrap_or(false);
                    oneofs.push(crate::model::MessageOneof {
                        fields,
                        required,
                        location,
                    });
                }
                _ => {}
            }
        }
    }
    (oneofs, unsupported)
}

fn cel_rule(m: &DynamicMessage, location: Location) -> UnsupportedRule {
    let text = |name: &str| {
        m.get_field_by_name(name)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    UnsupportedRule {
        name: text("id"),
        expression: text("expression"),
        message: text("message"),
        location,
        element: None,
        index: 0,
    }
}

/// The nested rules `family.name` holds for a value's elements (`repeated.items`, `map.keys`,
/// `map.values`); none when it has no such rule.
pub fn nested_rules<'r>(rules: &'r [Rule], family: &str, name: &str) -> &'r [Rule] {
    rules
        .iter()
        .find_map(|r| match &r.value {
            RuleValue::Rules(inner) if r.family == family && r.name == name => {
                Some(inner.as_slice())
            }
            _ => None,
        })
        .unwrap_or(&[])
}

/// `text` as a regular expression matching it literally, in the syntax JSON Schema's `pattern`
/// uses (ECMA-262): only the syntax characters are escaped, which RE2 reads the same way.
pub fn literal_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        if "^$\\.*+?()[]{}|".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The fewest base64 characters `n` bytes take in JSON (unpadded).
pub fn base64_min(n: u64) -> u64 {
    (4 * n).div_ceil(3)
}

/// The most base64 characters `n` bytes take in JSON (padded).
pub fn base64_max(n: u64) -> u64 {
    4 * n.div_ceil(3)
}

/// The rule family a field of this kind takes (besides `message` presence rules).
pub fn family_of_kind(kind: &Kind) -> String {
    match kind {
        Kind::Double => "double".into(),
        Kind::Float => "float".into(),
        Kind::Int32 => "int32".into(),
        Kind::Int64 => "int64".into(),
        Kind::Uint32 => "uint32".into(),
        Kind::Uint64 => "uint64".into(),
        Kind::Sint32 => "sint32".into(),
        Kind::Sint64 => "sint64".into(),
        Kind::Fixed32 => "fixed32".into(),
        Kind::Fixed64 => "fixed64".into(),
        Kind::Sfixed32 => "sfixed32".into(),
        Kind::Sfixed64 => "sfixed64".into(),
        Kind::Bool => "bool".into(),
        Kind::String => "string".into(),
        Kind::Bytes => "bytes".into(),
        Kind::Enum(_) => "enum".into(),
        Kind::Message(m) => match m.full_name() {
            "google.protobuf.Duration" => "duration".into(),
            "google.protobuf.Timestamp" => "timestamp".into(),
            "google.protobuf.Any" => "any".into(),
            "google.protobuf.FieldMask" => "field_mask".into(),
            _ => "message".into(),
        },
    }
}

fn rule_value(value: &Value, nested: &dyn Fn(&DynamicMessage) -> RuleValue) -> Option<RuleValue> {
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
            RuleValue::List(items.iter().filter_map(|v| rule_value(v, nested)).collect())
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
                "google.protobuf.FieldMask" => RuleValue::List(
                    m.get_field_by_name("paths")
                        .and_then(|v| {
                            v.as_list().map(|l| {
                                l.iter()
                                    .filter_map(|s| s.as_str().map(|s| RuleValue::Str(s.into())))
                                    .collect()
                            })
                        })
                        .unwrap_or_default(),
                ),
                _ => nested(m),
            }
        }
        Value::Map(_) => return None,
    })
}
