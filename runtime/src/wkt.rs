//! `google.protobuf.Timestamp` with the canonical proto3 JSON form: RFC 3339, always
//! Z-normalized, with 0, 3, 6 or 9 fractional digits (pbjson-types writes `+00:00`).

use std::fmt;

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

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
        let n = self.nanos;
        if n != 0 {
            if n % 1_000_000 == 0 {
                write!(f, ".{:03}", n / 1_000_000)?;
            } else if n % 1_000 == 0 {
                write!(f, ".{:06}", n / 1_000)?;
            } else {
                write!(f, ".{n:09}")?;
            }
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
            || !matches!(b[10], b'T' | b't')
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
            "Z" | "z" => 0,
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
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&self.seconds)
            || !(0..1_000_000_000).contains(&self.nanos)
        {
            return Err(serde::ser::Error::custom(
                "timestamp out of the range proto3 JSON allows",
            ));
        }
        serializer.collect_str(self)
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
