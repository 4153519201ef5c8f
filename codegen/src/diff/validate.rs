//! `VALIDATE_*`: validation rules tightened (breaking: a request valid before is now refused)
//! or loosened (reported, not breaking). Fields pair by message and field number.

use protogate_rules::catalogue::{self, Effect};

use super::{ApiPair, Finding};
use crate::diag::Location;
use crate::model::{Field, Message, Rule, RuleValue};

/// Every rule change on the fields and oneofs of messages both versions have.
pub fn run(pair: &ApiPair<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for new_msg in pair.new.messages() {
        let Some(old_msg) = pair.old.message(&new_msg.full_name) else {
            continue;
        };
        message_flags(old_msg, new_msg, &mut out);
        for new_field in &new_msg.fields {
            let Some(old_field) = old_msg.fields.iter().find(|f| f.number == new_field.number)
            else {
                continue;
            };
            let element = format!("{}.{}", new_msg.full_name, new_field.name);
            let old_rules = flatten(&old_field.rules, "");
            let new_rules = flatten(&new_field.rules, "");
            compare_rules(&old_rules, &new_rules, new_field, &element, &mut out);
        }
        for new_oneof in &new_msg.oneofs {
            let Some(old_oneof) = old_msg.oneofs.iter().find(|o| o.name == new_oneof.name) else {
                continue;
            };
            if new_oneof.required != old_oneof.required {
                let (rule, breaking, now) = if new_oneof.required {
                    ("VALIDATE_RULE_NO_ADD", true, "now requires")
                } else {
                    ("VALIDATE_RULE_REMOVED", false, "no longer requires")
                };
                out.push(Finding::own(
                    rule,
                    breaking,
                    new_msg.location.clone(),
                    format!("{}.{}", new_msg.full_name, new_oneof.name),
                    format!(
                        "Oneof \"{}\" on message \"{}\" {now} one of its fields to be set.",
                        new_oneof.name, new_msg.name
                    ),
                ));
            }
        }
    }
    out
}

/// `(validate.disabled)` / `(validate.ignored)`: turning validation off loosens every rule of
/// the message; turning it back on tightens them.
fn message_flags(old: &Message, new: &Message, out: &mut Vec<Finding>) {
    let old_off = old.validation_disabled || old.validation_ignored;
    let new_off = new.validation_disabled || new.validation_ignored;
    if old_off == new_off {
        return;
    }
    let (rule, breaking, what) = if old_off {
        ("VALIDATE_RULE_NO_ADD", true, "is validated again")
    } else {
        ("VALIDATE_RULE_REMOVED", false, "is no longer validated")
    };
    out.push(Finding::own(
        rule,
        breaking,
        new.location.clone(),
        &new.full_name,
        format!("Message \"{}\" {what}.", new.name),
    ));
}

/// A rule with its nested path spelled out: `repeated.items.string.min_len`.
struct Flat<'a> {
    id: String,
    value: &'a RuleValue,
    location: &'a Location,
}

fn flatten<'a>(rules: &'a [Rule], prefix: &str) -> Vec<Flat<'a>> {
    let mut out = Vec::new();
    for rule in rules {
        let id = format!("{prefix}{}", rule.id());
        match &rule.value {
            RuleValue::Rules(nested) => out.extend(flatten(nested, &format!("{id}."))),
            value => out.push(Flat {
                id,
                value,
                location: &rule.location,
            }),
        }
    }
    out
}

/// What a rule does to the accepted values, from the rule catalogue.
fn effect(id: &str) -> Effect {
    catalogue::effect(id.rsplit('.').next().unwrap_or(id))
}

/// A numeric reading of a bound, for comparing two values of the same rule.
fn number(value: &RuleValue) -> Option<f64> {
    match value {
        RuleValue::Int(v) => Some(*v as f64),
        RuleValue::Uint(v) => Some(*v as f64),
        RuleValue::Float(v) => Some(*v),
        RuleValue::Time(s, n) => Some(*s as f64 + f64::from(*n) / 1e9),
        _ => None,
    }
}

