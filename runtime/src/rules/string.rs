//! String rules. Lengths count Unicode code points (Go's runes), `*_bytes` count UTF-8 bytes.

use super::format::{go_list, go_quote};
use super::mail::check_email;
use super::net::{check_hostname, is_uuid, is_v4, parse_ip, parse_url};
use super::{ensure, length_range, Check, Failure, Pattern};

/// `const`.
pub fn r#const(value: &str, expected: &str) -> Check {
    ensure(value == expected, "string.const", || {
        format!("value must equal {expected}")
    })
}

/// `in`.
pub fn r#in(value: &str, list: &[&str]) -> Check {
    ensure(list.contains(&value), "string.in", || {
        format!("value must be in list {}", go_list(list))
    })
}

/// `not_in`.
pub fn not_in(value: &str, list: &[&str]) -> Check {
    ensure(!list.contains(&value), "string.not_in", || {
        format!("value must not be in list {}", go_list(list))
    })
}

/// `len`: exactly `n` code points.
pub fn len(value: &str, n: u64) -> Check {
    ensure(value.chars().count() as u64 == n, "string.len", || {
        format!("value length must be {n} runes")
    })
}

/// `min_len` and/or `max_len`, checked together as PGV does.
#[inline]
pub fn len_range(value: &str, min: Option<u64>, max: Option<u64>) -> Check {
    // Every code point is at least one byte and at most four: most values are decided
    // without counting.
    let bytes = value.len() as u64;
    let sure_min = min.is_none_or(|m| bytes / 4 >= m);
    let sure_max = max.is_none_or(|m| bytes <= m);
    if sure_min && sure_max {
        return Ok(());
    }
    let n = value.chars().count() as u64;
    length_range(n, min, max, ("string.min_len", "string.max_len"), "runes")
}

/// `len_bytes`.
pub fn len_bytes(value: &str, n: u64) -> Check {
    ensure(value.len() as u64 == n, "string.len_bytes", || {
        format!("value length must be {n} bytes")
    })
}

/// `min_bytes` and/or `max_bytes`.
pub fn bytes_range(value: &str, min: Option<u64>, max: Option<u64>) -> Check {
    length_range(
        value.len() as u64,
        min,
        max,
        ("string.min_bytes", "string.max_bytes"),
        "bytes",
    )
}

/// `prefix`.
pub fn prefix(value: &str, prefix: &str) -> Check {
    ensure(value.starts_with(prefix), "string.prefix", || {
        format!("value does not have prefix {}", go_quote(prefix))
    })
}

/// `suffix`.
pub fn suffix(value: &str, suffix: &str) -> Check {
    ensure(value.ends_with(suffix), "string.suffix", || {
        format!("value does not have suffix {}", go_quote(suffix))
    })
}

/// `contains`.
pub fn contains(value: &str, needle: &str) -> Check {
    ensure(value.contains(needle), "string.contains", || {
        format!("value does not contain substring {}", go_quote(needle))
    })
}

/// `not_contains`.
pub fn not_contains(value: &str, needle: &str) -> Check {
    ensure(!value.contains(needle), "string.not_contains", || {
        format!("value contains substring {}", go_quote(needle))
    })
}

/// `pattern` (RE2 syntax, unanchored).
pub fn pattern(value: &str, pattern: &Pattern) -> Check {
    ensure(pattern.is_match(value), "string.pattern", || {
        format!(
            "value does not match regex pattern {}",
            go_quote(pattern.source())
        )
    })
}

/// `ip`: Go's `net.ParseIP`.
pub fn ip(value: &str) -> Check {
    ensure(parse_ip(value).is_some(), "string.ip", || {
        "value must be a valid IP address"
    })
}

/// `ipv4`: parses and is IPv4 (which includes IPv4-mapped IPv6, as in Go).
pub fn ipv4(value: &str) -> Check {
    ensure(
        parse_ip(value).is_some_and(|ip| is_v4(&ip)),
        "string.ipv4",
        || "value must be a valid IPv4 address",
    )
}

/// `ipv6`: parses and is not IPv4 (so IPv4-mapped IPv6 is rejected, as in Go).
pub fn ipv6(value: &str) -> Check {
    ensure(
        parse_ip(value).is_some_and(|ip| !is_v4(&ip)),
        "string.ipv6",
        || "value must be a valid IPv6 address",
    )
}

/// `email`: Go's `net/mail` address syntax, at most 254 bytes, local part at most 64, and a
/// valid hostname.
pub fn email(value: &str) -> Check {
    check_email(value)
        .map_err(|e| Failure::caused("string.email", "value must be a valid email address", &e))
}

/// `hostname`.
pub fn hostname(value: &str) -> Check {
    check_hostname(value)
        .map_err(|e| Failure::caused("string.hostname", "value must be a valid hostname", &e))
}

