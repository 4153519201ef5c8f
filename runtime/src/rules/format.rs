//! Go's `fmt` output for the values PGV's messages print, so the messages match byte for byte.

use std::fmt::{self, Display, Write as _};

/// Go's `%q` for a string: double-quoted, Go escapes for what Go's `strconv.IsPrint` rejects.
pub fn go_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if !is_go_print(c) => {
                if (c as u32) < 0x10000 {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                } else {
                    let _ = write!(out, "\\U{:08x}", c as u32);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint` without the Unicode tables: controls, spaces
/// other than U+0020, format characters and private use are not printable.
fn is_go_print(c: char) -> bool {
    let n = c as u32;
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(n,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB
        | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF | 0xE0000..=0xE007F | 0xFFFE | 0xFFFF)
}

/// Go's `%v` for a slice: `[a b c]`.
pub fn go_list<T: Display>(items: &[T]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{item}");
    }
    out.push(']');
    out
}

/// Go's `%v` for a byte slice: `[97 98]`.
pub fn go_bytes(value: &[u8]) -> String {
    go_list(value)
}

/// PGV's `byteStr`: `"\x61\xA"` (upper-case hex without padding, as its template prints it).
pub fn byte_str(value: &[u8]) -> String {
    let mut out = String::from("\"");
    for b in value {
        let _ = write!(out, "\\x{b:X}");
    }
    out.push('"');
    out
}

/// A number printed the way Go's `%v` prints it.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Go<T>(pub T);

macro_rules! go_int {
    ($($t:ty),*) => {$(
        impl Display for Go<$t> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                Display::fmt(&self.0, f)
            }
        }
    )*};
}
go_int!(i32, i64, u32, u64, bool);

impl Display for Go<f64> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&go_float(format!("{:e}", self.0), self.0))
    }
}

impl Display for Go<f32> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The shortest digits of the f32 itself, as Go's `%v` on a float32 prints.
        f.write_str(&go_float(format!("{:e}", self.0), self.0 as f64))
    }
}

/// Go's `strconv.FormatFloat(v, 'g', -1, …)`: shortest digits; exponent form when the decimal
/// exponent is below -4 or at least 6 (Go's threshold for the shortest precision).
fn go_float(sci: String, v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(
            out,
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        );
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            for _ in digits.len()..int_len {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

/// Go's `time.Duration.String()` for a duration of `seconds` and `nanos`.
pub fn go_duration(seconds: i64, nanos: i32) -> String {
    let total = seconds as i128 * 1_000_000_000 + nanos as i128;
    let total = total.clamp(i64::MIN as i128, i64::MAX as i128) as i64;
    if total == 0 {
        return "0s".into();
    }
    let negative = total < 0;
    let mut u = total.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        // Sub-second: one unit with a fraction.
        let (unit, scale) = if u < 1_000 {
            ("ns", 1u64)
        } else if u < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        out.push_str(&fraction(u, scale));
        out.push_str(unit);
    } else {
        let hours = u / 3_600_000_000_000;
        u -= hours * 3_600_000_000_000;
        let minutes = u / 60_000_000_000;
        u -= minutes * 60_000_000_000;
        if hours > 0 {
            let _ = write!(out, "{hours}h");
        }
        if hours > 0 || minutes > 0 {
            let _ = write!(out, "{minutes}m");
        }
        out.push_str(&fraction(u, 1_000_000_000));
        out.push('s');
    }
    if negative {
        out.insert(0, '-');
    }
    out
}

/// `value / scale` with the remainder as decimal digits, trailing zeros dropped.
fn fraction(value: u64, scale: u64) -> String {
    let whole = value / scale;
    let rest = value % scale;
    if rest == 0 {
        return whole.to_string();
    }
    let width = scale.ilog10() as usize;
    let digits = format!("{rest:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// Go's `time.Time.String()` of a UTC timestamp: `2006-01-02 15:04:05.999999999 +0000 UTC`.
pub fn go_time(seconds: i64, nanos: i32) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let mut out = format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    );
    if nanos > 0 {
        let digits = format!("{nanos:09}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
    out.push_str(" +0000 UTC");
    out
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// protobuf-go's text form of a Duration or Timestamp inside an error (`seconds:1 nanos:5`).
pub fn proto_text(seconds: i64, nanos: i32) -> String {
    match (seconds, nanos) {
        (0, 0) => String::new(),
        (s, 0) => format!("seconds:{s}"),
        (0, n) => format!("nanos:{n}"),
        (s, n) => format!("seconds:{s} nanos:{n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_go() {
        assert_eq!(Go(1.5f64).to_string(), "1.5");
        assert_eq!(Go(1e6f64).to_string(), "1e+06");
        assert_eq!(Go(123456.0f64).to_string(), "123456");
        assert_eq!(Go(0.0001f64).to_string(), "0.0001");
        assert_eq!(Go(0.00001f64).to_string(), "1e-05");
        assert_eq!(Go(-2.0f64).to_string(), "-2");
        assert_eq!(Go(0.1f32).to_string(), "0.1");
        assert_eq!(Go(f64::NAN).to_string(), "NaN");
        assert_eq!(Go(f64::NEG_INFINITY).to_string(), "-Inf");
        assert_eq!(Go(-0.0f64).to_string(), "-0");
        assert_eq!(Go(1.234567e21f64).to_string(), "1.234567e+21");
    }

    #[test]
    fn durations_and_times_print_like_go() {
        assert_eq!(go_duration(0, 0), "0s");
        assert_eq!(go_duration(3600, 0), "1h0m0s");
        assert_eq!(go_duration(1, 500_000_000), "1.5s");
        assert_eq!(go_duration(0, 300_000_000), "300ms");
        assert_eq!(go_duration(0, 1_000), "1µs");
        assert_eq!(go_duration(-90, 0), "-1m30s");
        assert_eq!(go_time(0, 0), "1970-01-01 00:00:00 +0000 UTC");
        assert_eq!(
            go_time(1_683_712_800, 500_000_000),
            "2023-05-10 10:00:00.5 +0000 UTC"
        );
        assert_eq!(go_time(-62_135_596_800, 0), "0001-01-01 00:00:00 +0000 UTC");
    }

    #[test]
    fn quoting_and_bytes_follow_go() {
        assert_eq!(go_quote("a\"b\\\n"), "\"a\\\"b\\\\\\n\"");
        assert_eq!(go_quote("\u{200d}é\0"), "\"\\u200dé\\x00\"");
        assert_eq!(byte_str(&[0x61, 0x0a]), "\"\\x61\\xA\"");
        assert_eq!(go_bytes(b"ab"), "[97 98]");
    }
}
