//! Bounds: NaN and infinite numbers, exclusive integer bounds that leave nothing, two bounds on one
//! side, and timestamps' relative rules next to fixed bounds.

use super::{Dialect, Finding, FindingKind, Literal, Subject, Written};
use crate::catalogue::{is_float_family, is_number_family};

/// Every float of a numeric family's rules must be a number, and integer bounds must leave a
/// value between them.
pub(super) fn numbers(subject: &Subject<'_>, written: &Written<'_>, out: &mut Vec<Finding>) {
    let on = subject.on_phrase();
    for (at, rule) in written.rules.iter().enumerate() {
        let bad = match &rule.value {
            Literal::Float(v) if !v.is_finite() => Some(*v),
            Literal::List(items) => items.iter().find_map(|item| match item {
                Literal::Float(v) if !v.is_finite() => Some(*v),
                _ => None,
            }),
            _ => None,
        };
        let Some(bad) = bad else { continue };
        let (kind, what) = if bad.is_nan() {
            (
                FindingKind::Nan,
                "NaN: no number compares with NaN, so the rule cannot work",
            )
        } else {
            (
                FindingKind::Infinite,
                "infinite: protogate emits finite bounds only",
            )
        };
        out.push(
            Finding::new(
                kind,
                at,
                format!("{}{on} is {what}", subject.id(&rule.name)),
            )
            .hint(format!(
                "use a finite number; `{}` has no NaN check",
                subject.family
            )),
        );
    }
    // Exclusive bounds one apart leave no integer between them. (Equal bounds are not a
    // contradiction: PGV, protovalidate and the runtime read `gt` >= `lt` as an exclusion, so
    // `gt: 5, lt: 5` rejects 5 only.)
    if is_float_family(subject.family) {
        return;
    }
    let (Some((gt_at, Literal::Int(gt))), Some((lt_at, Literal::Int(lt)))) =
        (written.get("gt"), written.get("lt"))
    else {
        return;
    };
    if *lt == gt + 1 {
        let (gt_id, lt_id) = (subject.id("gt"), subject.id("lt"));
        out.push(
            Finding::new(
                FindingKind::Contradiction,
                gt_at,
                format!(
                    "{gt_id} ({gt}) and {lt_id} ({lt}){on} leave no integer between them: no value can pass"
                ),
            )
            .related(lt_at, format!("{lt_id} is {lt}"))
            .hint("use `gte` or `lte` to admit a bound itself".into()),
        );
    }
}

/// PGV declares `gt`/`gte` and `lt`/`lte` as separate fields and checks the exclusive one
/// when both are set (protovalidate makes each side a oneof).
pub(super) fn sides(subject: &Subject<'_>, written: &Written<'_>, out: &mut Vec<Finding>) {
    let bounded =
        is_number_family(subject.family) || matches!(subject.family, "duration" | "timestamp");
    if subject.dialect != Dialect::Pgv || !bounded {
        return;
    }
    let on = subject.on_phrase();
    for (exclusive, inclusive) in [("gt", "gte"), ("lt", "lte")] {
        let (Some((kept, _)), Some((ignored, _))) =
            (written.get(exclusive), written.get(inclusive))
        else {
            continue;
        };
        let (kept_id, ignored_id) = (subject.id(exclusive), subject.id(inclusive));
        out.push(
            Finding::new(
                FindingKind::Redundant,
                ignored,
                format!(
                    "{ignored_id}{on} has no effect next to {kept_id}: a side has one bound, and PGV checks `{exclusive}`"
                ),
            )
            .related(kept, kept_id)
            .hint(format!("keep one of `{exclusive}` and `{inclusive}`")),
        );
    }
}

/// `lt_now`, `gt_now` and `within` of timestamps: both directions at once admit nothing, and
/// PGV ignores them next to a fixed bound.
pub(super) fn relative(subject: &Subject<'_>, written: &Written<'_>, out: &mut Vec<Finding>) {
    let on = subject.on_phrase();
    let set = |name| {
        written
            .get(name)
            .filter(|(_, v)| name == "within" || v.is_true())
            .map(|(i, _)| i)
    };
    if let (Some(lt_now), Some(gt_now)) = (set("lt_now"), set("gt_now")) {
        let (lt_id, gt_id) = (subject.id("lt_now"), subject.id("gt_now"));
        let (first, later, first_id, later_id) = if lt_now < gt_now {
            (lt_now, gt_now, lt_id, gt_id)
        } else {
            (gt_now, lt_now, gt_id, lt_id)
        };
        out.push(
            Finding::new(
                FindingKind::Contradiction,
                later,
                format!(
                    "{later_id} contradicts {first_id}{on}: no timestamp is both before and after now"
                ),
            )
            .related(first, first_id)
            .hint("keep one of `lt_now` and `gt_now`".into()),
        );
    }
    if subject.dialect != Dialect::Pgv {
        return;
    }
    let Some((fixed, fixed_name)) = ["gt", "gte", "lt", "lte"]
        .into_iter()
        .find_map(|n| written.get(n).map(|(i, _)| (i, n)))
    else {
        return;
    };
    let fixed_id = subject.id(fixed_name);
    for name in ["lt_now", "gt_now", "within"] {
        if let Some(at) = set(name) {
            out.push(
                Finding::new(
                    FindingKind::Redundant,
                    at,
                    format!(
                        "{}{on} has no effect next to {fixed_id}: PGV checks only the fixed bounds when one is set",
                        subject.id(name)
                    ),
                )
                .related(fixed, fixed_id.clone())
                .hint(format!("drop `{name}` or the fixed bounds")),
            );
        }
    }
}
