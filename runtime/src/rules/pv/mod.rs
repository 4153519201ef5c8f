//! protovalidate's standard rules (`buf.validate`): the checks protovalidate's CEL
//! definitions make, with its rule ids and messages.
//!
//! The messages depend on the rules only, never on the value, and are built only on failure.
//! Where a rule id depends on which rules are set together (`int32.gt_lt`,
//! `string.email_empty`), the generator works it out and passes it in, so ids stay
//! `&'static str` without a table here.

use std::fmt::Write as _;

use super::number::Bound;
use super::time::Instant;
use super::{ensure, Check, Failure, Pattern};

pub mod catalogue;
mod net;
mod uri;

pub use net::{
    is_email, is_header_name, is_header_value, is_host_and_port, is_hostname, is_ip, is_ip_prefix,
    is_protobuf_fqn, is_tuuid, is_ulid, is_uuid,
};
pub use uri::{is_uri, is_uri_ref};

/// `(buf.validate.field).required` on a field that is unset or holds its zero value.
pub fn required(present: bool) -> Check {
    ensure(present, "required", || "value is required")
}

/// `(buf.validate.oneof).required`: one field of the oneof is set.
pub fn oneof_required<T>(value: &Option<T>) -> Check {
    ensure(value.is_some(), "required", || {
        "exactly one field is required in oneof"
    })
}

/// `(buf.validate.message).oneof`: at most one of the fields named in `names` is set, and
/// one when `required`.
pub fn message_oneof(set: &[bool], names: &'static str, required: bool) -> Check {
    match set.iter().filter(|s| **s).count() {
        0 if required => Err(Failure::new(
            "message.oneof",
            format!("one of {names} must be set"),
        )),
        0 | 1 => Ok(()),
        _ => Err(Failure::new(
            "message.oneof",
            format!("only one of {names} can be set"),
        )),
    }
}

/// A value protovalidate's rules compare and print: numbers, enums (as numbers), bools.
pub trait Value: Copy + PartialOrd {
    /// Whether the value is NaN (floats only).
    fn is_nan(self) -> bool {
        false
    }
    /// CEL's `%s` of the value.
    fn text(self) -> String;
}

macro_rules! int_values {
    ($($t:ty),*) => {$(
        impl Value for $t {
            fn text(self) -> String {
                self.to_string()
            }
        }
    )*};
}
int_values!(i32, i64, u32, u64, bool);

impl Value for f64 {
    fn is_nan(self) -> bool {
        f64::is_nan(self)
    }
    fn text(self) -> String {
        double_text(self)
    }
}

impl Value for f32 {
    fn is_nan(self) -> bool {
        f32::is_nan(self)
    }
    fn text(self) -> String {
        // CEL has doubles only: a float rule prints as the double it widens to.
        double_text(self as f64)
    }
}

/// CEL's `%s` of a double: shortest round-trip digits, never an exponent.
pub fn double_text(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        v.to_string()
    }
}

/// CEL's `%s` of a list: `[a, b]`.
pub fn list_text<T>(items: &[T], show: impl Fn(&T) -> String) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&show(item));
    }
    out.push(']');
    out
}

