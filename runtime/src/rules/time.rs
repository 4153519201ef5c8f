//! Duration and timestamp rules. Values are (seconds, nanos) pairs, compared the way PGV's Go
//! code compares `time.Duration`s (saturating nanoseconds) and `time.Time`s.

use std::time::{SystemTime, UNIX_EPOCH};

use super::format::{go_duration, go_list, go_time, proto_text};
use super::number::{range_with, Bound};
use super::{Check, Failure};

/// A duration or timestamp as protobuf stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    /// Seconds.
    pub seconds: i64,
    /// Nanoseconds.
    pub nanos: i32,
}

impl Instant {
    /// From protobuf's fields.
    pub const fn new(seconds: i64, nanos: i32) -> Instant {
        Instant { seconds, nanos }
    }

    /// Go's `AsDuration()`: nanoseconds saturated to the `time.Duration` range.
    fn as_go_duration(self) -> i64 {
        let total = self.seconds as i128 * 1_000_000_000 + self.nanos as i128;
        total.clamp(i64::MIN as i128, i64::MAX as i128) as i64
    }

    /// Nanoseconds since the epoch, for ordering timestamps.
    fn as_nanos(self) -> i128 {
        self.seconds as i128 * 1_000_000_000 + self.nanos as i128
    }
}

/// Duration rules.
pub mod duration {
    use super::*;

    /// `durationpb.CheckValid`, worded as PGV wraps it.
    pub fn valid(value: Instant) -> Check {
        const LIMIT: i64 = 315_576_000_000;
        let Instant { seconds, nanos } = value;
        let problem = if seconds < -LIMIT {
            "exceeds -10000 years"
        } else if seconds > LIMIT {
            "exceeds +10000 years"
        } else if nanos <= -1_000_000_000 || nanos >= 1_000_000_000 {
            "has out-of-range nanos"
        } else if (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0) {
            "has seconds and nanos with different signs"
        } else {
            return Ok(());
        };
        Err(Failure::caused(
            "duration.valid",
            "value is not a valid duration",
            &format!("proto: duration ({}) {problem}", proto_text(seconds, nanos)),
        ))
    }

    /// `const`.
    pub fn r#const(value: Instant, expected: Instant) -> Check {
        if value.as_go_duration() == expected.as_go_duration() {
            Ok(())
        } else {
            Err(Failure::new(
                "duration.const",
                format!(
                    "value must equal {}",
                    go_duration(expected.seconds, expected.nanos)
                ),
            ))
        }
    }

    /// `lt`/`lte`/`gt`/`gte`.
    pub fn range(
        value: Instant,
        lower: Option<Bound<Instant>>,
        upper: Option<Bound<Instant>>,
    ) -> Check {
        let ns = |b: Bound<Instant>| Bound {
            value: b.value.as_go_duration(),
            inclusive: b.inclusive,
        };
        range_with(
            "duration",
            &value.as_go_duration(),
            lower.map(ns),
            upper.map(ns),
            |n| {
                go_duration(
                    n.div_euclid(1_000_000_000),
                    n.rem_euclid(1_000_000_000) as i32,
                )
            },
        )
    }

    fn list_text(list: &[Instant]) -> String {
        let items: Vec<String> = list
            .iter()
            .map(|d| proto_text(d.seconds, d.nanos))
            .collect();
        go_list(&items)
    }

    /// `in`.
    pub fn r#in(value: Instant, list: &[Instant]) -> Check {
        let v = value.as_go_duration();
        if list.iter().any(|d| d.as_go_duration() == v) {
            Ok(())
        } else {
            Err(Failure::new(
                "duration.in",
                format!("value must be in list {}", list_text(list)),
            ))
        }
    }

    /// `not_in`.
    pub fn not_in(value: Instant, list: &[Instant]) -> Check {
        let v = value.as_go_duration();
        if list.iter().any(|d| d.as_go_duration() == v) {
            Err(Failure::new(
                "duration.not_in",
                format!("value must not be in list {}", list_text(list)),
            ))
        } else {
            Ok(())
        }
    }
}

/// Timestamp rules.
pub mod timestamp {
    use super::*;

