//! Differential test against protovalidate's Python package (`protovalidate` on PyPI, an
//! implementation protogate shares no code with): boundary and random inputs for every message
//! of `pvcases`, compared on the whole list of violations: field path, rule id and message, in
//! order (for the map messages, whose entry order is not defined, as a sorted list).
//! A disagreement fails the test unless it falls in a class listed in the README.

mod oracle;
mod pv_inputs;

use std::collections::HashMap;

use prost::Message;
use protogate::Validate;
use protogate_validate_test::pvcases as c;

use oracle::{bytes, double, int, string, Rng};
use pv_inputs::*;

/// Our violations of one input, as `path | rule | message` lines.
/// A rule that could not be evaluated (CEL's overflow, division by zero, …) is rendered
/// as [`EVALUATION_ERROR`]: protovalidate stops with an error there instead of a violation.
fn ours<M: Validate>(m: &M) -> Vec<String> {
    match m.validate_all() {
        Ok(()) => Vec::new(),
        Err(v) => v
            .iter()
            .map(|v| match v.evaluation_error {
                true => format!("{} | {} | {EVALUATION_ERROR}", v.field, v.rule),
                false => format!("{} | {} | {}", v.field, v.rule, v.message),
            })
            .collect(),
    }
}

/// How [`ours`] renders a rule that could not be evaluated.
const EVALUATION_ERROR: &str = "<evaluation error>";

/// The oracle's answer rendered the same way (map keys quoted as protovalidate's Go
/// implementation prints field paths, with `strconv.Quote`).
fn theirs(answer: &str) -> Result<Vec<String>, String> {
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(answer).map_err(|e| format!("{e}: {answer}"))?;
    let mut out = Vec::new();
    for row in rows {
        let path = row[0]
            .as_array()
            .ok_or_else(|| format!("no path in {row}"))?
            .iter()
            .map(|el| {
                let name = el[0].as_str().unwrap_or_default();
                match (el[1].as_str().unwrap_or_default(), &el[2]) {
                    ("", _) => name.to_string(),
                    ("string_key", v) => format!(
                        "{name}[{}]",
                        protogate::rules::go_quote(v.as_str().unwrap_or_default())
                    ),
                    ("bool_key", v) => format!("{name}[{}]", v.as_bool().unwrap_or_default()),
                    (_, v) => format!("{name}[{v}]"),
                }
            })
            .collect::<Vec<_>>()
            .join(".");
        out.push(format!(
            "{path} | {} | {}",
            row[1].as_str().unwrap_or_default(),
            row[2].as_str().unwrap_or_default()
        ));
    }
    Ok(out)
}

struct Outcome {
    bytes: Vec<u8>,
    violations: Vec<String>,
    shown: String,
}

fn outcome<M: Message + Validate + std::fmt::Debug>(m: &M) -> Outcome {
    Outcome {
        bytes: m.encode_to_vec(),
        violations: ours(m),
        shown: format!("{m:?}"),
    }
}

/// A class of inputs where protogate knowingly differs from the oracle; `explains` says
/// whether a differing violation line falls in it.
struct Known {
    class: &'static str,
    explains: fn(&str) -> bool,
}

/// The known classes (see the README, "protovalidate differences").
const KNOWN: &[Known] = &[];