/// CEL's `%x` of bytes: lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// CEL's `%s` of a duration: seconds with the fraction's trailing zeros dropped (`1.5s`).
pub fn duration_text(d: Instant) -> String {
    let total = d.seconds as i128 * 1_000_000_000 + d.nanos as i128;
    let negative = total < 0;
    let total = total.unsigned_abs();
    let whole = total / 1_000_000_000;
    let frac = (total % 1_000_000_000) as u32;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    let _ = write!(out, "{whole}");
    if frac != 0 {
        let digits = format!("{frac:09}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
    out.push('s');
    out
}

/// CEL's `%s` of a timestamp: RFC 3339 in UTC, the fraction's trailing zeros dropped.
pub fn timestamp_text(t: Instant) -> String {
    let days = t.seconds.div_euclid(86_400);
    let secs = t.seconds.rem_euclid(86_400);
    let (year, month, day) = super::format::civil_from_days(days);
    let mut out = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    );
    if t.nanos > 0 {
        let digits = format!("{:09}", t.nanos);
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

// ---------------------------------------------------------------------------------------
// Numbers, enums, bools, durations and timestamps.

/// `const`: `must equal X`.
pub fn r#const<T: Value>(value: T, expected: T, id: &'static str) -> Check {
    ensure(value == expected, id, || {
        format!("must equal {}", expected.text())
    })
}

/// `lt`/`lte`/`gt`/`gte`, alone or as a range; `id` names the combination
/// (`int32.gt_lt`, `double.gte_lte_exclusive`, …). NaN fails every bound.
#[inline]
pub fn range<T: Value>(
    value: T,
    lower: Option<Bound<T>>,
    upper: Option<Bound<T>>,
    id: &'static str,
) -> Check {
    range_with(value, value.is_nan(), lower, upper, id, |v| v.text())
}

/// [`range`] for any ordered value (durations, timestamps) with `show` printing a bound.
pub fn range_with<T: PartialOrd + Copy>(
    value: T,
    nan: bool,
    lower: Option<Bound<T>>,
    upper: Option<Bound<T>>,
    id: &'static str,
    show: impl Fn(T) -> String,
) -> Check {
    let below = |b: &Bound<T>| {
        if b.inclusive {
            value < b.value
        } else {
            value <= b.value
        }
    };
    let above = |b: &Bound<T>| {
        if b.inclusive {
            value > b.value
        } else {
            value >= b.value
        }
    };
    let lower_text = |b: &Bound<T>| {
        let op = if b.inclusive {
            "greater than or equal to"
        } else {
            "greater than"
        };
        format!("{op} {}", show(b.value))
    };
    let upper_text = |b: &Bound<T>| {
        let op = if b.inclusive {
            "less than or equal to"
        } else {
            "less than"
        };
        format!("{op} {}", show(b.value))
    };
    let failed = match (&lower, &upper) {
        (Some(l), Some(u)) if u.value >= l.value => nan || above(u) || below(l),
        (Some(l), Some(u)) => nan || (above(u) && below(l)),
        (Some(l), None) => nan || below(l),
        (None, Some(u)) => nan || above(u),
        (None, None) => false,
    };
    if !failed {
        return Ok(());
    }
    let reason = match (&lower, &upper) {
        (Some(l), Some(u)) if u.value >= l.value => {
            format!("must be {} and {}", lower_text(l), upper_text(u))
        }
        (Some(l), Some(u)) => format!("must be {} or {}", lower_text(l), upper_text(u)),
        (Some(l), None) => format!("must be {}", lower_text(l)),
        (None, Some(u)) => format!("must be {}", upper_text(u)),
        (None, None) => String::new(),
    };
    Err(Failure::new(id, reason))
}

/// `in`: `must be in list [..]`.
pub fn r#in<T: Value>(value: T, list: &[T], id: &'static str) -> Check {
    ensure(list.contains(&value), id, || {
        format!("must be in list {}", list_text(list, |v| v.text()))
    })
}

/// `not_in`: `must not be in list [..]`.
pub fn not_in<T: Value>(value: T, list: &[T], id: &'static str) -> Check {
    ensure(!list.contains(&value), id, || {
        format!("must not be in list {}", list_text(list, |v| v.text()))
    })
}

/// `finite` (float and double).
pub fn finite(value: impl Into<f64>, id: &'static str) -> Check {
    ensure(value.into().is_finite(), id, || "must be finite")
}

/// `enum.defined_only`.
pub fn defined_only(defined: bool) -> Check {
    ensure(defined, "enum.defined_only", || {
        "value must be one of the defined enum values"
    })
}

/// Durations.
pub mod duration {
    use super::*;

    /// `const`.
    pub fn r#const(value: Instant, expected: Instant) -> Check {
        ensure(value == expected, "duration.const", || {
            format!("must equal {}", duration_text(expected))
        })
    }

    /// `lt`/`lte`/`gt`/`gte`; `id` names the combination.
    pub fn range(
        value: Instant,
        lower: Option<Bound<Instant>>,
        upper: Option<Bound<Instant>>,
        id: &'static str,
    ) -> Check {
        range_with(value, false, lower, upper, id, duration_text)
    }

    /// `in`.
    pub fn r#in(value: Instant, list: &[Instant]) -> Check {
        ensure(list.contains(&value), "duration.in", || {
            format!("must be in list {}", list_text(list, |d| duration_text(*d)))
        })
    }

    /// `not_in`.
    pub fn not_in(value: Instant, list: &[Instant]) -> Check {
        ensure(!list.contains(&value), "duration.not_in", || {
            format!(
                "must not be in list {}",
                list_text(list, |d| duration_text(*d))
            )
        })
    }
}

