//! Numeric rules for every scalar number type, and `bool.const`.
//!
//! The comparisons are written the way PGV's Go templates write them, so NaN passes every
//! range (each comparison is false) and fails `const` and `in`, as it does in Go.

use std::fmt::Display;

use super::format::{go_list, Go};
use super::{Check, Failure};

/// One end of a range.
#[derive(Clone, Copy, Debug)]
pub struct Bound<T> {
    /// The bound.
    pub value: T,
    /// `gte`/`lte` rather than `gt`/`lt`.
    pub inclusive: bool,
}

impl<T> Bound<T> {
    /// `gt`/`lt`.
    pub const fn exclusive(value: T) -> Bound<T> {
        Bound {
            value,
            inclusive: false,
        }
    }

    /// `gte`/`lte`.
    pub const fn inclusive(value: T) -> Bound<T> {
        Bound {
            value,
            inclusive: true,
        }
    }
}

/// `const`.
pub fn r#const<T: PartialEq + Copy>(family: &'static str, value: T, expected: T) -> Check
where
    Go<T>: Display,
{
    if value == expected {
        Ok(())
    } else {
        Err(Failure::new(
            rule_id(family, "const"),
            format!("value must equal {}", Go(expected)),
        ))
    }
}

/// `in`.
pub fn r#in<T: PartialEq + Copy>(family: &'static str, value: T, list: &[T]) -> Check
where
    Go<T>: Display,
{
    if list.contains(&value) {
        Ok(())
    } else {
        Err(Failure::new(
            rule_id(family, "in"),
            format!("value must be in list {}", go_list(&wrap(list))),
        ))
    }
}

/// `not_in`.
pub fn not_in<T: PartialEq + Copy>(family: &'static str, value: T, list: &[T]) -> Check
where
    Go<T>: Display,
{
    if list.contains(&value) {
        Err(Failure::new(
            rule_id(family, "not_in"),
            format!("value must not be in list {}", go_list(&wrap(list))),
        ))
    } else {
        Ok(())
    }
}

fn wrap<T: Copy>(list: &[T]) -> Vec<Go<T>> {
    list.iter().copied().map(Go).collect()
}

/// `lt`/`lte`/`gt`/`gte` together, with PGV's wording for ranges and exclusive ranges.
#[inline]
pub fn range<T: PartialOrd + Copy>(
    family: &'static str,
    value: T,
    lower: Option<Bound<T>>,
    upper: Option<Bound<T>>,
) -> Check
where
    Go<T>: Display,
{
    range_with(family, &value, lower, upper, |v| Go(*v).to_string())
}

/// The range check of [`range`] for any ordered value, with `show` printing a bound.
pub fn range_with<T: PartialOrd>(
    family: &'static str,
    value: &T,
    lower: Option<Bound<T>>,
    upper: Option<Bound<T>>,
    show: impl Fn(&T) -> String,
) -> Check {
    let below_lower = |b: &Bound<T>| {
        if b.inclusive {
            value < &b.value
        } else {
            value <= &b.value
        }
    };
    let above_upper = |b: &Bound<T>| {
        if b.inclusive {
            value > &b.value
        } else {
            value >= &b.value
        }
    };
    let name = |b: &Bound<T>, inc: &'static str, exc: &'static str| {
        if b.inclusive {
            inc
        } else {
            exc
        }
    };
    let (failed, rule, reason) = match (&lower, &upper) {
        (None, None) => return Ok(()),
        (Some(lo), None) => (
            below_lower(lo),
            name(lo, "gte", "gt"),
            format!(
                "value must be greater than {}{}",
                or_equal(lo.inclusive),
                show(&lo.value)
            ),
        ),
        (None, Some(hi)) => (
            above_upper(hi),
            name(hi, "lte", "lt"),
            format!(
                "value must be less than {}{}",
                or_equal(hi.inclusive),
                show(&hi.value)
            ),
        ),
        // PGV decides inside/outside from the bounds alone: upper > lower is a range,
        // anything else (equal bounds included) an exclusion.
        (Some(lo), Some(hi)) if hi.value > lo.value => (
            below_lower(lo) || above_upper(hi),
            pair_name(lo.inclusive, hi.inclusive, false),
            format!(
                "value must be inside range {}{}, {}{}",
                if lo.inclusive { '[' } else { '(' },
                show(&lo.value),
                show(&hi.value),
                if hi.inclusive { ']' } else { ')' }
            ),
        ),
        (Some(lo), Some(hi)) => (
            below_lower(lo) && above_upper(hi),
            pair_name(lo.inclusive, hi.inclusive, true),
            format!(
                "value must be outside range {}{}, {}{}",
                if hi.inclusive { '(' } else { '[' },
                show(&hi.value),
                show(&lo.value),
                if lo.inclusive { ')' } else { ']' }
            ),
        ),
    };
    if failed {
        Err(Failure::new(rule_id(family, rule), reason))
    } else {
        Ok(())
    }
}

fn or_equal(inclusive: bool) -> &'static str {
    if inclusive {
        "or equal to "
    } else {
        ""
    }
}