struct Case {
    name: &'static str,
    run: fn(&mut Rng) -> Outcome,
    /// Compare as sorted lists (map entries are visited in no defined order).
    unordered: bool,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "Strings",
            unordered: false,
            run: |r| {
                outcome(&c::Strings {
                    len: string(r),
                    exact: string(r),
                    bytes: string(r),
                    len_bytes: string(r),
                    konst: string(r),
                    r#in: string(r),
                    not_in: string(r),
                    affixes: string(r),
                    pattern: string(r),
                    multi: string(r),
                })
            },
        },
        Case {
            name: "Patterns",
            unordered: false,
            run: |r| {
                outcome(&c::Patterns {
                    perl: string(r),
                    unanchored: string(r),
                    dot: string(r),
                    bytes: bytes(r),
                })
            },
        },
        Case {
            name: "Formats",
            unordered: false,
            run: |r| {
                outcome(&c::Formats {
                    email: format_string(r),
                    hostname: format_string(r),
                    ip: format_string(r),
                    ipv4: format_string(r),
                    ipv6: format_string(r),
                    address: format_string(r),
                    uuid: format_string(r),
                    tuuid: format_string(r),
                    ulid: format_string(r),
                    host_and_port: format_string(r),
                    fqn: format_string(r),
                    dot_fqn: format_string(r),
                    header_name: format_string(r),
                    header_value: format_string(r),
                    header_name_loose: format_string(r),
                    header_value_loose: format_string(r),
                })
            },
        },
        Case {
            name: "Uris",
            unordered: false,
            run: |r| {
                outcome(&c::Uris {
                    uri: format_string(r),
                    uri_ref: format_string(r),
                })
            },
        },
        Case {
            name: "Prefixes",
            unordered: false,
            run: |r| {
                outcome(&c::Prefixes {
                    ip_with_prefixlen: format_string(r),
                    ipv4_with_prefixlen: format_string(r),
                    ipv6_with_prefixlen: format_string(r),
                    ip_prefix: format_string(r),
                    ipv4_prefix: format_string(r),
                    ipv6_prefix: format_string(r),
                })
            },
        },
        Case {
            name: "Ints",
            unordered: false,
            run: |r| {
                outcome(&c::Ints {
                    range: int(r) as i32,
                    outside: int(r) as i32,
                    closed: int(r),
                    closed_outside: int(r),
                    r#in: int(r) as u32,
                    not_in: int(r) as u64,
                    konst: int(r) as i32,
                    gte: int(r),
                    lte: int(r) as u32,
                    gt: int(r) as u64,
                    lt: int(r) as i32,
                    gte_lt: int(r),
                    equal: int(r) as i32,
                    gt_lte: int(r),
                    all: either(r, &[0, 1, 4, 5, 6, u64::MAX], |r| int(r) as u64),
                })
            },
        },
        Case {
            name: "Floats",
            unordered: false,
            run: |r| {
                outcome(&c::Floats {
                    range: float(r),
                    outside: float(r),
                    closed: double(r),
                    closed_outside: double(r),
                    r#in: float(r),
                    not_in: either(r, &[0.0, -0.0, 3.25], double),
                    finite: double(r),
                    finite_f: float(r),
                    konst: either(r, &[0.1, 0.1f32 as f64], double),
                    lt: float(r),
                    gte: either(r, &[1e300, 1e299, f64::INFINITY], double),
                })
            },
        },
        Case {
            name: "Misc",
            unordered: false,
            run: |r| {
                outcome(&c::Misc {
                    bool_const: r.one_in(2),
                    defined: color(r),
                    enum_in: color(r),
                    enum_not_in: color(r),
                    b_len: bytes(r),
                    b_exact: either(r, &[b"\x01\x00\xff".to_vec(), b"\x01\xff".to_vec()], bytes),
                    b_const: either(r, &[b"\x00a\xff".to_vec()], bytes),
                    b_in: bytes(r),
                    b_not_in: bytes(r),
                    b_ip: bytes(r),
                    b_ipv4: bytes(r),
                    b_ipv6: bytes(r),
                    b_uuid: bytes(r),
                })
            },
        },
        Case {
            name: "Presence",
            unordered: false,
            run: |r| {
                use c::presence::Choice;
                let choice = match r.below(4) {
                    0 => None,
                    1 => Some(Choice::Text(string(r))),
                    2 => Some(Choice::Number(int(r) as i32)),
                    _ => Some(Choice::Nested(leaf(r))),
                };
                outcome(&c::Presence {
                    required: string(r),
                    opt_required: some(r, string),
                    opt: some(r, string),
                    if_zero: string(r),
                    opt_if_zero: some(r, string),
                    leaf: some(r, leaf),
                    leaf_required: some(r, leaf),
                    leaf_ignored: some(r, leaf),
                    int_required: int(r) as i32,
                    int_if_zero: int(r) as i32,
                    choice,
                    wrapped: some(r, |r| pbjson_types::StringValue { value: string(r) }),
                    wrapped_int: some(r, |r| pbjson_types::Int32Value {
                        value: int(r) as i32,
                    }),
                    opt_double: some(r, double),
                    bool_required: r.one_in(2),
                    enum_required: color(r),
                })
            },
        },
        Case {
            name: "Collections",
            unordered: false,
            run: |r| {
                outcome(&c::Collections {
                    items: list(r, |r| r.pick(&["a", "ab", "abc", "ab", ""]).to_string()),
                    ints: list(r, |r| *r.pick(&[0, 1, 2, -1, 1])),
                    leaves: list(r, leaf),
                    skip_zero: list(r, string),
                    required: list(r, string),
                    if_zero: list(r, string),
                    doubles: list(r, |r| *r.pick(&[0.0, -0.0, 1.0, f64::NAN, f64::INFINITY])),
                    blobs: list(r, |r| {
                        r.pick(&[b"a".to_vec(), b"abc".to_vec(), Vec::new()])
                            .clone()
                    }),
                })
            },
        },
        Case {
            name: "MapStrings",
            unordered: true,
            run: |r| {
                let val: HashMap<String, String> =
                    list(r, |r| (string(r), string(r))).into_iter().collect();
                outcome(&c::MapStrings { val })
            },
        },
        Case {
            name: "MapInts",
            unordered: true,
            run: |r| {
                let val: HashMap<i64, c::Leaf> =
                    list(r, |r| (int(r), leaf(r))).into_iter().collect();
                outcome(&c::MapInts { val })
            },
        },
        Case {
            name: "MapRequired",
            unordered: true,
            run: |r| {
                let val: HashMap<u32, bool> = list(r, |r| (int(r) as u32, r.one_in(2)))
                    .into_iter()
                    .collect();
                outcome(&c::MapRequired { val })
            },
        },
        Case {
            name: "Times",
            unordered: false,
            run: |r| {
                outcome(&c::Times {
                    d_range: some(r, duration),
                    d_outside: some(r, duration),
                    d_const: some(r, |r| {
                        let exact = pbjson_types::Duration {
                            seconds: 3,
                            nanos: 1000,
                        };
                        either(r, &[exact], duration)
                    }),
                    d_in: some(r, duration),
                    d_not_in: some(r, duration),
                    d_required: some(r, duration),
                    t_range: some(r, timestamp),
                    t_const: some(r, timestamp),
                    t_lt_now: some(r, timestamp),
                    t_gt_now: some(r, timestamp),
                    t_within: some(r, timestamp),
                    t_mixed: some(r, timestamp),
                    any_in: some(r, any),
                    any_not_in: some(r, any),
                    mask_in: some(r, mask),
                    mask_not_in: some(r, mask),
                })
            },
        },
        Case {
            name: "Exclusive",
            unordered: false,
            run: |r| {
                use c::exclusive::Choice;
                let inner = |r: &mut Rng| c::ExclusiveInner {
                    p: either(r, &[String::new()], string),
                    q: either(r, &[Vec::new()], bytes),
                };
                let choice = match r.below(3) {
                    0 => None,
                    1 => Some(Choice::X(string(r))),
                    _ => Some(Choice::Y(r.one_in(2))),
                };
                outcome(&c::Exclusive {
                    a: either(r, &[String::new()], string),
                    b: either(r, &[0], |r| int(r) as i32),
                    c: list(r, string),
                    d: some(r, string),
                    e: either(r, &[String::new()], string),
                    inner: some(r, inner),
                    choice,
                    mask: some(r, |r| {
                        let exact = protogate::wkt::FieldMask {
                            paths: vec!["a".into(), "b.c".into()],
                        };
                        either(r, &[exact], mask)
                    }),
                    inners: list(r, inner),
                })
            },
        },
        Case {
            name: "CelRules",
            unordered: false,
            run: |r| {
                let short = |r: &mut Rng| r.pick(&["a", "ab", "abc", "abcd", "é", ""]).to_string();
                outcome(&c::CelRules {
                    name: either(
                        r,
                        &["", "ab", "a_1", "Ab", "abcdefgh", "abcdefghi", "1a"].map(String::from),
                        string,
                    ),
                    soft: int(r),
                    hard: int(r),
                    tags: list(r, short),
                    quotas: list(r, |r| (short(r), int(r) as i32)).into_iter().collect(),
                    ttl: some(r, duration),
                    contact: format_string(r),
                    ratio: int(r) as u32,
                    score: double(r),
                    counts: list(r, int),
                    at: some(r, timestamp),
                })
            },
        },
    ]
}