/// Timestamps.
pub mod timestamp {
    use super::*;

    /// `const`.
    pub fn r#const(value: Instant, expected: Instant) -> Check {
        ensure(value == expected, "timestamp.const", || {
            format!("must equal {}", timestamp_text(expected))
        })
    }

    /// `lt`/`lte`/`gt`/`gte`; `id` names the combination.
    pub fn range(
        value: Instant,
        lower: Option<Bound<Instant>>,
        upper: Option<Bound<Instant>>,
        id: &'static str,
    ) -> Check {
        range_with(value, false, lower, upper, id, timestamp_text)
    }

    /// `lt_now`: not after now.
    pub fn lt_now(value: Instant, now: Instant) -> Check {
        ensure(value <= now, "timestamp.lt_now", || "must be less than now")
    }

    /// `gt_now`: not before now.
    pub fn gt_now(value: Instant, now: Instant) -> Check {
        ensure(value >= now, "timestamp.gt_now", || {
            "must be greater than now"
        })
    }

    /// `within`: no further than `within` from now.
    pub fn within(value: Instant, now: Instant, within: Instant) -> Check {
        let nanos = |i: Instant| i.seconds as i128 * 1_000_000_000 + i.nanos as i128;
        let (t, n, w) = (nanos(value), nanos(now), nanos(within));
        ensure(t >= n - w && t <= n + w, "timestamp.within", || {
            format!("must be within {} of now", duration_text(within))
        })
    }
}

// ---------------------------------------------------------------------------------------
// Strings.

/// String rules. They are `#[inline]`: called with the schema's constants, a comparison folds
/// into the generated validator (a `const` or an `in` becomes a length test and a fixed-size
/// compare) instead of a cross-crate call and a `memcmp` of run-time length.
pub mod string {
    use super::*;