/// `address`: a hostname or an IP address.
pub fn address(value: &str) -> Check {
    ensure(
        check_hostname(value).is_ok() || parse_ip(value).is_some(),
        "string.address",
        || "value must be a valid hostname, or ip address",
    )
}

/// `uri`: Go's `url.Parse`, and absolute.
pub fn uri(value: &str) -> Check {
    match parse_url(value) {
        Err(e) => Err(Failure::caused(
            "string.uri",
            "value must be a valid URI",
            &e,
        )),
        Ok(false) => Err(Failure::new("string.uri", "value must be absolute")),
        Ok(true) => Ok(()),
    }
}

/// `uri_ref`: Go's `url.Parse`.
pub fn uri_ref(value: &str) -> Check {
    parse_url(value)
        .map(|_| ())
        .map_err(|e| Failure::caused("string.uri_ref", "value must be a valid URI", &e))
}

/// `uuid`: the hyphenated 8-4-4-4-12 form, any case.
pub fn uuid(value: &str) -> Check {
    if is_uuid(value) {
        Ok(())
    } else {
        Err(Failure::caused(
            "string.uuid",
            "value must be a valid UUID",
            "invalid uuid format",
        ))
    }
}

/// PGV's `well_known_regex` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KnownRegex {
    /// `HTTP_HEADER_NAME` (RFC 7230 token, optional leading `:`).
    HttpHeaderName,
    /// `HTTP_HEADER_VALUE` (no control characters but tab).
    HttpHeaderValue,
}

/// The pattern PGV substitutes for a well-known regex; `strict: false` relaxes both to "no
/// NUL, CR or LF". The patterns hold the control characters themselves, as PGV's Go strings
/// do, so the message quotes them the same way.
pub fn known_regex_pattern(kind: KnownRegex, strict: bool) -> &'static Pattern {
    static NAME: Pattern = Pattern::new("^:?[0-9a-zA-Z!#$%&'*+-.^_|~`]+$");
    static VALUE: Pattern = Pattern::new("^[^\u{0}-\u{8}\u{a}-\u{1f}\u{7f}]*$");
    static LOOSE: Pattern = Pattern::new("^[^\u{0}\u{a}\u{d}]*$");
    match (kind, strict) {
        (KnownRegex::HttpHeaderName, true) => &NAME,
        (KnownRegex::HttpHeaderValue, true) => &VALUE,
        (_, false) => &LOOSE,
    }
}

/// `well_known_regex` (with `strict`, which defaults to true).
pub fn well_known_regex(value: &str, kind: KnownRegex, strict: bool) -> Check {
    pattern(value, known_regex_pattern(kind, strict)).map_err(|f| Failure {
        rule: "string.well_known_regex",
        ..f
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_code_points() {
        let v = len_range("", Some(1), Some(200)).unwrap_err();
        assert_eq!(
            v.reason,
            "value length must be between 1 and 200 runes, inclusive"
        );
        assert_eq!(v.rule, "string.min_len");
        assert_eq!(
            len_range(&"é".repeat(201), Some(1), Some(200))
                .unwrap_err()
                .rule,
            "string.max_len"
        );
        assert!(len_range(&"é".repeat(200), Some(1), Some(200)).is_ok());
        assert!(len_range("👍🏽", Some(2), Some(2)).is_ok(), "two code points");
        assert_eq!(
            len_range("abcd", Some(3), Some(3)).unwrap_err().reason,
            "value length must be 3 runes"
        );
    }

    #[test]
    fn affixes_are_go_quoted() {
        assert_eq!(
            prefix("41791234567", "+").unwrap_err().reason,
            "value does not have prefix \"+\""
        );
        assert_eq!(
            r#in("c", &["a", "b"]).unwrap_err().reason,
            "value must be in list [a b]"
        );
    }

    #[test]
    fn well_known_formats_word_their_causes() {
        assert_eq!(
            hostname("-a").unwrap_err().reason,
            "value must be a valid hostname | caused by: hostname parts cannot begin with hyphens"
        );
        assert_eq!(
            uuid("x").unwrap_err().reason,
            "value must be a valid UUID | caused by: invalid uuid format"
        );
        assert_eq!(uri("/a").unwrap_err().reason, "value must be absolute");
        assert!(ipv4("::ffff:1.2.3.4").is_ok());
        assert!(ipv6("::ffff:1.2.3.4").is_err());
        assert!(address("1.2.3.4").is_ok() && address("a.b").is_ok() && address("-").is_err());
        assert_eq!(
            well_known_regex("a\nb", KnownRegex::HttpHeaderValue, false)
                .unwrap_err()
                .reason,
            "value does not match regex pattern \"^[^\\x00\\n\\r]*$\""
        );
        assert!(well_known_regex("X-Foo", KnownRegex::HttpHeaderName, true).is_ok());
        assert!(well_known_regex("X Foo", KnownRegex::HttpHeaderName, true).is_err());
    }
}
