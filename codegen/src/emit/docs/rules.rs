//! Validation rules in words for readers ("non-empty and <= 200 characters"), and the PGV
//! message a request breaking the first rule gets.

use crate::model::{
    Element, Enum, Format, Limit, Meaning, Measure, Message, Rule, RuleValue, Side, TextRule,
};
use crate::names;

use crate::model::rules::{value_of as find, IGNORE_ALWAYS, IGNORE_IF_ZERO_VALUE};

/// The exact, least and greatest size in `measure`.
fn sizes(rules: &[Rule], measure: Measure) -> [Option<u64>; 3] {
    [Limit::Exact, Limit::Min, Limit::Max]
        .map(|limit| find(rules, Meaning::Size(measure, limit)).and_then(RuleValue::as_u64))
}

/// The lower and upper bound, each with whether it is inclusive.
fn bound_values(rules: &[Rule]) -> [Option<(bool, &RuleValue)>; 2] {
    [Side::Lower, Side::Upper].map(|side| {
        find(rules, Meaning::Bound(side, false))
            .map(|v| (false, v))
            .or_else(|| find(rules, Meaning::Bound(side, true)).map(|v| (true, v)))
    })
}

/// Every rule of a field as short phrases, bounds first.
pub(super) fn rule_words(rules: &[Rule], en: Option<&Enum>) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(length(sizes(rules, Measure::Characters), "characters"));
    out.extend(length(sizes(rules, Measure::Bytes), "bytes"));
    out.extend(count(sizes(rules, Measure::Items), "items"));
    out.extend(count(sizes(rules, Measure::Pairs), "entries"));
    out.extend(bounds(bound_values(rules)));
    for r in rules {
        let Some(meaning) = r.meaning() else {
            out.push(format!("{} {}", r.name.replace('_', " "), show(&r.value)));
            continue;
        };
        let v = &r.value;
        let phrase = match (meaning, v) {
            (Meaning::Size(..) | Meaning::Bound(..), _) => continue,
            (Meaning::Text(TextRule::Prefix), v) => format!("starts with {}", quoted(v)),
            (Meaning::Text(TextRule::Suffix), v) => format!("ends with {}", quoted(v)),
            (Meaning::Text(TextRule::Contains), v) => format!("contains {}", quoted(v)),
            (Meaning::Text(TextRule::NotContains), v) => {
                format!("does not contain {}", quoted(v))
            }
            (Meaning::Pattern, v) => format!("matches `{}`", show(v)),
            (Meaning::Const, v) => format!("equals {}", listed(v, en)),
            (Meaning::In, v) => format!("one of {}", listed(v, en)),
            (Meaning::NotIn, v) => format!("none of {}", listed(v, en)),
            (Meaning::Example, v) => format!("for example {}", listed(v, en)),
            (Meaning::Within, v) => format!("within {} of now", show(v)),
            (Meaning::Elements(element), RuleValue::Rules(inner)) => {
                let (what, en) = match element {
                    Element::Items => ("item", en),
                    Element::Keys => ("key", None),
                    Element::Values => ("value", en),
                };
                format!("each {what}: {}", rule_words(inner, en).join(", "))
            }
            (Meaning::WellKnownRegex, RuleValue::Int(1)) => "a valid HTTP header name".into(),
            (Meaning::WellKnownRegex, RuleValue::Int(2)) => "a valid HTTP header value".into(),
            (Meaning::Ignore, RuleValue::Int(IGNORE_IF_ZERO_VALUE)) => {
                "checked only when set".into()
            }
            (Meaning::Ignore, RuleValue::Int(IGNORE_ALWAYS)) => "not validated".into(),
            (_, RuleValue::Bool(false)) => continue,
            (Meaning::DefinedOnly, _) => "a defined enum value".into(),
            (Meaning::Required, _) => "required".into(),
            (Meaning::Unique, _) => "items are unique".into(),
            (Meaning::NoSparse, _) => "no empty values".into(),
            (Meaning::Finite, _) => "finite (not NaN nor infinite)".into(),
            (Meaning::Skip, _) => "not validated".into(),
            (Meaning::IgnoreEmpty, _) => "checked only when not empty".into(),
            (Meaning::Now(Side::Upper), _) => "in the past".into(),
            (Meaning::Now(Side::Lower), _) => "in the future".into(),
            (Meaning::Format(format), RuleValue::Bool(true)) => {
                format!("a valid {}", format_words(format))
            }
            // `strict` tunes `well_known_regex`; the other values say nothing to a reader.
            (Meaning::Strict | Meaning::WellKnownRegex | Meaning::Ignore, _) => continue,
            (_, v) => format!("{} {}", r.name.replace('_', " "), show(v)),
        };
        out.push(phrase);
    }
    out
}