    /// `const`.
    #[inline]
    pub fn r#const(value: &str, expected: &str) -> Check {
        ensure(value == expected, "string.const", || {
            format!("must equal `{expected}`")
        })
    }

    fn chars(value: &str) -> u64 {
        value.chars().count() as u64
    }

    /// `len`.
    #[inline]
    pub fn len(value: &str, n: u64) -> Check {
        ensure(chars(value) == n, "string.len", || {
            format!("must be {n} characters")
        })
    }

    /// `min_len`.
    #[inline]
    pub fn min_len(value: &str, n: u64) -> Check {
        // Most values are decided without counting: a code point is 1 to 4 bytes.
        let ok = value.len() as u64 / 4 >= n || chars(value) >= n;
        ensure(ok, "string.min_len", || {
            format!("must be at least {n} characters")
        })
    }

    /// `max_len`.
    #[inline]
    pub fn max_len(value: &str, n: u64) -> Check {
        let ok = value.len() as u64 <= n || chars(value) <= n;
        ensure(ok, "string.max_len", || {
            format!("must be at most {n} characters")
        })
    }

    /// `len_bytes`.
    #[inline]
    pub fn len_bytes(value: &str, n: u64) -> Check {
        ensure(value.len() as u64 == n, "string.len_bytes", || {
            format!("must be {n} bytes")
        })
    }

    /// `min_bytes`.
    #[inline]
    pub fn min_bytes(value: &str, n: u64) -> Check {
        ensure(value.len() as u64 >= n, "string.min_bytes", || {
            format!("must be at least {n} bytes")
        })
    }

    /// `max_bytes`.
    #[inline]
    pub fn max_bytes(value: &str, n: u64) -> Check {
        ensure(value.len() as u64 <= n, "string.max_bytes", || {
            format!("must be at most {n} bytes")
        })
    }

    /// `pattern` (RE2 syntax, unanchored).
    #[inline]
    pub fn pattern(value: &str, pattern: &Pattern) -> Check {
        ensure(pattern.is_match(value), "string.pattern", || {
            format!("does not match regex pattern `{}`", pattern.source())
        })
    }

    /// `prefix`.
    #[inline]
    pub fn prefix(value: &str, prefix: &str) -> Check {
        ensure(value.starts_with(prefix), "string.prefix", || {
            format!("does not have prefix `{prefix}`")
        })
    }

    /// `suffix`.
    #[inline]
    pub fn suffix(value: &str, suffix: &str) -> Check {
        ensure(value.ends_with(suffix), "string.suffix", || {
            format!("does not have suffix `{suffix}`")
        })
    }

    /// `contains`.
    #[inline]
    pub fn contains(value: &str, needle: &str) -> Check {
        ensure(value.contains(needle), "string.contains", || {
            format!("does not contain substring `{needle}`")
        })
    }

    /// `not_contains`.
    #[inline]
    pub fn not_contains(value: &str, needle: &str) -> Check {
        ensure(!value.contains(needle), "string.not_contains", || {
            format!("contains substring `{needle}`")
        })
    }

    /// `in`.
    #[inline]
    pub fn r#in(value: &str, list: &[&str]) -> Check {
        ensure(list.contains(&value), "string.in", || {
            format!("must be in list {}", list_text(list, |s| s.to_string()))
        })
    }

    /// `not_in`.
    #[inline]
    pub fn not_in(value: &str, list: &[&str]) -> Check {
        ensure(!list.contains(&value), "string.not_in", || {
            format!("must not be in list {}", list_text(list, |s| s.to_string()))
        })
    }

    /// A well-known format rule of `StringRules`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Format {
        /// `email`.
        Email,
        /// `hostname`.
        Hostname,
        /// `ip`.
        Ip,
        /// `ipv4`.
        Ipv4,
        /// `ipv6`.
        Ipv6,
        /// `uri`.
        Uri,
        /// `uri_ref`.
        UriRef,
        /// `address`: a hostname or an IP address.
        Address,
        /// `uuid`.
        Uuid,
        /// `tuuid`: a UUID without dashes.
        Tuuid,
        /// `ip_with_prefixlen`.
        IpWithPrefixlen,
        /// `ipv4_with_prefixlen`.
        Ipv4WithPrefixlen,
        /// `ipv6_with_prefixlen`.
        Ipv6WithPrefixlen,
        /// `ip_prefix`.
        IpPrefix,
        /// `ipv4_prefix`.
        Ipv4Prefix,
        /// `ipv6_prefix`.
        Ipv6Prefix,
        /// `host_and_port`.
        HostAndPort,
        /// `ulid`.
        Ulid,
        /// `protobuf_fqn`.
        ProtobufFqn,
        /// `protobuf_dot_fqn`.
        ProtobufDotFqn,
        /// `well_known_regex = KNOWN_REGEX_HTTP_HEADER_NAME` (`strict`).
        HeaderName(bool),
        /// `well_known_regex = KNOWN_REGEX_HTTP_HEADER_VALUE` (`strict`).
        HeaderValue(bool),
    }

    impl Format {
        /// The rule id, the id when the value is empty (None: empty is checked like any
        /// value), and the two messages.
        fn wording(
            self,
        ) -> (
            &'static str,
            Option<&'static str>,
            &'static str,
            &'static str,
        ) {
            use Format::*;
            match self {
                Email => (
                    "string.email",
                    Some("string.email_empty"),
                    "must be a valid email address",
                    "value is empty, which is not a valid email address",
                ),
                Hostname => (
                    "string.hostname",
                    Some("string.hostname_empty"),
                    "must be a valid hostname",
                    "value is empty, which is not a valid hostname",
                ),
                Ip => (
                    "string.ip",
                    Some("string.ip_empty"),
                    "must be a valid IP address",
                    "value is empty, which is not a valid IP address",
                ),
                Ipv4 => (
                    "string.ipv4",
                    Some("string.ipv4_empty"),
                    "must be a valid IPv4 address",
                    "value is empty, which is not a valid IPv4 address",
                ),
                Ipv6 => (
                    "string.ipv6",
                    Some("string.ipv6_empty"),
                    "must be a valid IPv6 address",
                    "value is empty, which is not a valid IPv6 address",
                ),
                Uri => (
                    "string.uri",
                    Some("string.uri_empty"),
                    "must be a valid URI",
                    "value is empty, which is not a valid URI",
                ),
                UriRef => ("string.uri_ref", None, "must be a valid URI Reference", ""),
                Address => (
                    "string.address",
                    Some("string.address_empty"),
                    "must be a valid hostname, or ip address",
                    "value is empty, which is not a valid hostname, or ip address",
                ),
                Uuid => (
                    "string.uuid",
                    Some("string.uuid_empty"),
                    "must be a valid UUID",
                    "value is empty, which is not a valid UUID",
                ),
                Tuuid => (
                    "string.tuuid",
                    Some("string.tuuid_empty"),
                    "must be a valid trimmed UUID",
                    "value is empty, which is not a valid trimmed UUID",
                ),
                IpWithPrefixlen => (
                    "string.ip_with_prefixlen",
                    Some("string.ip_with_prefixlen_empty"),
                    "must be a valid IP prefix",
                    "value is empty, which is not a valid IP prefix",
                ),
                Ipv4WithPrefixlen => (
                    "string.ipv4_with_prefixlen",
                    Some("string.ipv4_with_prefixlen_empty"),
                    "must be a valid IPv4 address with prefix length",
                    "value is empty, which is not a valid IPv4 address with prefix length",
                ),
                Ipv6WithPrefixlen => (
                    "string.ipv6_with_prefixlen",
                    Some("string.ipv6_with_prefixlen_empty"),
                    "must be a valid IPv6 address with prefix length",
                    "value is empty, which is not a valid IPv6 address with prefix length",
                ),
                IpPrefix => (
                    "string.ip_prefix",
                    Some("string.ip_prefix_empty"),
                    "must be a valid IP prefix",
                    "value is empty, which is not a valid IP prefix",
                ),
                Ipv4Prefix => (
                    "string.ipv4_prefix",
                    Some("string.ipv4_prefix_empty"),
                    "must be a valid IPv4 prefix",
                    "value is empty, which is not a valid IPv4 prefix",
                ),
                Ipv6Prefix => (
                    "string.ipv6_prefix",
                    Some("string.ipv6_prefix_empty"),
                    "must be a valid IPv6 prefix",
                    "value is empty, which is not a valid IPv6 prefix",
                ),
                HostAndPort => (
                    "string.host_and_port",
                    Some("string.host_and_port_empty"),
                    "must be a valid host (hostname or IP address) and port pair",
                    "value is empty, which is not a valid host and port pair",
                ),
                Ulid => (
                    "string.ulid",
                    Some("string.ulid_empty"),
                    "must be a valid ULID",
                    "value is empty, which is not a valid ULID",
                ),
                ProtobufFqn => (
                    "string.protobuf_fqn",
                    Some("string.protobuf_fqn_empty"),
                    "must be a valid fully-qualified Protobuf name",
                    "value is empty, which is not a valid fully-qualified Protobuf name",
                ),
                ProtobufDotFqn => (
                    "string.protobuf_dot_fqn",
                    Some("string.protobuf_dot_fqn_empty"),
                    "must be a valid fully-qualified Protobuf name with a leading dot",
                    "value is empty, which is not a valid fully-qualified Protobuf name with a leading dot",
                ),
                HeaderName(_) => (
                    "string.well_known_regex.header_name",
                    Some("string.well_known_regex.header_name_empty"),
                    "must be a valid HTTP header name",
                    "value is empty, which is not a valid HTTP header name",
                ),
                HeaderValue(_) => (
                    "string.well_known_regex.header_value",
                    None,
                    "must be a valid HTTP header value",
                    "",
                ),
            }
        }

        /// Whether a non-empty `value` has the format.
        fn matches(self, value: &str) -> bool {
            use Format::*;
            match self {
                Email => is_email(value),
                Hostname => is_hostname(value),
                Ip => is_ip(value, 0),
                Ipv4 => is_ip(value, 4),
                Ipv6 => is_ip(value, 6),
                Uri => is_uri(value),
                UriRef => is_uri_ref(value),
                Address => is_hostname(value) || is_ip(value, 0),
                Uuid => is_uuid(value),
                Tuuid => is_tuuid(value),
                IpWithPrefixlen => is_ip_prefix(value, 0, false),
                Ipv4WithPrefixlen => is_ip_prefix(value, 4, false),
                Ipv6WithPrefixlen => is_ip_prefix(value, 6, false),
                IpPrefix => is_ip_prefix(value, 0, true),
                Ipv4Prefix => is_ip_prefix(value, 4, true),
                Ipv6Prefix => is_ip_prefix(value, 6, true),
                HostAndPort => is_host_and_port(value, true),
                Ulid => is_ulid(value),
                ProtobufFqn => is_protobuf_fqn(value, false),
                ProtobufDotFqn => is_protobuf_fqn(value, true),
                HeaderName(strict) => net::is_header_name(value, strict),
                HeaderValue(strict) => net::is_header_value(value, strict),
            }
        }
    }

    /// A well-known format rule (`email`, `uri`, `well_known_regex`, …).
    pub fn format(value: &str, format: Format) -> Check {
        let (id, empty_id, message, empty_message) = format.wording();
        match empty_id {
            Some(empty_id) if value.is_empty() => Err(Failure::new(empty_id, empty_message)),
            _ => ensure(format.matches(value), id, || message),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Bytes.

/// Bytes rules.
pub mod bytes {
    use super::*;

    /// `const`.
    pub fn r#const(value: &[u8], expected: &[u8]) -> Check {
        ensure(value == expected, "bytes.const", || {
            format!("must be {}", hex(expected))
        })
    }

    /// `len`.
    pub fn len(value: &[u8], n: u64) -> Check {
        ensure(value.len() as u64 == n, "bytes.len", || {
            format!("must be {n} bytes")
        })
    }

    /// `min_len`.
    pub fn min_len(value: &[u8], n: u64) -> Check {
        ensure(value.len() as u64 >= n, "bytes.min_len", || {
            format!("must be at least {n} bytes")
        })
    }

    /// `max_len`.
    pub fn max_len(value: &[u8], n: u64) -> Check {
        ensure(value.len() as u64 <= n, "bytes.max_len", || {
            format!("must be at most {n} bytes")
        })
    }

    /// `pattern`: the bytes as UTF-8 text match (RE2 syntax, unanchored). Bytes that are
    /// not UTF-8 cannot be matched: an evaluation error, as protovalidate reports it.
    pub fn pattern(value: &[u8], pattern: &Pattern) -> Check {
        let Ok(text) = std::str::from_utf8(value) else {
            return Err(Failure::evaluation_error(
                "bytes.pattern",
                "value must be valid UTF-8 to apply regexp",
            ));
        };
        ensure(pattern.is_match(text), "bytes.pattern", || {
            format!("must match regex pattern `{}`", pattern.source())
        })
    }

    /// `prefix`.
    pub fn prefix(value: &[u8], prefix: &[u8]) -> Check {
        ensure(value.starts_with(prefix), "bytes.prefix", || {
            format!("does not have prefix {}", hex(prefix))
        })
    }

    /// `suffix`.
    pub fn suffix(value: &[u8], suffix: &[u8]) -> Check {
        ensure(value.ends_with(suffix), "bytes.suffix", || {
            format!("does not have suffix {}", hex(suffix))
        })
    }

    /// `contains`.
    pub fn contains(value: &[u8], needle: &[u8]) -> Check {
        let ok = needle.is_empty() || value.windows(needle.len()).any(|w| w == needle);
        ensure(ok, "bytes.contains", || {
            format!("does not contain {}", hex(needle))
        })
    }

    fn text(list: &[&[u8]]) -> String {
        list_text(list, |b| String::from_utf8_lossy(b).into_owned())
    }

    /// `in`.
    pub fn r#in(value: &[u8], list: &[&[u8]]) -> Check {
        ensure(list.contains(&value), "bytes.in", || {
            format!("must be in list {}", text(list))
        })
    }

    /// `not_in`.
    pub fn not_in(value: &[u8], list: &[&[u8]]) -> Check {
        ensure(!list.contains(&value), "bytes.not_in", || {
            format!("must not be in list {}", text(list))
        })
    }

    /// `ip`, `ipv4`, `ipv6` and `uuid`: a byte length (`4`, `16`, or either).
    pub fn sized(value: &[u8], format: Sized) -> Check {
        let (id, empty_id, message, empty_message, ok) = match format {
            Sized::Ip => (
                "bytes.ip",
                "bytes.ip_empty",
                "must be a valid IP address",
                "value is empty, which is not a valid IP address",
                value.len() == 4 || value.len() == 16,
            ),
            Sized::Ipv4 => (
                "bytes.ipv4",
                "bytes.ipv4_empty",
                "must be a valid IPv4 address",
                "value is empty, which is not a valid IPv4 address",
                value.len() == 4,
            ),
            Sized::Ipv6 => (
                "bytes.ipv6",
                "bytes.ipv6_empty",
                "must be a valid IPv6 address",
                "value is empty, which is not a valid IPv6 address",
                value.len() == 16,
            ),
            Sized::Uuid => (
                "bytes.uuid",
                "bytes.uuid_empty",
                "must be a valid UUID",
                "value is empty, which is not a valid UUID",
                value.len() == 16,
            ),
        };
        if value.is_empty() {
            Err(Failure::new(empty_id, empty_message))
        } else {
            ensure(ok, id, || message)
        }
    }

    /// The byte-length formats of `BytesRules`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Sized {
        /// `ip`: 4 or 16 bytes.
        Ip,
        /// `ipv4`: 4 bytes.
        Ipv4,
        /// `ipv6`: 16 bytes.
        Ipv6,
        /// `uuid`: 16 bytes.
        Uuid,
    }
}

