//! Duration and timestamp literals of `#[validate(duration(…))]` / `timestamp(…)`, read at
//! compile time into protobuf's (seconds, nanos) pair.

const NANOS: i128 = 1_000_000_000;

/// A Go duration (`"1.5s"`, `"-2m30s"`, `"100ms"`, `"1h"`, `"0"`) as normalized (seconds,
/// nanos): both parts carry the sign, as `google.protobuf.Duration` requires.
pub fn duration(text: &str) -> Result<(i64, i32), String> {
    let expected = || {
        format!(
            "`{text}` is not a duration: expected Go's syntax, e.g. \"1.5s\", \"-2m30s\", \"100ms\""
        )
    };
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Ok((0, 0));
    }
    if rest.is_empty() {
        return Err(expected());
    }
    // Sum in units of 1e-9 ns so fractions of a nanosecond-based unit stay exact enough.
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .ok_or_else(expected)?;
        let (number, after) = rest.split_at(digits);
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let per_unit: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => NANOS,
            "m" => 60 * NANOS,
            "h" => 3_600 * NANOS,
            _ => return Err(expected()),
        };
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
            return Err(expected());
        }
        let whole: i128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| expected())?
        };
        let mut part = whole.checked_mul(per_unit).ok_or_else(expected)?;
        let mut scale = per_unit;
        for digit in fraction.chars() {
            scale /= 10;
            part += i128::from(digit.to_digit(10).unwrap_or(0) as u8) * scale;
        }
        total = total.checked_add(part).ok_or_else(expected)?;
        rest = after;
    }
    if negative {
        total = -total;
    }
    let seconds = i64::try_from(total / NANOS).map_err(|_| expected())?;
    Ok((seconds, (total % NANOS) as i32))
}

/// An RFC 3339 timestamp (`"2023-05-10T12:00:00Z"`, `"2023-05-10T12:00:00.5+02:00"`) as
/// (seconds, nanos) since the Unix epoch.
pub fn timestamp(text: &str) -> Result<(i64, i32), String> {
    let expected =
        || format!("`{text}` is not an RFC 3339 timestamp, e.g. \"2023-05-10T12:00:00Z\"");
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Result<i64, String> {
        let part = text.get(from..from + len).ok_or_else(expected)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return Err(expected());
        }
        part.parse().map_err(|_| expected())
    };
    let at = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    if b.len() < 20 || !at(4, b"-") || !at(7, b"-") || !at(10, b"Tt ") || !at(13, b":") {
        return Err(expected());
    }
    if !at(16, b":") {
        return Err(expected());
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(expected()),
    };
    if day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
        return Err(expected());
    }
    let mut i = 19;
    let mut nanos: i64 = 0;
    if at(i, b".") {
        i += 1;
        let start = i;
        while at(i, b"0123456789") {
            i += 1;
        }
        let digits = &text[start..i];
        if digits.is_empty() || digits.len() > 9 {
            return Err(expected());
        }
        nanos = num(start, digits.len())? * 10i64.pow(9 - digits.len() as u32);
    }
    let offset = match text.get(i..) {
        Some("Z" | "z") => 0,
        Some(zone) if zone.len() == 6 && at(i, b"+-") && at(i + 3, b":") => {
            let sign = if at(i, b"-") { -1 } else { 1 };
            let (h, m) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if h > 23 || m > 59 {
                return Err(expected());
            }
            sign * (h * 3_600 + m * 60)
        }
        _ => return Err(expected()),
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset;
    Ok((seconds, nanos as i32))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_go() {
        assert_eq!(duration("1s"), Ok((1, 0)));
        assert_eq!(duration("1.5s"), Ok((1, 500_000_000)));
        assert_eq!(duration("-2m30s"), Ok((-150, 0)));
        assert_eq!(duration("-1.5s"), Ok((-1, -500_000_000)));
        assert_eq!(duration("100ms"), Ok((0, 100_000_000)));
        assert_eq!(duration("1h1ns"), Ok((3_600, 1)));
        assert_eq!(duration("0"), Ok((0, 0)));
        assert!(duration("1").is_err());
        assert!(duration("1d").is_err());
        assert!(duration("").is_err());
        assert!(duration("s").is_err());
    }

    #[test]
    fn timestamps_read_rfc3339() {
        assert_eq!(timestamp("1970-01-01T00:00:00Z"), Ok((0, 0)));
        assert_eq!(
            timestamp("2023-05-10T12:00:00.25Z"),
            Ok((1_683_720_000, 250_000_000))
        );
        assert_eq!(timestamp("1970-01-01T02:00:00+02:00"), Ok((0, 0)));
        assert_eq!(timestamp("0001-01-01T00:00:00Z"), Ok((-62_135_596_800, 0)));
        assert!(timestamp("2023-02-29T00:00:00Z").is_err());
        assert!(timestamp("2023-05-10").is_err());
        assert!(timestamp("2023-05-10T12:00:00").is_err());
    }
}
