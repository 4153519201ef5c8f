//! protovalidate's predefined rules: extensions of a `buf.validate` rules message (`extend
//! buf.validate.StringRules { optional bool is_foo = 1161 [(buf.validate.predefined).cel =
//! {…}]; }`) whose CEL rules apply wherever a field sets the extension
//! (`(buf.validate.field).string.(is_foo) = true`).

use prost_reflect::{DynamicMessage, ExtensionDescriptor, Kind, ReflectMessage, Value};

use super::rules::{CelRule, UnsupportedRule};
use crate::diag::Location;

/// The option on an extension that makes it a predefined rule.
const PREDEFINED: &str = "buf.validate.predefined";

/// A predefined rule set on a field (or on its items, keys or values).
#[derive(Debug, Clone, PartialEq)]
pub struct PredefinedRule {
    /// The rules message field the extension extends: `string`, `int32`, `repeated`, …
    pub family: String,
    /// Where it applies: the field itself (`None`), or `items`, `keys`, `values`.
    pub element: Option<String>,
    /// The extension's full name (`pkg.is_foo`).
    pub extension: String,
    /// The extension's field number.
    pub number: u32,
    /// The extension's `FieldDescriptorProto.Type` number (a rule path reports it).
    pub field_type: i32,
    /// The value set on the field, which the expressions read as `rule`.
    pub value: RuleLiteral,
    /// The extension's `(buf.validate.predefined).cel` rules.
    pub cel: Vec<CelRule>,
    /// The rules message the extension extends (`buf.validate.StringRules`), which the
    /// expressions read as `rules`.
    pub rules_message: String,
    /// Its fields as the field sets them (the default when unset), which `rules.<name>` reads.
    pub rules_fields: Vec<RulesField>,
    /// Where the field sets it.
    pub location: Location,
}

/// A field of the rules message a predefined rule reads as `rules`.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesField {
    /// Its name (`min_len`).
    pub name: String,
    /// Its value, or the default when unset.
    pub value: RuleLiteral,
    /// Whether the field sets it (`has(rules.min_len)`).
    pub set: bool,
}

/// A value of a predefined rule, typed as CEL reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleLiteral {
    /// `bool`.
    Bool(bool),
    /// `int` (signed integers, enums, `Int32Value`, `Int64Value`).
    Int(i64),
    /// `uint`.
    Uint(u64),
    /// `double` (`float` widened).
    Double(f64),
    /// `string`.
    String(String),
    /// `bytes`.
    Bytes(Vec<u8>),
    /// `google.protobuf.Duration`: seconds and nanos.
    Duration(i64, i32),
    /// `google.protobuf.Timestamp`: seconds and nanos.
    Timestamp(i64, i32),
    /// A repeated extension: its element kind (for an empty list) and its values.
    List(ElementKind, Vec<RuleLiteral>),
}

/// The CEL kind of a repeated extension's elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementKind {
    /// `bool`.
    Bool,
    /// `int`.
    Int,
    /// `uint`.
    Uint,
    /// `double`.
    Double,
    /// `string`.
    String,
    /// `bytes`.
    Bytes,
    /// `google.protobuf.Duration`.
    Duration,
    /// `google.protobuf.Timestamp`.
    Timestamp,
}

/// Reads the extension `ext` set to `value` in the rules message of `family`: a predefined rule
/// when the extension carries `(buf.validate.predefined)` CEL rules and a value compiled CEL
/// can hold, otherwise what the generator cannot enforce.
pub fn read_predefined(
    ext: &ExtensionDescriptor,
    value: &Value,
    rules: &DynamicMessage,
    family: &str,
    location: Location,
) -> Result<PredefinedRule, UnsupportedRule> {
    let unsupported = || UnsupportedRule {
        name: ext.full_name().to_string(),
        expression: String::new(),
        message: String::new(),
        location: location.clone(),
        element: None,
        index: 0,
    };
    let cel = predefined_cel(ext, &location);
    if cel.is_empty() {
        return Err(unsupported());
    }
    let value = field_literal(&ext.kind(), value).ok_or_else(unsupported)?;
    // Fields of kinds compiled CEL cannot hold as a literal (nested rules messages) are left
    // out: an expression reading them fails to compile, with a diagnostic.
    let rules_fields = rules
        .descriptor()
        .fields()
        .filter_map(|field| {
            let value = field_literal(&field.kind(), &rules.get_field(&field))?;
            Some(RulesField {
                name: field.name().to_string(),
                value,
                set: rules.has_field(&field),
            })
        })
        .collect();
    Ok(PredefinedRule {
        family: family.to_string(),
        element: None,
        extension: ext.full_name().to_string(),
        number: ext.number(),
        field_type: ext.field_descriptor_proto().r#type.unwrap_or_default(),
        value,
        cel,
        rules_message: rules.descriptor().full_name().to_string(),
        rules_fields,
        location,
    })
}

