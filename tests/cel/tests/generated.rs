//! protovalidate `cel` rules through protogate's generator (`proto/celrules/rules.proto`):
//! each rule reports its id and message, string results are the message, evaluation errors
//! are violations, and `now` is the current time.

use protogate::Validate;
use protogate_cel_test::celrules::{Address, Item, Kind, Order};

fn valid() -> Order {
    let now = protogate::cel::Timestamp::now().seconds;
    Order {
        name: "widgets".into(),
        items: vec![
            Item {
                sku: "a".into(),
                quantity: 1,
                kind: Kind::Goods as i32,
            },
            Item {
                sku: "b".into(),
                quantity: 100,
                kind: Kind::Service as i32,
            },
        ],
        start: Some(protogate::wkt::Timestamp {
            seconds: now,
            nanos: 0,
        }),
        end: Some(protogate::wkt::Timestamp {
            seconds: now + 3600,
            nanos: 0,
        }),
        limits: [("daily".to_string(), 5)].into_iter().collect(),
        discount: Some(10),
        priority: Some(pbjson_types::Int32Value { value: 3 }),
        shipping: Some(Address {
            city: "Bern".into(),
            zip: "30110".into(),
        }),
        ttl: Some(pbjson_types::Duration {
            seconds: 60,
            nanos: 0,
        }),
        weight: 0,
        email: "a@example.com".into(),
    }
}

/// (field, rule id, message) of every violation.
fn violations(order: &Order) -> Vec<(String, String, String)> {
    match order.validate_all() {
        Ok(()) => Vec::new(),
        Err(all) => all
            .iter()
            .map(|v| (v.field.clone(), v.rule.to_string(), v.message.clone()))
            .collect(),
    }
}

fn only(order: &Order) -> (String, String, String) {
    let found = violations(order);
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().unwrap_or_default()
}

#[test]
fn a_valid_order_passes_every_cel_rule() {
    assert_eq!(violations(&valid()), []);
}

#[test]
fn a_false_field_rule_reports_its_id_and_message() {
    let order = Order {
        name: "Widgets".into(),
        ..valid()
    };
    assert_eq!(
        only(&order),
        (
            "name".into(),
            "name.shape".into(),
            "name must be lowercase and at most 10 characters".into()
        )
    );
}

#[test]
fn list_macros_and_protovalidate_functions_run_in_generated_code() {
    let mut order = valid();
    order.items[1].sku = "a".into();
    assert_eq!(only(&order).1, "items.unique_sku");
    let order = Order {
        limits: [("daily".to_string(), 0)].into_iter().collect(),
        ..valid()
    };
    assert_eq!(only(&order).1, "limits.positive");
    let order = Order {
        email: "not an email".into(),
        ..valid()
    };
    assert_eq!(only(&order).1, "this == '' || this.isEmail()");
}

#[test]
fn a_message_rule_returning_a_string_reports_that_string() {
    let mut order = valid();
    order.items[0].quantity = 101;
    assert_eq!(
        only(&order),
        (
            String::new(),
            "order.items_total".into(),
            "no item may exceed 100 units".into()
        )
    );
}

#[test]
fn message_rules_see_presence_and_timestamps() {
    let mut order = valid();
    order.start = order.end.map(|end| protogate::wkt::Timestamp {
        seconds: end.seconds + 1,
        nanos: 0,
    });
    assert_eq!(
        only(&order),
        (
            String::new(),
            "order.window".into(),
            "end must not be before start".into()
        )
    );
    order.start = None;
    assert_eq!(violations(&order), []);
}

#[test]
fn now_is_the_current_time() {
    let order = Order {
        end: Some(protogate::wkt::Timestamp {
            seconds: 1,
            nanos: 0,
        }),
        start: None,
        ..valid()
    };
    assert_eq!(only(&order).1, "end.future");
}

