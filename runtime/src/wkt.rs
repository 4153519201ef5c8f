//! Well-known types whose pbjson-types JSON is not canonical proto3 JSON, wire-identical
//! replacements the generated code uses instead: `Timestamp` (RFC 3339, always Z-normalized,
//! with 0, 3, 6 or 9 fractional digits; pbjson-types writes `+00:00`), `FieldMask` (one
//! comma-joined string) and `Any` (`"@type"` plus the held message's JSON; see [`Any`]); and
//! `google.api.HttpBody` ([`HttpBody`]), which REST reads and writes as raw bytes.

use std::fmt;

mod any;
mod http_body;

pub use any::{register_descriptors, Any, RegisterError};
pub use http_body::HttpBody;

/// `google.protobuf.Timestamp`. Wire-compatible with every other implementation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Message)]
#[prost(skip_debug)]
pub struct Timestamp {
    /// Seconds since the Unix epoch.
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Non-negative fractions of a second at nanosecond resolution.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl prost::Name for Timestamp {
    const NAME: &'static str = "Timestamp";
    const PACKAGE: &'static str = "google.protobuf";
}

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range proto3 JSON allows.
const MIN_SECONDS: i64 = -62_135_596_800;
const MAX_SECONDS: i64 = 253_402_300_799;

impl Timestamp {
    /// The current time.
    pub fn now() -> Timestamp {
        Timestamp::from(std::time::SystemTime::now())
    }
}

impl From<std::time::SystemTime> for Timestamp {
    fn from(t: std::time::SystemTime) -> Timestamp {
        match t.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => Timestamp {
                seconds: d.as_secs() as i64,
                nanos: d.subsec_nanos() as i32,
            },
            Err(e) => {
                let d = e.duration();
                let (mut seconds, mut nanos) = (-(d.as_secs() as i64), -(d.subsec_nanos() as i32));
                if nanos < 0 {
                    seconds -= 1;
                    nanos += 1_000_000_000;
                }
                Timestamp { seconds, nanos }
            }
        }
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) → days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The longest canonical form: `9999-12-31T23:59:59.999999999Z`.
const CANONICAL_MAX_LEN: usize = 30;

impl Timestamp {
    /// The canonical form of a timestamp within proto3 JSON's range (years 0001–9999),
    /// written into `buf` without going through `core::fmt`: this runs for every timestamp
    /// of every JSON answer. `None` outside that range or with nanos outside 0..1e9.
    fn canonical(self, buf: &mut [u8; CANONICAL_MAX_LEN]) -> Option<&str> {
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&self.seconds)
            || !(0..1_000_000_000).contains(&self.nanos)
        {
            return None;
        }
        fn digits(out: &mut [u8], mut value: u32) {
            for slot in out.iter_mut().rev() {
                *slot = b'0' + (value % 10) as u8;
                value /= 10;
            }
        }
        let days = self.seconds.div_euclid(86_400);
        let secs = self.seconds.rem_euclid(86_400) as u32;
        let (y, mo, d) = civil_from_days(days);
        *buf = *b"0000-00-00T00:00:00.000000000Z";
        digits(&mut buf[0..4], y as u32);
        digits(&mut buf[5..7], mo);
        digits(&mut buf[8..10], d);
        digits(&mut buf[11..13], secs / 3600);
        digits(&mut buf[14..16], secs / 60 % 60);
        digits(&mut buf[17..19], secs % 60);
        let n = self.nanos as u32;
        let len = if n == 0 {
            19
        } else if n.is_multiple_of(1_000_000) {
            digits(&mut buf[20..23], n / 1_000_000);
            23
        } else if n.is_multiple_of(1_000) {
            digits(&mut buf[20..26], n / 1_000);
            26
        } else {
            digits(&mut buf[20..29], n);
            29
        };
        buf[len] = b'Z';
        std::str::from_utf8(&buf[..=len]).ok()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; CANONICAL_MAX_LEN];
        if let Some(s) = self.canonical(&mut buf) {
            return f.write_str(s);
        }
        // Outside proto3 JSON's range (only `Debug` and logs show these).
        let days = self.seconds.div_euclid(86_400);
        let secs = self.seconds.rem_euclid(86_400);
        let (y, mo, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )?;
        if self.nanos != 0 {
            write!(f, ".{:09}", self.nanos)?;
        }
        f.write_str("Z")
    }
}

