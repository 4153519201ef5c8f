//! Reserved and extension ranges: which numbers an old range covered that the new ranges no
//! longer do, printed as buf prints them (`[5]`, `[1,9]`, `[100,max]`).

/// Inclusive ranges.
pub(super) type Ranges = Vec<(i64, i64)>;

/// The highest field number of a message (and of a message-set message).
pub(super) const MESSAGE_MAX: i64 = 536_870_911;
/// The highest value of an enum.
pub(super) const ENUM_MAX: i64 = 2_147_483_647;

/// The parts of `old` that no range of `new` covers.
pub(super) fn uncovered(old: (i64, i64), new: &Ranges) -> Ranges {
    let mut sorted = new.clone();
    sorted.sort();
    let mut missing = Vec::new();
    let mut next = old.0;
    for (start, end) in sorted {
        if end < next || start > old.1 {
            continue;
        }
        if start > next {
            missing.push((next, start - 1));
        }
        next = next.max(end + 1);
        if next > old.1 {
            break;
        }
    }
    if next <= old.1 {
        missing.push((next, old.1));
    }
    missing
}

/// buf's spelling of a range.
pub(super) fn show(range: (i64, i64), max: i64) -> String {
    if range.0 == range.1 {
        format!("[{}]", range.0)
    } else if range.1 == max {
        format!("[{},max]", range.0)
    } else {
        format!("[{},{}]", range.0, range.1)
    }
}

/// `[1,9], [20]`.
pub(super) fn show_all(ranges: &Ranges, max: i64) -> String {
    ranges
        .iter()
        .map(|r| show(*r, max))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether any range holds `n`.
pub(super) fn contains(ranges: &Ranges, n: i64) -> bool {
    ranges.iter().any(|(s, e)| (*s..=*e).contains(&n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_a_narrower_range_drops() {
        assert_eq!(uncovered((100, 110), &vec![(100, 105)]), vec![(106, 110)]);
        assert_eq!(
            uncovered((1, 10), &vec![(3, 4), (5, 6)]),
            vec![(1, 2), (7, 10)]
        );
        assert_eq!(uncovered((1, 10), &vec![(0, 20)]), vec![]);
        assert_eq!(uncovered((20, 20), &vec![]), vec![(20, 20)]);
        assert_eq!(show((5000, MESSAGE_MAX), MESSAGE_MAX), "[5000,max]");
        assert_eq!(show((7, 7), MESSAGE_MAX), "[7]");
    }
}