// ---------------------------------------------------------------------------------------
// Collections, Any, FieldMask.

/// `repeated.min_items`.
pub fn min_items(len: usize, n: u64) -> Check {
    ensure(len as u64 >= n, "repeated.min_items", || {
        format!("must contain at least {n} item(s)")
    })
}

/// `repeated.max_items`.
pub fn max_items(len: usize, n: u64) -> Check {
    ensure(len as u64 <= n, "repeated.max_items", || {
        format!("must contain no more than {n} item(s)")
    })
}

/// `repeated.unique`: no two items are equal (NaN equals nothing).
pub fn unique<T: PartialEq>(items: &[T]) -> Check {
    let ok = items
        .iter()
        .enumerate()
        .all(|(i, a)| !items[..i].iter().any(|b| a == b));
    ensure(ok, "repeated.unique", || {
        "repeated value must contain unique items"
    })
}

/// `map.min_pairs`.
pub fn min_pairs(len: usize, n: u64) -> Check {
    ensure(len as u64 >= n, "map.min_pairs", || {
        format!("map must be at least {n} entries")
    })
}

/// `map.max_pairs`.
pub fn max_pairs(len: usize, n: u64) -> Check {
    ensure(len as u64 <= n, "map.max_pairs", || {
        format!("map must be at most {n} entries")
    })
}

