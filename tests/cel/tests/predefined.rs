//! protovalidate predefined rules through protogate's generator
//! (`proto/predefinedrules/predefined.proto`): each extension's CEL rules run on the field,
//! its items or its map values, read the value set as `rule` and the field's rules as
//! `rules`, and report the extension in the rule path.

use protogate::Validate;
use protogate_cel_test::predefinedrules::Labelled;

fn valid() -> Labelled {
    Labelled {
        label: Some("env:prod".into()),
        level: Some(-3),
        names: vec!["n:a".into(), "n:b".into()],
        weights: [("w".to_string(), pbjson_types::DoubleValue { value: 1.25 })]
            .into_iter()
            .collect(),
        wait: Some(pbjson_types::Duration {
            seconds: 30,
            nanos: 0,
        }),
    }
}

/// One violation: (field path, rule id, message, rule path as `name` steps).
type Found = (String, String, String, Vec<String>);

fn violations(value: &Labelled) -> Vec<Found> {
    match value.validate_all() {
        Ok(()) => Vec::new(),
        Err(all) => all
            .iter()
            .map(|v| {
                (
                    v.field.clone(),
                    v.rule.to_string(),
                    v.message.clone(),
                    v.rule_path
                        .iter()
                        .map(|s| s.field.name.to_string())
                        .collect(),
                )
            })
            .collect(),
    }
}

fn found(field: &str, rule: &str, message: &str, path: &[&str]) -> Found {
    (
        field.to_string(),
        rule.to_string(),
        message.to_string(),
        path.iter().map(|s| s.to_string()).collect(),
    )
}

#[test]
fn values_that_keep_every_predefined_rule_pass() {
    assert_eq!(violations(&valid()), []);
    let unset = Labelled {
        label: None,
        level: None,
        names: Vec::new(),
        weights: Default::default(),
        wait: None,
    };
    assert_eq!(violations(&unset), [], "unset fields are not checked");
}

#[test]
fn a_string_result_is_the_message_and_rule_is_the_value_set() {
    let value = Labelled {
        label: Some("prod".into()),
        ..valid()
    };
    assert_eq!(
        violations(&value),
        [found(
            "label",
            "string.tag_prefix",
            "must start with `env:`",
            &["string", "[predefinedrules.tag_prefix]"]
        )]
    );
}

#[test]
fn rules_reads_the_standard_rules_the_field_sets() {
    // 10 characters: within `max_len: 10`, but no room left below it.
    let value = Labelled {
        label: Some("env:abcdef".into()),
        ..valid()
    };
    assert_eq!(
        violations(&value),
        [found(
            "label",
            "string.room_for_suffix",
            "leaves no room for a suffix within max_len",
            &["string", "[predefinedrules.room_for_suffix]"]
        )]
    );
}

#[test]
fn a_repeated_extension_is_a_list_literal() {
    for (level, ok) in [(1, true), (-1, true), (3, true), (-3, true), (2, false)] {
        let value = Labelled {
            level: Some(level),
            ..valid()
        };
        let got = violations(&value);
        if ok {
            assert_eq!(got, [], "level {level}");
        } else {
            assert_eq!(
                got,
                [found(
                    "level",
                    "int32.either_sign_of",
                    "must be one of the listed values, either sign",
                    &["int32", "[predefinedrules.either_sign_of]"]
                )],
                "level {level}"
            );
        }
    }
}

#[test]
fn rules_on_the_whole_list_and_on_each_item_report_their_place() {
    let value = Labelled {
        names: vec!["n:a".into(), "x".into(), "n:c".into()],
        ..valid()
    };
    let mut got = violations(&value);
    got.sort();
    assert_eq!(
        got,
        [
            found(
                "names",
                "repeated.at_most",
                "at most 2 items",
                &["repeated", "[predefinedrules.at_most]"]
            ),
            found(
                "names[1]",
                "string.tag_prefix",
                "must start with `n:`",
                &[
                    "repeated",
                    "items",
                    "string",
                    "[predefinedrules.tag_prefix]"
                ]
            ),
        ]
    );
}

#[test]
fn a_wrapped_map_value_is_checked_as_what_it_wraps() {
    let value = Labelled {
        weights: [("w".to_string(), pbjson_types::DoubleValue { value: 2.0 })]
            .into_iter()
            .collect(),
        ..valid()
    };
    assert_eq!(
        violations(&value),
        [found(
            "weights[\"w\"]",
            "double.near",
            "must be within 0.5 of the rule",
            &["map", "values", "double", "[predefinedrules.near]"]
        )]
    );
}

#[test]
fn a_duration_rule_compares_with_the_duration_set() {
    let value = Labelled {
        wait: Some(pbjson_types::Duration {
            seconds: 30,
            nanos: 1,
        }),
        ..valid()
    };
    assert_eq!(
        violations(&value),
        [found(
            "wait",
            "duration.at_most_long",
            "too long",
            &["duration", "[predefinedrules.at_most_long]"]
        )]
    );
}
