use super::*;

fn rules(pairs: &[(&str, Literal)]) -> Vec<WrittenRule> {
    pairs
        .iter()
        .map(|(n, v)| WrittenRule::new(*n, v.clone()))
        .collect()
}

fn pgv(family: &str, pairs: &[(&str, Literal)]) -> Vec<Finding> {
    check(&Subject::new(Dialect::Pgv, family), &rules(pairs))
}

fn kinds(findings: &[Finding]) -> Vec<FindingKind> {
    findings.iter().map(|f| f.kind).collect()
}

#[test]
fn min_above_max_is_a_contradiction_at_the_minimum() {
    let written = rules(&[
        ("max_items", Literal::Int(1)),
        ("min_items", Literal::Int(3)),
    ]);
    let found = check(
        &Subject::new(Dialect::Pgv, "repeated").on("`a.B.c`"),
        &written,
    );
    assert_eq!(kinds(&found), [FindingKind::Contradiction]);
    assert_eq!(found[0].rule, 1);
    assert_eq!(found[0].rule_names(&written), ["min_items", "max_items"]);
    assert_eq!(
        found[0].message,
        "`repeated.min_items` (3) is greater than `repeated.max_items` (1) on `a.B.c`: no value can pass"
    );
    assert!(pgv(
        "repeated",
        &[
            ("min_items", Literal::Int(1)),
            ("max_items", Literal::Int(1))
        ]
    )
    .is_empty());
}

#[test]
fn a_fixed_length_outside_its_bounds_contradicts_them_and_overrides_them() {
    let found = pgv(
        "bytes",
        &[("len", Literal::Int(10)), ("max_len", Literal::Int(8))],
    );
    assert_eq!(
        kinds(&found),
        [FindingKind::Contradiction, FindingKind::Redundant]
    );
    assert_eq!(found[0].rule, 0);
    assert_eq!(found[1].rule, 1);
    let inside = pgv(
        "string",
        &[
            ("len_bytes", Literal::Int(4)),
            ("min_bytes", Literal::Int(2)),
        ],
    );
    assert_eq!(kinds(&inside), [FindingKind::Redundant]);
}

#[test]
fn an_affix_longer_than_the_maximum_cannot_fit() {
    let text = |s: &str| Literal::Text(s.into());
    let found = pgv(
        "string",
        &[("max_len", Literal::Int(2)), ("prefix", text("abc"))],
    );
    assert_eq!(
        found[0].message,
        "`string.prefix` \"abc\" is 3 characters but `string.max_len` is 2: no value can pass"
    );
    // Characters, not bytes: "éé" is 2 characters and 4 bytes.
    assert!(pgv(
        "string",
        &[("max_len", Literal::Int(2)), ("suffix", text("éé"))]
    )
    .is_empty());
    let found = pgv(
        "string",
        &[("max_bytes", Literal::Int(2)), ("suffix", text("éé"))],
    );
    assert_eq!(kinds(&found), [FindingKind::Contradiction]);
    // `len` limits when there is no maximum; `not_contains` is not part of the value.
    let found = pgv(
        "bytes",
        &[
            ("len", Literal::Int(1)),
            ("const", Literal::Bytes(vec![0, 1])),
        ],
    );
    assert!(found[0].message.contains("b\"\\x00\\x01\" is 2 bytes"));
    assert!(pgv(
        "string",
        &[("max_len", Literal::Int(1)), ("not_contains", text("abc"))]
    )
    .is_empty());
}

#[test]
fn float_bounds_must_be_finite() {
    let found = pgv("double", &[("gt", Literal::Float(f64::NAN))]);
    assert_eq!(kinds(&found), [FindingKind::Nan]);
    assert_eq!(
        found[0].message,
        "`double.gt` is NaN: no number compares with NaN, so the rule cannot work"
    );
    let list = Literal::List(vec![Literal::Float(1.0), Literal::Float(f64::NEG_INFINITY)]);
    assert_eq!(
        kinds(&pgv("float", &[("not_in", list)])),
        [FindingKind::Infinite]
    );
    // Strings are not bounds.
    assert!(pgv("string", &[("const", Literal::Float(f64::NAN))]).is_empty());
}

