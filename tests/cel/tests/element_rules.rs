//! protovalidate `cel` rules on list items, map keys and map values through protogate's
//! generator (`proto/celrules/rules.proto`, `Inventory`): `this` is each element, violations
//! carry the element's index or key, the rule path `repeated.items.cel[i]`,
//! `map.keys.cel[i]` (for the key) or `map.values.cel[i]`; and `dyn(this).missing` fails at
//! run time (`Untyped`).

use protogate::field_path::Subscript;
use protogate::{Validate, Violation};
use protogate_cel_test::celrules::{Address, Inventory, Kind, Untyped};

fn valid() -> Inventory {
    Inventory {
        skus: vec!["AB".into(), String::new(), "CD".into()],
        stock: [("abc".to_string(), 1), ("x".to_string(), 0)]
            .into_iter()
            .collect(),
        depots: [(
            7,
            Address {
                city: "Bern".into(),
                zip: "30110".into(),
            },
        )]
        .into_iter()
        .collect(),
        kinds: vec![Kind::Goods as i32],
        stamps: vec![protogate::wkt::Timestamp {
            seconds: 1_000_000_000,
            nanos: 0,
        }],
    }
}

fn all(inventory: &Inventory) -> Vec<Violation> {
    match inventory.validate_all() {
        Ok(()) => Vec::new(),
        Err(all) => all.iter().cloned().collect(),
    }
}

fn only(inventory: &Inventory) -> Violation {
    let found = all(inventory);
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().expect("one violation")
}

/// `repeated.items.cel[0]`-style text of a violation's rule path.
fn rule_path(v: &Violation) -> String {
    v.rule_path
        .iter()
        .map(|step| match step.index {
            Some(i) => format!("{}[{i}]", step.field.name),
            None => step.field.name.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn subscript(v: &Violation) -> Option<Subscript> {
    v.field_path.last().and_then(|e| e.subscript.clone())
}

#[test]
fn valid_elements_pass_and_zero_items_are_ignored() {
    assert!(all(&valid()).is_empty(), "{:?}", all(&valid()));
}

#[test]
fn a_false_item_rule_names_the_item_and_the_items_rule() {
    let mut inventory = valid();
    inventory.skus[2] = "cd".into();
    let v = only(&inventory);
    assert_eq!(
        (v.rule, v.message.as_str(), v.field.as_str()),
        ("sku.upper", "a SKU must be upper case", "skus[2]")
    );
    assert_eq!(rule_path(&v), "repeated.items.cel[0]");
    assert_eq!(subscript(&v), Some(Subscript::Index(2)));
    assert!(!v.for_key);
}

#[test]
fn a_false_key_rule_is_reported_for_the_key() {
    let mut inventory = valid();
    inventory.stock.insert("long".into(), 1);
    let v = only(&inventory);
    assert_eq!(
        (v.rule, v.message.as_str()),
        ("stock.key", "a key must be short")
    );
    assert_eq!(rule_path(&v), "map.keys.cel[0]");
    assert_eq!(subscript(&v), Some(Subscript::String("long".into())));
    assert!(v.for_key);
}

#[test]
fn value_rules_see_scalars_and_messages() {
    let mut inventory = valid();
    inventory.stock.insert("y".into(), -1);
    let v = only(&inventory);
    assert_eq!(v.rule, "stock.value");
    assert_eq!(rule_path(&v), "map.values.cel[0]");
    assert_eq!(subscript(&v), Some(Subscript::String("y".into())));
    assert!(!v.for_key);

    let mut inventory = valid();
    inventory.depots.insert(
        9,
        Address {
            city: String::new(),
            zip: "30110".into(),
        },
    );
    let v = only(&inventory);
    assert_eq!((v.rule, v.field.as_str()), ("depot.city", "depots[9]"));
    assert_eq!(subscript(&v), Some(Subscript::Int(9)));
}

#[test]
fn an_item_cel_expression_reports_the_expression_as_its_id() {
    let mut inventory = valid();
    inventory.kinds.push(Kind::Unspecified as i32);
    let v = only(&inventory);
    assert_eq!(v.rule, "this != 0");
    assert_eq!(rule_path(&v), "repeated.items.cel_expression[0]");
    assert_eq!(subscript(&v), Some(Subscript::Index(1)));
}

#[test]
fn item_rules_read_timestamps() {
    let mut inventory = valid();
    inventory.stamps.push(protogate::wkt::Timestamp {
        seconds: 0,
        nanos: 0,
    });
    let v = only(&inventory);
    assert_eq!((v.rule, v.field.as_str()), ("stamp.recent", "stamps[1]"));
}

#[test]
fn a_missing_field_of_dyn_is_an_evaluation_error() {
    let err = Untyped { a: 1 }
        .validate()
        .expect_err("the rule cannot be evaluated");
    let v = err.iter().next().expect("one violation");
    assert_eq!(v.rule, "untyped.missing");
    assert!(v.evaluation_error, "{v:?}");
    assert!(
        v.message.contains("no such field 'missing'"),
        "{}",
        v.message
    );
}
