//! PGV and protovalidate rules as JSON Schema keywords: lengths, patterns, formats, bounds,
//! `enum` / `const`, item and entry counts. A rule JSON Schema cannot state exactly (a byte
//! count of a string, a timestamp bound) gives no keyword: the document never rejects what the
//! server accepts.

use super::node::{Node, Obj};
use super::Version;
use crate::emit::validate::{is_number_family, wrapper_family};
use crate::model::rules::{base64_max, base64_min, literal_pattern};
use crate::model::{
    Api, FieldType, Format, Limit, Meaning, Measure, Rule, RuleValue, Side, TextRule,
};

/// The keywords of one value's rules.
#[derive(Debug, Default)]
pub(super) struct Keywords {
    /// Keywords of the value's own schema, in order.
    pub set: Vec<(&'static str, Node)>,
    /// Further schemas the value must also match (`allOf`): patterns beyond the first, `not`,
    /// format alternatives, a bound range read as "outside".
    pub all_of: Vec<Node>,
}

impl Keywords {
    fn push(&mut self, key: &'static str, value: impl Into<Node>) {
        self.set.push((key, value.into()));
    }

    /// Applies the keywords to `schema`. When the rules hold only for a set value (PGV's
    /// `ignore_empty`, protovalidate's `IGNORE_IF_ZERO_VALUE`), the empty value is allowed
    /// besides: `anyOf: [{enum: [zero]}, {…keywords}]`.
    pub(super) fn apply(self, schema: &mut Obj, empty: Option<Node>) {
        if self.set.is_empty() && self.all_of.is_empty() {
            return;
        }
        let mut own = Obj::new();
        for (k, v) in self.set {
            own.set(k, v);
        }
        if !self.all_of.is_empty() {
            own.set("allOf", self.all_of);
        }
        match empty {
            Some(zero) => schema.set(
                "anyOf",
                vec![
                    Node::from(Obj::new().with("enum", vec![zero])),
                    Node::from(own),
                ],
            ),
            None => {
                for (k, v) in own.iter() {
                    schema.set(k, v.clone());
                }
            }
        }
    }
}

/// The rule family a value of this type is validated with (`string`, `int64`, `enum`; a
/// wrapper's scalar family), if its rules can become keywords.
pub(super) fn family(ty: &FieldType) -> Option<&'static str> {
    Some(match ty {
        FieldType::Double => "double",
        FieldType::Float => "float",
        FieldType::Int32 => "int32",
        FieldType::Int64 => "int64",
        FieldType::Uint32 => "uint32",
        FieldType::Uint64 => "uint64",
        FieldType::Sint32 => "sint32",
        FieldType::Sint64 => "sint64",
        FieldType::Fixed32 => "fixed32",
        FieldType::Fixed64 => "fixed64",
        FieldType::Sfixed32 => "sfixed32",
        FieldType::Sfixed64 => "sfixed64",
        FieldType::Bool => "bool",
        FieldType::String => "string",
        FieldType::Bytes => "bytes",
        FieldType::Enum(_) => "enum",
        FieldType::Message(m) => return wrapper_family(m),
    })
}

pub(super) use crate::model::rules::{ignored_always, ignores_empty};

/// The keywords of a scalar value of type `ty` (its own family's rules only).
pub(super) fn scalar(api: &Api, version: Version, ty: &FieldType, rules: &[Rule]) -> Keywords {
    let Some(family) = family(ty) else {
        return Keywords::default();
    };
    let own: Vec<&Rule> = rules.iter().filter(|r| r.family == family).collect();
    let get = |meaning: Meaning| {
        own.iter()
            .find(|r| r.meaning() == Some(meaning))
            .map(|r| &r.value)
    };
    let mut k = Keywords::default();
    match family {
        "string" => string(version, &get, &mut k),
        "bytes" => bytes(&get, &mut k),
        "bool" => {
            if let Some(RuleValue::Bool(b)) = get(Meaning::Const) {
                constant(version, Node::Bool(*b), &mut k);
            }
        }
        "enum" => {
            if let FieldType::Enum(name) = ty {
                enumeration(api, version, name, &get, &mut k);
            }
        }
        f if is_number_family(f) => number(version, f, &get, &mut k),
        _ => {}
    }
    k
}