fn pair_name(lo_inclusive: bool, hi_inclusive: bool, exclusive: bool) -> &'static str {
    match (lo_inclusive, hi_inclusive, exclusive) {
        (false, false, false) => "gt_lt",
        (false, true, false) => "gt_lte",
        (true, false, false) => "gte_lt",
        (true, true, false) => "gte_lte",
        (false, false, true) => "gt_lt_exclusive",
        (false, true, true) => "gt_lte_exclusive",
        (true, false, true) => "gte_lt_exclusive",
        (true, true, true) => "gte_lte_exclusive",
    }
}

/// The static id `family.rule`; families and rules are a closed set.
pub(crate) fn rule_id(family: &'static str, rule: &'static str) -> &'static str {
    macro_rules! ids {
        ($($fam:literal),*) => {
            match (family, rule) {
                $(
                    ($fam, "const") => concat!($fam, ".const"),
                    ($fam, "in") => concat!($fam, ".in"),
                    ($fam, "not_in") => concat!($fam, ".not_in"),
                    ($fam, "lt") => concat!($fam, ".lt"),
                    ($fam, "lte") => concat!($fam, ".lte"),
                    ($fam, "gt") => concat!($fam, ".gt"),
                    ($fam, "gte") => concat!($fam, ".gte"),
                    ($fam, "gt_lt") => concat!($fam, ".gt_lt"),
                    ($fam, "gt_lte") => concat!($fam, ".gt_lte"),
                    ($fam, "gte_lt") => concat!($fam, ".gte_lt"),
                    ($fam, "gte_lte") => concat!($fam, ".gte_lte"),
                    ($fam, "gt_lt_exclusive") => concat!($fam, ".gt_lt_exclusive"),
                    ($fam, "gt_lte_exclusive") => concat!($fam, ".gt_lte_exclusive"),
                    ($fam, "gte_lt_exclusive") => concat!($fam, ".gte_lt_exclusive"),
                    ($fam, "gte_lte_exclusive") => concat!($fam, ".gte_lte_exclusive"),
                )*
                _ => "number",
            }
        };
    }
    ids!(
        "float",
        "double",
        "int32",
        "int64",
        "uint32",
        "uint64",
        "sint32",
        "sint64",
        "fixed32",
        "fixed64",
        "sfixed32",
        "sfixed64",
        "enum",
        "bool",
        "duration",
        "timestamp"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_pgv_wording() {
        let inside = |v| {
            range(
                "int32",
                v,
                Some(Bound::inclusive(1)),
                Some(Bound::exclusive(10)),
            )
        };
        assert!(inside(1).is_ok());
        let f = inside(10).unwrap_err();
        assert_eq!(f.reason, "value must be inside range [1, 10)");
        assert_eq!(f.rule, "int32.gte_lt");
        let outside = |v| {
            range(
                "int32",
                v,
                Some(Bound::exclusive(10)),
                Some(Bound::exclusive(1)),
            )
        };
        assert!(outside(0).is_ok() && outside(11).is_ok());
        assert_eq!(
            outside(5).unwrap_err().reason,
            "value must be outside range [1, 10]"
        );
        assert_eq!(
            range("uint64", 0u64, Some(Bound::exclusive(0)), None)
                .unwrap_err()
                .reason,
            "value must be greater than 0"
        );
    }

    #[test]
    fn equal_inclusive_bounds_exclude_nothing_as_in_go() {
        // gte == lte is an "outside (x, x)" range in PGV's Go template: nothing fails.
        let r = |v| {
            range(
                "int32",
                v,
                Some(Bound::inclusive(5)),
                Some(Bound::inclusive(5)),
            )
        };
        assert!(r(4).is_ok() && r(5).is_ok() && r(6).is_ok());
    }

    #[test]
    fn nan_passes_ranges_and_fails_const() {
        let r = range(
            "double",
            f64::NAN,
            Some(Bound::exclusive(0.0)),
            Some(Bound::exclusive(1.0)),
        );
        assert!(r.is_ok());
        assert_eq!(
            r#const("double", f64::NAN, 1.5).unwrap_err().reason,
            "value must equal 1.5"
        );
        assert_eq!(
            r#in("float", 3.0f32, &[1.0, 2.5]).unwrap_err().reason,
            "value must be in list [1 2.5]"
        );
    }
}