#[test]
fn exclusive_integer_bounds_one_apart_admit_nothing() {
    let found = pgv("int64", &[("gt", Literal::Int(4)), ("lt", Literal::Int(5))]);
    assert_eq!(kinds(&found), [FindingKind::Contradiction]);
    assert_eq!(
        found[0].message,
        "`int64.gt` (4) and `int64.lt` (5) leave no integer between them: no value can pass"
    );
    assert!(pgv("int64", &[("gt", Literal::Int(4)), ("lt", Literal::Int(6))]).is_empty());
    assert!(pgv(
        "int64",
        &[("gte", Literal::Int(4)), ("lt", Literal::Int(5))]
    )
    .is_empty());
    // Equal bounds exclude one value: PGV reads `gt` >= `lt` as "outside the range".
    assert!(pgv("int64", &[("gt", Literal::Int(5)), ("lt", Literal::Int(5))]).is_empty());
    // Reals lie between any two floats.
    assert!(pgv(
        "double",
        &[("gt", Literal::Float(4.0)), ("lt", Literal::Float(5.0))]
    )
    .is_empty());
}

#[test]
fn two_bounds_on_one_side_are_redundant_in_pgv_only() {
    let pairs = [("gt", Literal::Int(1)), ("gte", Literal::Int(2))];
    let found = pgv("uint32", &pairs);
    assert_eq!(kinds(&found), [FindingKind::Redundant]);
    assert_eq!(found[0].rule, 1);
    let pv = check(
        &Subject::new(Dialect::Protovalidate, "uint32"),
        &rules(&pairs),
    );
    assert!(pv.is_empty());
}

#[test]
fn relative_timestamp_rules() {
    let found = pgv(
        "timestamp",
        &[
            ("lt_now", Literal::Flag(true)),
            ("gt_now", Literal::Flag(true)),
        ],
    );
    assert_eq!(kinds(&found), [FindingKind::Contradiction]);
    assert_eq!(found[0].rule, 1);
    let found = pgv(
        "timestamp",
        &[("gt", Literal::Other), ("lt_now", Literal::Flag(true))],
    );
    assert_eq!(kinds(&found), [FindingKind::Redundant]);
    assert!(pgv(
        "timestamp",
        &[
            ("lt_now", Literal::Flag(false)),
            ("gt_now", Literal::Flag(true))
        ]
    )
    .is_empty());
    let pv = check(
        &Subject::new(Dialect::Protovalidate, "timestamp"),
        &rules(&[("gt", Literal::Other), ("lt_now", Literal::Flag(true))]),
    );
    assert!(
        pv.is_empty(),
        "protovalidate combines a fixed lower bound with lt_now"
    );
}

#[test]
fn not_in_next_to_in_is_worded_per_dialect() {
    let pairs = [
        ("in", Literal::List(vec![Literal::Int(1)])),
        ("not_in", Literal::List(vec![Literal::Int(2)])),
    ];
    let found = pgv("int32", &pairs);
    assert_eq!(
        found[0].message,
        "`int32.not_in` has no effect next to `int32.in`: PGV checks `not_in` only when `in` is empty"
    );
    let pv = check(
        &Subject::new(Dialect::Protovalidate, "int32"),
        &rules(&pairs),
    );
    assert!(pv[0].message.contains("only values of `in` can pass"));
    let empty = [("in", Literal::List(Vec::new())), pairs[1].clone()];
    assert!(pgv("int32", &empty).is_empty());
}

#[test]
fn strict_without_well_known_regex_has_no_effect() {
    let found = pgv("string", &[("strict", Literal::Flag(false))]);
    assert_eq!(kinds(&found), [FindingKind::Redundant]);
    let known = Literal::Other;
    assert!(pgv(
        "string",
        &[
            ("well_known_regex", known),
            ("strict", Literal::Flag(false))
        ]
    )
    .is_empty());
}

#[test]
fn patterns_must_be_re2() {
    let found = pgv("string", &[("pattern", Literal::Text("(?=a)".into()))]);
    assert_eq!(kinds(&found), [FindingKind::InvalidPattern]);
    assert!(found[0]
        .message
        .starts_with("`string.pattern` \"(?=a)\" is not a valid RE2 expression: "));
    // RE2 reads a `[` inside a class literally, which the translation keeps.
    assert!(pgv("bytes", &[("pattern", Literal::Text("^[a[]+$".into()))]).is_empty());
}