/// `minItems`, `maxItems`, `uniqueItems` of a repeated field; `minProperties`,
/// `maxProperties` of a map.
pub(super) fn collection(rules: &[Rule], map: bool) -> Keywords {
    let (measure, min_kw, max_kw) = match map {
        false => (Measure::Items, "minItems", "maxItems"),
        true => (Measure::Pairs, "minProperties", "maxProperties"),
    };
    let count = |limit: Limit| {
        rules
            .iter()
            .find(|r| r.meaning() == Some(Meaning::Size(measure, limit)))
            .and_then(|r| r.value.as_u64())
    };
    let mut k = Keywords::default();
    let (min, max) = (count(Limit::Min), count(Limit::Max));
    if let Some(n) = min {
        k.push(min_kw, n);
    }
    if let Some(n) = max {
        k.push(max_kw, n);
    }
    let unique = rules
        .iter()
        .any(|r| r.meaning() == Some(Meaning::Unique) && r.value == RuleValue::Bool(true));
    if unique && !map {
        k.push("uniqueItems", true);
    }
    k
}

type Get<'g, 'r> = dyn Fn(Meaning) -> Option<&'r RuleValue> + 'g;

/// The least and greatest size in `measure` (an exact size is both).
fn size_bounds(get: &Get<'_, '_>, measure: Measure) -> [Option<u64>; 2] {
    let n = |limit| get(Meaning::Size(measure, limit)).and_then(RuleValue::as_u64);
    let exact = n(Limit::Exact);
    [n(Limit::Min).or(exact), n(Limit::Max).or(exact)]
}

/// The JSON Schema `format` of a string format rule, where JSON Schema has one.
fn json_schema_format(format: Format) -> Option<&'static str> {
    Some(match format {
        Format::Email => "email",
        Format::Hostname => "hostname",
        Format::Ipv4 => "ipv4",
        Format::Ipv6 => "ipv6",
        Format::Uri => "uri",
        Format::UriRef => "uri-reference",
        Format::Uuid => "uuid",
        _ => return None,
    })
}

fn string(version: Version, get: &Get<'_, '_>, k: &mut Keywords) {
    let [min, max] = size_bounds(get, Measure::Characters);
    if let Some(min) = min {
        k.push("minLength", min);
    }
    if let Some(max) = max {
        k.push("maxLength", max);
    }
    let text = |meaning| get(meaning).and_then(RuleValue::as_str);
    let (prefix, suffix, contains, not_contains) = (
        Meaning::Text(TextRule::Prefix),
        Meaning::Text(TextRule::Suffix),
        Meaning::Text(TextRule::Contains),
        Meaning::Text(TextRule::NotContains),
    );
    // The drift check reads `pattern` as the `pattern` rule, else the `prefix`; the other
    // substring rules are further patterns every value must match too.
    let first = text(Meaning::Pattern)
        .map(str::to_string)
        .or_else(|| text(prefix).map(|p| format!("^{}", literal_pattern(p))));
    let mut more = Vec::new();
    if text(Meaning::Pattern).is_some() {
        more.extend(text(prefix).map(|p| format!("^{}", literal_pattern(p))));
    }
    more.extend(text(suffix).map(|s| format!("{}$", literal_pattern(s))));
    more.extend(text(contains).map(literal_pattern));
    if let Some(p) = first {
        k.push("pattern", p);
    }
    for p in more {
        k.all_of.push(Obj::new().with("pattern", p).into());
    }
    if let Some(s) = text(not_contains) {
        let not = Obj::new().with("pattern", literal_pattern(s));
        k.all_of.push(Obj::new().with("not", not).into());
    }
    let flag = |f: Format| get(Meaning::Format(f)) == Some(&RuleValue::Bool(true));
    let format = |name: &str| Node::from(Obj::new().with("format", name));
    for f in Format::ALL {
        if let Some(name) = json_schema_format(f).filter(|_| flag(f)) {
            k.push("format", name);
        }
    }
    // An IP address or an address is one of several formats.
    for (f, any) in [
        (Format::Ip, vec![Format::Ipv4, Format::Ipv6]),
        (
            Format::Address,
            vec![Format::Hostname, Format::Ipv4, Format::Ipv6],
        ),
    ] {
        if flag(f) {
            let any: Vec<Node> = any
                .into_iter()
                .filter_map(json_schema_format)
                .map(format)
                .collect();
            k.all_of.push(Obj::new().with("anyOf", any).into());
        }
    }
    let str_node = |v: &RuleValue| v.as_str().map(Node::from);
    values(version, get, &str_node, k);
}