/// The value of a field of `kind` (a list for a repeated one) as CEL reads it.
fn field_literal(kind: &Kind, value: &Value) -> Option<RuleLiteral> {
    match value {
        Value::List(items) => Some(RuleLiteral::List(
            element_kind(kind)?,
            items.iter().map(literal).collect::<Option<Vec<_>>>()?,
        )),
        single => literal(single),
    }
}

/// The `(buf.validate.predefined).cel` rules of `ext`, in order.
fn predefined_cel(ext: &ExtensionDescriptor, location: &Location) -> Vec<CelRule> {
    let Some(option) = ext.parent_pool().get_extension_by_name(PREDEFINED) else {
        return Vec::new();
    };
    let options = ext.options();
    if !options.has_extension(&option) {
        return Vec::new();
    }
    let predefined = options.get_extension(&option);
    let Some(Value::List(rules)) = predefined
        .as_message()
        .and_then(|m| m.get_field_by_name("cel"))
        .as_deref()
        .cloned()
    else {
        return Vec::new();
    };
    rules
        .iter()
        .enumerate()
        .filter_map(|(index, rule)| {
            let rule = rule.as_message()?;
            let text = |name: &str| {
                rule.get_field_by_name(name)
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            };
            Some(CelRule {
                id: text("id"),
                message: text("message"),
                expression: text("expression"),
                location: location.clone(),
                shorthand: false,
                index,
                // Where the predefined rule applies is the predefined rule's own `element`.
                element: None,
            })
        })
        .collect()
}

/// The element kind of a repeated extension of `kind`.
fn element_kind(kind: &Kind) -> Option<ElementKind> {
    Some(match kind {
        Kind::Bool => ElementKind::Bool,
        Kind::Int32
        | Kind::Int64
        | Kind::Sint32
        | Kind::Sint64
        | Kind::Sfixed32
        | Kind::Sfixed64
        | Kind::Enum(_) => ElementKind::Int,
        Kind::Uint32 | Kind::Uint64 | Kind::Fixed32 | Kind::Fixed64 => ElementKind::Uint,
        Kind::Float | Kind::Double => ElementKind::Double,
        Kind::String => ElementKind::String,
        Kind::Bytes => ElementKind::Bytes,
        Kind::Message(m) => match m.full_name() {
            "google.protobuf.Duration" => ElementKind::Duration,
            "google.protobuf.Timestamp" => ElementKind::Timestamp,
            name => {
                let inner = m.get_field_by_name("value")?;
                if !name.starts_with("google.protobuf.") || !name.ends_with("Value") {
                    return None;
                }
                element_kind(&inner.kind())?
            }
        },
    })
}

/// One value as CEL reads it; wrappers read as what they wrap. `None` for messages compiled
/// CEL cannot hold as a literal.
fn literal(value: &Value) -> Option<RuleLiteral> {
    Some(match value {
        Value::Bool(b) => RuleLiteral::Bool(*b),
        Value::I32(v) => RuleLiteral::Int(i64::from(*v)),
        Value::I64(v) => RuleLiteral::Int(*v),
        Value::EnumNumber(v) => RuleLiteral::Int(i64::from(*v)),
        Value::U32(v) => RuleLiteral::Uint(u64::from(*v)),
        Value::U64(v) => RuleLiteral::Uint(*v),
        Value::F32(v) => RuleLiteral::Double(f64::from(*v)),
        Value::F64(v) => RuleLiteral::Double(*v),
        Value::String(s) => RuleLiteral::String(s.clone()),
        Value::Bytes(b) => RuleLiteral::Bytes(b.to_vec()),
        Value::Message(m) => message_literal(m)?,
        Value::List(_) | Value::Map(_) => return None,
    })
}

fn message_literal(m: &DynamicMessage) -> Option<RuleLiteral> {
    let descriptor = m.descriptor();
    let name = descriptor.full_name();
    let int = |field: &str| m.get_field_by_name(field).and_then(|v| v.as_i64());
    let nanos = || {
        m.get_field_by_name("nanos")
            .and_then(|v| v.as_i32())
            .unwrap_or(0)
    };
    match name {
        "google.protobuf.Duration" => Some(RuleLiteral::Duration(int("seconds")?, nanos())),
        "google.protobuf.Timestamp" => Some(RuleLiteral::Timestamp(int("seconds")?, nanos())),
        _ if name.starts_with("google.protobuf.") && name.ends_with("Value") => {
            literal(&*m.get_field_by_name("value")?)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_as_cel_values() {
        assert_eq!(literal(&Value::F32(1.5)), Some(RuleLiteral::Double(1.5)));
        assert_eq!(literal(&Value::U32(7)), Some(RuleLiteral::Uint(7)));
        assert_eq!(literal(&Value::EnumNumber(3)), Some(RuleLiteral::Int(3)));
    }
}
