//! Where a protovalidate violation is, structured as protovalidate reports it: the field path
//! (field numbers, names and types, written by the generator as static data, plus the list
//! index or map key met at run time) and the rule path inside `buf.validate.FieldRules`.

use crate::rules::pv::catalogue;
pub use crate::rules::pv::catalogue::RuleField;
use crate::validate::{At, MapKey};

/// `google.protobuf.FieldDescriptorProto.Type.TYPE_MESSAGE`.
pub const TYPE_MESSAGE: i32 = 11;

/// A field as the generator knows it: the static part of a field path element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSite {
    /// The field name as declared, e.g. `resource_owner`.
    pub name: &'static str,
    /// The field number.
    pub number: i32,
    /// `FieldDescriptorProto.Type` of the field (of its items for a repeated field;
    /// `TYPE_MESSAGE` for a map).
    pub ty: i32,
    /// For a map: the key's type (reported on an entry's path only); 0 otherwise.
    pub key_ty: i32,
    /// For a map: the value's type; 0 otherwise.
    pub value_ty: i32,
}

/// The list index or map key of a path element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subscript {
    /// A list index.
    Index(u64),
    /// A bool map key.
    Bool(bool),
    /// A signed integer map key.
    Int(i64),
    /// An unsigned integer map key.
    Uint(u64),
    /// A string map key.
    String(String),
}

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathElement {
    /// The field, or a oneof (number and types 0, as protovalidate names a oneof) for a
    /// oneof's `required`.
    pub site: FieldSite,
    /// The index or key, inside a repeated field or a map.
    pub subscript: Option<Subscript>,
}

impl FieldSite {
    /// A field that is not a map (for a repeated field, `ty` is its items' type).
    pub const fn field(name: &'static str, number: i32, ty: i32) -> FieldSite {
        FieldSite {
            name,
            number,
            ty,
            key_ty: 0,
            value_ty: 0,
        }
    }

    /// A map field.
    pub const fn map(name: &'static str, number: i32, key_ty: i32, value_ty: i32) -> FieldSite {
        FieldSite {
            name,
            number,
            ty: TYPE_MESSAGE,
            key_ty,
            value_ty,
        }
    }

    /// A oneof, which protovalidate names without number or type.
    pub const fn oneof(name: &'static str) -> FieldSite {
        FieldSite::field(name, 0, 0)
    }

    /// The path element of this field at `at`.
    pub fn element(&'static self, at: &At<'_>) -> PathElement {
        let subscript = match at {
            At::Field => None,
            At::Item(i) => Some(Subscript::Index(*i as u64)),
            At::Key(k) | At::Value(k) => Some(match k {
                MapKey::Str(s) => Subscript::String((*s).to_string()),
                MapKey::Int(n) => Subscript::Int(*n),
                MapKey::Uint(n) => Subscript::Uint(*n),
                MapKey::Bool(b) => Subscript::Bool(*b),
            }),
        };
        // protovalidate gives a map's key and value types only on an entry's path.
        let site = match subscript {
            None => FieldSite {
                key_ty: 0,
                value_ty: 0,
                ..*self
            },
            Some(_) => *self,
        };
        PathElement { site, subscript }
    }
}

/// One step of a rule path: a field of a rules message, and the index in it when that field
/// is a list (`cel[1]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleStep {
    /// The rules message's field.
    pub field: RuleField,
    /// The index, for a step into a list of rules.
    pub index: Option<u64>,
}

impl RuleStep {
    /// A step into a field that is not a list.
    pub const fn field(name: &'static str, number: i32, ty: i32) -> RuleStep {
        RuleStep {
            field: RuleField { name, number, ty },
            index: None,
        }
    }

    /// A step to item `index` of a list of rules, e.g. `cel[0]`.
    pub const fn item(name: &'static str, number: i32, ty: i32, index: u64) -> RuleStep {
        RuleStep {
            field: RuleField { name, number, ty },
            index: Some(index),
        }
    }
}

impl From<RuleField> for RuleStep {
    fn from(field: RuleField) -> RuleStep {
        RuleStep { field, index: None }
    }
}

/// The rule path of a failed rule with protovalidate id `rule_id` (`string.min_len`,
/// `int32.gt_lt_exclusive`, `string.email_empty`, `required`) applied at `at`: inside
/// `repeated.items`, `map.keys` or `map.values` for list items and map entries. Empty when the
/// id names no rule field.
pub fn rule_path(rule_id: &str, at: &At<'_>) -> Vec<RuleStep> {
    rule_fields(rule_id, at)
        .into_iter()
        .map(RuleStep::from)
        .collect()
}

/// The rule fields of [`rule_path`].
fn rule_fields(rule_id: &str, at: &At<'_>) -> Vec<RuleField> {
    let field_rule = |name: &str| catalogue::FIELD_RULES.iter().find(|f| f.name == name);
    let mut out: Vec<RuleField> = Vec::with_capacity(4);
    let (holder, nested) = match at {
        At::Field => (None, None),
        At::Item(_) => (Some("repeated"), Some("items")),
        At::Key(_) => (Some("map"), Some("keys")),
        At::Value(_) => (Some("map"), Some("values")),
    };
    if let (Some(holder), Some(nested)) = (holder, nested) {
        let in_holder = catalogue::family(holder).and_then(|h| h.iter().find(|f| f.name == nested));
        match (field_rule(holder), in_holder) {
            (Some(h), Some(n)) => out.extend([*h, *n]),
            _ => return Vec::new(),
        }
    }
    let (family, rest) = match rule_id.split_once('.') {
        Some((family, rest)) => (family, rest),
        None => {
            return match field_rule(rule_id) {
                Some(f) => {
                    out.push(*f);
                    out
                }
                None => Vec::new(),
            };
        }
    };
    let (Some(family_field), Some(rules)) = (field_rule(family), catalogue::family(family)) else {
        return Vec::new();
    };
    // The longest rule name the rest of the id starts with, up to `_` or `.`: `gte_lte` is
    // `gte`, `email_empty` is `email`.
    let rule = rules
        .iter()
        .filter(|f| {
            rest == f.name
                || rest
                    .strip_prefix(f.name)
                    .is_some_and(|tail| tail.starts_with('_') || tail.starts_with('.'))
        })
        .max_by_key(|f| f.name.len());
    match rule {
        Some(rule) => {
            out.extend([*family_field, *rule]);
            out
        }
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(path: &[RuleStep]) -> Vec<(&str, i32, i32)> {
        path.iter()
            .map(|s| (s.field.name, s.field.number, s.field.ty))
            .collect()
    }

    #[test]
    fn rule_ids_map_to_the_rule_field_they_come_from() {
        assert_eq!(
            names(&rule_path("string.min_len", &At::Field)),
            [("string", 14, 11), ("min_len", 2, 4)]
        );
        assert_eq!(
            names(&rule_path("int32.gte_lte_exclusive", &At::Field)),
            [("int32", 3, 11), ("gte", 5, 5)]
        );
        assert_eq!(
            names(&rule_path("string.email_empty", &At::Field)),
            [("string", 14, 11), ("email", 12, 8)]
        );
        assert_eq!(
            names(&rule_path("required", &At::Field)),
            [("required", 25, 8)]
        );
        assert_eq!(
            names(&rule_path("int32.gt", &At::Key(MapKey::Int(1)))),
            [
                ("map", 19, 11),
                ("keys", 4, 11),
                ("int32", 3, 11),
                ("gt", 4, 5)
            ]
        );
        assert!(rule_path("message.oneof", &At::Field).is_empty());
    }
}