#[test]
fn rules_on_unset_fields_with_presence_are_skipped() {
    let order = Order {
        discount: None,
        priority: None,
        ttl: None,
        end: None,
        ..valid()
    };
    assert_eq!(violations(&order), []);
    let order = Order {
        discount: Some(150),
        ..valid()
    };
    assert_eq!(only(&order).1, "discount.range");
    let order = Order {
        priority: Some(pbjson_types::Int32Value { value: 20 }),
        ..valid()
    };
    assert_eq!(
        only(&order),
        (
            "priority".into(),
            "priority.small".into(),
            "\"this == null || this < 10\" returned false".into()
        )
    );
    let order = Order {
        ttl: Some(pbjson_types::Duration {
            seconds: 7200,
            nanos: 0,
        }),
        ..valid()
    };
    assert_eq!(only(&order).1, "ttl.bounded");
}

#[test]
fn an_evaluation_error_is_a_violation_not_a_pass() {
    let order = Order {
        weight: 4,
        ..valid()
    };
    let (field, rule, message) = only(&order);
    assert_eq!(
        (field.as_str(), rule.as_str()),
        ("weight", "weight.overflow")
    );
    assert!(message.contains("integer overflow"), "{message}");
}

#[test]
fn nested_messages_run_their_own_cel_rules() {
    let order = Order {
        shipping: Some(Address {
            city: "Bern".into(),
            zip: "3011".into(),
        }),
        ..valid()
    };
    let (field, rule, message) = only(&order);
    assert_eq!(
        (rule.as_str(), message.as_str()),
        ("zip.digits", "zip must be five digits")
    );
    assert!(field.ends_with("zip"), "{field}");
}

#[test]
fn oneof_members_read_as_fields_with_presence() {
    use protogate_cel_test::celrules::{payment::Method, Payment};
    let card = Payment {
        method: Some(Method::Card("1234567812345678".into())),
        amount: 10,
    };
    assert_eq!(
        card.validate_all()
            .map_err(|v| v.iter().map(|v| v.rule).collect::<Vec<_>>()),
        Ok(())
    );
    let short = Payment {
        method: Some(Method::Card("1234".into())),
        amount: 10,
    };
    assert_eq!(
        short
            .validate_all()
            .map_err(|v| v.iter().map(|v| v.rule).collect::<Vec<_>>()),
        Err(vec!["card.digits"])
    );
    let account = Payment {
        method: Some(Method::Account(Address {
            city: "Bern".into(),
            zip: "30110".into(),
        })),
        amount: 10,
    };
    assert!(account.validate_all().is_ok());
    let none = Payment {
        method: None,
        amount: 10,
    };
    assert_eq!(
        none.validate_all()
            .map_err(|v| v.iter().map(|v| v.rule).collect::<Vec<_>>()),
        Err(vec!["payment.method"])
    );
}

#[test]
fn enum_values_are_named_constants() {
    let mut order = valid();
    order.items[0].kind = Kind::Unspecified as i32;
    let (field, rule, _) = only(&order);
    assert_eq!(rule, "kind.known");
    assert!(field.starts_with("items"), "{field}");
}

#[test]
fn cel_rules_follow_the_fields_ignore_and_required() {
    use protogate_cel_test::celrules::Tagged;
    let rules = |t: &Tagged| match t.validate_all() {
        Ok(()) => Vec::new(),
        Err(all) => all.iter().map(|v| v.rule).collect::<Vec<_>>(),
    };
    let ok = Tagged {
        note: String::new(),
        code: "AB".into(),
        ids: vec![1],
    };
    assert_eq!(rules(&ok), Vec::<&str>::new());
    assert_eq!(
        rules(&Tagged {
            note: "ab".into(),
            ..ok.clone()
        }),
        ["note.long"]
    );
    assert_eq!(
        rules(&Tagged {
            code: String::new(),
            ..ok.clone()
        }),
        ["required"]
    );
    assert_eq!(
        rules(&Tagged {
            code: "ab".into(),
            ..ok
        }),
        ["code.upper"]
    );
}