/// A format in words (`uri_ref` → `URI reference`).
fn format_words(format: Format) -> String {
    match format {
        Format::Ip => "IP address".into(),
        Format::Ipv4 => "IPv4 address".into(),
        Format::Ipv6 => "IPv6 address".into(),
        Format::Uri => "URI".into(),
        Format::UriRef => "URI reference".into(),
        Format::Uuid => "UUID".into(),
        Format::Tuuid => "UUID without dashes".into(),
        Format::Ulid => "ULID".into(),
        other => other.rule_name().replace('_', " "),
    }
}

fn length([len, min, max]: [Option<u64>; 3], unit: &str) -> Option<String> {
    Some(match (len, min, max) {
        (Some(n), _, _) => format!("exactly {n} {unit}"),
        (None, Some(a), Some(b)) if a == b => format!("exactly {a} {unit}"),
        (None, Some(1), Some(b)) => format!("non-empty and <= {b} {unit}"),
        (None, Some(a), Some(b)) => format!(">= {a} and <= {b} {unit}"),
        (None, Some(1), None) => "non-empty".into(),
        (None, Some(a), None) => format!(">= {a} {unit}"),
        (None, None, Some(b)) => format!("<= {b} {unit}"),
        (None, None, None) => return None,
    })
}

fn count([_, min, max]: [Option<u64>; 3], unit: &str) -> Option<String> {
    Some(match (min, max) {
        (Some(a), Some(b)) if a == b => format!("exactly {a} {unit}"),
        (Some(a), Some(b)) => format!("at least {a} and at most {b} {unit}"),
        (Some(a), None) => format!("at least {a} {unit}"),
        (None, Some(b)) => format!("at most {b} {unit}"),
        (None, None) => return None,
    })
}

fn bounds([lower, upper]: [Option<(bool, &RuleValue)>; 2]) -> Option<String> {
    let op = |inclusive: bool, strict: &str, or_equal: &str| match inclusive {
        true => or_equal.to_string(),
        false => strict.to_string(),
    };
    let lower = lower.map(|(i, v)| (format!("{} {}", op(i, ">", ">="), show(v)), v));
    let upper = upper.map(|(i, v)| (format!("{} {}", op(i, "<", "<="), show(v)), v));
    Some(match (lower, upper) {
        // PGV reads an upper bound below the lower one as "outside the range".
        (Some((l, lv)), Some((u, uv))) if magnitude(uv) < magnitude(lv) => format!("{u} or {l}"),
        (Some((l, _)), Some((u, _))) => format!("{l} and {u}"),
        (Some((one, _)), None) | (None, Some((one, _))) => one,
        (None, None) => return None,
    })
}

fn magnitude(v: &RuleValue) -> f64 {
    match v {
        RuleValue::Int(n) => *n as f64,
        RuleValue::Uint(n) => *n as f64,
        RuleValue::Float(n) => *n,
        RuleValue::Time(s, n) => *s as f64 + f64::from(*n) / 1e9,
        _ => 0.0,
    }
}

