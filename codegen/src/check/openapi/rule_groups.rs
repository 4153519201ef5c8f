//! Rules the emitter writes as compositions, compared with the composition that says them:
//! `not_contains` (`not: {pattern}`), `not_in` (`not: {enum}`), `ip` and `address` (`anyOf` of
//! formats), a range read as "outside" (`anyOf` of its two sides), and the empty value allowed
//! beside the rules (`anyOf: [{enum: [<empty>]}, {<the rules>}]`). Any other composition of a
//! field is reported as not checked.

use std::collections::BTreeSet;

use serde_json::Value;

use super::composition::Group;
use super::keywords::bound;
use super::{join, scalar_text, Checker, Ptr, Schema};
use crate::emit::validate::wrapper_family;
use crate::model::rules::literal_pattern;
use crate::model::{Field, FieldType, Format, Meaning, Message, Rule, RuleValue, Side, TextRule};
use crate::source::proto::rule_location;

/// What a rule of the field needs a composition for.
enum Expected<'a> {
    /// `not_contains`: the pattern in either escaping.
    NotPattern(&'a Rule, [String; 2]),
    /// `not_in`: the excluded values as text.
    NotIn(&'a Rule, BTreeSet<String>),
    /// `ip` / `address`: the formats one of which must hold.
    Formats(&'a Rule, BTreeSet<&'static str>),
    /// A lower bound above the upper one: (value, exclusive) below and above the gap.
    Outside((f64, bool, &'a Rule), (f64, bool, &'a Rule)),
    /// The rules hold only for a set value: the empty value as text.
    Empty(&'static str),
}

/// The rule family of a value (`string`, `int32`, `enum`; a wrapper's scalar family).
fn family(ty: &FieldType) -> Option<String> {
    Some(match ty {
        FieldType::Message(m) => wrapper_family(m)?.to_string(),
        FieldType::Enum(_) => "enum".to_string(),
        ty => ty.proto_name().to_string(),
    })
}

fn number(r: &Rule) -> Option<f64> {
    match &r.value {
        RuleValue::Int(v) => Some(*v as f64),
        RuleValue::Uint(v) => Some(*v as f64),
        RuleValue::Float(v) => Some(*v),
        _ => None,
    }
}

/// A listed rule value as the document writes it.
fn text(v: &RuleValue) -> Option<String> {
    match v {
        RuleValue::Str(s) => Some(s.clone()),
        RuleValue::Int(n) => Some(n.to_string()),
        RuleValue::Uint(n) => Some(n.to_string()),
        RuleValue::Float(f) => Some(f.to_string()),
        RuleValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whether the object has only the given keys.
fn only(v: &Value, keys: &[&str]) -> bool {
    v.as_object()
        .is_some_and(|o| !o.is_empty() && o.keys().all(|k| keys.contains(&k.as_str())))
}

impl<'a> Checker<'a> {
    /// What a value's rules need compositions for.
    fn expected(&self, ty: &FieldType, rules: &'a [Rule], family: &str) -> Vec<Expected<'a>> {
        let rule = |m: Meaning| {
            rules
                .iter()
                .find(|r| r.family == family && r.meaning() == Some(m))
        };
        let mut out = Vec::new();
        if let Some(r) = rule(Meaning::Text(TextRule::NotContains)) {
            if let Some(s) = r.value.as_str() {
                out.push(Expected::NotPattern(
                    r,
                    [literal_pattern(s), regex::escape(s)],
                ));
            }
        }
        if let Some(r) = rule(Meaning::NotIn) {
            let names = |n: i64| {
                let FieldType::Enum(e) = ty else {
                    return n.to_string();
                };
                self.api
                    .enumeration(e)
                    .and_then(|e| e.values.iter().find(|(_, v)| i64::from(*v) == n))
                    .map_or_else(|| n.to_string(), |(name, _)| name.clone())
            };
            let values = match &r.value {
                RuleValue::List(l) => l
                    .iter()
                    .filter_map(|v| match v {
                        RuleValue::Int(n) if family == "enum" => Some(names(*n)),
                        v => text(v),
                    })
                    .collect(),
                _ => BTreeSet::new(),
            };
            out.push(Expected::NotIn(r, values));
        }
        let flag = |f| rule(Meaning::Format(f)).filter(|r| r.value == RuleValue::Bool(true));
        if let Some(r) = flag(Format::Ip) {
            out.push(Expected::Formats(r, BTreeSet::from(["ipv4", "ipv6"])));
        }
        if let Some(r) = flag(Format::Address) {
            out.push(Expected::Formats(
                r,
                BTreeSet::from(["hostname", "ipv4", "ipv6"]),
            ));
        }
        let side = |side| {
            rule(Meaning::Bound(side, false))
                .and_then(|r| Some((number(r)?, true, r)))
                .or_else(|| {
                    rule(Meaning::Bound(side, true)).and_then(|r| Some((number(r)?, false, r)))
                })
        };
        if let (Some(lo), Some(hi)) = (side(Side::Lower), side(Side::Upper)) {
            if lo.0 > hi.0 {
                out.push(Expected::Outside(lo, hi));
            }
        }
        let ignores_empty = crate::model::rules::ignores_empty(rules);
        if ignores_empty {
            out.push(Expected::Empty(match family {
                "string" | "bytes" => "",
                "bool" => "false",
                _ => "0",
            }));
        }
        out
    }

    /// The compositions of a value of `field` (of type `ty`, the field's own or its
    /// elements') against its `rules`; the branch holding the rules when the empty value is
    /// allowed beside them (the rules are compared there instead).
    pub(super) fn rule_groups(
        &mut self,
        message: &'a Message,
        field: &'a Field,
        (ty, rules): (&FieldType, &'a [Rule]),
        ptr: &Ptr,
        schema: &Value,
    ) -> Option<(Ptr, Schema<'a>)> {
        let Some(family) = family(ty) else {
            self.value_groups(field, ptr, schema);
            return None;
        };
        let mut expected = self.expected(ty, rules, &family);
        let mut rules_branch = None;
        let name = format!("{}.{}", message.name, field.json_name);
        for group in self.groups(ptr, schema) {
            if let Some(branch) = self.match_group(field, &name, &group, &mut expected) {
                rules_branch = Some(branch);
            }
        }
        for e in expected {
            let at = self.loc(ptr);
            let (code, what, r) = match &e {
                Expected::NotPattern(r, forms) => (
                    "openapi-pattern",
                    format!("`not: {{pattern: {:?}}}`", forms[0]),
                    *r,
                ),
                Expected::NotIn(r, values) => (
                    "openapi-enum",
                    format!("`not: {{enum: [{}]}}`", join(values)),
                    *r,
                ),
                Expected::Formats(r, formats) => (
                    "openapi-format",
                    format!(
                        "`anyOf` of the formats {}",
                        formats.iter().copied().collect::<Vec<_>>().join(", ")
                    ),
                    *r,
                ),
                Expected::Outside(lo, hi) => (
                    "openapi-bound",
                    format!("`anyOf` of a value below {} or above {}", hi.0, lo.0),
                    lo.2,
                ),
                Expected::Empty(_) => continue,
            };
            let d = self.error(
                code,
                at,
                format!("`{name}` lacks {what}: the proto's `{}` says it", r.id()),
            );
            d.related
                .push((rule_location(r), format!("the proto's `{}`", r.id())));
        }
        rules_branch
    }

    /// One composition against the expected ones (the one it says is taken out).
    fn match_group(
        &mut self,
        field: &'a Field,
        name: &str,
        group: &Group,
        expected: &mut Vec<Expected<'a>>,
    ) -> Option<(Ptr, Schema<'a>)> {
        let v = &group.value;
        let at = self.loc(&group.ptr);
        let position = |expected: &Vec<Expected<'a>>, f: &dyn Fn(&Expected<'a>) -> bool| {
            expected.iter().position(f)
        };
        match group.kind.as_str() {
            "not" if only(v, &["pattern"]) => {
                let doc = v.get("pattern").map(scalar_text).unwrap_or_default();
                let i = position(expected, &|e| matches!(e, Expected::NotPattern(..)));
                let Some(i) = i else {
                    let d = self.error("openapi-pattern", at, format!("`{name}` may not match {doc:?} in OpenAPI, but the proto has no `not_contains` rule"));
                    d.related
                        .push((field.location.clone(), format!("field {}", field.name)));
                    return None;
                };
                if let Expected::NotPattern(r, forms) = expected.remove(i) {
                    if !forms.contains(&doc) {
                        let d = self.error("openapi-pattern", at, format!("`{name}` may not match {doc:?} in OpenAPI, but the proto's `{}` excludes {:?}", r.id(), forms[0]));
                        d.related
                            .push((rule_location(r), format!("the proto's `{}`", r.id())));
                    }
                }
                None
            }
            "not" if only(v, &["enum"]) => {
                let doc: BTreeSet<String> = v
                    .get("enum")
                    .and_then(Value::as_array)
                    .map(|l| l.iter().map(scalar_text).collect())
                    .unwrap_or_default();
                let i = position(expected, &|e| matches!(e, Expected::NotIn(..)));
                let Some(i) = i else {
                    let d = self.error(
                        "openapi-enum",
                        at,
                        format!(
                            "`{name}` excludes [{}] in OpenAPI, but the proto has no `not_in` rule",
                            join(&doc)
                        ),
                    );
                    d.related
                        .push((field.location.clone(), format!("field {}", field.name)));
                    return None;
                };
                if let Expected::NotIn(r, values) = expected.remove(i) {
                    if values != doc {
                        let d = self.error("openapi-enum", at, format!("`{name}` excludes [{}] in OpenAPI, but the proto's `{}` excludes [{}]", join(&doc), r.id(), join(&values)));
                        d.related
                            .push((rule_location(r), format!("the proto's `{}`", r.id())));
                    }
                }
                None
            }
            "anyOf" => self.match_any_of(field, name, group, expected),
            _ => {
                self.not_checked(group, &format!("of field `{}`", field.name));
                None
            }
        }
    }

    fn match_any_of(
        &mut self,
        field: &'a Field,
        name: &str,
        group: &Group,
        expected: &mut Vec<Expected<'a>>,
    ) -> Option<(Ptr, Schema<'a>)> {
        let branches = group.value.as_array().cloned().unwrap_or_default();
        let at = self.loc(&group.ptr);
        // The empty value beside the rules.
        if let [empty, _] = branches.as_slice() {
            let single = empty
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|l| l.len() == 1);
            if only(empty, &["enum"]) && single {
                match expected
                    .iter()
                    .position(|e| matches!(e, Expected::Empty(_)))
                {
                    Some(i) => {
                        let doc = empty
                            .get("enum")
                            .and_then(|l| l.get(0))
                            .map(scalar_text)
                            .unwrap_or_default();
                        if let Expected::Empty(zero) = expected.remove(i) {
                            if doc != zero {
                                let d = self.error("openapi-enum", at.clone(), format!("`{name}` allows {doc:?} beside its rules in OpenAPI, but the value the proto's rules skip is the empty one, {zero:?}"));
                                d.related.push((
                                    field.location.clone(),
                                    format!("field {}", field.name),
                                ));
                            }
                        }
                        let (p, v, _) = self.resolve(&group.ptr.join("1"));
                        return v.map(|v| (p, v));
                    }
                    None => {
                        let d = self.error("openapi-enum", at, format!("`{name}` may be empty in OpenAPI (`anyOf` with the empty value), but the proto's rules hold for the empty value too"));
                        d.related.push((
                            field.location.clone(),
                            format!("field {} has no `ignore_empty`", field.name),
                        ));
                        return None;
                    }
                }
            }
        }
        let formats: Option<BTreeSet<String>> = branches
            .iter()
            .map(|b| {
                only(b, &["format"])
                    .then(|| b.get("format").map(scalar_text))
                    .flatten()
            })
            .collect();
        if let Some(doc) = formats.filter(|f| !f.is_empty()) {
            let i = expected
                .iter()
                .position(|e| matches!(e, Expected::Formats(..)));
            let proto = i.map(|i| expected.remove(i));
            let (want, related) = match &proto {
                Some(Expected::Formats(r, f)) => (
                    f.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>(),
                    (rule_location(r), format!("the proto's `{}`", r.id())),
                ),
                _ => (
                    BTreeSet::new(),
                    (
                        field.location.clone(),
                        format!("field {} has no `ip` or `address` rule", field.name),
                    ),
                ),
            };
            if want != doc {
                let d = self.error("openapi-format", at, format!("`{name}` is one of the formats [{}] in OpenAPI, but the proto asks for [{}]", join(&doc), join(&want)));
                d.related.push(related);
            }
            return None;
        }
        const BOUNDS: [&str; 4] = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];
        if branches.len() == 2 && branches.iter().all(|b| only(b, &BOUNDS)) {
            let below = branches.iter().find_map(|b| bound(b, false));
            let above = branches.iter().find_map(|b| bound(b, true));
            let i = expected
                .iter()
                .position(|e| matches!(e, Expected::Outside(..)));
            let Some(Expected::Outside(lo, hi)) = i.map(|i| expected.remove(i)) else {
                let d = self.error("openapi-bound", at, format!("`{name}` must lie outside a range in OpenAPI, but the proto's bounds do not say so"));
                d.related
                    .push((field.location.clone(), format!("field {}", field.name)));
                return None;
            };
            if below != Some((hi.0, hi.1)) || above != Some((lo.0, lo.1)) {
                let show = |b: Option<(f64, bool)>| match b {
                    Some((v, true)) => format!("{v} (exclusive)"),
                    Some((v, false)) => v.to_string(),
                    None => "none".into(),
                };
                let d = self.error("openapi-bound", at, format!("`{name}` must be below {} or above {} in OpenAPI, but the proto's `{}` and `{}` say below {} or above {}", show(below), show(above), hi.2.id(), lo.2.id(), show(Some((hi.0, hi.1))), show(Some((lo.0, lo.1)))));
                d.related
                    .push((rule_location(lo.2), format!("the proto's `{}`", lo.2.id())));
            }
            return None;
        }
        self.not_checked(group, &format!("of field `{}`", field.name));
        None
    }
}
