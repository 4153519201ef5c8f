//! Rules that cannot be satisfied, do not fit their field, or that the generator cannot emit.

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::emit::validate::{is_number_family, supported};
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

/// The fixed-length rules and the bounds they override: (family, len, min, max).
const LENGTHS: [(&str, &str, &str, &str); 3] = [
    ("string", "len", "min_len", "max_len"),
    ("string", "len_bytes", "min_bytes", "max_bytes"),
    ("bytes", "len", "min_len", "max_len"),
];

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
    let get = |fam: &str, n: &str| rules.iter().find(|r| r.family == fam && r.name == n);
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
                let lo_at = get(fam, lo).map(at).unwrap_or_default();
                let hi_at = get(fam, hi).map(at).unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        "rule-contradiction",
                        lo_at,
                        format!("`{fam}.{lo}` ({a}) is greater than `{fam}.{hi}` ({b}) on {name}: no value can pass"),
                    )
                    .related(hi_at, format!("`{fam}.{hi}` is {b}"))
                    .hint(format!("make {lo} <= {hi} {unit}")),
                );
            }
        }
    }
    // A fixed length that contradicts a bound.
    for (fam, len_name, min_name, max_name) in LENGTHS {
        let Some(len) = num(get(fam, len_name)) else {
            continue;
        };
        let too_small = num(get(fam, max_name)).is_some_and(|m| len > m);
        let too_big = num(get(fam, min_name)).is_some_and(|m| len < m);
        if too_small || too_big {
            let (other, bound) = if too_small {
                (max_name, "at most")
            } else {
                (min_name, "at least")
            };
            let other_rule = get(fam, other);
            let mut d = Diagnostic::error(
                "rule-contradiction",
                get(fam, len_name).map(at).unwrap_or_default(),
                format!(
                    "`{fam}.{len_name}` ({len}) contradicts `{fam}.{other}` ({}) on {name}: the length must be {bound} {}",
                    num(other_rule).unwrap_or_default(),
                    num(other_rule).unwrap_or_default()
                ),
            );
            if let Some(r) = other_rule {
                d = d.related(at(r), format!("`{fam}.{other}`"));
            }
            diags.push(d.hint(format!("drop `{len_name}` or the bound it contradicts")));
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
                                at(r),
                                format!(
                                    "`string.{affix}` {text:?} is {n} characters but {name} allows at most {max}"
                                ),
                            )
                            .related(at(max_rule), format!("`{}` is {max}", max_rule.id()))
                            .hint(format!("shorten the {affix} or raise {}", max_rule.name)),
                        );
                    }
                }
            }
        }
    }
    // Patterns must compile with RE2's syntax, through the runtime's translation to the regex
    // crate (the same text the validators compile).
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
                        Diagnostic::error("rule-invalid-regex", at(r), format!("`{fam}.pattern` {p:?} on {name} is not a valid RE2 expression: {first}"))
                            .hint("PGV patterns use RE2 syntax: no look-around or back-references"),
                    );
                }
            }
        }
    }
    redundant_rules(target, rules, diags);
    if is_number_family(expected) {
        number_bounds(target, rules, diags);
    }
}

/// Rules that PGV ignores next to another (`not_in` next to `in`, `min_len`/`max_len` next to
/// `len`): warnings, since the schema says more than is checked.
fn redundant_rules(target: &Target<'_>, rules: &[Rule], diags: &mut Diagnostics) {
    let name = target.name.as_str();
    let get = |fam: &str, n: &str| rules.iter().find(|r| r.family == fam && r.name == n);
    let non_empty = |r: &&Rule| !matches!(&r.value, RuleValue::List(l) if l.is_empty());
    let mut families: Vec<&str> = rules.iter().map(|r| r.family.as_str()).collect();
    families.dedup();
    for fam in families {
        if let (Some(a), Some(b)) = (
            get(fam, "in").filter(non_empty),
            get(fam, "not_in").filter(non_empty),
        ) {
            let message = if b.dialect == Dialect::Pgv {
                format!(
                    "`{fam}.not_in` on {name} has no effect next to `{fam}.in`: PGV checks `not_in` only when `in` is empty"
                )
            } else {
                format!(
                    "`{fam}.not_in` next to `{fam}.in` on {name}: only values of `in` can pass, so leave the excluded ones out of `in` instead"
                )
            };
            diags.push(
                Diagnostic::warning("rule-redundant", target.locate(b), message)
                    .related(target.locate(a), format!("`{fam}.in`"))
                    .hint("keep one of `in` and `not_in`"),
            );
        }
    }
    for (fam, len, min, max) in LENGTHS {
        let Some(fixed) = get(fam, len) else { continue };
        for bound in [min, max].iter().filter_map(|b| get(fam, b)) {
            let why = if bound.dialect == Dialect::Pgv {
                format!("PGV checks only `{len}` when it is set")
            } else {
                format!("`{len}` fixes the length")
            };
            diags.push(
                Diagnostic::warning(
                    "rule-redundant",
                    target.locate(bound),
                    format!(
                        "`{}` on {name} has no effect next to `{fam}.{len}`: {why}",
                        bound.id()
                    ),
                )
                .related(target.locate(fixed), format!("`{fam}.{len}`"))
                .hint(format!("drop `{}` or `{len}`", bound.name)),
            );
        }
    }
}

/// Float bounds must be numbers (NaN compares false with everything: a NaN bound makes the rule
/// pass or fail regardless of the value), and exclusive bounds must leave some value.
fn number_bounds(target: &Target<'_>, rules: &[Rule], diags: &mut Diagnostics) {
    let name = target.name.as_str();
    let expected = target.expected.as_str();
    let get = |n: &str| rules.iter().find(|r| r.family == expected && r.name == n);
    for rule in rules.iter().filter(|r| r.family == expected) {
        let values: Vec<f64> = match &rule.value {
            RuleValue::Float(v) => vec![*v],
            RuleValue::List(items) => items
                .iter()
                .filter_map(|v| match v {
                    RuleValue::Float(f) => Some(*f),
                    _ => None,
                })
                .collect(),
            _ => continue,
        };
        if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
            let (code, what) = if bad.is_nan() {
                (
                    "rule-nan",
                    "NaN: no number compares with NaN, so the rule cannot work",
                )
            } else {
                (
                    "rule-infinite",
                    "infinite: protogate emits finite bounds only",
                )
            };
            diags.push(
                Diagnostic::error(
                    code,
                    target.locate(rule),
                    format!("`{}` on {name} is {what}", rule.id()),
                )
                .hint("use a finite number; `(validate.rules).double` has no NaN check"),
            );
        }
    }
    // Equal exclusive bounds on both sides admit no value (gte == lte is an allowed exclusion).
    let f = |n: &str| {
        get(n).map(|r| match &r.value {
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
                get("gt")
                    .or(get("gte"))
                    .map(|r| target.locate(r))
                    .unwrap_or_default(),
                format!("the bounds of {name} exclude every value ({lo} < x < {hi})"),
            ));
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