/// Why a string is not an RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp {0:?}: expected RFC 3339 such as \"2024-05-10T12:00:00Z\"")]
pub struct TimestampError(String);

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Timestamp, TimestampError> {
        let err = || TimestampError(s.to_string());
        let b = s.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            // proto3 JSON takes RFC 3339's upper-case separators only, as protobuf's parsers do.
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(err());
        }
        let num = |r: std::ops::Range<usize>| -> Result<i64, TimestampError> {
            let part = s.get(r).ok_or_else(err)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(err());
            }
            part.parse::<i64>().map_err(|_| err())
        };
        let (y, mo, d) = (num(0..4)?, num(5..7)? as u32, num(8..10)? as u32);
        let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let month_days = [
            31,
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if !(1..=12).contains(&mo)
            || d == 0
            || d > month_days[(mo - 1) as usize]
            || h > 23
            || mi > 59
            || sec > 59
        {
            return Err(err());
        }
        let mut rest = &s[19..];
        let mut nanos: i64 = 0;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 9 {
                return Err(err());
            }
            nanos =
                frac[..digits].parse::<i64>().map_err(|_| err())? * 10_i64.pow(9 - digits as u32);
            rest = &frac[digits..];
        }
        let offset = match rest {
            "Z" => 0,
            o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) && &o[3..4] == ":" => {
                let oh = num(s.len() - 5..s.len() - 3)?;
                let om = num(s.len() - 2..s.len())?;
                if oh > 23 || om > 59 {
                    return Err(err());
                }
                let sign = if o.starts_with('-') { -1 } else { 1 };
                sign * (oh * 3600 + om * 60)
            }
            _ => return Err(err()),
        };
        let seconds = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset;
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&seconds) {
            return Err(err());
        }
        Ok(Timestamp {
            seconds,
            nanos: nanos as i32,
        })
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; CANONICAL_MAX_LEN];
        match self.canonical(&mut buf) {
            Some(s) => serializer.serialize_str(s),
            None => Err(serde::ser::Error::custom(
                "timestamp out of the range proto3 JSON allows",
            )),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl From<Timestamp> for pbjson_types::Timestamp {
    fn from(t: Timestamp) -> Self {
        pbjson_types::Timestamp {
            seconds: t.seconds,
            nanos: t.nanos,
        }
    }
}

impl From<pbjson_types::Timestamp> for Timestamp {
    fn from(t: pbjson_types::Timestamp) -> Self {
        Timestamp {
            seconds: t.seconds,
            nanos: t.nanos,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The buffer writer against `core::fmt` and the parser, over a sweep of the whole range
    /// with each fraction width.
    #[test]
    fn the_buffer_writer_agrees_with_fmt_and_the_parser() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let span = (MAX_SECONDS - MIN_SECONDS) as u64 + 1;
        for i in 0..20_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let seconds = match i {
                0 => MIN_SECONDS,
                1 => MAX_SECONDS,
                _ => MIN_SECONDS + (x % span) as i64,
            };
            let nanos = match i % 4 {
                0 => 0,
                1 => (x >> 40) as i32 % 1000 * 1_000_000,
                2 => (x >> 34) as i32 % 1_000_000 * 1_000,
                _ => (x >> 32) as i32 % 1_000_000_000,
            }
            .abs();
            let t = Timestamp { seconds, nanos };
            let text = t.to_string();
            let (y, mo, d) = civil_from_days(seconds.div_euclid(86_400));
            let secs = seconds.rem_euclid(86_400);
            let fraction = match nanos {
                0 => String::new(),
                n if n % 1_000_000 == 0 => format!(".{:03}", n / 1_000_000),
                n if n % 1_000 == 0 => format!(".{:06}", n / 1_000),
                n => format!(".{n:09}"),
            };
            let expected = format!(
                "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}{fraction}Z",
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            );
            assert_eq!(text, expected, "{seconds} {nanos}");
            assert_eq!(text.parse::<Timestamp>(), Ok(t), "{text}");
            assert_eq!(
                serde_json::to_string(&t).ok(),
                Some(format!("\"{text}\"")),
                "{text}"
            );
        }
    }

    #[test]
    fn out_of_range_is_refused_in_json_and_still_displayed() {
        let t = Timestamp {
            seconds: MAX_SECONDS + 1,
            nanos: 0,
        };
        assert!(serde_json::to_string(&t).is_err());
        assert_eq!(t.to_string(), "10000-01-01T00:00:00Z");
        let t = Timestamp {
            seconds: 0,
            nanos: -1,
        };
        assert!(serde_json::to_string(&t).is_err());
    }

    #[test]
    fn lower_case_separators_are_refused_as_protobuf_refuses_them() {
        assert!("2023-05-10T12:00:00Z".parse::<Timestamp>().is_ok());
        assert!("2023-05-10t12:00:00Z".parse::<Timestamp>().is_err());
        assert!("2023-05-10T12:00:00z".parse::<Timestamp>().is_err());
    }

    #[test]
    fn formats_z_normalized_with_0_3_6_or_9_digits() {
        let t = |seconds, nanos| Timestamp { seconds, nanos }.to_string();
        assert_eq!(t(0, 0), "1970-01-01T00:00:00Z");
        assert_eq!(t(1_683_720_000, 500_000_000), "2023-05-10T12:00:00.500Z");
        assert_eq!(t(1_683_720_000, 1_000), "2023-05-10T12:00:00.000001Z");
        assert_eq!(t(1_683_720_000, 1), "2023-05-10T12:00:00.000000001Z");
        assert_eq!(t(MIN_SECONDS, 0), "0001-01-01T00:00:00Z");
        assert_eq!(t(MAX_SECONDS, 0), "9999-12-31T23:59:59Z");
        assert_eq!(t(951_782_400, 0), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn parses_offsets_and_fractions() {
        let p = |s: &str| s.parse::<Timestamp>();
        assert_eq!(
            p("2023-05-10T14:00:00+02:00").unwrap(),
            Timestamp {
                seconds: 1_683_720_000,
                nanos: 0
            }
        );
        assert_eq!(p("2023-05-10T12:00:00.5Z").unwrap().nanos, 500_000_000);
        for bad in [
            "2023-02-29T00:00:00Z",
            "2023-05-10 12:00:00Z",
            "2023-05-10T12:00:00",
            "2023-05-10T12:00:00.Z",
            "2023-13-01T00:00:00Z",
            "x",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
        let json = serde_json::to_string(&Timestamp {
            seconds: 1,
            nanos: 0,
        })
        .unwrap();
        assert_eq!(json, "\"1970-01-01T00:00:01Z\"");
        let back: Timestamp = serde_json::from_str(&json).unwrap();
        assert_eq!(back.seconds, 1);
    }
}

/// `google.protobuf.FieldMask` with the canonical proto3 JSON form: one string of
/// lowerCamelCase paths joined by commas (`"displayName,isbn13"`).
#[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
pub struct FieldMask {
    /// The field paths, in proto (snake_case) form.
    #[prost(string, repeated, tag = "1")]
    pub paths: Vec<String>,
}

impl prost::Name for FieldMask {
    const NAME: &'static str = "FieldMask";
    const PACKAGE: &'static str = "google.protobuf";
}

fn to_lower_camel(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut upper = false;
    for c in path.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn to_snake(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 4);
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl serde::Serialize for FieldMask {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let joined: Vec<String> = self.paths.iter().map(|p| to_lower_camel(p)).collect();
        serializer.serialize_str(&joined.join(","))
    }
}

impl<'de> serde::Deserialize<'de> for FieldMask {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<FieldMask, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        let paths = s
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(to_snake)
            .collect();
        Ok(FieldMask { paths })
    }
}

impl From<FieldMask> for pbjson_types::FieldMask {
    fn from(m: FieldMask) -> Self {
        pbjson_types::FieldMask { paths: m.paths }
    }
}

impl From<pbjson_types::FieldMask> for FieldMask {
    fn from(m: pbjson_types::FieldMask) -> Self {
        FieldMask { paths: m.paths }
    }
}

#[cfg(test)]
mod field_mask_tests {
    use super::*;

    #[test]
    fn json_is_one_camel_case_string() {
        let mask = FieldMask {
            paths: vec!["display_name".into(), "book.isbn_13".into()],
        };
        assert_eq!(
            serde_json::to_string(&mask).unwrap(),
            "\"displayName,book.isbn13\""
        );
        let back: FieldMask = serde_json::from_str("\"displayName, title\"").unwrap();
        assert_eq!(back.paths, ["display_name", "title"]);
        let empty: FieldMask = serde_json::from_str("\"\"").unwrap();
        assert!(empty.paths.is_empty());
    }
}