/// bytes travel as base64: `n` bytes are `ceil(4n/3)` characters unpadded and `4·ceil(n/3)`
/// padded, the bounds a length rule gives the string.
fn bytes(get: &Get<'_, '_>, k: &mut Keywords) {
    let [min, max] = size_bounds(get, Measure::Bytes);
    if let Some(min) = min {
        k.push("minLength", base64_min(min));
    }
    if let Some(max) = max {
        k.push("maxLength", base64_max(max));
    }
}

fn number(version: Version, family: &str, get: &Get<'_, '_>, k: &mut Keywords) {
    let num = |v: &RuleValue| match v {
        RuleValue::Int(n) => Some((Node::Int(*n), *n as f64)),
        RuleValue::Uint(n) => Some((Node::Uint(*n), *n as f64)),
        RuleValue::Float(f) if f.is_finite() => Some((Node::Float(*f), *f)),
        _ => None,
    };
    // Each side's value, with whether it is exclusive.
    let side = |side| {
        get(Meaning::Bound(side, false))
            .and_then(num)
            .map(|n| (n, true))
            .or_else(|| {
                get(Meaning::Bound(side, true))
                    .and_then(num)
                    .map(|n| (n, false))
            })
    };
    let (lower, upper) = (side(Side::Lower), side(Side::Upper));
    let bound = |lower: bool, value: Node, exclusive: bool| {
        let (plain, strict) = match lower {
            true => ("minimum", "exclusiveMinimum"),
            false => ("maximum", "exclusiveMaximum"),
        };
        match (version, exclusive) {
            (_, false) => vec![(plain, value)],
            (Version::V3_1, true) => vec![(strict, value)],
            (Version::V3_0, true) => vec![(plain, value), (strict, Node::Bool(true))],
        }
    };
    match (lower, upper) {
        // PGV and protovalidate read an upper bound below the lower one as "outside the range".
        (Some(((lo, lo_f), lo_x)), Some(((hi, hi_f), hi_x))) if hi_f < lo_f => {
            let side = |parts: Vec<(&str, Node)>| {
                let mut o = Obj::new();
                for (key, v) in parts {
                    o.set(key, v);
                }
                Node::from(o)
            };
            let any = vec![side(bound(false, hi, hi_x)), side(bound(true, lo, lo_x))];
            k.all_of.push(Obj::new().with("anyOf", any).into());
        }
        (lower, upper) => {
            if let Some(((v, _), x)) = lower {
                k.set.extend(bound(true, v, x));
            }
            if let Some(((v, _), x)) = upper {
                k.set.extend(bound(false, v, x));
            }
        }
    }
    // 64-bit integers are JSON strings, so are their listed values.
    let quoted = matches!(
        family,
        "int64" | "uint64" | "sint64" | "fixed64" | "sfixed64"
    );
    let value = move |v: &RuleValue| {
        let (node, _) = num(v)?;
        Some(match (quoted, node) {
            (true, Node::Int(n)) => Node::Str(n.to_string()),
            (true, Node::Uint(n)) => Node::Str(n.to_string()),
            (_, node) => node,
        })
    };
    values(version, get, &value, k);
}

/// An enum's `const`, `in` and `not_in`, by value name. `defined_only` needs no keyword: the
/// enum's schema lists only its defined names.
fn enumeration(api: &Api, version: Version, name: &str, get: &Get<'_, '_>, k: &mut Keywords) {
    let Some(e) = api.enumeration(name) else {
        return;
    };
    let value = |v: &RuleValue| match v {
        RuleValue::Int(n) => e
            .values
            .iter()
            .find(|(_, number)| i64::from(*number) == *n)
            .map(|(value_name, _)| Node::from(value_name.as_str())),
        _ => None,
    };
    values(version, get, &value, k);
}

/// `const`, `in` and `not_in` with values converted by `value`.
fn values(
    version: Version,
    get: &Get<'_, '_>,
    value: &dyn Fn(&RuleValue) -> Option<Node>,
    k: &mut Keywords,
) {
    let list = |v: &RuleValue| -> Vec<Node> {
        match v {
            RuleValue::List(items) => items.iter().filter_map(value).collect(),
            one => value(one).into_iter().collect(),
        }
    };
    if let Some(c) = get(Meaning::Const).and_then(value) {
        constant(version, c, k);
    }
    if let Some(allowed) = get(Meaning::In).map(list).filter(|l| !l.is_empty()) {
        k.push("enum", allowed);
    }
    if let Some(denied) = get(Meaning::NotIn).map(list).filter(|l| !l.is_empty()) {
        let not = Obj::new().with("enum", denied);
        k.all_of.push(Obj::new().with("not", not).into());
    }
}