fn show(v: &RuleValue) -> String {
    match v {
        RuleValue::Bool(b) => b.to_string(),
        RuleValue::Int(n) => n.to_string(),
        RuleValue::Uint(n) => n.to_string(),
        RuleValue::Float(n) => n.to_string(),
        RuleValue::Str(s) => s.clone(),
        RuleValue::Bytes(b) => format!(
            "0x{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ),
        RuleValue::Time(s, 0) => format!("{s}s"),
        RuleValue::Time(s, n) => format!("{s}.{}s", format!("{n:09}").trim_end_matches('0')),
        RuleValue::List(items) => items.iter().map(show).collect::<Vec<_>>().join(", "),
        RuleValue::Rules(inner) => rule_words(inner, None).join(", "),
    }
}

fn quoted(v: &RuleValue) -> String {
    format!("`{:?}`", show(v))
}

/// Values of `in` / `const`, enum numbers by their names.
fn listed(v: &RuleValue, en: Option<&Enum>) -> String {
    let one = |v: &RuleValue| match (v, en) {
        (RuleValue::Int(n), Some(e)) => {
            match e.values.iter().find(|(_, num)| i64::from(*num) == *n) {
                Some((name, _)) => format!("`{name}`"),
                None => n.to_string(),
            }
        }
        (RuleValue::Str(_), _) => quoted(v),
        _ => show(v),
    };
    match v {
        RuleValue::List(items) => items.iter().map(one).collect::<Vec<_>>().join(", "),
        other => one(other),
    }
}

/// The field and the PGV message for breaking the first rule of the first field that has
/// one, e.g. `code` and `invalid VerifyMyPhoneRequest.Code: value length must be between 1
/// and 200 runes, inclusive`.
pub(super) fn violation(msg: &Message) -> Option<(String, String)> {
    let field = msg.fields.iter().find(|f| !f.rules.is_empty())?;
    let size = [Measure::Characters, Measure::Bytes]
        .into_iter()
        .map(|measure| (measure, sizes(&field.rules, measure)))
        .find(|(_, sizes)| sizes.iter().any(Option::is_some));
    let reason = match size {
        Some((measure, [len, min, max])) => {
            let unit = match measure {
                Measure::Characters => "runes",
                _ => "bytes",
            };
            match (len, min, max) {
                (Some(l), _, _) => format!("value length must be {l} {unit}"),
                (None, Some(a), Some(b)) if a == b => format!("value length must be {a} {unit}"),
                (None, Some(a), Some(b)) => {
                    format!("value length must be between {a} and {b} {unit}, inclusive")
                }
                (None, Some(a), None) => format!("value length must be at least {a} {unit}"),
                (None, None, Some(b)) => format!("value length must be at most {b} {unit}"),
                (None, None, None) => first_reason(&field.rules)?,
            }
        }
        None => first_reason(&field.rules)?,
    };
    Some((
        field.name.clone(),
        format!(
            "invalid {}.{}: {reason}",
            msg.name,
            names::go_field(&field.name)
        ),
    ))
}

fn first_reason(rules: &[Rule]) -> Option<String> {
    let [lower, upper] = bound_values(rules);
    let eq = |inclusive: bool| if inclusive { "or equal to " } else { "" };
    match (lower, upper) {
        (Some((li, l)), Some((ui, u))) if magnitude(u) >= magnitude(l) => {
            let (open, close) = (if li { '[' } else { '(' }, if ui { ']' } else { ')' });
            return Some(format!(
                "value must be inside range {open}{}, {}{close}",
                show(l),
                show(u)
            ));
        }
        (Some((li, l)), Some((ui, u))) => {
            let (open, close) = (if ui { '(' } else { '[' }, if li { ')' } else { ']' });
            return Some(format!(
                "value must be outside range {open}{}, {}{close}",
                show(u),
                show(l)
            ));
        }
        (Some((i, l)), None) => {
            return Some(format!("value must be greater than {}{}", eq(i), show(l)))
        }
        (None, Some((i, u))) => {
            return Some(format!("value must be less than {}{}", eq(i), show(u)))
        }
        (None, None) => {}
    }
    let r = rules.first()?;
    Some(match (r.meaning()?, &r.value) {
        (Meaning::Text(TextRule::Prefix), v) => {
            format!("value does not have prefix {:?}", show(v))
        }
        (Meaning::Text(TextRule::Suffix), v) => {
            format!("value does not have suffix {:?}", show(v))
        }
        (Meaning::Text(TextRule::Contains), v) => {
            format!("value does not contain substring {:?}", show(v))
        }
        (Meaning::Pattern, v) => format!("value does not match regex pattern {:?}", show(v)),
        (Meaning::In, RuleValue::List(items)) => format!(
            "value must be in list [{}]",
            items.iter().map(show).collect::<Vec<_>>().join(" ")
        ),
        (Meaning::Size(Measure::Items, Limit::Min), v) => {
            format!("value must contain at least {} item(s)", show(v))
        }
        (Meaning::Size(Measure::Items, Limit::Max), v) => {
            format!("value must contain no more than {} item(s)", show(v))
        }
        (Meaning::Required, _) => "value is required".into(),
        (Meaning::DefinedOnly, _) => "value must be one of the defined enum values".into(),
        _ => return None,
    })
}

/// grpc-gateway's HTTP status for a gRPC code.
pub(super) fn http_status(code: i64) -> u16 {
    match code {
        0 => 200,
        1 => 499,
        3 | 9 | 11 => 400,
        4 => 504,
        5 => 404,
        6 | 10 => 409,
        7 => 403,
        8 => 429,
        12 => 501,
        14 => 503,
        16 => 401,
        _ => 500,
    }
}
