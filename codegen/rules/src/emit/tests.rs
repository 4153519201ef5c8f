//! The emitted calls, as token text.

use proc_macro2::TokenStream;
use quote::quote;

use super::*;
use crate::catalogue::ValueKind;

/// A site that shows the call and the position only.
struct Plain;

impl Site for Plain {
    fn check(&self, call: TokenStream, at: Option<&TokenStream>) -> TokenStream {
        match at {
            None => quote!(check(#call);),
            Some(at) => quote!(check_at(#call, #at);),
        }
    }

    fn embedded(&self, _: Option<&TokenStream>) -> TokenStream {
        quote!(embedded(value);)
    }
}

fn emitted(dialect: Dialect, family: &str, rules: &[Rule], facts: Facts) -> String {
    let written = Written::new(dialect, family, rules, facts);
    let out = super::family(&Plain, None, &written);
    quote!(#(#out)*).to_string()
}

fn pgv(family: &str, rules: &[Rule]) -> String {
    emitted(Dialect::Pgv, family, rules, Facts::default())
}

#[test]
fn pgv_string_rules_follow_pgv_check_order() {
    let rules = [
        Rule::new("pattern", Value::Text("^a".into())),
        Rule::new("max_len", Value::Int(5)),
        Rule::new("const", Value::Text("abc".into())),
    ];
    let out = pgv("string", &rules);
    let (c, len, pattern) = (
        out.find("r#const").unwrap_or(usize::MAX),
        out.find("len_range").unwrap_or(usize::MAX),
        out.find("Pattern :: new (\"^a\")").unwrap_or(usize::MAX),
    );
    assert!(c < len && len < pattern, "{out}");
    assert!(out.contains("len_range (value , :: core :: option :: Option :: None , :: core :: option :: Option :: Some (5u64))"), "{out}");
}

#[test]
fn pgv_checks_not_in_only_without_in() {
    let rules = [
        Rule::new("in", Value::List(vec![Value::Int(1)])),
        Rule::new("not_in", Value::List(vec![Value::Int(2)])),
    ];
    let out = pgv("int32", &rules);
    assert!(out.contains("r#in (\"int32\" , value , & [1i32])"), "{out}");
    assert!(!out.contains("not_in"), "{out}");
}

#[test]
fn numbers_take_the_family_type_and_expressions_stay_as_written() {
    let rules = [
        Rule::new("gt", Value::Int(-3)),
        Rule::new("lte", Value::Expr(quote!(LIMIT))),
    ];
    let out = pgv("double", &rules);
    assert!(
        out.contains("exclusive (- 3f64)") || out.contains("exclusive (-3f64)"),
        "{out}"
    );
    assert!(out.contains("inclusive (LIMIT)"), "{out}");
    assert!(out.starts_with("{ let value = * value ;"), "{out}");
}

#[test]
fn enum_values_read_through_into_when_typed_as_the_enumeration() {
    let rules = [Rule::new("defined_only", Value::Bool(true))];
    let facts = Facts {
        enum_type: Some(quote!(Color)),
        enum_into_i32: true,
    };
    let out = emitted(Dialect::Pgv, "enum", &rules, facts);
    assert!(
        out.contains("let value : i32 = :: core :: convert :: Into :: < i32 > :: into (* value)"),
        "{out}"
    );
    assert!(
        out.contains("< Color as :: core :: convert :: TryFrom < i32 >>"),
        "{out}"
    );
    // Without the type, `defined_only` has nothing to check against.
    assert_eq!(pgv("enum", &rules), "");
}

#[test]
fn pgv_timestamps_check_relative_rules_only_without_a_range() {
    let within = Value::Time {
        seconds: 60,
        nanos: 0,
    };
    let relative = pgv(
        "timestamp",
        &[
            Rule::new("gt_now", Value::Bool(true)),
            Rule::new("within", within.clone()),
        ],
    );
    assert!(relative.contains("relative (value , false , true , :: core :: option :: Option :: Some (:: protogate :: rules :: time :: Instant :: new (60i64 , 0i32)))"), "{relative}");
    let ranged = pgv(
        "timestamp",
        &[
            Rule::new("gt", within),
            Rule::new("gt_now", Value::Bool(true)),
        ],
    );
    assert!(!ranged.contains("relative"), "{ranged}");
    assert!(ranged.contains("timestamp :: valid (value)"), "{ranged}");
}

#[test]
fn protovalidate_numbers_carry_the_range_id() {
    let rules = [
        Rule::new("gt", Value::Int(10)),
        Rule::new("lt", Value::Int(5)),
    ];
    let out = emitted(Dialect::Protovalidate, "int64", &rules, Facts::default());
    assert!(out.contains("\"int64.gt_lt_exclusive\""), "{out}");
}

#[test]
fn repeated_binds_the_item_only_when_its_checks_use_it() {
    let rules = [Rule::new("unique", Value::Bool(true))];
    let written = Written::new(Dialect::Pgv, "repeated", &rules, Facts::default());
    let out = repeated(&Plain, &quote!(self.tags), &written, None).map(|t| t.to_string());
    let out = out.unwrap_or_default();
    assert!(out.contains("for index in 0 .. values . len ()"), "{out}");
    let items = Some(quote!(check(value);));
    let out = repeated(&Plain, &quote!(self.tags), &written, items).map(|t| t.to_string());
    assert!(out
        .unwrap_or_default()
        .contains("for (index , value) in values . iter () . enumerate ()"));
}

#[test]
fn map_without_rules_emits_nothing() {
    let written = Written::new(Dialect::Pgv, "map", &[], Facts::default());
    assert!(map(&Plain, &quote!(self.labels), &written, None, None).is_none());
}

/// A sample value for a rule taking `kind` (a list of one, for a list rule).
fn sample(kind: ValueKind, list: bool) -> Value {
    let one = match kind {
        ValueKind::Bool => Value::Bool(true),
        ValueKind::Float | ValueKind::Double => Value::Float(1.5),
        ValueKind::String => Value::Text("a".into()),
        ValueKind::Bytes => Value::Bytes(vec![1]),
        ValueKind::Duration | ValueKind::Timestamp => Value::Time {
            seconds: 1,
            nanos: 0,
        },
        ValueKind::FieldMask => Value::List(vec![Value::Text("a.b".into())]),
        // Integers, lengths, counts and `KnownRegex::HTTP_HEADER_NAME`.
        _ => Value::Int(1),
    };
    if list {
        Value::List(vec![one])
    } else {
        one
    }
}

/// Rules that check nothing on their own: they tune or skip the others (`strict`,
/// `ignore_empty`, `ignore`, `skip`), are about presence (`required`), or document (`example`).
const ALONE_SILENT: &[&str] = &[
    "strict",
    "ignore_empty",
    "ignore",
    "skip",
    "required",
    "example",
    "no_sparse",
];

#[test]
fn every_value_rule_of_the_catalogue_is_emitted() {
    for dialect in [Dialect::Pgv, Dialect::Protovalidate] {
        for family in crate::catalogue::families(dialect) {
            // Collections and presence have their own emitters (`repeated`, `map`, `required`).
            if matches!(family.name, "message" | "repeated" | "map") {
                continue;
            }
            for spec in family.rules {
                if ALONE_SILENT.contains(&spec.name) {
                    continue;
                }
                let rules = [Rule::new(spec.name, sample(spec.kind, spec.list))];
                let facts = Facts {
                    enum_type: Some(quote!(Color)),
                    enum_into_i32: false,
                };
                let out = emitted(dialect, family.name, &rules, facts);
                assert!(
                    out.contains("check ("),
                    "{dialect:?} `{}.{}` emits no check: {out:?}",
                    family.name,
                    spec.name
                );
            }
        }
    }
}

#[test]
fn every_pgv_collection_rule_is_emitted() {
    let list = quote!(self.list);
    for (name, value) in [
        ("min_items", Value::Int(1)),
        ("max_items", Value::Int(1)),
        ("unique", Value::Bool(true)),
    ] {
        let rules = [Rule::new(name, value)];
        let written = Written::new(Dialect::Pgv, "repeated", &rules, Facts::default());
        assert!(repeated(&Plain, &list, &written, None).is_some(), "{name}");
    }
    for name in ["min_pairs", "max_pairs"] {
        let rules = [Rule::new(name, Value::Int(1))];
        let written = Written::new(Dialect::Pgv, "map", &rules, Facts::default());
        assert!(map(&Plain, &list, &written, None, None).is_some(), "{name}");
    }
}
