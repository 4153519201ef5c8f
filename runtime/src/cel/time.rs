//! CEL's `google.protobuf.Timestamp` and `google.protobuf.Duration`: parsing, printing,
//! checked arithmetic and the calendar getters (in UTC or a fixed offset).

use std::fmt;

use super::Error;

/// The first second CEL supports: 0001-01-01T00:00:00Z.
const MIN_SECONDS: i64 = -62_135_596_800;
/// The last second CEL supports: 9999-12-31T23:59:59Z.
const MAX_SECONDS: i64 = 253_402_300_799;
const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// A point in time: seconds and nanoseconds (0..1e9) since the Unix epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub seconds: i64,
    /// Nanoseconds within the second, 0 to 999,999,999.
    pub nanos: i32,
}

/// A signed span of time, in nanoseconds (the range of a 64-bit count of nanoseconds).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    nanos: i64,
}

impl Timestamp {
    fn from_total_nanos(total: i128) -> Result<Timestamp, Error> {
        let seconds = total.div_euclid(NANOS_PER_SECOND);
        let nanos = total.rem_euclid(NANOS_PER_SECOND) as i32;
        let seconds = i64::try_from(seconds).map_err(|_| Error::TimeRange("timestamp"))?;
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&seconds) {
            return Err(Error::TimeRange("timestamp"));
        }
        Ok(Timestamp { seconds, nanos })
    }

    fn total_nanos(self) -> i128 {
        i128::from(self.seconds) * NANOS_PER_SECOND + i128::from(self.nanos)
    }

    /// The current time, for `now`.
    pub fn now() -> Timestamp {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp {
            seconds: i64::try_from(since_epoch.as_secs()).unwrap_or(MAX_SECONDS),
            nanos: since_epoch.subsec_nanos() as i32,
        }
    }

    /// `timestamp(int)`: seconds since the epoch.
    pub fn from_unix(seconds: i64) -> Result<Timestamp, Error> {
        Timestamp::from_total_nanos(i128::from(seconds) * NANOS_PER_SECOND)
    }

    /// `timestamp(string)`: RFC 3339 text (`2024-01-02T03:04:05.6Z`, `…+01:00`).
    pub fn parse(text: &str) -> Result<Timestamp, Error> {
        parse_rfc3339(text)
            .ok_or_else(|| Error::InvalidArgument(format!("invalid timestamp {text:?}")))
    }
}