    /// The current time, read once per validation.
    pub fn now() -> Instant {
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Instant::new(d.as_secs() as i64, d.subsec_nanos() as i32)
    }

    /// `timestamppb.CheckValid`, worded as PGV wraps it.
    pub fn valid(value: Instant) -> Check {
        let Instant { seconds, nanos } = value;
        let problem = if seconds < -62_135_596_800 {
            "before 0001-01-01"
        } else if seconds > 253_402_300_799 {
            "after 9999-12-31"
        } else if !(0..1_000_000_000).contains(&nanos) {
            "has out-of-range nanos"
        } else {
            return Ok(());
        };
        Err(Failure::caused(
            "timestamp.valid",
            "value is not a valid timestamp",
            &format!(
                "proto: timestamp ({}) {problem}",
                proto_text(seconds, nanos)
            ),
        ))
    }

    /// `const`.
    pub fn r#const(value: Instant, expected: Instant) -> Check {
        if value.as_nanos() == expected.as_nanos() {
            Ok(())
        } else {
            Err(Failure::new(
                "timestamp.const",
                format!(
                    "value must equal {}",
                    go_time(expected.seconds, expected.nanos)
                ),
            ))
        }
    }

    /// `lt`/`lte`/`gt`/`gte`.
    pub fn range(
        value: Instant,
        lower: Option<Bound<Instant>>,
        upper: Option<Bound<Instant>>,
    ) -> Check {
        range_with("timestamp", &value, lower, upper, |t| {
            go_time(t.seconds, t.nanos)
        })
    }

    /// `lt_now`, `gt_now` and `within`, alone or combined as PGV combines them.
    pub fn relative(value: Instant, lt_now: bool, gt_now: bool, within: Option<Instant>) -> Check {
        let now = now().as_nanos();
        let t = value.as_nanos();
        let w = within.map(|w| w.as_nanos());
        let (failed, rule, reason) = match (lt_now, gt_now, w) {
            (true, _, Some(w)) => (
                t >= now || t < now - w,
                "timestamp.lt_now",
                format!("value must be less than now within {}", show(within)),
            ),
            (true, _, None) => (
                t >= now,
                "timestamp.lt_now",
                "value must be less than now".into(),
            ),
            (false, true, Some(w)) => (
                t <= now || t > now + w,
                "timestamp.gt_now",
                format!("value must be greater than now within {}", show(within)),
            ),
            (false, true, None) => (
                t <= now,
                "timestamp.gt_now",
                "value must be greater than now".into(),
            ),
            (false, false, Some(w)) => (
                t >= now + w || t <= now - w,
                "timestamp.within",
                format!("value must be within {} of now", show(within)),
            ),
            (false, false, None) => return Ok(()),
        };
        if failed {
            Err(Failure::new(rule, reason))
        } else {
            Ok(())
        }
    }

    fn show(d: Option<Instant>) -> String {
        d.map(|d| go_duration(d.seconds, d.nanos))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_compare_and_word_like_go() {
        let one = Instant::new(1, 0);
        let f = duration::range(Instant::new(0, 0), Some(Bound::exclusive(one)), None).unwrap_err();
        assert_eq!(f.reason, "value must be greater than 1s");
        assert_eq!(f.rule, "duration.gt");
        assert_eq!(
            duration::valid(Instant::new(1, -1)).unwrap_err().reason,
            "value is not a valid duration | caused by: proto: duration (seconds:1 nanos:-1) has seconds and nanos with different signs"
        );
        assert!(duration::r#in(Instant::new(2, 0), &[one]).is_err());
    }

    #[test]
    fn timestamps_compare_to_now() {
        let past = Instant::new(0, 0);
        assert!(timestamp::relative(past, true, false, None).is_ok());
        assert!(timestamp::relative(past, false, true, None).is_err());
        assert_eq!(
            timestamp::relative(past, false, false, Some(Instant::new(60, 0)))
                .unwrap_err()
                .reason,
            "value must be within 1m0s of now"
        );
        assert_eq!(
            timestamp::r#const(past, Instant::new(1, 0))
                .unwrap_err()
                .reason,
            "value must equal 1970-01-01 00:00:01 +0000 UTC"
        );
    }
}