/// `any.in`.
pub fn any_in(type_url: &str, list: &[&str]) -> Check {
    ensure(list.contains(&type_url), "any.in", || {
        "type URL must be in the allow list"
    })
}

/// `any.not_in`.
pub fn any_not_in(type_url: &str, list: &[&str]) -> Check {
    ensure(!list.contains(&type_url), "any.not_in", || {
        "type URL must not be in the block list"
    })
}

/// Field masks.
pub mod field_mask {
    use super::*;

    fn covered(path: &str, list: &[&str]) -> bool {
        list.iter().any(|f| {
            path == *f
                || path
                    .strip_prefix(f)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }

    fn text(list: &[&str]) -> String {
        list_text(list, |s| s.to_string())
    }

    /// `const`: exactly these paths, in this order.
    pub fn r#const(paths: &[String], expected: &[&str]) -> Check {
        let ok = paths.len() == expected.len() && paths.iter().zip(expected).all(|(a, b)| a == b);
        ensure(ok, "field_mask.const", || {
            format!("must equal paths {}", text(expected))
        })
    }

    /// `in`: every path is one of the list or below one.
    pub fn r#in(paths: &[String], list: &[&str]) -> Check {
        ensure(
            paths.iter().all(|p| covered(p, list)),
            "field_mask.in",
            || format!("must only contain paths in {}", text(list)),
        )
    }