#[test]
fn violations_agree_with_protovalidate_python() {
    let Some(python) = oracle::python() else {
        return;
    };
    let total: usize = std::env::var("PROTOGATE_PV_DIFF_INPUTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let cases = cases();
    let per_case = total.div_ceil(cases.len());
    let mut rng = Rng::from_env();
    let mut inputs = Vec::new();
    let mut mine = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        for _ in 0..per_case {
            let out = (case.run)(&mut rng);
            inputs.push(oracle::Input {
                dialect: "pv",
                message: format!("pvcases.{}", case.name),
                bytes: out.bytes.clone(),
            });
            mine.push((i, out));
        }
    }
    let answers = oracle::ask(&python, &inputs);
    let mut unexplained = Vec::new();
    let mut errors = Vec::new();
    let mut by_class: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut violations = 0usize;
    for ((i, out), answer) in mine.iter().zip(&answers) {
        let case = &cases[*i];
        // protovalidate stops with an evaluation error when `bytes.pattern` meets bytes that
        // are not UTF-8; protogate reports the rule as violated (a bad request, not a crash).
        if answer.starts_with("E EvaluationError('must be valid UTF-8 to apply regexp')")
            && out
                .violations
                .iter()
                .any(|v| v.contains(" | bytes.pattern | "))
        {
            *by_class.entry("bytes-pattern-not-utf8").or_default() += 1;
            continue;
        }
        // A CEL evaluation error: protovalidate raises it, protogate reports the rule as not
        // evaluable (and the request is rejected either way).
        let raised =
            answer.starts_with("E RuntimeError") || answer.starts_with("E EvaluationError");
        if raised && out.violations.iter().any(|v| v.ends_with(EVALUATION_ERROR)) {
            *by_class.entry("evaluation-error (both)").or_default() += 1;
            continue;
        }
        let mut theirs = match theirs(answer) {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!("{}: {} -> {e}", case.name, out.shown));
                continue;
            }
        };
        let mut ours = out.violations.clone();
        violations += ours.len();
        if case.unordered {
            ours.sort();
            theirs.sort();
        }
        if ours == theirs {
            continue;
        }
        let differing: Vec<&String> = ours
            .iter()
            .filter(|l| !theirs.contains(l))
            .chain(theirs.iter().filter(|l| !ours.contains(l)))
            .collect();
        let class = KNOWN
            .iter()
            .find(|k| !differing.is_empty() && differing.iter().all(|l| (k.explains)(l)));
        match class {
            Some(k) => *by_class.entry(k.class).or_default() += 1,
            None => unexplained.push(format!(
                "{}: {}\n    protogate: {ours:?}\n    protovalidate: {theirs:?}",
                case.name, out.shown
            )),
        }
    }
    eprintln!(
        "{} inputs over {} messages, {violations} violations from protogate; known-class disagreements: {by_class:?}",
        inputs.len(),
        cases.len()
    );
    assert!(
        errors.is_empty(),
        "oracle errors ({}):\n{}",
        errors.len(),
        errors[..errors.len().min(20)].join("\n")
    );
    assert!(
        unexplained.is_empty(),
        "{} unexplained disagreements:\n{}",
        unexplained.len(),
        unexplained[..unexplained.len().min(15)].join("\n")
    );
}
