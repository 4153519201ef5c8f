//! Rules against keywords: lengths, patterns, listed values and numeric bounds (3.0's boolean
//! and 3.1's numeric exclusive bounds), item counts, and the proto's own OpenAPI annotations.

use std::collections::BTreeSet;

use serde_json::Value;

use super::keywords::{bound, bound_keyword, listed};
use super::{join, scalar_text, Checker, Ptr};
use crate::emit::validate::wrapper_family;
use crate::model::rules::{base64_max, base64_min, literal_pattern};
use crate::model::{
    Field, FieldType, Limit, Meaning, Measure, Message, Rule, RuleValue, Side, TextRule,
};
use crate::source::proto::{locate_ident, locate_key, rule_location};

/// The field option carrying the proto's own OpenAPI annotations.
const OPENAPI_FIELD: &str = "grpc.gateway.protoc_gen_openapiv2.options.openapiv2_field";

impl<'a> Checker<'a> {
    /// A single field's rules against its schema's keywords and compositions (a message's
    /// compositions are its oneofs, compared with the message).
    pub(super) fn constraints(
        &mut self,
        message: &'a Message,
        field: &'a Field,
        ptr: &Ptr,
        schema: &Value,
    ) {
        let message_typed =
            matches!(&field.ty, FieldType::Message(m) if wrapper_family(m).is_none());
        if !message_typed {
            let own = (&field.ty, field.rules.as_slice());
            if let Some((p, rules)) = self.rule_groups(message, field, own, ptr, schema) {
                return self.field_rules(message, field, &p, &rules);
            }
        }
        self.field_rules(message, field, ptr, schema);
    }

