//! Rules that cannot be satisfied, do not fit their field, or that the generator cannot emit.

use crate::diag::{Diagnostic, Diagnostics};
use crate::emit::validate::{is_number_family, supported};
use crate::model::{Api, Cardinality, Field, FieldType, Message, Rule, RuleValue};

/// Checks every rule of every message.
pub fn check(api: &Api, diags: &mut Diagnostics) {
    for message in api.messages() {
        for field in &message.fields {
            check_field(message, field, diags);
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
        FieldType::Message(m) => match m.as_str() {
            "google.protobuf.Duration" => "duration".into(),
            "google.protobuf.Timestamp" => "timestamp".into(),
            "google.protobuf.Any" => "any".into(),
            "google.protobuf.StringValue" => "string".into(),
            "google.protobuf.BytesValue" => "bytes".into(),
            "google.protobuf.BoolValue" => "bool".into(),
            "google.protobuf.DoubleValue" => "double".into(),
            "google.protobuf.FloatValue" => "float".into(),
            "google.protobuf.Int32Value" => "int32".into(),
            "google.protobuf.Int64Value" => "int64".into(),
            "google.protobuf.UInt32Value" => "uint32".into(),
            "google.protobuf.UInt64Value" => "uint64".into(),
            _ => "message".into(),
        },
        other => other.proto_name().to_string(),
    }
}

fn check_field(message: &Message, field: &Field, diags: &mut Diagnostics) {
    let expected = expected_family(field);
    let is_message_field = matches!(field.ty, FieldType::Message(_)) && field.cardinality == Cardinality::Single;
    let name = format!("{}.{}", message.full_name, field.name);
    for rule in &field.rules {
        let fits = rule.family == expected || (rule.family == "message" && is_message_field);
        if !fits {
            diags.push(
                Diagnostic::error(
                    "rule-wrong-type",
                    rule.location.clone(),
                    format!(
                        "rule `{}` on field `{name}` of type `{}`: expected `{expected}` rules",
                        rule.id(),
                        type_label(field)
                    ),
                )
                .related(field.location.clone(), "the field is declared here")
                .hint(format!("use `(validate.rules).{expected}` for this field")),
            );
            continue;
        }
        if !supported(rule) {
            diags.push(
                Diagnostic::warning(
                    "rule-unsupported",
                    rule.location.clone(),
                    format!("rule `{}` on `{name}` is not enforced by this protogate version", rule.id()),
                )
                .hint("the request is accepted without this check; see the README's validation coverage"),
            );
        }
    }
    let get = |fam: &str, n: &str| field.rules.iter().find(|r| r.family == fam && r.name == n);
    let num = |r: Option<&Rule>| r.and_then(|r| r.value.as_u64());
    // min > max for every length-like pair.
    for (fam, lo, hi, unit) in [
        ("string", "min_len", "max_len", "characters"),
        ("string", "min_bytes", "max_bytes", "bytes"),
        ("bytes", "min_len", "max_len", "bytes"),
        ("repeated", "min_items", "max_items", "items"),
        ("map", "min_pairs", "max_pairs", "pairs"),
    ] {
        if let (Some(a), Some(b)) = (num(get(fam, lo)), num(get(fam, hi))) {
            if a > b {
                let r = get(fam, lo).map(|r| r.location.clone()).unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        "rule-contradiction",
                        r,
                        format!("`{fam}.{lo}` ({a}) is greater than `{fam}.{hi}` ({b}) on `{name}`: no value can pass"),
                    )
                    .hint(format!("make {lo} <= {hi} {unit}")),
                );
            }
        }
    }
    // A fixed length that contradicts a bound.
    if let Some(len) = num(get("string", "len")) {
        let too_small = num(get("string", "max_len")).is_some_and(|m| len > m);
        let too_big = num(get("string", "min_len")).is_some_and(|m| len < m);
        if too_small || too_big {
            diags.push(Diagnostic::error(
                "rule-contradiction",
                get("string", "len").map(|r| r.location.clone()).unwrap_or_default(),
                format!("`string.len` ({len}) is outside `min_len`/`max_len` on `{name}`"),
            ));
        }
    }
    // Affixes that cannot fit.
    if let Some(max) = num(get("string", "max_len")).or(num(get("string", "len"))) {
        for affix in ["prefix", "suffix", "contains", "const"] {
            if let Some(r) = get("string", affix) {
                if let Some(text) = r.value.as_str() {
                    let n = text.chars().count() as u64;
                    if n > max {
                        diags.push(
                            Diagnostic::error(
                                "rule-contradiction",
                                r.location.clone(),
                                format!(
                                    "`string.{affix}` {text:?} is {n} characters but `{name}` allows at most {max}"
                                ),
                            )
                            .hint(format!("shorten the {affix} or raise max_len")),
                        );
                    }
                }
            }
        }
    }
    // Patterns must compile (RE2 syntax, which the regex crate follows).
    for fam in ["string", "bytes"] {
        if let Some(r) = get(fam, "pattern") {
            if let Some(p) = r.value.as_str() {
                if let Err(e) = regex::Regex::new(p) {
                    let first = e.to_string().lines().last().unwrap_or("").trim().to_string();
                    diags.push(
                        Diagnostic::error("rule-invalid-regex", r.location.clone(), format!("`{fam}.pattern` {p:?} on `{name}` is not a valid RE2 expression: {first}"))
                            .hint("PGV patterns use RE2 syntax: no look-around or back-references"),
                    );
                }
            }
        }
    }
    // Numeric bounds that leave nothing: gt >= lt with both inclusive-equal is allowed (outside
    // range), but equal exclusive bounds on both sides admit no value.
    if is_number_family(&expected) {
        let f = |n: &str| get(&expected, n).map(|r| match &r.value {
            RuleValue::Float(v) => *v,
            RuleValue::Int(v) => *v as f64,
            RuleValue::Uint(v) => *v as f64,
            _ => 0.0,
        });
        if let (Some(lo), Some(hi)) = (f("gt").or(f("gte")), f("lt").or(f("lte"))) {
            if lo == hi && (f("gt").is_some() || f("lt").is_some()) && f("gte").is_none() && f("lte").is_none() {
                diags.push(Diagnostic::error(
                    "rule-contradiction",
                    get(&expected, "gt").or(get(&expected, "gte")).map(|r| r.location.clone()).unwrap_or_default(),
                    format!("the bounds of `{name}` exclude every value ({lo} < x < {hi})"),
                ));
            }
        }
    }
}

fn type_label(field: &Field) -> String {
    match &field.cardinality {
        Cardinality::Repeated => format!("repeated {}", field.ty.proto_name()),
        Cardinality::Map(k, v) => format!("map<{}, {}>", k.proto_name(), v.proto_name()),
        Cardinality::Single => field.ty.proto_name().to_string(),
    }
}