fn show(value: &RuleValue) -> String {
    match value {
        RuleValue::Bool(b) => b.to_string(),
        RuleValue::Int(v) => v.to_string(),
        RuleValue::Uint(v) => v.to_string(),
        RuleValue::Float(v) => v.to_string(),
        RuleValue::Str(s) => format!("{s:?}"),
        RuleValue::Bytes(b) => format!("{} bytes", b.len()),
        RuleValue::Time(s, 0) => format!("{s}s"),
        RuleValue::Time(s, n) => format!("{s}.{n:09}s"),
        RuleValue::List(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        RuleValue::Rules(_) => "{…}".to_string(),
    }
}

fn compare_rules(
    old: &[Flat<'_>],
    new: &[Flat<'_>],
    field: &Field,
    element: &str,
    out: &mut Vec<Finding>,
) {
    let on = format!("field \"{}\"", field.name);
    for n in new {
        let Some(o) = old.iter().find(|o| o.id == n.id) else {
            let skip = effect(&n.id) == Effect::Skip;
            out.push(Finding::own(
                if skip {
                    "VALIDATE_RULE_LOOSENED"
                } else {
                    "VALIDATE_RULE_NO_ADD"
                },
                !skip,
                n.location.clone(),
                element,
                format!("Rule \"{}\" = {} was added to {on}.", n.id, show(n.value)),
            ));
            continue;
        };
        if o.value == n.value {
            continue;
        }
        let tighter = match (o.value, n.value) {
            // A flag (`required`, `email`, `uuid`) restricts when set.
            (RuleValue::Bool(before), RuleValue::Bool(after)) if effect(&n.id) == Effect::Skip => {
                Some(*before && !*after)
            }
            (RuleValue::Bool(before), RuleValue::Bool(after)) => Some(*after && !*before),
            _ => None,
        };
        let tighter = tighter.or_else(|| match effect(&n.id) {
            Effect::Lower => number(n.value).zip(number(o.value)).map(|(n, o)| n > o),
            Effect::Upper => number(n.value).zip(number(o.value)).map(|(n, o)| n < o),
            Effect::Allow => lists(o.value, n.value).map(|(o, n)| o.iter().any(|v| !n.contains(v))),
            Effect::Deny => lists(o.value, n.value).map(|(o, n)| n.iter().any(|v| !o.contains(v))),
            Effect::Skip => Some(false),
            Effect::Exact => None,
        });
        let (rule, breaking) = match tighter {
            Some(true) => ("VALIDATE_RULE_NO_TIGHTEN", true),
            Some(false) => ("VALIDATE_RULE_LOOSENED", false),
            None => ("VALIDATE_RULE_SAME_VALUE", true),
        };
        out.push(Finding::own(
            rule,
            breaking,
            n.location.clone(),
            element,
            format!(
                "Rule \"{}\" on {on} changed from {} to {}.",
                n.id,
                show(o.value),
                show(n.value)
            ),
        ));
    }
    for o in old.iter().filter(|o| !new.iter().any(|n| n.id == o.id)) {
        let skip = effect(&o.id) == Effect::Skip;
        out.push(Finding::own(
            if skip {
                "VALIDATE_RULE_NO_TIGHTEN"
            } else {
                "VALIDATE_RULE_REMOVED"
            },
            skip,
            field.location.clone(),
            element,
            format!(
                "Rule \"{}\" = {} was removed from {on}.",
                o.id,
                show(o.value)
            ),
        ));
    }
}

fn lists<'a>(o: &'a RuleValue, n: &'a RuleValue) -> Option<(&'a [RuleValue], &'a [RuleValue])> {
    match (o, n) {
        (RuleValue::List(o), RuleValue::List(n)) => Some((o, n)),
        _ => None,
    }
}