    /// minLength/maxLength/pattern/enum against the field's PGV rules.
    fn field_rules(&mut self, message: &'a Message, field: &'a Field, ptr: &Ptr, schema: &Value) {
        let family = match field.ty {
            FieldType::String => "string",
            FieldType::Bytes => "bytes",
            _ => {
                self.numeric_constraints(message, field, ptr, schema);
                return;
            }
        };
        let rule = |m: Meaning| field.rule(family, m);
        let measure = match family {
            "bytes" => Measure::Bytes,
            _ => Measure::Characters,
        };
        let size = |limit| rule(Meaning::Size(measure, limit));
        let len = size(Limit::Exact).and_then(|r| r.value.as_u64());
        let mut min = size(Limit::Min).and_then(|r| r.value.as_u64()).or(len);
        let mut max = size(Limit::Max).and_then(|r| r.value.as_u64()).or(len);
        if measure == Measure::Bytes {
            // Bytes are base64 in JSON: the string's bounds are the encoded lengths.
            min = min.map(base64_min);
            max = max.map(base64_max);
        }
        // The rule a bound comes from, by name: `len` stands for a missing `min_len`/`max_len`.
        let label = |limit| match (size(limit), size(Limit::Exact)) {
            (None, Some(exact)) => exact.name.as_str(),
            (Some(r), _) => r.name.as_str(),
            (None, None) => match limit {
                Limit::Min => "min_len",
                _ => "max_len",
            },
        };
        let (min_rule, max_rule) = (label(Limit::Min), label(Limit::Max));
        let doc_min = schema.get("minLength").and_then(Value::as_u64);
        let doc_max = schema.get("maxLength").and_then(Value::as_u64);
        // The proto's own OpenAPI annotation (`openapiv2_field`) states a string's bound the
        // rules leave open, as protoc-gen-openapiv2 writes it; a rule, which the server
        // enforces, wins over it.
        let option = field.options.iter().find(|o| o.name == OPENAPI_FIELD);
        let annotated = |json_key: &str| {
            let value = option?.value.get(json_key)?;
            value
                .as_u64()
                .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
        };
        for (keyword, key, rule_name, proto, doc) in [
            ("minLength", "min_length", min_rule, min, doc_min),
            ("maxLength", "max_length", max_rule, max, doc_max),
        ] {
            let annotation = annotated(keyword).filter(|_| family == "string");
            if proto.is_some() || annotation.is_none() {
                self.compare_bound(
                    message,
                    field,
                    ptr,
                    keyword,
                    &format!("{family}.{rule_name}"),
                    proto,
                    doc,
                );
            }
            // Without a rule the annotation is the bound; with one, it must repeat the rule
            // (compared where the document follows the rule: one mistake, one finding).
            let settled = proto.is_none() || proto == doc;
            let Some(value) = annotation.filter(|v| Some(*v) != doc && settled) else {
                continue;
            };
            let at = self.loc(&if doc.is_some() {
                ptr.join(keyword)
            } else {
                ptr.clone()
            });
            let shown = doc
                .map(|v| v.to_string())
                .unwrap_or_else(|| "absent".into());
            let option_at = locate_ident(&field.location, "openapiv2_field");
            let text = format!("`{keyword}` of `{}.{}` is {shown} in OpenAPI but the proto's openapiv2_field says `{key}: {value}`", message.name, field.json_name);
            let d = match proto {
                None => self.error("openapi-bound", at, text),
                Some(rule) => self.annotation_warning(
                    at,
                    format!("{text}, and its `{family}.{rule_name}` says {rule}"),
                ),
            };
            d.related.push((
                locate_key(&option_at, key, None),
                format!("openapiv2_field `{key}`"),
            ));
        }

        // Patterns and listed values of bytes hold for the raw bytes, not their base64.
        if family == "bytes" {
            return;
        }
        let prefix_rule = Meaning::Text(TextRule::Prefix);
        let pattern = rule(Meaning::Pattern).and_then(|r| r.value.as_str().map(str::to_string));
        let prefix = rule(prefix_rule).and_then(|r| r.value.as_str().map(str::to_string));
        let doc_pattern = schema.get("pattern").and_then(Value::as_str);
        let prefix_pattern = prefix.as_ref().map(|p| format!("^{}", literal_pattern(p)));
        // Either escaping reads the same: only syntax characters (ECMA-262), or Rust's.
        let prefix_rust = prefix.as_ref().map(|p| format!("^{}", regex::escape(p)));
        let annotated_pattern = option
            .and_then(|o| o.value.get("pattern"))
            .and_then(Value::as_str);
        // Without a rule that becomes a pattern, the annotation is the document's pattern.
        let patterned = field
            .rules
            .iter()
            .filter(|r| r.family == family)
            .any(|r| matches!(r.meaning(), Some(Meaning::Pattern | Meaning::Text(_))));
        let by_annotation = annotated_pattern.filter(|_| !patterned);
        let agrees = match (&pattern, doc_pattern) {
            (Some(p), Some(d)) => p == d,
            (None, Some(d)) => {
                prefix_pattern.as_deref() == Some(d)
                    || prefix_rust.as_deref() == Some(d)
                    || by_annotation == Some(d)
            }
            (Some(_), None) => false,
            (None, None) => prefix.is_none(),
        };
        // With a rule, the annotation must repeat what the document rightly says.
        if let Some(annotated) = annotated_pattern
            .filter(|a| (agrees || by_annotation.is_some()) && Some(*a) != doc_pattern)
        {
            let at = self.loc(&if doc_pattern.is_some() {
                ptr.join("pattern")
            } else {
                ptr.clone()
            });
            let option_at = locate_ident(&field.location, "openapiv2_field");
            let doc_side = doc_pattern
                .map(|d| format!("{d:?}"))
                .unwrap_or_else(|| "none".into());
            let text = format!("pattern of `{}.{}` differs: OpenAPI has {doc_side}, the proto's openapiv2_field says {annotated:?}", message.name, field.json_name);
            let d = match by_annotation {
                Some(_) => self.error("openapi-pattern", at, text),
                None => self.annotation_warning(at, format!("{text}, which its rules do not")),
            };
            d.related.push((
                locate_key(&option_at, "pattern", None),
                "openapiv2_field `pattern`".into(),
            ));
        }
        if !agrees && by_annotation.is_none() {
            let at = self.loc(&if doc_pattern.is_some() {
                ptr.join("pattern")
            } else {
                ptr.clone()
            });
            let proto_side = match (&pattern, &prefix) {
                (Some(p), _) => format!("pattern {p:?}"),
                (None, Some(p)) => format!(
                    "prefix {p:?} (pattern {:?})",
                    prefix_pattern.clone().unwrap_or_default()
                ),
                (None, None) => "no pattern".into(),
            };
            let doc_side = doc_pattern
                .map(|d| format!("{d:?}"))
                .unwrap_or_else(|| "none".into());
            let (related_at, note) = match rule(Meaning::Pattern).or(rule(prefix_rule)) {
                Some(r) => (rule_location(r), format!("the proto's `{}`", r.id())),
                None => (
                    field.location.clone(),
                    format!("field {} has no pattern or prefix rule", field.name),
                ),
            };
            let d = self.error("openapi-pattern", at, format!("pattern of `{}.{}` differs: OpenAPI has {doc_side}, the proto has {proto_side}", message.name, field.json_name));
            d.related.push((related_at, note));
        }

        self.further_patterns(message, field, ptr, family);

        // `in` (or `const`) is the schema's `enum` (or 3.1's `const`).
        let proto_rule = rule(Meaning::In).or(rule(Meaning::Const));
        let proto: Option<BTreeSet<String>> = proto_rule.map(|r| match &r.value {
            RuleValue::List(l) => l
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            RuleValue::Str(s) => BTreeSet::from([s.clone()]),
            _ => BTreeSet::new(),
        });
        let doc_listed = listed(schema);
        let doc: Option<BTreeSet<String>> = doc_listed
            .as_ref()
            .map(|(_, values)| values.iter().map(|v| scalar_text(v)).collect());
        if doc != proto {
            let at = self.loc(&match &doc_listed {
                Some((keyword, _)) => ptr.join(keyword),
                None => ptr.clone(),
            });
            let show = |s: &Option<BTreeSet<String>>| {
                s.as_ref()
                    .map(|s| format!("[{}]", join(s)))
                    .unwrap_or_else(|| "none".into())
            };
            let message_text = format!(
                "`enum` of `{}.{}` differs: OpenAPI has {}, the proto's `{family}.in`/`const` allows {}",
                message.name,
                field.json_name,
                show(&doc),
                if proto.is_some() { show(&proto) } else { "any value".into() }
            );
            let related = match proto_rule {
                Some(r) => (rule_location(r), format!("the proto's `{}`", r.id())),
                None => (
                    field.location.clone(),
                    format!("field {} has no `in` rule", field.name),
                ),
            };
            let d = self.error("openapi-enum", at, message_text);
            d.related.push(related);
        }
    }

