//! Rules that cannot be satisfied, do not fit their field, or that the generator cannot emit.

use crate::diag::{Diagnostic, Diagnostics, Location};
use protogate_rules::catalogue;
use protogate_rules::checks::{self, Literal, Subject, WrittenRule};

use crate::emit::validate::supported;
use crate::model::{Api, Cardinality, Dialect, Field, FieldType, Message, Rule, RuleValue};
use crate::source::proto::{locate_ident, locate_key, rule_location};

/// Checks every rule of every message.
pub fn check(api: &Api, diags: &mut Diagnostics) {
    for message in api.messages() {
        for field in &message.fields {
            check_field(message, field, diags);
        }
        check_message_oneofs(message, diags);
        crate::emit::validate::cel::check_rules(api, message, diags);
        crate::emit::validate::predefined::check_rules(api, message, diags);
    }
}

/// protovalidate's message-level `oneof` rules name fields of the message, each once.
fn check_message_oneofs(message: &Message, diags: &mut Diagnostics) {
    for rule in &message.message_oneofs {
        if rule.fields.is_empty() {
            diags.push(Diagnostic::error(
                "rule-invalid",
                rule.location.clone(),
                format!(
                    "`(buf.validate.message).oneof` on `{}` names no field",
                    message.full_name
                ),
            ));
        }
        for (i, name) in rule.fields.iter().enumerate() {
            if message.field(name).is_none() {
                diags.push(
                    Diagnostic::error(
                        "rule-invalid",
                        rule.location.clone(),
                        format!(
                            "`(buf.validate.message).oneof` names `{name}`, which is not a field of `{}`",
                            message.full_name
                        ),
                    )
                    .hint("list field names as declared in the message"),
                );
            } else if rule.fields[..i].contains(name) {
                diags.push(Diagnostic::error(
                    "rule-invalid",
                    rule.location.clone(),
                    format!(
                        "`(buf.validate.message).oneof` on `{}` names `{name}` twice",
                        message.full_name
                    ),
                ));
            }
        }
    }
}

/// The rule family a field's type takes (besides `message`, which any message field takes).
pub fn expected_family(field: &Field) -> String {
    match &field.cardinality {
        Cardinality::Repeated => return "repeated".into(),
        Cardinality::Map(..) => return "map".into(),
        Cardinality::Single => {}
    }
    match &field.ty {
        FieldType::Enum(_) => "enum".into(),
        FieldType::Message(m) => catalogue::message_family(m).into(),
        other => other.proto_name().to_string(),
    }
}

fn check_field(message: &Message, field: &Field, diags: &mut Diagnostics) {
    let name = format!("{}.{}", message.full_name, field.name);
    let target = Target {
        name: format!("`{name}`"),
        expected: expected_family(field),
        label: type_label(field),
        message_ok: matches!(field.ty, FieldType::Message(_))
            && field.cardinality == Cardinality::Single,
        field,
        nested: None,
    };
    check_rules(&target, &field.rules, diags);
    // The rules of list items, map keys and map values, against the element's type.
    let elements: Vec<(&str, &FieldType)> = match &field.cardinality {
        Cardinality::Single => Vec::new(),
        Cardinality::Repeated => vec![("items", &field.ty)],
        Cardinality::Map(key, value) => vec![("keys", key), ("values", value)],
    };
    let outer = target.expected.as_str();
    for (key, ty) in elements {
        let Some((rule, rules)) = field.rules.iter().find_map(|r| match &r.value {
            RuleValue::Rules(rules) if r.family == outer && r.name == key => Some((r, rules)),
            _ => None,
        }) else {
            continue;
        };
        let element = Field {
            ty: ty.clone(),
            cardinality: Cardinality::Single,
            rules: Vec::new(),
            ..field.clone()
        };
        let target = Target {
            name: format!("the {key} of `{name}`"),
            expected: expected_family(&element),
            label: ty.proto_name().to_string(),
            message_ok: matches!(ty, FieldType::Message(_)),
            field,
            nested: Some((rule, key)),
        };
        check_rules(&target, rules, diags);
    }
}

/// What a set of rules applies to: a field, or the items, keys or values of one.
struct Target<'a> {
    /// ``the field `pkg.Message.field` ``, or ``the items of `pkg.Message.field` ``.
    name: String,
    /// The rule family the value's type takes.
    expected: String,
    /// The value's proto type, e.g. `repeated int32`, `int32`.
    label: String,
    /// Whether `message` rules fit (a singular message value).
    message_ok: bool,
    field: &'a Field,
    /// For element rules: the `repeated.items` / `map.keys` / `map.values` rule holding them.
    nested: Option<(&'a Rule, &'a str)>,
}