fn parse_rfc3339(text: &str) -> Option<Timestamp> {
    let b = text.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let punct = |at: usize, c: u8| b.get(at) == Some(&c);
    if !(punct(4, b'-') && punct(7, b'-') && punct(10, b'T') && punct(13, b':') && punct(16, b':'))
    {
        return None;
    }
    let (year, month, day) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    let (hour, minute, second) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut at = 19;
    let mut nanos: i64 = 0;
    if punct(at, b'.') {
        let start = at + 1;
        let mut end = start;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        let count = end - start;
        if count == 0 || count > 9 {
            return None;
        }
        nanos = digits(start, count)? * 10i64.pow(9 - count as u32);
        at = end;
    }
    let offset = match b.get(at)? {
        b'Z' if at + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if at + 6 == b.len() && punct(at + 3, b':') => {
            let (h, m) = (digits(at + 1, 2)?, digits(at + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let offset = h * 3600 + m * 60;
            if *sign == b'-' {
                -offset
            } else {
                offset
            }
        }
        _ => return None,
    };
    let seconds =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Timestamp::from_total_nanos(i128::from(seconds) * NANOS_PER_SECOND + i128::from(nanos)).ok()
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC, the fraction without trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.seconds.div_euclid(86_400);
        let secs = self.seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )?;
        if self.nanos != 0 {
            let fraction = format!("{:09}", self.nanos);
            write!(f, ".{}", fraction.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

impl Duration {
    /// A duration of `nanos` nanoseconds.
    pub const fn from_nanos(nanos: i64) -> Duration {
        Duration { nanos }
    }

    /// `duration(string)`: Go's duration syntax (`1h30m`, `-1.5s`, `300ms`, `0`).
    pub fn parse(text: &str) -> Result<Duration, Error> {
        parse_duration(text)
            .ok_or_else(|| Error::InvalidArgument(format!("invalid duration {text:?}")))
    }

    /// `int(duration)`: nanoseconds.
    pub fn nanos(self) -> i64 {
        self.nanos
    }

    /// `getHours()`: whole hours.
    pub fn hours(self) -> i64 {
        self.nanos / 3_600_000_000_000
    }

    /// `getMinutes()`: whole minutes.
    pub fn minutes(self) -> i64 {
        self.nanos / 60_000_000_000
    }

    /// `getSeconds()`: whole seconds.
    pub fn seconds_total(self) -> i64 {
        self.nanos / 1_000_000_000
    }

    /// `getMilliseconds()`: whole milliseconds.
    pub fn milliseconds(self) -> i64 {
        self.nanos / 1_000_000
    }
}

fn parse_duration(text: &str) -> Option<Duration> {
    let (negative, mut rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Some(Duration::default());
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let int_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (int_part, after) = rest.split_at(int_end);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(f) => {
                let end = f.find(|c: char| !c.is_ascii_digit()).unwrap_or(f.len());
                f.split_at(end)
            }
            None => ("", after),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let unit_end = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_end);
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        let int: i128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().ok()?
        };
        total = total.checked_add(int.checked_mul(scale)?)?;
        if !frac_part.is_empty() {
            let digits = frac_part.len().min(30) as u32;
            let frac: i128 = frac_part[..digits as usize].parse().ok()?;
            total += frac * scale / 10i128.pow(digits);
        }
        if total > i128::from(i64::MAX) + 1 {
            return None;
        }
        rest = after;
    }
    let total = if negative { -total } else { total };
    i64::try_from(total).ok().map(Duration::from_nanos)
}

impl fmt::Display for Duration {
    /// Seconds with the fraction CEL prints: `60s`, `1.5s`, `-0.000000001s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.nanos < 0 { "-" } else { "" };
        let magnitude = self.nanos.unsigned_abs();
        let (seconds, nanos) = (magnitude / 1_000_000_000, magnitude % 1_000_000_000);
        write!(f, "{sign}{seconds}")?;
        if nanos != 0 {
            let fraction = format!("{nanos:09}");
            write!(f, ".{}", fraction.trim_end_matches('0'))?;
        }
        f.write_str("s")
    }
}

/// `timestamp + duration`.
pub fn timestamp_add(t: Timestamp, d: Duration) -> Result<Timestamp, Error> {
    Timestamp::from_total_nanos(t.total_nanos() + i128::from(d.nanos))
}

/// `timestamp - duration`.
pub fn timestamp_sub(t: Timestamp, d: Duration) -> Result<Timestamp, Error> {
    Timestamp::from_total_nanos(t.total_nanos() - i128::from(d.nanos))
}

/// `timestamp - timestamp`.
pub fn timestamp_diff(a: Timestamp, b: Timestamp) -> Result<Duration, Error> {
    i64::try_from(a.total_nanos() - b.total_nanos())
        .map(Duration::from_nanos)
        .map_err(|_| Error::TimeRange("duration"))
}

/// `duration + duration`.
pub fn duration_add(a: Duration, b: Duration) -> Result<Duration, Error> {
    a.nanos
        .checked_add(b.nanos)
        .map(Duration::from_nanos)
        .ok_or(Error::TimeRange("duration"))
}

/// `duration - duration`.
pub fn duration_sub(a: Duration, b: Duration) -> Result<Duration, Error> {
    a.nanos
        .checked_sub(b.nanos)
        .map(Duration::from_nanos)
        .ok_or(Error::TimeRange("duration"))
}

/// The calendar fields of a timestamp the getters read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimePart {
    /// `getFullYear()`
    FullYear,
    /// `getMonth()`: 0 for January.
    Month,
    /// `getDayOfYear()`: 0 for January 1st.
    DayOfYear,
    /// `getDayOfMonth()`: 0 for the first.
    DayOfMonth,
    /// `getDate()`: 1 for the first.
    Date,
    /// `getDayOfWeek()`: 0 for Sunday.
    DayOfWeek,
    /// `getHours()`
    Hours,
    /// `getMinutes()`
    Minutes,
    /// `getSeconds()`
    Seconds,
    /// `getMilliseconds()`
    Milliseconds,
}

