//! protovalidate's violation messages (`buf.validate.Violations` and its parts), sent as a
//! status detail beside `google.rpc.BadRequest` when protovalidate rules fail, and built from
//! protogate's [`Violations`](crate::validate::Violations).

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::field_path::{PathElement, RuleStep, Subscript};
use crate::validate;

/// `buf.validate.Violations`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Violations {
    /// One entry per broken rule.
    #[prost(message, repeated, tag = "1")]
    pub violations: Vec<Violation>,
}

/// `buf.validate.Violation`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    /// The field that broke the rule; absent for message-level rules.
    #[prost(message, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<FieldPath>,
    /// The rule inside `buf.validate.FieldRules`; absent where protovalidate gives none.
    #[prost(message, optional, tag = "6")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<FieldPath>,
    /// e.g. `string.min_len`.
    #[prost(string, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// e.g. `value length must be at least 2 characters`.
    #[prost(string, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Set when the rule applied to a map key.
    #[prost(bool, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub for_key: Option<bool>,
}

/// `buf.validate.FieldPath`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct FieldPath {
    /// Outermost first.
    #[prost(message, repeated, tag = "1")]
    pub elements: Vec<FieldPathElement>,
}

/// `buf.validate.FieldPathElement`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct FieldPathElement {
    /// The field number.
    #[prost(int32, optional, tag = "1")]
    pub field_number: Option<i32>,
    /// The field name.
    #[prost(string, optional, tag = "2")]
    pub field_name: Option<String>,
    /// `FieldDescriptorProto.Type` of the field.
    #[prost(int32, optional, tag = "3")]
    pub field_type: Option<i32>,
    /// For a map: the key type.
    #[prost(int32, optional, tag = "4")]
    pub key_type: Option<i32>,
    /// For a map: the value type.
    #[prost(int32, optional, tag = "5")]
    pub value_type: Option<i32>,
    /// The list index or map key.
    #[prost(oneof = "PathSubscript", tags = "6, 7, 8, 9, 10")]
    pub subscript: Option<PathSubscript>,
}

/// The `subscript` oneof of `buf.validate.FieldPathElement`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum PathSubscript {
    /// A list index.
    #[prost(uint64, tag = "6")]
    Index(u64),
    /// A bool map key.
    #[prost(bool, tag = "7")]
    BoolKey(bool),
    /// A signed integer map key.
    #[prost(int64, tag = "8")]
    IntKey(i64),
    /// An unsigned integer map key.
    #[prost(uint64, tag = "9")]
    UintKey(u64),
    /// A string map key.
    #[prost(string, tag = "10")]
    StringKey(String),
}

impl prost::Name for Violations {
    const NAME: &'static str = "Violations";
    const PACKAGE: &'static str = "buf.validate";
}

/// The proto3 JSON name of a `FieldDescriptorProto.Type` value.
fn type_name(ty: i32) -> &'static str {
    const NAMES: [&str; 19] = [
        "TYPE_UNSPECIFIED",
        "TYPE_DOUBLE",
        "TYPE_FLOAT",
        "TYPE_INT64",
        "TYPE_UINT64",
        "TYPE_INT32",
        "TYPE_FIXED64",
        "TYPE_FIXED32",
        "TYPE_BOOL",
        "TYPE_STRING",
        "TYPE_GROUP",
        "TYPE_MESSAGE",
        "TYPE_BYTES",
        "TYPE_UINT32",
        "TYPE_ENUM",
        "TYPE_SFIXED32",
        "TYPE_SFIXED64",
        "TYPE_SINT32",
        "TYPE_SINT64",
    ];
    usize::try_from(ty)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("TYPE_UNSPECIFIED")
}

impl Serialize for FieldPathElement {
    /// Proto3 JSON: lowerCamelCase names, enum names, 64-bit integers as strings.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(n) = self.field_number {
            map.serialize_entry("fieldNumber", &n)?;
        }
        if let Some(n) = &self.field_name {
            map.serialize_entry("fieldName", n)?;
        }
        for (key, ty) in [
            ("fieldType", self.field_type),
            ("keyType", self.key_type),
            ("valueType", self.value_type),
        ] {
            if let Some(ty) = ty {
                map.serialize_entry(key, type_name(ty))?;
            }
        }
        match &self.subscript {
            Some(PathSubscript::Index(i)) => map.serialize_entry("index", &i.to_string())?,
            Some(PathSubscript::BoolKey(b)) => map.serialize_entry("boolKey", b)?,
            Some(PathSubscript::IntKey(i)) => map.serialize_entry("intKey", &i.to_string())?,
            Some(PathSubscript::UintKey(u)) => map.serialize_entry("uintKey", &u.to_string())?,
            Some(PathSubscript::StringKey(s)) => map.serialize_entry("stringKey", s)?,
            None => {}
        }
        map.end()
    }
}

fn element(e: &PathElement) -> FieldPathElement {
    let some = |n: i32| (n != 0).then_some(n);
    FieldPathElement {
        field_number: some(e.site.number),
        field_name: Some(e.site.name.to_string()),
        field_type: some(e.site.ty),
        key_type: some(e.site.key_ty),
        value_type: some(e.site.value_ty),
        subscript: e.subscript.as_ref().map(|s| match s {
            Subscript::Index(i) => PathSubscript::Index(*i),
            Subscript::Bool(b) => PathSubscript::BoolKey(*b),
            Subscript::Int(i) => PathSubscript::IntKey(*i),
            Subscript::Uint(u) => PathSubscript::UintKey(*u),
            Subscript::String(s) => PathSubscript::StringKey(s.clone()),
        }),
    }
}

fn rule_element(step: &RuleStep) -> FieldPathElement {
    FieldPathElement {
        field_number: Some(step.field.number),
        field_name: Some(step.field.name.to_string()),
        field_type: Some(step.field.ty),
        subscript: step.index.map(PathSubscript::Index),
        ..FieldPathElement::default()
    }
}

impl From<&validate::Violation> for Violation {
    fn from(v: &validate::Violation) -> Violation {
        Violation {
            field: (!v.field_path.is_empty()).then(|| FieldPath {
                elements: v.field_path.iter().map(element).collect(),
            }),
            rule: (!v.rule_path.is_empty()).then(|| FieldPath {
                elements: v.rule_path.iter().map(rule_element).collect(),
            }),
            rule_id: Some(v.rule.to_string()),
            message: Some(v.message.clone()),
            for_key: v.for_key.then_some(true),
        }
    }
}

impl From<&validate::Violations> for Violations {
    fn from(found: &validate::Violations) -> Violations {
        Violations {
            violations: found.iter().map(Violation::from).collect(),
        }
    }
}
