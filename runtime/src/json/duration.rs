//! `google.protobuf.Duration` as proto3 JSON: `"-1.500s"`, seconds within ±315,576,000,000
//! (10,000 years), nanoseconds of the same sign, written with 0, 3, 6 or 9 fraction digits.

use std::fmt;

use serde::de::Visitor;
use serde::{Deserializer, Serializer};

use super::leaf::{Leaf, Plain};

/// The largest number of seconds a Duration may hold, either way.
const MAX_SECONDS: i64 = 315_576_000_000;
const NANOS_PER_SECOND: i32 = 1_000_000_000;

/// Whether `seconds` and `nanos` form a valid Duration.
fn in_range(seconds: i64, nanos: i32) -> bool {
    (-MAX_SECONDS..=MAX_SECONDS).contains(&seconds)
        && nanos.abs() < NANOS_PER_SECOND
        && (seconds == 0 || nanos == 0 || (seconds < 0) == (nanos < 0))
}

/// The JSON text of a valid Duration.
fn text(seconds: i64, nanos: i32) -> String {
    let sign = if seconds < 0 || nanos < 0 { "-" } else { "" };
    let (seconds, nanos) = (seconds.unsigned_abs(), nanos.unsigned_abs());
    if nanos == 0 {
        format!("{sign}{seconds}s")
    } else if nanos % 1_000_000 == 0 {
        format!("{sign}{seconds}.{:03}s", nanos / 1_000_000)
    } else if nanos % 1_000 == 0 {
        format!("{sign}{seconds}.{:06}s", nanos / 1_000)
    } else {
        format!("{sign}{seconds}.{nanos:09}s")
    }
}

/// Reads `"-1.5s"`: an optional `-`, digits, optionally `.` and 1 to 9 digits, then `s`.
fn parse(text: &str) -> Option<(i64, i32)> {
    let body = text.strip_suffix('s')?;
    let (negative, body) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    let (whole, fraction) = match body.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (body, ""),
    };
    let digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 9 {
        return None;
    }
    if body.contains('.') && fraction.is_empty() {
        return None;
    }
    let seconds: i64 = whole.parse().ok()?;
    let nanos: i32 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<9}").parse().ok()?
    };
    let (seconds, nanos) = if negative {
        (-seconds, -nanos)
    } else {
        (seconds, nanos)
    };
    in_range(seconds, nanos).then_some((seconds, nanos))
}

impl Leaf<Plain> for pbjson_types::Duration {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !in_range(self.seconds, self.nanos) {
            return Err(serde::ser::Error::custom(format!(
                "google.protobuf.Duration out of range: {}s and {}ns",
                self.seconds, self.nanos
            )));
        }
        serializer.serialize_str(&text(self.seconds, self.nanos))
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
        deserializer.deserialize_str(DurationVisitor).map(Some)
    }
}

struct DurationVisitor;

impl Visitor<'_> for DurationVisitor {
    type Value = pbjson_types::Duration;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a duration such as \"1.5s\"")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let (seconds, nanos) = parse(v).ok_or_else(|| {
            super::leaf::invalid("google.protobuf.Duration", format_args!("{v:?}"))
        })?;
        Ok(pbjson_types::Duration { seconds, nanos })
    }
}

#[cfg(test)]
mod tests {
    use super::{parse, text};

    #[test]
    fn durations_are_written_with_zero_three_six_or_nine_fraction_digits() {
        assert_eq!(text(1, 0), "1s");
        assert_eq!(text(1, 500_000_000), "1.500s");
        assert_eq!(text(0, -1_000), "-0.000001s");
        assert_eq!(text(-3, -1), "-3.000000001s");
    }

    #[test]
    fn durations_are_read_within_their_range_only() {
        assert_eq!(parse("1.5s"), Some((1, 500_000_000)));
        assert_eq!(parse("-0.5s"), Some((0, -500_000_000)));
        assert_eq!(parse("315576000000s"), Some((315_576_000_000, 0)));
        for bad in [
            "315576000001s",
            "-315576000001s",
            "1",
            "1.s",
            ".5s",
            "1.0000000001s",
            "+1s",
            "1.5S",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
