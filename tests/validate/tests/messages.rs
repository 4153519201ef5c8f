//! Generated validators word list items, map keys and values, oneofs and embedded messages the
//! way PGV's Go code does, with protogate's field paths.

use protogate::Validate;
use protogate_validate_test::pgvcases as c;

fn first(v: &impl Validate) -> (String, &'static str, String) {
    let e = v.validate().unwrap_err();
    let v = &e.0[0];
    (v.field.clone(), v.rule, v.message.clone())
}

#[test]
fn list_items_and_map_entries_carry_their_index_or_key() {
    let items = c::RepItems {
        val: vec!["ab".into(), "a".into()],
    };
    assert_eq!(
        first(&items),
        (
            "val[1]".into(),
            "string.min_len",
            "invalid RepItems.Val[1]: value length must be at least 2 runes".into()
        )
    );
    let keys = c::MapKeys {
        val: [("a".to_string(), 1)].into_iter().collect(),
    };
    assert_eq!(
        first(&keys),
        (
            "val[\"a\"]".into(),
            "string.min_len",
            "invalid key for MapKeys.Val[a]: value length must be at least 2 runes".into()
        )
    );
    let values = c::MapValues {
        val: [(7i64, 0)].into_iter().collect(),
    };
    assert_eq!(
        first(&values).2,
        "invalid MapValues.Val[7]: value must be greater than 0"
    );
    let nested = c::MapMessages {
        val: [("k".to_string(), c::Inner::default())]
            .into_iter()
            .collect(),
    };
    let (field, rule, message) = first(&nested);
    assert_eq!(field, "val[\"k\"].name");
    assert_eq!(rule, "string.min_len");
    assert_eq!(
        message,
        "invalid MapMessages.Val[k]: embedded message failed validation | caused by: \
         invalid Inner.Name: value length must be at least 1 runes"
    );
    let unique = c::RepUnique {
        val: vec!["a".into(), "b".into(), "a".into()],
    };
    assert_eq!(
        first(&unique).2,
        "invalid RepUnique.Val[2]: repeated value must contain unique items"
    );
}

#[test]
fn oneofs_wrappers_and_well_known_types_follow_pgv() {
    assert_eq!(
        first(&c::OneofRequired { val: None }),
        (
            "val".into(),
            "oneof.required",
            "invalid OneofRequired.Val: value is required".into()
        )
    );
    assert_eq!(
        first(&c::WrapStr {
            val: Some(pbjson_types::StringValue { value: "a".into() })
        })
        .2,
        "invalid WrapStr.Val: value length must be at least 2 runes"
    );
    assert!(c::WrapStr { val: None }.validate().is_ok());
    assert_eq!(
        first(&c::DurRange {
            val: Some(pbjson_types::Duration {
                seconds: 10,
                nanos: 0
            })
        }),
        (
            "val".into(),
            "duration.gt_lt",
            "invalid DurRange.Val: value must be inside range (1s, 10s)".into()
        )
    );
    assert_eq!(
        first(&c::TsGt {
            val: Some(protogate::wkt::Timestamp {
                seconds: 5,
                nanos: 0
            })
        })
        .2,
        "invalid TsGt.Val: value must be greater than 1970-01-01 00:16:40 +0000 UTC"
    );
    assert_eq!(
        first(&c::AnyIn {
            val: Some(protogate::wkt::Any::default())
        })
        .2,
        "invalid AnyIn.Val: type URL must be in list [type.googleapis.com/a.B]"
    );
    assert!(c::Disabled { val: String::new() }.validate().is_ok());
    assert_eq!(
        first(&c::StrEmail { val: "foo".into() }).2,
        "invalid StrEmail.Val: value must be a valid email address | caused by: \
         mail: missing '@' or angle-addr"
    );
    assert_eq!(
        first(&c::FloatIn { val: 3.0 }).2,
        "invalid FloatIn.Val: value must be in list [1.5 2.5]"
    );
}

#[test]
fn validate_all_joins_like_go_multi_errors() {
    let m = c::RepMessages {
        val: vec![
            c::Inner::default(),
            c::Inner { name: "x".into() },
            c::Inner::default(),
        ],
    };
    let all = m.validate_all().unwrap_err();
    assert_eq!(all.0.len(), 2);
    assert_eq!(
        all.to_string(),
        "invalid RepMessages.Val[0]: embedded message failed validation | caused by: \
         invalid Inner.Name: value length must be at least 1 runes; \
         invalid RepMessages.Val[2]: embedded message failed validation | caused by: \
         invalid Inner.Name: value length must be at least 1 runes"
    );
    assert_eq!(m.validate().unwrap_err().0.len(), 1);
}