impl Target<'_> {
    /// Where a rule is written. Element rules are looked up after their `items`/`keys`/`values`,
    /// so `min_len` of `values` is not confused with `min_len` of `keys`.
    fn locate(&self, rule: &Rule) -> Location {
        match self.nested {
            None => rule_location(rule),
            Some((_, key)) => {
                // `items`/`keys`/`values` as a key of the aggregate or a step of the option's
                // name (`(validate.rules).repeated.items.string = {…}`), then the rule after it.
                let from = locate_ident(&self.field.location, key);
                if from == self.field.location {
                    rule_location(rule)
                } else {
                    locate_key(&from, &rule.name, None)
                }
            }
        }
    }
}

/// The checks of one rule set.
fn check_rules(target: &Target<'_>, rules: &[Rule], diags: &mut Diagnostics) {
    let name = target.name.as_str();
    let expected = target.expected.as_str();
    let at = |r: &Rule| target.locate(r);
    for rule in rules {
        let fits = rule.family == expected || (rule.family == "message" && target.message_ok);
        if !fits {
            let (message, hint) = match target.nested {
                None => (
                    format!(
                        "rule `{}` on field {name} of type `{}`: expected `{expected}` rules",
                        rule.id(),
                        target.label
                    ),
                    format!("use `(validate.rules).{expected}` for this field"),
                ),
                Some((holder, key)) => (
                    format!(
                        "rule `{}` under `{}` on `{}`: the {key} are `{}`, expected `{expected}` rules",
                        rule.id(),
                        holder.id(),
                        target.field.name,
                        target.label
                    ),
                    format!("use `{}.{expected}` for these {key}", holder.id()),
                ),
            };
            diags.push(
                Diagnostic::error("rule-wrong-type", at(rule), message)
                    .related(target.field.location.clone(), "the field is declared here")
                    .hint(hint),
            );
            continue;
        }
        if !supported(rule) {
            diags.push(
                Diagnostic::warning(
                    crate::check::unenforced::CODE,
                    at(rule),
                    format!("rule `{}` on {name} is not enforced by this protogate version", rule.id()),
                )
                .hint("the request is accepted without this check; see the README's validation coverage"),
            );
        }
    }
    shared_checks(target, rules, diags);
}

/// The contradictions and redundancies protogate-rules finds, family by family, as
/// diagnostics at the rules' lines.
fn shared_checks(target: &Target<'_>, rules: &[Rule], diags: &mut Diagnostics) {
    let mut families: Vec<(&str, Dialect)> = Vec::new();
    for rule in rules {
        if !families.contains(&(rule.family.as_str(), rule.dialect)) {
            families.push((rule.family.as_str(), rule.dialect));
        }
    }
    for (family, dialect) in families {
        let group: Vec<&Rule> = rules
            .iter()
            .filter(|r| r.family == family && r.dialect == dialect)
            .collect();
        let written: Vec<WrittenRule> = group
            .iter()
            .map(|r| WrittenRule::new(r.name.as_str(), literal(&r.value)))
            .collect();
        let subject = Subject::new(dialect, family).on(&target.name);
        for finding in checks::check(&subject, &written) {
            let at = |i: usize| group.get(i).map(|r| target.locate(r)).unwrap_or_default();
            let mut d = if finding.kind.is_error() {
                Diagnostic::error(finding.kind.code(), at(finding.rule), finding.message)
            } else {
                Diagnostic::warning(finding.kind.code(), at(finding.rule), finding.message)
            };
            for note in finding.related {
                d = d.related(at(note.rule), note.label);
            }
            if let Some(hint) = finding.hint {
                d = d.hint(hint);
            }
            diags.push(d);
        }
    }
}

/// A rule value as the shared checks read it.
fn literal(value: &RuleValue) -> Literal {
    value
        .literal()
        .as_ref()
        .map_or(Literal::Other, Literal::from)
}

fn type_label(field: &Field) -> String {
    match &field.cardinality {
        Cardinality::Repeated => format!("repeated {}", field.ty.proto_name()),
        Cardinality::Map(k, v) => format!("map<{}, {}>", k.proto_name(), v.proto_name()),
        Cardinality::Single => field.ty.proto_name().to_string(),
    }
}
