//! Every rule family and rule of PGV and protovalidate, with the kind of value each takes.
//!
//! The tables follow the declaration order of the rule messages in `validate/validate.proto`
//! (PGV) and `buf/validate/validate.proto` (protovalidate); `tests/catalogue.rs` proves them
//! equal to those files.

pub mod meaning;
mod pgv;
mod protovalidate;

pub use meaning::{meaning, Meaning};

/// Which option a rule is written in. The checks are the same; ids, messages and some
/// semantics differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dialect {
    /// protoc-gen-validate's `(validate.rules)`.
    #[default]
    Pgv,
    /// protovalidate's `(buf.validate.field)`.
    Protovalidate,
}

/// The type of a rule's value (of each item, for a list rule), as the rule message declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// `bool`: a flag or a bool constant.
    Bool,
    /// `float`.
    Float,
    /// `double`.
    Double,
    /// `int32`.
    Int32,
    /// `int64`.
    Int64,
    /// `uint32`.
    Uint32,
    /// `uint64`: numbers of the uint64 family, and every length and count.
    Uint64,
    /// `sint32`.
    Sint32,
    /// `sint64`.
    Sint64,
    /// `fixed32`.
    Fixed32,
    /// `fixed64`.
    Fixed64,
    /// `sfixed32`.
    Sfixed32,
    /// `sfixed64`.
    Sfixed64,
    /// `string`.
    String,
    /// `bytes`.
    Bytes,
    /// `google.protobuf.Duration`.
    Duration,
    /// `google.protobuf.Timestamp`.
    Timestamp,
    /// `google.protobuf.FieldMask`.
    FieldMask,
    /// The `KnownRegex` enum of `string.well_known_regex`.
    KnownRegex,
    /// The rules of an element: `repeated.items`, `map.keys`, `map.values`.
    ElementRules,
}

/// One rule of a family, e.g. `min_len` of `string`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSpec {
    /// The rule's name as written in the proto option, e.g. `min_len`.
    pub name: &'static str,
    /// The type of its value (of each item, for a list).
    pub kind: ValueKind,
    /// Whether it takes a list of values (`in`, `not_in`, `example`).
    pub list: bool,
}

impl RuleSpec {
    /// A rule taking one value.
    pub(crate) const fn one(name: &'static str, kind: ValueKind) -> RuleSpec {
        RuleSpec {
            name,
            kind,
            list: false,
        }
    }

    /// A rule taking a list of values.
    pub(crate) const fn list(name: &'static str, kind: ValueKind) -> RuleSpec {
        RuleSpec {
            name,
            kind,
            list: true,
        }
    }

    /// Whether the rule holds the rules of list items, map keys or map values.
    pub fn is_element_rules(&self) -> bool {
        self.kind == ValueKind::ElementRules
    }
}

/// A rule family, e.g. `string` or `repeated`: the message of rules one field type takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// The family's name as written in the proto option, e.g. `string`.
    pub name: &'static str,
    /// Its rules, in declaration order.
    pub rules: &'static [RuleSpec],
}

impl Family {
    /// The rule called `name`, if the family has one.
    pub fn rule(&self, name: &str) -> Option<&'static RuleSpec> {
        self.rules.iter().find(|r| r.name == name)
    }

    /// The names of its rules, in declaration order.
    pub fn rule_names(&self) -> impl Iterator<Item = &'static str> {
        self.rules.iter().map(|r| r.name)
    }

    /// Whether it is one of the twelve numeric families.
    pub fn is_number(&self) -> bool {
        is_number_family(self.name)
    }
}

/// The twelve numeric families, in declaration order.
pub const NUMBER_FAMILIES: [&str; 12] = [
    "float", "double", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
    "fixed64", "sfixed32", "sfixed64",
];

/// Whether `family` names one of the twelve numeric families.
pub fn is_number_family(family: &str) -> bool {
    NUMBER_FAMILIES.contains(&family)
}

/// Whether a numeric family holds floating-point values (`float`, `double`).
pub fn is_float_family(family: &str) -> bool {
    matches!(family, "float" | "double")
}

/// protovalidate's rules written on the field itself rather than in a family
/// (`(buf.validate.field).required`, `.ignore`, `.cel`, `.cel_expression`).
pub const PROTOVALIDATE_FIELD_RULES: &[&str] = &["cel_expression", "cel", "required", "ignore"];

/// Every family of a dialect, in declaration order.
pub fn families(dialect: Dialect) -> &'static [Family] {
    match dialect {
        Dialect::Pgv => pgv::FAMILIES,
        Dialect::Protovalidate => protovalidate::FAMILIES,
    }
}

/// The family called `name` in a dialect.
pub fn family(dialect: Dialect, name: &str) -> Option<&'static Family> {
    families(dialect).iter().find(|f| f.name == name)
}

/// The rule `family.name` of a dialect, if it exists.
pub fn rule(dialect: Dialect, family: &str, name: &str) -> Option<&'static RuleSpec> {
    self::family(dialect, family)?.rule(name)
}

/// The `google.protobuf` wrapper messages and the scalar family their `value` takes.
pub const WRAPPERS: [(&str, &str); 9] = [
    ("google.protobuf.StringValue", "string"),
    ("google.protobuf.BytesValue", "bytes"),
    ("google.protobuf.BoolValue", "bool"),
    ("google.protobuf.DoubleValue", "double"),
    ("google.protobuf.FloatValue", "float"),
    ("google.protobuf.Int32Value", "int32"),
    ("google.protobuf.Int64Value", "int64"),
    ("google.protobuf.UInt32Value", "uint32"),
    ("google.protobuf.UInt64Value", "uint64"),
];

