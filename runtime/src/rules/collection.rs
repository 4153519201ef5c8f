//! Rules on repeated and map fields.

use super::{Check, Failure};

/// PGV's count check: `min` of zero counts as unset, as PGV's `GetMinItems` test does.
fn count(
    n: usize,
    min: Option<u64>,
    max: Option<u64>,
    ids: (&'static str, &'static str),
    units: (&str, &str),
) -> Check {
    let n = n as u64;
    let min = min.filter(|m| *m > 0);
    let (one, many) = units;
    let (failed_low, failed_high, reason) = match (min, max) {
        (Some(a), Some(b)) if a == b => (
            n < a,
            n > a,
            format!("value must contain exactly {a} {one}"),
        ),
        (Some(a), Some(b)) => (
            n < a,
            n > b,
            format!("value must contain between {a} and {b} {many}, inclusive"),
        ),
        (Some(a), None) => (
            n < a,
            false,
            format!("value must contain at least {a} {one}"),
        ),
        (None, Some(b)) => (
            false,
            n > b,
            format!("value must contain no more than {b} {one}"),
        ),
        (None, None) => return Ok(()),
    };
    if failed_low {
        Err(Failure::new(ids.0, reason))
    } else if failed_high {
        Err(Failure::new(ids.1, reason))
    } else {
        Ok(())
    }
}

/// Rules on repeated fields.
pub mod repeated {
    use super::*;

    /// `min_items` and/or `max_items`.
    #[inline]
    pub fn items(len: usize, min: Option<u64>, max: Option<u64>) -> Check {
        if min.is_none_or(|m| len as u64 >= m) && max.is_none_or(|m| len as u64 <= m) {
            return Ok(());
        }
        count(
            len,
            min,
            max,
            ("repeated.min_items", "repeated.max_items"),
            ("item(s)", "items"),
        )
    }

    /// `unique`, for the item at `index`: it fails when an earlier item equals it (NaN equals
    /// nothing, `-0.0` equals `0.0`, as Go's map keys behave).
    pub fn unique_at<T: PartialEq>(items: &[T], index: usize) -> Check {
        if items[..index].contains(&items[index]) {
            Err(Failure::new(
                "repeated.unique",
                "repeated value must contain unique items",
            ))
        } else {
            Ok(())
        }
    }

    /// `unique` over a whole list: the first duplicate.
    pub fn unique<T: PartialEq>(items: &[T]) -> Check {
        (0..items.len()).try_for_each(|i| unique_at(items, i))
    }
}

/// Rules on map fields.
pub mod map {
    use super::*;

    /// `min_pairs` and/or `max_pairs`.
    pub fn pairs(len: usize, min: Option<u64>, max: Option<u64>) -> Check {
        count(
            len,
            min,
            max,
            ("map.min_pairs", "map.max_pairs"),
            ("pair(s)", "pairs"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_follow_pgv_wording() {
        assert_eq!(
            repeated::items(0, Some(1), None).unwrap_err().reason,
            "value must contain at least 1 item(s)"
        );
        assert_eq!(
            repeated::items(4, Some(2), Some(3)).unwrap_err().reason,
            "value must contain between 2 and 3 items, inclusive"
        );
        assert_eq!(
            repeated::items(4, Some(3), Some(3)).unwrap_err().rule,
            "repeated.max_items"
        );
        assert_eq!(
            repeated::items(1, Some(0), Some(0)).unwrap_err().reason,
            "value must contain no more than 0 item(s)"
        );
        assert_eq!(
            map::pairs(3, None, Some(2)).unwrap_err().reason,
            "value must contain no more than 2 pair(s)"
        );
        assert!(repeated::unique(&[f64::NAN, f64::NAN]).is_ok());
        assert!(repeated::unique(&[0.0, -0.0]).is_err());
        assert!(repeated::unique_at(&["a", "b", "a"], 2).is_err());
    }
}
