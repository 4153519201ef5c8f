//! `#[derive(Validate)]` on hand-written structs: the same rules, ids and PGV messages as the
//! generator, and compile errors for bad attributes (trybuild, `tests/ui/`).
//!
//! The structs of `d` mirror messages of `tests/validate/proto/pgvcases/cases.proto` (same name,
//! same rules as attributes): `both!` validates one value with the derived struct and with the
//! generated message, and the two must report the same violations, byte for byte.

use std::collections::{BTreeMap, HashMap};

use protogate::Validate;
use protogate_validate_test::pgvcases as c;

#[derive(Validate, Default)]
#[validate(name = "Details")]
struct Details {
    #[validate(string(min_len = 1))]
    resource_owner: String,
}

#[derive(Validate, Default)]
#[validate(name = "VerifyMyPhoneRequest")]
struct Request {
    #[validate(string(min_len = 1, max_len = 200))]
    code: String,
    #[validate(uint64(gt = 0))]
    sequence: u64,
    #[validate(string(prefix = "+", ignore_empty))]
    phone: Option<String>,
    #[validate(message(required))]
    details: Option<Details>,
    #[validate(repeated(max_items = 3, unique))]
    tags: Vec<String>,
    #[validate(string(pattern = "^\\w+$"))]
    word: String,
}

fn valid() -> Request {
    Request {
        code: "H83J3".into(),
        sequence: 1,
        phone: Some("+41".into()),
        details: Some(Details {
            resource_owner: "o".into(),
        }),
        tags: vec!["a".into()],
        word: "abc".into(),
    }
}

#[test]
fn derived_validators_use_pgv_messages() {
    assert!(valid().validate().is_ok());
    let bad = Request {
        code: String::new(),
        ..valid()
    };
    let v = bad.validate().unwrap_err();
    assert_eq!(
        v.to_string(),
        "invalid VerifyMyPhoneRequest.Code: value length must be between 1 and 200 runes, inclusive"
    );
    assert_eq!(v.0[0].rule, "string.min_len");
    assert_eq!(v.0[0].field, "code");
}

#[test]
fn validate_all_nests_embedded_messages_like_go() {
    let bad = Request {
        sequence: 0,
        phone: Some(String::new()),
        details: Some(Details::default()),
        tags: vec!["a".into(), "b".into(), "a".into()],
        word: "é".into(),
        ..valid()
    };
    let all = bad.validate_all().unwrap_err();
    let fields: Vec<&str> = all.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(
        fields,
        ["sequence", "details.resource_owner", "tags[2]", "word"]
    );
    assert_eq!(
        all.to_string(),
        "invalid VerifyMyPhoneRequest.Sequence: value must be greater than 0; \
         invalid VerifyMyPhoneRequest.Details: embedded message failed validation | caused by: \
         invalid Details.ResourceOwner: value length must be at least 1 runes; \
         invalid VerifyMyPhoneRequest.Tags[2]: repeated value must contain unique items; \
         invalid VerifyMyPhoneRequest.Word: value does not match regex pattern \"^\\\\w+$\""
    );
    let missing = Request {
        details: None,
        ..valid()
    };
    assert_eq!(
        missing.validate().unwrap_err().0[0].message,
        "invalid VerifyMyPhoneRequest.Details: value is required"
    );
}

#[test]
fn bad_attributes_are_compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}

/// Hand-written twins of generated messages.
mod d {
    use super::*;
    use pbjson_types::Duration;
    use protogate::wkt::Timestamp;

    #[derive(Validate, Default, Clone)]
    pub struct Inner {
        #[validate(string(min_len = 1))]
        pub name: String,
    }

    macro_rules! twin {
        ($($name:ident($ty:ty) { $($rules:tt)* })*) => {$(
            #[derive(Validate, Default)]
            pub struct $name {
                #[validate($($rules)*)]
                pub val: $ty,
            }
        )*};
    }

