//! Validation rules in words for readers ("non-empty and <= 200 characters"), and the PGV
//! message a request breaking the first rule gets.

use crate::model::{Enum, Message, Rule, RuleValue};
use crate::names;

/// Every rule of a field as short phrases, bounds first.
pub(super) fn rule_words(rules: &[Rule], en: Option<&Enum>) -> Vec<String> {
    let get = |name: &str| rules.iter().find(|r| r.name == name).map(|r| &r.value);
    let unit = if rules.iter().any(|r| r.family == "bytes") {
        "bytes"
    } else {
        "characters"
    };
    let mut out = Vec::new();
    out.extend(length(get("len"), get("min_len"), get("max_len"), unit));
    out.extend(length(
        get("len_bytes"),
        get("min_bytes"),
        get("max_bytes"),
        "bytes",
    ));
    out.extend(count(get("min_items"), get("max_items"), "items"));
    out.extend(count(get("min_pairs"), get("max_pairs"), "entries"));
    out.extend(bounds(get("gt"), get("gte"), get("lt"), get("lte")));
    for r in rules {
        let phrase = match (r.name.as_str(), &r.value) {
            ("len" | "min_len" | "max_len" | "len_bytes" | "min_bytes" | "max_bytes", _) => {
                continue
            }
            (
                "min_items" | "max_items" | "min_pairs" | "max_pairs" | "gt" | "gte" | "lt" | "lte",
                _,
            ) => continue,
            ("prefix", v) => format!("starts with {}", quoted(v)),
            ("suffix", v) => format!("ends with {}", quoted(v)),
            ("contains", v) => format!("contains {}", quoted(v)),
            ("not_contains", v) => format!("does not contain {}", quoted(v)),
            ("pattern", v) => format!("matches `{}`", show(v)),
            ("const", v) => format!("equals {}", listed(v, en)),
            ("in", v) => format!("one of {}", listed(v, en)),
            ("not_in", v) => format!("none of {}", listed(v, en)),
            ("within", v) => format!("within {} of now", show(v)),
            ("items", RuleValue::Rules(inner)) => {
                format!("each item: {}", rule_words(inner, en).join(", "))
            }
            ("keys", RuleValue::Rules(inner)) => {
                format!("each key: {}", rule_words(inner, None).join(", "))
            }
            ("values", RuleValue::Rules(inner)) => {
                format!("each value: {}", rule_words(inner, en).join(", "))
            }
            (_, RuleValue::Bool(false)) => continue,
            ("defined_only", _) => "a defined enum value".into(),
            ("required", _) => "required".into(),
            ("unique", _) => "items are unique".into(),
            ("no_sparse", _) => "no empty values".into(),
            ("skip", _) => "not validated".into(),
            ("ignore_empty", _) => "checked only when not empty".into(),
            ("lt_now", _) => "in the past".into(),
            ("gt_now", _) => "in the future".into(),
            (format, RuleValue::Bool(true)) => format!("a valid {}", format.replace('_', " ")),
            (name, v) => format!("{} {}", name.replace('_', " "), show(v)),
        };
        out.push(phrase);
    }
    out
}

fn length(
    len: Option<&RuleValue>,
    min: Option<&RuleValue>,
    max: Option<&RuleValue>,
    unit: &str,
) -> Option<String> {
    let n = |v: Option<&RuleValue>| v.and_then(RuleValue::as_u64);
    Some(match (n(len), n(min), n(max)) {
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

fn count(min: Option<&RuleValue>, max: Option<&RuleValue>, unit: &str) -> Option<String> {
    let n = |v: Option<&RuleValue>| v.and_then(RuleValue::as_u64);
    Some(match (n(min), n(max)) {
        (Some(a), Some(b)) if a == b => format!("exactly {a} {unit}"),
        (Some(a), Some(b)) => format!("at least {a} and at most {b} {unit}"),
        (Some(a), None) => format!("at least {a} {unit}"),
        (None, Some(b)) => format!("at most {b} {unit}"),
        (None, None) => return None,
    })
}

fn bounds(
    gt: Option<&RuleValue>,
    gte: Option<&RuleValue>,
    lt: Option<&RuleValue>,
    lte: Option<&RuleValue>,
) -> Option<String> {
    let lower = gt
        .map(|v| (format!("> {}", show(v)), v))
        .or(gte.map(|v| (format!(">= {}", show(v)), v)));
    let upper = lt
        .map(|v| (format!("< {}", show(v)), v))
        .or(lte.map(|v| (format!("<= {}", show(v)), v)));
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
    let get = |name: &str| {
        field
            .rules
            .iter()
            .find(|r| r.name == name)
            .map(|r| &r.value)
    };
    let n = |name: &str| get(name).and_then(RuleValue::as_u64);
    let unit = if field.rules.iter().any(|r| r.family == "bytes") {
        "bytes"
    } else {
        "runes"
    };
    let reason = match (n("len"), n("min_len"), n("max_len")) {
        (Some(l), _, _) => format!("value length must be {l} {unit}"),
        (None, Some(a), Some(b)) if a == b => format!("value length must be {a} {unit}"),
        (None, Some(a), Some(b)) => {
            format!("value length must be between {a} and {b} {unit}, inclusive")
        }
        (None, Some(a), None) => format!("value length must be at least {a} {unit}"),
        (None, None, Some(b)) => format!("value length must be at most {b} {unit}"),
        (None, None, None) => first_reason(&field.rules)?,
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
    let get = |name: &str| rules.iter().find(|r| r.name == name).map(|r| &r.value);
    let lower = get("gt")
        .map(|v| (false, v))
        .or(get("gte").map(|v| (true, v)));
    let upper = get("lt")
        .map(|v| (false, v))
        .or(get("lte").map(|v| (true, v)));
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
    Some(match (r.name.as_str(), &r.value) {
        ("prefix", v) => format!("value does not have prefix {:?}", show(v)),
        ("suffix", v) => format!("value does not have suffix {:?}", show(v)),
        ("contains", v) => format!("value does not contain substring {:?}", show(v)),
        ("pattern", v) => format!("value does not match regex pattern {:?}", show(v)),
        ("in", RuleValue::List(items)) => format!(
            "value must be in list [{}]",
            items.iter().map(show).collect::<Vec<_>>().join(" ")
        ),
        ("min_items", v) => format!("value must contain at least {} item(s)", show(v)),
        ("max_items", v) => format!("value must contain no more than {} item(s)", show(v)),
        ("required", _) => "value is required".into(),
        ("defined_only", _) => "value must be one of the defined enum values".into(),
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