    /// The patterns of an `allOf` beyond the first against the substring rules beyond the
    /// first pattern: `prefix` (beside `pattern`), `suffix` and `contains`.
    fn further_patterns(&mut self, message: &Message, field: &Field, ptr: &Ptr, family: &str) {
        let rule = |m: Meaning| field.rule(family, m);
        let text = |m: Meaning| rule(m).and_then(|r| r.value.as_str().map(str::to_string));
        let [prefix, suffix, contains] =
            [TextRule::Prefix, TextRule::Suffix, TextRule::Contains].map(Meaning::Text);
        // Each rule with the patterns that say it (either escaping reads the same).
        let mut proto: Vec<(&Rule, [String; 2])> = Vec::new();
        if rule(Meaning::Pattern).is_some() {
            if let (Some(r), Some(p)) = (rule(prefix), text(prefix)) {
                proto.push((
                    r,
                    [
                        format!("^{}", literal_pattern(&p)),
                        format!("^{}", regex::escape(&p)),
                    ],
                ));
            }
        }
        if let (Some(r), Some(s)) = (rule(suffix), text(suffix)) {
            proto.push((
                r,
                [
                    format!("{}$", literal_pattern(&s)),
                    format!("{}$", regex::escape(&s)),
                ],
            ));
        }
        if let (Some(r), Some(c)) = (rule(contains), text(contains)) {
            proto.push((r, [literal_pattern(&c), regex::escape(&c)]));
        }
        let doc = self.extra_patterns(ptr);
        let mut unmatched: Vec<&(&Rule, [String; 2])> = proto.iter().collect();
        for (at_ptr, pattern) in &doc {
            match unmatched
                .iter()
                .position(|(_, forms)| forms.contains(pattern))
            {
                Some(i) => {
                    unmatched.remove(i);
                }
                None => {
                    let at = self.loc(at_ptr);
                    let d = self.error(
                        "openapi-pattern",
                        at,
                        format!("pattern {pattern:?} of `{}.{}` (in its `allOf`) is no rule of the proto field", message.name, field.json_name),
                    );
                    d.related.push((
                        field.location.clone(),
                        format!(
                            "field {} has no prefix, suffix or contains rule it stands for",
                            field.name
                        ),
                    ));
                }
            }
        }
        for (r, forms) in unmatched {
            let at = self.loc(ptr);
            let d = self.error(
                "openapi-pattern",
                at,
                format!(
                    "`{}.{}` lacks the pattern {:?} for the proto's `{}`",
                    message.name,
                    field.json_name,
                    forms[0],
                    r.id()
                ),
            );
            d.related
                .push((rule_location(r), format!("the proto's `{}`", r.id())));
            d.hint = Some(format!(
                "add `allOf: [{{pattern: {:?}}}]` to the schema",
                forms[0]
            ));
        }
    }