    twin! {
        StrIn(String) { string(r#in = ["a", "bc", "é"]) }
        StrNotIn(String) { string(not_in = ["x", "y"]) }
        StrHeaderName(String) { string(well_known_regex = HTTP_HEADER_NAME) }
        I64In(i64) { int64(in = [1, 2, 3]) }
        U32NotIn(u32) { uint32(not_in = [0, 7]) }
        S32Closed(i32) { sint32(gte = -5, lte = 5) }
        S64OutsideIncl(i64) { sint64(lte = 0, gte = 10) }
        FloatIn(f32) { float(in = [1.5, 2.5]) }
        DoubleGte(f64) { double(gte = 0) }
        BytesIn(Vec<u8>) { bytes(in = [b"a", b"\x00\x01"]) }
        BytesPrefix(Vec<u8>) { bytes(prefix = b"\x01") }
        BytesLen(Vec<u8>) { bytes(min_len = 1, max_len = 4) }
        EnumDefined(i32) { enum(defined_only = c::Color) }
        EnumIn(i32) { enum(in = [0, 2]) }
        EnumNotIn(i32) { enum(not_in = [1]) }
        EnumConst(i32) { enum(const = 1) }
        RepItems(Vec<String>) { repeated(items(string(min_len = 2))) }
        RepItemsInt(Vec<i64>) { repeated(items(int64(gt = 0, lt = 100))) }
        RepIgnoreEmpty(Vec<i32>) { repeated(ignore_empty, min_items = 2) }
        RepMessages(Vec<Inner>) { repeated(items(message)) }
        MapPairs(HashMap<String, String>) { map(min_pairs = 1, max_pairs = 2) }
        MapKeys(HashMap<String, i32>) { map(keys(string(min_len = 2))) }
        MapValues(HashMap<i64, i32>) { map(values(int32(gt = 0))) }
        MapMessages(HashMap<String, Inner>) { map(values(message)) }
        DurRange(Option<Duration>) { duration(gt = "1s", lt = "10s") }
        DurRequired(Option<Duration>) { duration(required) }
        DurIn(Option<Duration>) { duration(in = ["1s", "2s"]) }
        TsGt(Option<Timestamp>) { timestamp(gt = "1970-01-01T00:16:40Z") }
        TsLtNow(Option<Timestamp>) { timestamp(lt_now) }
        TsGtNowWithin(Option<Timestamp>) { timestamp(gt_now, within = "1h") }
        StrLen(String) { string(min_len = 2, max_len = 5) }
        StrLenExact(String) { string(len = 3) }
        StrMinMaxEqual(String) { string(min_len = 2, max_len = 2) }
        StrBytes(String) { string(min_bytes = 2, max_bytes = 6) }
        StrLenBytes(String) { string(len_bytes = 4) }
        StrConst(String) { string(const = "abc") }
        StrPrefix(String) { string(prefix = "+4") }
        StrSuffix(String) { string(suffix = ".com") }
        StrContains(String) { string(contains = "@") }
        StrNotContains(String) { string(not_contains = "..") }
        StrPattern(String) { string(pattern = "^[a-z][a-z0-9-]*[a-z0-9]$") }
        StrPatternPerl(String) { string(pattern = "^\\w+(\\s\\d+)?$") }
        StrPatternUnanchored(String) { string(pattern = "[0-9]{2}") }
        StrEmail(String) { string(email) }
        StrHostname(String) { string(hostname) }
        StrIp(String) { string(ip) }
        StrIpv4(String) { string(ipv4) }
        StrIpv6(String) { string(ipv6) }
        StrUri(String) { string(uri) }
        StrUriRef(String) { string(uri_ref) }
        StrUuid(String) { string(uuid) }
        StrAddress(String) { string(address) }
        StrIgnoreEmpty(String) { string(ignore_empty, min_len = 3) }
        StrHeaderValueLoose(String) { string(well_known_regex = "HTTP_HEADER_VALUE", strict = false) }
        StrMulti(String) { string(min_len = 1, max_len = 8, prefix = "a", not_contains = "z") }
        I32Range(i32) { int32(gt = 0, lt = 10) }
        I32Outside(i32) { int32(lt = 0, gt = 10) }
        I32EqualBounds(i32) { int32(gte = 5, lte = 5) }
        U64Gt(u64) { uint64(gt = 5) }
        F32Const(u32) { fixed32(const = 7) }
        F64Lte(u64) { fixed64(lte = 100) }
        Sfixed32Gte(i32) { sfixed32(gte = -3) }
        Sfixed64Lt(i64) { sfixed64(lt = -1) }
        FloatRange(f32) { float(gt = 0.5, lt = 1.5) }
        DoubleConst(f64) { double(const = 1.5) }
        I32IgnoreEmpty(i32) { int32(ignore_empty, gt = 10) }
        OptionalField(Option<i32>) { int32(gt = 0) }
        BoolConst(bool) { bool(const = true) }
        BytesLenExact(Vec<u8>) { bytes(len = 2) }
        BytesContains(Vec<u8>) { bytes(contains = "ab") }
        BytesIp(Vec<u8>) { bytes(ip) }
        BytesIpv4(Vec<u8>) { bytes(ipv4) }
        BytesIpv6(Vec<u8>) { bytes(ipv6) }
        BytesPattern(Vec<u8>) { bytes(pattern = "^[a-z]+$") }
        RepMinMax(Vec<String>) { repeated(min_items = 1, max_items = 3) }
        RepUnique(Vec<String>) { repeated(unique) }
        RepUniqueDouble(Vec<f64>) { repeated(unique) }
        AnyIn(Option<protogate::wkt::Any>) { any(in = ["type.googleapis.com/a.B"]) }
        AnyRequired(Option<protogate::wkt::Any>) { any(required) }
        WrapStr(Option<pbjson_types::StringValue>) { string(min_len = 2) }
        WrapInt(Option<pbjson_types::Int32Value>) { int32(gt = 0) }
    }
}

type Report = Vec<(String, &'static str, String)>;

fn report(v: &impl Validate) -> (Report, Report) {
    let list = |r: Result<(), protogate::Violations>| -> Report {
        r.err()
            .map(|e| {
                e.iter()
                    .map(|v| (v.field.clone(), v.rule, v.message.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    (list(v.validate()), list(v.validate_all()))
}

/// Validates `val` with the derived twin and the generated message: both must report the same
/// violations (path, rule id, message) in `validate()` and `validate_all()`; returns the latter.
macro_rules! both {
    ($name:ident, $val:expr) => {{
        let val = $val;
        let derived = report(&d::$name { val: val.clone() });
        let generated = report(&c::$name { val });
        assert_eq!(
            derived,
            generated,
            "{}: derived and generated differ",
            stringify!($name)
        );
        derived.1
    }};
}

fn one(field: &str, rule: &'static str, message: &str) -> Report {
    vec![(field.to_string(), rule, message.to_string())]
}

#[test]
fn in_and_not_in_match_the_generated_messages() {
    assert_eq!(both!(StrIn, "bc".to_string()), vec![]);
    assert_eq!(
        both!(StrIn, "b".to_string()),
        one(
            "val",
            "string.in",
            "invalid StrIn.Val: value must be in list [a bc é]"
        )
    );
    assert_eq!(
        both!(StrNotIn, "y".to_string()),
        one(
            "val",
            "string.not_in",
            "invalid StrNotIn.Val: value must not be in list [x y]"
        )
    );
    assert_eq!(
        both!(I64In, 4i64),
        one(
            "val",
            "int64.in",
            "invalid I64In.Val: value must be in list [1 2 3]"
        )
    );
    assert_eq!(
        both!(U32NotIn, 7u32),
        one(
            "val",
            "uint32.not_in",
            "invalid U32NotIn.Val: value must not be in list [0 7]"
        )
    );
    assert_eq!(
        both!(FloatIn, 2.0f32),
        one(
            "val",
            "float.in",
            "invalid FloatIn.Val: value must be in list [1.5 2.5]"
        )
    );
    assert_eq!(both!(FloatIn, 2.5f32), vec![]);
    assert_eq!(
        both!(BytesIn, b"b".to_vec()),
        one(
            "val",
            "bytes.in",
            "invalid BytesIn.Val: value must be in list [[97] [0 1]]"
        )
    );
    assert_eq!(both!(BytesIn, vec![0u8, 1]), vec![]);
    for v in [
        b"".to_vec(),
        b"\x01ab".to_vec(),
        b"\x02".to_vec(),
        b"12345".to_vec(),
    ] {
        both!(BytesPrefix, v.clone());
        both!(BytesLen, v);
    }
    for v in ["Content-Type", "bad header", ""] {
        both!(StrHeaderName, v.to_string());
    }
}

#[test]
fn numeric_literals_take_the_field_type() {
    // `double(gte = 0)`: an integer literal for a float family; negative bounds.
    assert_eq!(
        both!(DoubleGte, -0.5f64),
        one(
            "val",
            "double.gte",
            "invalid DoubleGte.Val: value must be greater than or equal to 0"
        )
    );
    for v in [-6, -5, 0, 5, 6] {
        both!(S32Closed, v);
    }
    assert_eq!(
        both!(S32Closed, -6),
        one(
            "val",
            "sint32.gte_lte",
            "invalid S32Closed.Val: value must be inside range [-5, 5]"
        )
    );
    for v in [-1i64, 0, 5, 10, 11] {
        both!(S64OutsideIncl, v);
    }
}

#[test]
fn enum_rules_match_the_generated_messages() {
    assert_eq!(both!(EnumDefined, 2), vec![]);
    assert_eq!(
        both!(EnumDefined, 5),
        one(
            "val",
            "enum.defined_only",
            "invalid EnumDefined.Val: value must be one of the defined enum values"
        )
    );
    assert_eq!(
        both!(EnumIn, 1),
        one(
            "val",
            "enum.in",
            "invalid EnumIn.Val: value must be in list [0 2]"
        )
    );
    assert_eq!(
        both!(EnumNotIn, 1),
        one(
            "val",
            "enum.not_in",
            "invalid EnumNotIn.Val: value must not be in list [1]"
        )
    );
    assert_eq!(
        both!(EnumConst, 2),
        one(
            "val",
            "enum.const",
            "invalid EnumConst.Val: value must equal 1"
        )
    );
    // A field typed as the prost enumeration itself.
    #[derive(Validate)]
    #[validate(name = "EnumIn")]
    struct Typed {
        #[validate(enum(in = [0, 2], defined_only = c::Color))]
        val: c::Color,
    }
    assert!(Typed {
        val: c::Color::Green
    }
    .validate()
    .is_ok());
    assert_eq!(
        report(&Typed { val: c::Color::Red }).1,
        one(
            "val",
            "enum.in",
            "invalid EnumIn.Val: value must be in list [0 2]"
        )
    );
}

#[test]
fn items_keys_and_values_match_the_generated_messages() {
    assert_eq!(
        both!(RepItems, vec!["ab".to_string(), "a".to_string()]),
        one(
            "val[1]",
            "string.min_len",
            "invalid RepItems.Val[1]: value length must be at least 2 runes"
        )
    );
    assert_eq!(
        both!(RepItemsInt, vec![5i64, 0, 100]),
        vec![
            (
                "val[1]".into(),
                "int64.gt_lt",
                "invalid RepItemsInt.Val[1]: value must be inside range (0, 100)".into()
            ),
            (
                "val[2]".into(),
                "int64.gt_lt",
                "invalid RepItemsInt.Val[2]: value must be inside range (0, 100)".into()
            ),
        ]
    );
    assert_eq!(both!(RepIgnoreEmpty, Vec::<i32>::new()), vec![]);
    assert_eq!(
        both!(RepIgnoreEmpty, vec![1]),
        one(
            "val",
            "repeated.min_items",
            "invalid RepIgnoreEmpty.Val: value must contain at least 2 item(s)"
        )
    );
    let inner = |name: &str| d::Inner { name: name.into() };
    let derived = report(&d::RepMessages {
        val: vec![inner("a"), inner("")],
    });
    let generated = report(&c::RepMessages {
        val: vec![c::Inner { name: "a".into() }, c::Inner::default()],
    });
    assert_eq!(derived, generated);
    assert_eq!(
        derived.1,
        one(
            "val[1].name",
            "string.min_len",
            "invalid RepMessages.Val[1]: embedded message failed validation | caused by: \
             invalid Inner.Name: value length must be at least 1 runes"
        )
    );
    assert_eq!(
        both!(MapPairs, HashMap::new()),
        one(
            "val",
            "map.min_pairs",
            "invalid MapPairs.Val: value must contain between 1 and 2 pairs, inclusive"
        )
    );
    let three: HashMap<String, String> = [("a", ""), ("b", ""), ("c", "")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(both!(MapPairs, three)[0].1, "map.max_pairs");
    assert_eq!(
        both!(
            MapKeys,
            [("a".to_string(), 1)]
                .into_iter()
                .collect::<HashMap<_, _>>()
        ),
        one(
            "val[\"a\"]",
            "string.min_len",
            "invalid key for MapKeys.Val[a]: value length must be at least 2 runes"
        )
    );
    assert_eq!(
        both!(
            MapValues,
            [(7i64, 0)].into_iter().collect::<HashMap<_, _>>()
        ),
        one(
            "val[7]",
            "int32.gt",
            "invalid MapValues.Val[7]: value must be greater than 0"
        )
    );
    let derived = report(&d::MapMessages {
        val: [("k".to_string(), inner(""))].into_iter().collect(),
    });
    let generated = report(&c::MapMessages {
        val: [("k".to_string(), c::Inner::default())]
            .into_iter()
            .collect(),
    });
    assert_eq!(derived, generated);
    assert_eq!(derived.1[0].0, "val[\"k\"].name");
}

#[test]
fn map_rules_on_other_map_types() {
    #[derive(Validate, Default)]
    struct Labels {
        #[validate(map(
            ignore_empty,
            min_pairs = 2,
            no_sparse,
            keys(string(prefix = "k")),
            values(string(max_len = 2))
        ))]
        labels: BTreeMap<String, String>,
    }
    assert!(Labels::default().validate().is_ok());
    let labels = Labels {
        labels: [("a", "long"), ("k", "ok")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    assert_eq!(
        report(&labels).1,
        vec![
            (
                "labels[\"a\"]".into(),
                "string.prefix",
                "invalid key for Labels.Labels[a]: value does not have prefix \"k\"".into()
            ),
            (
                "labels[\"a\"]".into(),
                "string.max_len",
                "invalid Labels.Labels[a]: value length must be at most 2 runes".into()
            ),
        ]
    );
}

fn dur(seconds: i64, nanos: i32) -> Option<pbjson_types::Duration> {
    Some(pbjson_types::Duration { seconds, nanos })
}

fn ts(seconds: i64) -> Option<protogate::wkt::Timestamp> {
    Some(protogate::wkt::Timestamp { seconds, nanos: 0 })
}

#[test]
fn durations_match_the_generated_messages() {
    assert_eq!(
        both!(DurRange, dur(1, 0)),
        one(
            "val",
            "duration.gt_lt",
            "invalid DurRange.Val: value must be inside range (1s, 10s)"
        )
    );
    assert_eq!(both!(DurRange, dur(1, 1)), vec![]);
    assert_eq!(both!(DurRange, None), vec![]);
    assert_eq!(
        both!(DurRequired, None),
        one(
            "val",
            "duration.required",
            "invalid DurRequired.Val: value is required"
        )
    );
    assert_eq!(
        both!(DurIn, dur(3, 0)),
        one(
            "val",
            "duration.in",
            "invalid DurIn.Val: value must be in list [seconds:1 seconds:2]"
        )
    );
    assert_eq!(both!(DurIn, dur(2, 0)), vec![]);
    assert_eq!(both!(DurIn, dur(1, -1))[0].1, "duration.valid");

    #[derive(Validate)]
    struct Timeout {
        #[validate(duration(gte = "-1.5s", lte = "2m", not_in = ["0"]))]
        a: Option<pbjson_types::Duration>,
        #[validate(duration(const = "100ms"))]
        b: pbjson_types::Duration,
    }
    let t = Timeout {
        a: dur(0, 0),
        b: pbjson_types::Duration {
            seconds: 0,
            nanos: 100_000_000,
        },
    };
    // Go prints the proto text of a zero duration as nothing.
    assert_eq!(
        report(&t).1,
        one(
            "a",
            "duration.not_in",
            "invalid Timeout.A: value must not be in list []"
        )
    );
    let t = Timeout {
        a: dur(-2, 0),
        b: pbjson_types::Duration::default(),
    };
    assert_eq!(
        report(&t).1,
        vec![
            (
                "a".into(),
                "duration.gte_lte",
                "invalid Timeout.A: value must be inside range [-1.5s, 2m0s]".into()
            ),
            (
                "b".into(),
                "duration.const",
                "invalid Timeout.B: value must equal 100ms".into()
            ),
        ]
    );
}

#[test]
fn timestamps_match_the_generated_messages() {
    assert_eq!(
        both!(TsGt, ts(1000)),
        one(
            "val",
            "timestamp.gt",
            "invalid TsGt.Val: value must be greater than 1970-01-01 00:16:40 +0000 UTC"
        )
    );
    assert_eq!(both!(TsGt, ts(1001)), vec![]);
    let now = protogate::rules::time::timestamp::now().seconds;
    assert_eq!(
        both!(TsLtNow, ts(now + 3600)),
        one(
            "val",
            "timestamp.lt_now",
            "invalid TsLtNow.Val: value must be less than now"
        )
    );
    assert_eq!(both!(TsLtNow, ts(now - 10)), vec![]);
    assert_eq!(
        both!(TsGtNowWithin, ts(now + 7200)),
        one(
            "val",
            "timestamp.gt_now",
            "invalid TsGtNowWithin.Val: value must be greater than now within 1h0m0s"
        )
    );
    assert_eq!(both!(TsGtNowWithin, ts(now + 600)), vec![]);
    assert_eq!(
        both!(
            TsGt,
            Some(protogate::wkt::Timestamp {
                seconds: 2000,
                nanos: -1
            })
        )[0]
        .1,
        "timestamp.valid"
    );

    #[derive(Validate)]
    struct Event {
        #[validate(timestamp(required, const = "2023-05-10T12:00:00.5+02:00"))]
        at: Option<protogate::wkt::Timestamp>,
        #[validate(timestamp(within = "1m"))]
        seen: Option<protogate::wkt::Timestamp>,
    }
    let e = Event {
        at: None,
        seen: ts(0),
    };
    assert_eq!(
        report(&e).1,
        vec![
            (
                "at".into(),
                "timestamp.required",
                "invalid Event.At: value is required".into()
            ),
            (
                "seen".into(),
                "timestamp.within",
                "invalid Event.Seen: value must be within 1m0s of now".into()
            ),
        ]
    );
    let e = Event {
        at: ts(0),
        seen: None,
    };
    assert_eq!(
        report(&e).1,
        one(
            "at",
            "timestamp.const",
            "invalid Event.At: value must equal 2023-05-10 10:00:00.5 +0000 UTC"
        )
    );
}

/// Validates every sample with the derived twin and the generated message (see `both!`).
macro_rules! agree {
    ($samples:expr => $($name:ident),+ $(,)?) => {
        for sample in $samples {
            $(both!($name, sample.clone());)+
        }
    };
}

#[test]
fn every_twin_agrees_with_the_generated_message() {
    let strings: Vec<String> = [
        "",
        "a",
        "ab",
        "abc",
        "abcd",
        "abcdef",
        "abcdefghi",
        "é",
        "éé",
        "e\u{301}",
        "👩‍👩‍👧",
        "+41",
        "+4",
        "x.com",
        "a@b",
        "a..b",
        "abc-1",
        "ab 12",
        "abc1",
        "12",
        "a_b",
        "é 1",
        "foo@example.com",
        "Foo <foo@example.com>",
        "example.com",
        "-bad.com",
        "1.2.3.4",
        "256.1.1.1",
        "::1",
        "::ffff:1.2.3.4",
        "fe80::1%eth0",
        "http://x/y",
        "/rel",
        "x y",
        "550e8400-e29b-41d4-a716-446655440000",
        "550e8400e29b41d4a716446655440000",
        "Content-Type",
        "bad header",
        "a\u{0}b",
        "a\tb",
        "az",
        "aaaaaaaaa",
        "bc",
        "x",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    agree!(strings.iter() =>
        StrIn, StrNotIn, StrHeaderName, StrLen, StrLenExact, StrMinMaxEqual, StrBytes,
        StrLenBytes, StrConst, StrPrefix, StrSuffix, StrContains, StrNotContains, StrPattern,
        StrPatternPerl, StrPatternUnanchored, StrEmail, StrHostname, StrIp, StrIpv4, StrIpv6,
        StrUri, StrUriRef, StrUuid, StrAddress, StrIgnoreEmpty, StrHeaderValueLoose, StrMulti,
    );
    let bytes: Vec<Vec<u8>> = strings
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .chain([
            vec![1, 2, 3, 4],
            vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            vec![0xff],
        ])
        .collect();
    agree!(bytes.iter() =>
        BytesIn, BytesPrefix, BytesLen, BytesLenExact, BytesContains, BytesIp, BytesIpv4,
        BytesIpv6, BytesPattern,
    );
    let i32s = [
        i32::MIN,
        -11,
        -6,
        -5,
        -4,
        -3,
        -1,
        0,
        1,
        2,
        5,
        6,
        7,
        9,
        10,
        11,
        i32::MAX,
    ];
    agree!(i32s =>
        S32Closed, EnumDefined, EnumIn, EnumNotIn, EnumConst, I32Range, I32Outside,
        I32EqualBounds, Sfixed32Gte, I32IgnoreEmpty,
    );
    agree!(i32s.iter().map(|v| Some(*v)).chain([None]) => OptionalField);
    let i64s = [i64::MIN, -11, -2, -1, 0, 1, 3, 4, 10, 11, i64::MAX];
    agree!(i64s => I64In, S64OutsideIncl, Sfixed64Lt);
    agree!([0u32, 1, 6, 7, 8, u32::MAX] => U32NotIn, F32Const);
    agree!([0u64, 5, 6, 100, 101, u64::MAX] => U64Gt, F64Lte);
    let floats = [
        f32::NAN,
        f32::NEG_INFINITY,
        -0.0,
        0.0,
        0.5,
        1.0,
        1.5,
        2.5,
        f32::INFINITY,
    ];
    agree!(floats => FloatIn, FloatRange);
    agree!(floats.iter().map(|f| f64::from(*f)).chain([-0.5, 1.4999999]) => DoubleGte, DoubleConst);
    agree!([true, false] => BoolConst);
    let lists: Vec<Vec<String>> = vec![
        vec![],
        vec!["a".into()],
        vec!["a".into(), "b".into(), "a".into()],
        vec!["ab".into(), "a".into(), "".into(), "abc".into()],
    ];
    agree!(lists => RepMinMax, RepUnique, RepItems);
    let doubles = [
        vec![],
        vec![f64::NAN, f64::NAN],
        vec![0.0, -0.0],
        vec![1.0, 2.0, 1.0],
    ];
    agree!(doubles => RepUniqueDouble);
    let ints = [vec![], vec![1], vec![0, 100, 50], vec![-1, 1]];
    agree!(ints => RepItemsInt);
}

#[test]
fn message_rules_agree_with_the_generated_messages() {
    #[derive(Validate)]
    struct MsgRequired {
        #[validate(message(required))]
        val: Option<d::Inner>,
    }
    #[derive(Validate)]
    struct MsgNested {
        #[validate(message)]
        val: Option<d::Inner>,
    }
    #[derive(Validate)]
    #[allow(dead_code)] // `skip`: the derived validator never reads the field
    struct MsgSkip {
        #[validate(message(skip))]
        val: Option<d::Inner>,
    }
    #[derive(Validate)]
    struct SkipItems {
        #[validate(repeated(min_items = 1, items(message(skip))))]
        val: Vec<d::Inner>,
    }
    for name in [None, Some(""), Some("a")] {
        let derived = name.map(|n| d::Inner { name: n.into() });
        let generated = name.map(|n| c::Inner { name: n.into() });
        assert_eq!(
            report(&MsgRequired {
                val: derived.clone()
            }),
            report(&c::MsgRequired {
                val: generated.clone()
            })
        );
        assert_eq!(
            report(&MsgNested {
                val: derived.clone()
            }),
            report(&c::MsgNested {
                val: generated.clone()
            })
        );
        assert_eq!(
            report(&MsgSkip { val: derived }),
            report(&c::MsgSkip { val: generated })
        );
    }
    assert_eq!(
        report(&MsgRequired { val: None }).1,
        one(
            "val",
            "message.required",
            "invalid MsgRequired.Val: value is required"
        )
    );
    assert!(SkipItems {
        val: vec![d::Inner::default()]
    }
    .validate()
    .is_ok());
}

#[test]
fn any_wrappers_oneofs_and_disabled_agree_with_the_generated_messages() {
    let any = |url: &str| {
        Some(protogate::wkt::Any {
            type_url: url.into(),
            value: Default::default(),
        })
    };
    for v in [
        None,
        any("type.googleapis.com/a.B"),
        any("type.googleapis.com/a.C"),
    ] {
        both!(AnyIn, v.clone());
        both!(AnyRequired, v);
    }
    assert_eq!(
        both!(AnyIn, any("x")),
        one(
            "val",
            "any.in",
            "invalid AnyIn.Val: type URL must be in list [type.googleapis.com/a.B]"
        )
    );
    assert_eq!(
        both!(AnyRequired, None),
        one(
            "val",
            "any.required",
            "invalid AnyRequired.Val: value is required"
        )
    );
    for v in [None, Some(""), Some("a"), Some("ab")] {
        both!(
            WrapStr,
            v.map(|s| pbjson_types::StringValue { value: s.into() })
        );
    }
    for v in [None, Some(-1), Some(0), Some(1)] {
        both!(WrapInt, v.map(|value| pbjson_types::Int32Value { value }));
    }
    assert_eq!(
        both!(WrapInt, Some(pbjson_types::Int32Value { value: 0 })),
        one(
            "val",
            "int32.gt",
            "invalid WrapInt.Val: value must be greater than 0"
        )
    );
    // A required wrapper with value rules words PGV's wrapper template.
    #[derive(Validate)]
    struct Wrapped {
        #[validate(message(required), string(min_len = 2))]
        val: Option<pbjson_types::StringValue>,
    }
    assert_eq!(
        report(&Wrapped { val: None }).1,
        one(
            "val",
            "message.required",
            "invalid Wrapped.Val: value is required and must not be nil."
        )
    );
    // oneof required: the oneof is an `Option` of its enum.
    #[derive(Validate)]
    #[validate(name = "OneofRequired")]
    struct Oneof {
        #[validate(oneof(required))]
        val: Option<c::oneof_required::Val>,
    }
    let generated = report(&c::OneofRequired { val: None });
    assert_eq!(report(&Oneof { val: None }), generated);
    assert_eq!(
        generated.1,
        one(
            "val",
            "oneof.required",
            "invalid OneofRequired.Val: value is required"
        )
    );
    let set = || Some(c::oneof_required::Val::A("ab".into()));
    assert_eq!(
        report(&Oneof { val: set() }),
        report(&c::OneofRequired { val: set() })
    );
    // `(validate.disabled)`.
    #[derive(Validate)]
    #[validate(disabled)]
    #[allow(dead_code)] // disabled: the derived validator never reads the field
    struct Disabled {
        #[validate(string(min_len = 5))]
        val: String,
    }
    let derived = report(&Disabled { val: "a".into() });
    assert_eq!(derived, report(&c::Disabled { val: "a".into() }));
    assert_eq!(derived.1, vec![]);
}

#[test]
fn borrowed_and_boxed_text_takes_string_and_bytes_rules() {
    use std::borrow::Cow;
    #[derive(Validate)]
    struct Borrowed<'a> {
        #[validate(string(min_len = 2))]
        name: Cow<'a, str>,
        #[validate(bytes(prefix = b"\x01"))]
        raw: Cow<'a, [u8]>,
        #[validate(string(max_len = 1))]
        note: Box<str>,
    }
    let b = Borrowed {
        name: Cow::Borrowed("é"),
        raw: Cow::Owned(vec![2]),
        note: "ab".into(),
    };
    let fields: Vec<_> = report(&b).1.into_iter().map(|(f, r, _)| (f, r)).collect();
    assert_eq!(
        fields,
        [
            ("name".to_string(), "string.min_len"),
            ("raw".to_string(), "bytes.prefix"),
            ("note".to_string(), "string.max_len"),
        ]
    );
}