/// A timestamp getter, in UTC or in `zone`: `UTC` or a fixed offset such as `+05:30`. Named
/// time zones are not known to the runtime and are an error.
pub fn timestamp_get(t: Timestamp, part: TimePart, zone: Option<&str>) -> Result<i64, Error> {
    let offset = match zone {
        None => 0,
        Some(zone) => zone_offset(zone)
            .ok_or_else(|| Error::InvalidArgument(format!("unsupported time zone {zone:?}")))?,
    };
    let local = t.seconds + offset;
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    Ok(match part {
        TimePart::FullYear => year,
        TimePart::Month => month - 1,
        TimePart::DayOfYear => days - days_from_civil(year, 1, 1),
        TimePart::DayOfMonth => day - 1,
        TimePart::Date => day,
        TimePart::DayOfWeek => (days + 4).rem_euclid(7),
        TimePart::Hours => secs / 3600,
        TimePart::Minutes => secs / 60 % 60,
        TimePart::Seconds => secs % 60,
        TimePart::Milliseconds => i64::from(t.nanos / 1_000_000),
    })
}

fn zone_offset(zone: &str) -> Option<i64> {
    if zone == "UTC" {
        return Some(0);
    }
    let (sign, rest) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 23 && m <= 59).then_some(sign * (h * 3600 + m * 60))
}

impl From<&Timestamp> for Timestamp {
    fn from(t: &Timestamp) -> Timestamp {
        *t
    }
}

impl From<&Duration> for Duration {
    fn from(d: &Duration) -> Duration {
        *d
    }
}

impl From<&crate::wkt::Timestamp> for Timestamp {
    fn from(t: &crate::wkt::Timestamp) -> Timestamp {
        Timestamp {
            seconds: t.seconds,
            nanos: t.nanos,
        }
    }
}

impl From<&prost_types::Timestamp> for Timestamp {
    fn from(t: &prost_types::Timestamp) -> Timestamp {
        Timestamp {
            seconds: t.seconds,
            nanos: t.nanos,
        }
    }
}

impl From<&pbjson_types::Timestamp> for Timestamp {
    fn from(t: &pbjson_types::Timestamp) -> Timestamp {
        Timestamp {
            seconds: t.seconds,
            nanos: t.nanos,
        }
    }
}

fn duration_from_parts(seconds: i64, nanos: i32) -> Duration {
    let total = i128::from(seconds) * NANOS_PER_SECOND + i128::from(nanos);
    Duration::from_nanos(total.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
}

impl From<&prost_types::Duration> for Duration {
    fn from(d: &prost_types::Duration) -> Duration {
        duration_from_parts(d.seconds, d.nanos)
    }
}

impl From<&pbjson_types::Duration> for Duration {
    fn from(d: &pbjson_types::Duration) -> Duration {
        duration_from_parts(d.seconds, d.nanos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_and_print() {
        let t = Timestamp::parse("2024-02-29T12:30:00.5+01:00").unwrap_or_default();
        assert_eq!(t.to_string(), "2024-02-29T11:30:00.5Z");
        assert!(Timestamp::parse("2023-02-29T00:00:00Z").is_err());
        assert!(Timestamp::from_unix(MAX_SECONDS + 1).is_err());
        assert_eq!(timestamp_get(t, TimePart::DayOfWeek, None), Ok(4));
        assert_eq!(timestamp_get(t, TimePart::DayOfYear, None), Ok(59));
        assert_eq!(timestamp_get(t, TimePart::Hours, Some("-02:00")), Ok(9));
    }

    #[test]
    fn durations_parse_like_go() {
        assert_eq!(Duration::parse("1h30m").map(Duration::minutes), Ok(90));
        assert_eq!(
            Duration::parse("-1.5s").map(|d| d.to_string()).as_deref(),
            Ok("-1.5s")
        );
        assert!(Duration::parse("1d").is_err());
        assert!(Duration::parse("3000000h").is_err());
    }
}