    fn numeric_constraints(
        &mut self,
        message: &'a Message,
        field: &'a Field,
        ptr: &Ptr,
        schema: &Value,
    ) {
        // A wrapper's bounds are its scalar's rules (`int64.gt` on an Int64Value).
        let family = match &field.ty {
            FieldType::Message(m) => wrapper_family(m).unwrap_or(m).to_string(),
            ty => ty.proto_name().to_string(),
        };
        let rule = |m: Meaning| field.rule(&family, m);
        let num = |r: &Rule| match &r.value {
            RuleValue::Int(v) => *v as f64,
            RuleValue::Uint(v) => *v as f64,
            RuleValue::Float(v) => *v,
            _ => f64::NAN,
        };
        // (value, exclusive, rule) on each side.
        let side = |side| {
            rule(Meaning::Bound(side, false))
                .map(|r| (num(r), true, r))
                .or(rule(Meaning::Bound(side, true)).map(|r| (num(r), false, r)))
        };
        let (lower, upper) = (side(Side::Lower), side(Side::Upper));
        if let (Some(lo), Some(hi)) = (lower, upper) {
            if lo.0 > hi.0 {
                // PGV's "outside the range": OpenAPI 3.0 cannot say it, so there is nothing to compare.
                return;
            }
        }
        for (lower_side, exclusive_kw, proto) in [
            (true, "exclusiveMinimum", lower),
            (false, "exclusiveMaximum", upper),
        ] {
            let doc = bound(schema, lower_side);
            let kw = bound_keyword(schema, lower_side);
            if doc == proto.map(|(v, e, _)| (v, e)) {
                continue;
            }
            let at = self.loc(&if doc.is_some() {
                ptr.join(kw)
            } else {
                ptr.clone()
            });
            let doc_side = match doc {
                None => "absent".to_string(),
                Some((v, false)) => v.to_string(),
                Some((v, true)) => format!("{v} ({exclusive_kw})"),
            };
            let proto_side = match proto {
                None => "absent".to_string(),
                Some((v, _, r)) => format!("`{}` = {v}", r.id()),
            };
            let (related_at, note) = match proto {
                Some((_, _, r)) => (rule_location(r), format!("the proto's `{}`", r.id())),
                None => (
                    field.location.clone(),
                    format!("field {} has no bound", field.name),
                ),
            };
            let d = self.error(
                "openapi-bound",
                at,
                format!(
                    "`{kw}` of `{}.{}` is {doc_side} in OpenAPI but {proto_side} in the proto",
                    message.name, field.json_name
                ),
            );
            d.related.push((related_at, note));
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn compare_bound(
        &mut self,
        message: &'a Message,
        field: &'a Field,
        ptr: &Ptr,
        keyword: &str,
        rule: &str,
        proto: Option<u64>,
        doc: Option<u64>,
    ) {
        if proto == doc {
            return;
        }
        let at = self.loc(&if doc.is_some() {
            ptr.join(keyword)
        } else {
            ptr.clone()
        });
        let rule_loc = field
            .rules
            .iter()
            .find(|r| r.id() == rule)
            .map(rule_location)
            .unwrap_or_else(|| field.location.clone());
        let d = self.error(
            "openapi-bound",
            at,
            format!(
                "`{keyword}` of `{}.{}` is {} in OpenAPI but `{rule}` is {} in the proto",
                message.name,
                field.json_name,
                doc.map(|v| v.to_string())
                    .unwrap_or_else(|| "absent".into()),
                proto
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "absent".into())
            ),
        );
        d.related.push((rule_loc, format!("the proto's `{rule}`")));
    }
}