/// The scalar family of a wrapper message's value (`google.protobuf.StringValue` → `string`).
pub fn wrapper_family(message: &str) -> Option<&'static str> {
    WRAPPERS
        .iter()
        .find(|(name, _)| *name == message)
        .map(|(_, family)| *family)
}

/// The family a singular field of message type `message` (a full name) takes: a well-known
/// type's own, a wrapper's scalar family, else `message`.
pub fn message_family(message: &str) -> &'static str {
    match message {
        "google.protobuf.Duration" => "duration",
        "google.protobuf.Timestamp" => "timestamp",
        "google.protobuf.Any" => "any",
        "google.protobuf.FieldMask" => "field_mask",
        other => wrapper_family(other).unwrap_or("message"),
    }
}

/// What a rule does to the values it accepts, as its value changes: the reading a
/// breaking-change report or a document needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// A lower bound (`min_len`, `min_items`, `gt`, `gte`): raising it accepts fewer values.
    Lower,
    /// An upper bound (`max_len`, `max_pairs`, `lt`, `lte`, `within`): lowering it accepts fewer.
    Upper,
    /// An allow list (`in`): dropping an item accepts fewer values.
    Allow,
    /// A deny list (`not_in`): adding an item accepts fewer values.
    Deny,
    /// Skips the other rules (`ignore_empty`, protovalidate's `ignore`, `message.skip`):
    /// setting it accepts more values.
    Skip,
    /// Anything else (`const`, `len`, `pattern`, `email`, …): any change is a different rule.
    Exact,
}

/// The effect of the rule called `name`, in any family and either dialect (a rule name means
/// the same wherever it appears).
pub fn effect(name: &str) -> Effect {
    use meaning::{Limit, Side};
    // The family only decides what a size counts, never its effect.
    match meaning("", name) {
        Some(Meaning::Size(_, Limit::Min) | Meaning::Bound(Side::Lower, _)) => Effect::Lower,
        Some(Meaning::Size(_, Limit::Max) | Meaning::Bound(Side::Upper, _) | Meaning::Within) => {
            Effect::Upper
        }
        Some(Meaning::In) => Effect::Allow,
        Some(Meaning::NotIn) => Effect::Deny,
        Some(Meaning::IgnoreEmpty | Meaning::Ignore | Meaning::Skip) => Effect::Skip,
        _ => Effect::Exact,
    }
}

/// The rules of a numeric family in both dialects' shared order: `const`, `lt`, `lte`, `gt`,
/// `gte`, `in`, `not_in`.
pub(crate) const fn number_bounds(kind: ValueKind) -> [RuleSpec; 7] {
    [
        RuleSpec::one("const", kind),
        RuleSpec::one("lt", kind),
        RuleSpec::one("lte", kind),
        RuleSpec::one("gt", kind),
        RuleSpec::one("gte", kind),
        RuleSpec::list("in", kind),
        RuleSpec::list("not_in", kind),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgv_has_174_field_rules_in_22_families() {
        let families = families(Dialect::Pgv);
        assert_eq!(families.len(), 22);
        assert_eq!(families.iter().map(|f| f.rules.len()).sum::<usize>(), 174);
    }

    #[test]
    fn lookups_find_rules_by_dialect() {
        assert!(rule(Dialect::Pgv, "string", "ignore_empty").is_some());
        assert!(rule(Dialect::Protovalidate, "string", "ignore_empty").is_none());
        assert!(rule(Dialect::Protovalidate, "double", "finite").is_some());
        assert!(rule(Dialect::Pgv, "double", "finite").is_none());
        assert!(rule(Dialect::Protovalidate, "string", "host_and_port").is_some());
        assert!(family(Dialect::Pgv, "field_mask").is_none());
        assert!(family(Dialect::Protovalidate, "field_mask").is_some());
        let items = rule(Dialect::Pgv, "repeated", "items").expect("repeated.items");
        assert!(items.is_element_rules());
    }

    #[test]
    fn every_bound_and_list_rule_has_its_effect() {
        for dialect in [Dialect::Pgv, Dialect::Protovalidate] {
            for family in families(dialect) {
                for rule in family.rules {
                    let expected = match rule.name {
                        n if n.starts_with("min_") || n == "gt" || n == "gte" => Effect::Lower,
                        n if n.starts_with("max_") || n == "lt" || n == "lte" => Effect::Upper,
                        "within" => Effect::Upper,
                        "in" => Effect::Allow,
                        "not_in" => Effect::Deny,
                        "ignore_empty" | "skip" => Effect::Skip,
                        _ => Effect::Exact,
                    };
                    assert_eq!(effect(rule.name), expected, "{}.{}", family.name, rule.name);
                }
            }
        }
    }

    #[test]
    fn message_types_take_their_family() {
        assert_eq!(message_family("google.protobuf.Timestamp"), "timestamp");
        assert_eq!(message_family("google.protobuf.UInt32Value"), "uint32");
        assert_eq!(message_family("pkg.Thing"), "message");
        for (_, wrapped) in WRAPPERS {
            assert!(family(Dialect::Pgv, wrapped).is_some(), "{wrapped}");
        }
    }

    #[test]
    fn every_family_lists_each_rule_once() {
        for dialect in [Dialect::Pgv, Dialect::Protovalidate] {
            for family in families(dialect) {
                for (i, rule) in family.rules.iter().enumerate() {
                    assert!(
                        family.rules[..i].iter().all(|r| r.name != rule.name),
                        "{dialect:?} {}.{} twice",
                        family.name,
                        rule.name
                    );
                }
            }
        }
    }
}
