//! `#[derive(Validate)]` on `google.protobuf` wrapper items and map values: their rules apply
//! to the wrapped `value`, as in generated validators (both are written by the emitters of
//! protogate-rules).

use std::collections::HashMap;

use pbjson_types::{Int32Value, StringValue};
use protogate::Validate;

#[derive(Validate, Default)]
#[validate(name = "Wrapped")]
struct Wrapped {
    #[validate(repeated(max_items = 3, items(string(min_len = 2))))]
    names: Vec<StringValue>,
    #[validate(map(values(int32(gt = 0)), keys(string(prefix = "k"))))]
    counts: HashMap<String, Int32Value>,
}

type Report = Vec<(String, &'static str, String)>;

fn violations(v: &Wrapped) -> Report {
    v.validate_all()
        .err()
        .map(|e| {
            e.iter()
                .map(|v| (v.field.clone(), v.rule, v.message.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn names(names: &[&str]) -> Vec<StringValue> {
    names
        .iter()
        .map(|n| StringValue {
            value: n.to_string(),
        })
        .collect()
}

#[test]
fn wrapper_items_pass_on_their_wrapped_values() {
    let ok = Wrapped {
        names: names(&["ab", "cde"]),
        counts: [("k1".to_string(), Int32Value { value: 3 })].into(),
    };
    assert_eq!(violations(&ok), vec![]);
}

#[test]
fn wrapper_items_fail_on_their_wrapped_values() {
    let bad = Wrapped {
        names: names(&["ab", "a"]),
        ..Wrapped::default()
    };
    assert_eq!(
        violations(&bad),
        vec![(
            "names[1]".to_string(),
            "string.min_len",
            "invalid Wrapped.Names[1]: value length must be at least 2 runes".to_string()
        )]
    );
}

#[test]
fn wrapper_map_values_fail_on_their_wrapped_values() {
    let bad = Wrapped {
        counts: [("k1".to_string(), Int32Value { value: 0 })].into(),
        ..Wrapped::default()
    };
    assert_eq!(
        violations(&bad),
        vec![(
            "counts[\"k1\"]".to_string(),
            "int32.gt",
            "invalid Wrapped.Counts[k1]: value must be greater than 0".to_string()
        )]
    );
    let bad_key = Wrapped {
        counts: [("x".to_string(), Int32Value { value: 1 })].into(),
        ..Wrapped::default()
    };
    assert_eq!(
        violations(&bad_key)[0].2,
        "invalid key for Wrapped.Counts[x]: value does not have prefix \"k\""
    );
}
