//! Lengths and counts: a minimum above its maximum, a fixed length outside its bounds or next
//! to them, and a literal that must appear in the value but is longer than the value may be.

use super::{Dialect, Finding, FindingKind, Literal, Subject, Written};

/// Minimum and maximum pairs of a family: (min, max, unit).
fn ranges(family: &str) -> &'static [(&'static str, &'static str, &'static str)] {
    match family {
        "string" => &[
            ("min_len", "max_len", "characters"),
            ("min_bytes", "max_bytes", "bytes"),
        ],
        "bytes" => &[("min_len", "max_len", "bytes")],
        "repeated" => &[("min_items", "max_items", "items")],
        "map" => &[("min_pairs", "max_pairs", "pairs")],
        _ => &[],
    }
}

/// The fixed-length rules of a family and the bounds they override: (len, min, max, unit).
fn fixed(family: &str) -> &'static [(&'static str, &'static str, &'static str, &'static str)] {
    match family {
        "string" => &[
            ("len", "min_len", "max_len", "characters"),
            ("len_bytes", "min_bytes", "max_bytes", "bytes"),
        ],
        "bytes" => &[("len", "min_len", "max_len", "bytes")],
        _ => &[],
    }
}

/// The rules whose literal must be part of every valid value.
const AFFIXES: [&str; 4] = ["prefix", "suffix", "contains", "const"];

pub(super) fn check(subject: &Subject<'_>, written: &Written<'_>, out: &mut Vec<Finding>) {
    let on = subject.on_phrase();
    for &(lo, hi, unit) in ranges(subject.family) {
        let (Some((lo_at, a)), Some((hi_at, b))) = (written.length(lo), written.length(hi)) else {
            continue;
        };
        if a > b {
            let (lo_id, hi_id) = (subject.id(lo), subject.id(hi));
            out.push(
                Finding::new(
                    FindingKind::Contradiction,
                    lo_at,
                    format!("{lo_id} ({a}) is greater than {hi_id} ({b}){on}: no value can pass"),
                )
                .related(hi_at, format!("{hi_id} is {b}"))
                .hint(format!("make {lo} <= {hi} {unit}")),
            );
        }
    }
    for &(len, min, max, _) in fixed(subject.family) {
        let Some((len_at, n)) = written.length(len) else {
            continue;
        };
        let len_id = subject.id(len);
        let contradiction = match (written.length(max), written.length(min)) {
            (Some((at, m)), _) if n > m => Some((at, max, m, "at most")),
            (_, Some((at, m))) if n < m => Some((at, min, m, "at least")),
            _ => None,
        };
        if let Some((at, other, m, bound)) = contradiction {
            let other_id = subject.id(other);
            out.push(
                Finding::new(
                    FindingKind::Contradiction,
                    len_at,
                    format!(
                        "{len_id} ({n}) contradicts {other_id} ({m}){on}: the length must be {bound} {m}"
                    ),
                )
                .related(at, other_id)
                .hint(format!("drop `{len}` or the bound it contradicts")),
            );
        }
        for bound in [min, max] {
            let Some((at, _)) = written.get(bound) else {
                continue;
            };
            let why = match subject.dialect {
                Dialect::Pgv => format!("PGV checks only `{len}` when it is set"),
                Dialect::Protovalidate => format!("`{len}` fixes the length"),
            };
            out.push(
                Finding::new(
                    FindingKind::Redundant,
                    at,
                    format!(
                        "{}{on} has no effect next to {len_id}: {why}",
                        subject.id(bound)
                    ),
                )
                .related(len_at, len_id.clone())
                .hint(format!("drop `{bound}` or `{len}`")),
            );
        }
    }
    affixes(subject, written, out);
}

/// A prefix, suffix, contained text or constant longer than the longest value allowed.
fn affixes(subject: &Subject<'_>, written: &Written<'_>, out: &mut Vec<Finding>) {
    // The limits in each unit: the maximum if set, else the fixed length.
    let limits: &[(&str, &str, &str)] = match subject.family {
        "string" => &[
            ("max_len", "len", "characters"),
            ("max_bytes", "len_bytes", "bytes"),
        ],
        "bytes" => &[("max_len", "len", "bytes")],
        _ => return,
    };
    let on = subject.on_phrase();
    for &(max, len, unit) in limits {
        let Some((limit_at, limit)) = written.length(max).or_else(|| written.length(len)) else {
            continue;
        };
        let limit_name = &written.rules[limit_at].name;
        for affix in AFFIXES {
            let Some((at, value)) = written.get(affix) else {
                continue;
            };
            let (shown, n) = match (value, unit) {
                (Literal::Text(t), "characters") => (format!("{t:?}"), t.chars().count()),
                (Literal::Text(t), _) => (format!("{t:?}"), t.len()),
                (Literal::Bytes(b), _) => (show_bytes(b), b.len()),
                _ => continue,
            };
            let n = n as u64;
            if n > limit {
                let limit_id = subject.id(limit_name);
                out.push(
                    Finding::new(
                        FindingKind::Contradiction,
                        at,
                        format!(
                            "{} {shown} is {n} {unit} but {limit_id} is {limit}{on}: no value can pass",
                            subject.id(affix)
                        ),
                    )
                    .related(limit_at, format!("{limit_id} is {limit}"))
                    .hint(format!("shorten the {affix} or raise {limit_name}")),
                );
            }
        }
    }
}

/// Bytes as a Rust byte string literal, e.g. `b"ab\x00"`.
fn show_bytes(bytes: &[u8]) -> String {
    let escaped: String = bytes
        .iter()
        .flat_map(|b| std::ascii::escape_default(*b))
        .map(char::from)
        .collect();
    format!("b\"{escaped}\"")
}
