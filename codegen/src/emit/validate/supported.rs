//! Which rules the generator emits: every rule of the catalogue (protogate-rules), so the
//! checker reports only rules the catalogue does not know (a newer validate.proto) as not
//! enforced. A rule added to the catalogue is emitted in the same change.

use protogate_rules::catalogue;

use crate::model::{Dialect, Rule};

pub use protogate_rules::catalogue::is_number_family;

/// Whether the generator emits code for this rule (the others are reported by the checker).
pub fn supported(rule: &Rule) -> bool {
    // protovalidate's field-level `required` and `ignore` are read as rules of the field's
    // family (`message.required`, `string.ignore`).
    let field_level = rule.dialect == Dialect::Protovalidate
        && matches!(rule.name.as_str(), "required" | "ignore");
    field_level || catalogue::rule(rule.dialect, &rule.family, &rule.name).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RuleValue;

    fn rule(dialect: Dialect, family: &str, name: &str) -> Rule {
        Rule {
            family: family.into(),
            name: name.into(),
            value: RuleValue::Bool(true),
            location: Default::default(),
            dialect,
        }
    }

    #[test]
    fn catalogued_rules_of_the_rule_dialect_are_supported() {
        assert!(supported(&rule(Dialect::Pgv, "string", "ignore_empty")));
        assert!(!supported(&rule(
            Dialect::Protovalidate,
            "string",
            "ignore_empty"
        )));
        assert!(supported(&rule(Dialect::Protovalidate, "string", "ulid")));
        assert!(!supported(&rule(Dialect::Pgv, "string", "ulid")));
        assert!(supported(&rule(
            Dialect::Protovalidate,
            "message",
            "required"
        )));
        assert!(!supported(&rule(Dialect::Protovalidate, "message", "skip")));
        assert!(supported(&rule(Dialect::Pgv, "message", "skip")));
        assert!(!supported(&rule(Dialect::Pgv, "field_mask", "const")));
    }
}