/// One allowed value: 3.1's `const`, a one-value `enum` in 3.0.
fn constant(version: Version, value: Node, k: &mut Keywords) {
    match version {
        Version::V3_1 => k.push("const", value),
        Version::V3_0 => k.push("enum", vec![value]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Location;
    use crate::model::Dialect;

    fn rule(family: &str, name: &str, value: RuleValue) -> Rule {
        Rule {
            family: family.into(),
            name: name.into(),
            value,
            location: Location::default(),
            dialect: Dialect::Pgv,
        }
    }

    fn keywords(version: Version, ty: FieldType, rules: &[Rule]) -> String {
        let mut schema = Obj::new();
        scalar(&Api::default(), version, &ty, rules).apply(&mut schema, None);
        serde_json::to_string(&Node::from(schema)).expect("serializes")
    }

    #[test]
    fn exclusive_bounds_follow_the_version() {
        let rules = [
            rule("int32", "gt", RuleValue::Int(0)),
            rule("int32", "lte", RuleValue::Int(10)),
        ];
        assert_eq!(
            keywords(Version::V3_1, FieldType::Int32, &rules),
            r#"{"exclusiveMinimum":0,"maximum":10}"#
        );
        assert_eq!(
            keywords(Version::V3_0, FieldType::Int32, &rules),
            r#"{"minimum":0,"exclusiveMinimum":true,"maximum":10}"#
        );
    }

    #[test]
    fn an_upper_bound_below_the_lower_one_means_outside() {
        let rules = [
            rule("int32", "gt", RuleValue::Int(10)),
            rule("int32", "lt", RuleValue::Int(0)),
        ];
        assert_eq!(
            keywords(Version::V3_1, FieldType::Int32, &rules),
            r#"{"allOf":[{"anyOf":[{"exclusiveMaximum":0},{"exclusiveMinimum":10}]}]}"#
        );
    }

    #[test]
    fn string_rules_become_lengths_patterns_formats_and_enums() {
        let rules = [
            rule("string", "min_len", RuleValue::Uint(1)),
            rule("string", "max_len", RuleValue::Uint(50)),
            rule("string", "prefix", RuleValue::Str("+1.".into())),
            rule("string", "suffix", RuleValue::Str(".x".into())),
            rule("string", "email", RuleValue::Bool(true)),
            rule(
                "string",
                "in",
                RuleValue::List(vec![RuleValue::Str("a".into()), RuleValue::Str("b".into())]),
            ),
        ];
        assert_eq!(
            keywords(Version::V3_1, FieldType::String, &rules),
            r#"{"minLength":1,"maxLength":50,"pattern":"^\\+1\\.","format":"email","enum":["a","b"],"allOf":[{"pattern":"\\.x$"}]}"#
        );
    }

    #[test]
    fn int64_values_are_strings_and_const_is_an_enum_in_3_0() {
        let rules = [rule("int64", "const", RuleValue::Int(7))];
        assert_eq!(
            keywords(Version::V3_1, FieldType::Int64, &rules),
            r#"{"const":"7"}"#
        );
        assert_eq!(
            keywords(Version::V3_0, FieldType::Int64, &rules),
            r#"{"enum":["7"]}"#
        );
    }

    #[test]
    fn byte_lengths_are_base64_lengths() {
        let rules = [
            rule("bytes", "min_len", RuleValue::Uint(1)),
            rule("bytes", "max_len", RuleValue::Uint(32)),
        ];
        assert_eq!(
            keywords(Version::V3_1, FieldType::Bytes, &rules),
            r#"{"minLength":2,"maxLength":44}"#
        );
    }

    #[test]
    fn rules_that_skip_empty_values_allow_the_empty_value() {
        let rules = [
            rule("string", "min_len", RuleValue::Uint(3)),
            rule("string", "ignore_empty", RuleValue::Bool(true)),
        ];
        let mut schema = Obj::new().with("type", "string");
        scalar(&Api::default(), Version::V3_1, &FieldType::String, &rules)
            .apply(&mut schema, Some(Node::from("")));
        assert_eq!(
            serde_json::to_string(&Node::from(schema)).expect("serializes"),
            r#"{"type":"string","anyOf":[{"enum":[""]},{"minLength":3}]}"#
        );
    }
}
