//! Rules that cannot be satisfied, do not fit their field, or that the generator cannot emit.

use crate::diag::{Diagnostic, Diagnostics, Location};
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
            "google.protobuf.FieldMask" => "field_mask".into(),
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
    let is_message_field =
        matches!(field.ty, FieldType::Message(_)) && field.cardinality == Cardinality::Single;
    let name = format!("{}.{}", message.full_name, field.name);
    for rule in &field.rules {
        let fits = rule.family == expected || (rule.family == "message" && is_message_field);
        if !fits {
            diags.push(
                Diagnostic::error(
                    "rule-wrong-type",
                    rule_location(rule),
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
                    rule_location(rule),
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
                let lo_at = get(fam, lo).map(rule_location).unwrap_or_default();
                let hi_at = get(fam, hi).map(rule_location).unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        "rule-contradiction",
                        lo_at,
                        format!("`{fam}.{lo}` ({a}) is greater than `{fam}.{hi}` ({b}) on `{name}`: no value can pass"),
                    )
                    .related(hi_at, format!("`{fam}.{hi}` is {b}"))
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
            let (other, bound) = if too_small {
                ("max_len", "at most")
            } else {
                ("min_len", "at least")
            };
            let other_rule = get("string", other);
            let mut d = Diagnostic::error(
                "rule-contradiction",
                get("string", "len").map(rule_location).unwrap_or_default(),
                format!(
                    "`string.len` ({len}) contradicts `string.{other}` ({}) on `{name}`: the length must be {bound} {}",
                    num(other_rule).unwrap_or_default(),
                    num(other_rule).unwrap_or_default()
                ),
            );
            if let Some(r) = other_rule {
                d = d.related(rule_location(r), format!("`string.{other}`"));
            }
            diags.push(d.hint("drop `len` or the bound it contradicts"));
        }
    }
    // Affixes that cannot fit.
    let max_rule = get("string", "max_len")
        .filter(|r| r.value.as_u64().is_some())
        .or(get("string", "len"));
    if let Some((max_rule, max)) = max_rule.and_then(|r| r.value.as_u64().map(|m| (r, m))) {
        for affix in ["prefix", "suffix", "contains", "const"] {
            if let Some(r) = get("string", affix) {
                if let Some(text) = r.value.as_str() {
                    let n = text.chars().count() as u64;
                    if n > max {
                        diags.push(
                            Diagnostic::error(
                                "rule-contradiction",
                                rule_location(r),
                                format!(
                                    "`string.{affix}` {text:?} is {n} characters but `{name}` allows at most {max}"
                                ),
                            )
                            .related(rule_location(max_rule), format!("`{}` is {max}", max_rule.id()))
                            .hint(format!("shorten the {affix} or raise {}", max_rule.name)),
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
                if let Err(e) = regex::Regex::new(&protogate_re2::re2_to_regex(p)) {
                    let first = e
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or("")
                        .trim()
                        .to_string();
                    diags.push(
                        Diagnostic::error("rule-invalid-regex", rule_location(r), format!("`{fam}.pattern` {p:?} on `{name}` is not a valid RE2 expression: {first}"))
                            .hint("PGV patterns use RE2 syntax: no look-around or back-references"),
                    );
                }
            }
        }
    }
    // Numeric bounds that leave nothing: gt >= lt with both inclusive-equal is allowed (outside
    // range), but equal exclusive bounds on both sides admit no value.
    if is_number_family(&expected) {
        let f = |n: &str| {
            get(&expected, n).map(|r| match &r.value {
                RuleValue::Float(v) => *v,
                RuleValue::Int(v) => *v as f64,
                RuleValue::Uint(v) => *v as f64,
                _ => 0.0,
            })
        };
        if let (Some(lo), Some(hi)) = (f("gt").or(f("gte")), f("lt").or(f("lte"))) {
            if lo == hi
                && (f("gt").is_some() || f("lt").is_some())
                && f("gte").is_none()
                && f("lte").is_none()
            {
                diags.push(Diagnostic::error(
                    "rule-contradiction",
                    get(&expected, "gt")
                        .or(get(&expected, "gte"))
                        .map(rule_location)
                        .unwrap_or_default(),
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

/// Where a rule is written: the line of its own key inside the `(validate.rules)` value.
///
/// Descriptor source info stops at the option (`(validate.rules).string = {`): the fields of a
/// text-format aggregate have no location of their own, so the key is looked up in the source.
pub fn rule_location(rule: &Rule) -> Location {
    locate_key(&rule.location, &rule.name, None)
}

/// The location of `key` (a text-format field name followed by `:` or `{`) inside the aggregate
/// value `{ … }` of the option written at `at`, read from the proto source. With `depth`, only a
/// key at that nesting level counts (1: directly inside the first `{`). Falls back to `at` when
/// the file cannot be read, the option has no aggregate value, or the key is not in it.
pub fn locate_key(at: &Location, key: &str, depth: Option<usize>) -> Location {
    let Some((text, tokens)) = tokens_from(at) else {
        return at.clone();
    };
    let mut level = 0usize;
    for (i, (offset, token)) in tokens.iter().enumerate() {
        match token {
            Token::Punct('{') => level += 1,
            Token::Punct('}') => {
                if level <= 1 {
                    return at.clone();
                }
                level -= 1;
            }
            // The option ends before any aggregate value: `name = 1;`, `[a = 1, b = 2]`.
            Token::Punct(';' | ',' | '[' | ']') if level == 0 => return at.clone(),
            Token::Ident(name) if level > 0 && name == key && depth.is_none_or(|d| d == level) => {
                if matches!(tokens.get(i + 1), Some((_, Token::Punct(':' | '{')))) {
                    return position(at, &text, *offset);
                }
            }
            _ => {}
        }
    }
    at.clone()
}

/// The location of the identifier `ident` in the declaration that starts at `at` (up to its `;`
/// or its body), e.g. `field_behavior` in a field's option list. Falls back to `at`.
pub fn locate_ident(at: &Location, ident: &str) -> Location {
    let Some((text, tokens)) = tokens_from(at) else {
        return at.clone();
    };
    let mut level = 0usize;
    for (offset, token) in &tokens {
        match token {
            Token::Punct('{' | '[' | '(') => level += 1,
            // A body's closing brace ends the declaration, as does `;` outside brackets.
            Token::Punct('}') if level <= 1 => break,
            Token::Punct('}' | ']' | ')') => level = level.saturating_sub(1),
            Token::Punct(';') if level == 0 => break,
            Token::Ident(name) if name == ident => return position(at, &text, *offset),
            _ => {}
        }
    }
    at.clone()
}

#[derive(Debug, PartialEq)]
enum Token {
    Ident(String),
    Punct(char),
}

/// The proto source of `at.file` and its tokens from `at` on (comments and string literals
/// skipped), with their byte offsets.
fn tokens_from(at: &Location) -> Option<(String, Vec<(usize, Token)>)> {
    if at.line == 0 {
        return None;
    }
    let text = std::fs::read_to_string(&at.file).ok()?;
    let line_start = if at.line == 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(at.line as usize - 2)
            .map(|(i, _)| i + 1)?
    };
    let line_text = text[line_start..].split('\n').next().unwrap_or("");
    let column = (at.column.max(1) - 1) as usize;
    let start = line_start
        + line_text
            .char_indices()
            .nth(column)
            .map(|(i, _)| i)
            .unwrap_or(0);
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = start;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'"' | b'\'' => {
                i += 1;
                while i < bytes.len() && bytes[i] != c {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                let from = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                tokens.push((from, Token::Ident(text[from..i].to_string())));
            }
            c if c.is_ascii_whitespace() || !c.is_ascii() => i += 1,
            c => {
                tokens.push((i, Token::Punct(c as char)));
                i += 1;
            }
        }
    }
    Some((text, tokens))
}

/// The location of a byte offset of `text`, in `at`'s file.
fn position(at: &Location, text: &str, offset: usize) -> Location {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    Location::new(at.file.clone(), line, column)
}