    /// `not_in`: no path is one of the list or below one.
    pub fn not_in(paths: &[String], list: &[&str]) -> Check {
        ensure(
            paths.iter().all(|p| !covered(p, list)),
            "field_mask.not_in",
            || format!("must not contain any paths in {}", text(list)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_print_as_cel_does() {
        assert_eq!(double_text(1.0), "1");
        assert_eq!(double_text(1e21), "1000000000000000000000");
        assert_eq!(double_text(-0.0), "-0");
        assert_eq!(0.1f32.text(), "0.10000000149011612");
        assert_eq!(duration_text(Instant::new(-5, -1)), "-5.000000001s");
        assert_eq!(duration_text(Instant::new(0, 500_000_000)), "0.5s");
        assert_eq!(
            timestamp_text(Instant::new(253_402_300_799, 1_000)),
            "9999-12-31T23:59:59.000001Z"
        );
        assert_eq!(
            timestamp_text(Instant::new(-62_135_596_800, 0)),
            "0001-01-01T00:00:00Z"
        );
        assert_eq!(hex(&[0, 0x61, 0xff]), "0061ff");
    }

    #[test]
    fn ranges_word_and_fail_as_protovalidate() {
        let f = range(
            0.75f32,
            Some(Bound::exclusive(1.0)),
            Some(Bound::exclusive(0.5)),
            "float.gt_lt_exclusive",
        )
        .unwrap_err();
        assert_eq!(f.reason, "must be greater than 1 or less than 0.5");
        assert!(range(f64::NAN, Some(Bound::inclusive(0.0)), None, "double.gte").is_err());
        assert!(range(
            5i32,
            Some(Bound::exclusive(1)),
            Some(Bound::exclusive(9)),
            "int32.gt_lt"
        )
        .is_ok());
        assert!(range(
            0.2f32,
            Some(Bound::exclusive(1.0)),
            Some(Bound::exclusive(0.5)),
            "x"
        )
        .is_ok());
    }
}
