//! Bytes rules, worded as PGV's Go template words them (`%v` of a byte slice is `[97 98]`,
//! affixes are printed as `"\x61\x62"`).

use super::format::{byte_str, go_bytes, go_list, go_quote};
use super::{ensure, length_range, Check, Pattern};

/// `len`.
pub fn len(value: &[u8], n: u64) -> Check {
    ensure(value.len() as u64 == n, "bytes.len", || {
        format!("value length must be {n} bytes")
    })
}

/// `min_len` and/or `max_len`.
pub fn len_range(value: &[u8], min: Option<u64>, max: Option<u64>) -> Check {
    length_range(
        value.len() as u64,
        min,
        max,
        ("bytes.min_len", "bytes.max_len"),
        "bytes",
    )
}

/// `prefix`.
pub fn prefix(value: &[u8], prefix: &[u8]) -> Check {
    ensure(value.starts_with(prefix), "bytes.prefix", || {
        format!("value does not have prefix {}", byte_str(prefix))
    })
}

/// `suffix`.
pub fn suffix(value: &[u8], suffix: &[u8]) -> Check {
    ensure(value.ends_with(suffix), "bytes.suffix", || {
        format!("value does not have suffix {}", byte_str(suffix))
    })
}

/// `contains`.
pub fn contains(value: &[u8], needle: &[u8]) -> Check {
    let found = needle.is_empty() || value.windows(needle.len()).any(|w| w == needle);
    ensure(found, "bytes.contains", || {
        format!("value does not contain {}", byte_str(needle))
    })
}

/// `in`.
pub fn r#in(value: &[u8], list: &[&[u8]]) -> Check {
    ensure(list.contains(&value), "bytes.in", || {
        let items: Vec<String> = list.iter().map(|b| go_bytes(b)).collect();
        format!("value must be in list {}", go_list(&items))
    })
}

/// `not_in`.
pub fn not_in(value: &[u8], list: &[&[u8]]) -> Check {
    ensure(!list.contains(&value), "bytes.not_in", || {
        let items: Vec<String> = list.iter().map(|b| go_bytes(b)).collect();
        format!("value must not be in list {}", go_list(&items))
    })
}

/// `const`.
pub fn r#const(value: &[u8], expected: &[u8]) -> Check {
    ensure(value == expected, "bytes.const", || {
        format!("value must equal {}", go_bytes(expected))
    })
}

/// `ip`: 4 or 16 bytes (`net.IP.To16() != nil`).
pub fn ip(value: &[u8]) -> Check {
    ensure(matches!(value.len(), 4 | 16), "bytes.ip", || {
        "value must be a valid IP address"
    })
}

/// `ipv4`: 4 bytes, or 16 bytes of an IPv4-mapped address (`net.IP.To4() != nil`).
pub fn ipv4(value: &[u8]) -> Check {
    ensure(is_v4(value), "bytes.ipv4", || {
        "value must be a valid IPv4 address"
    })
}

/// `ipv6`: 16 bytes that are not an IPv4-mapped address.
pub fn ipv6(value: &[u8]) -> Check {
    ensure(value.len() == 16 && !is_v4(value), "bytes.ipv6", || {
        "value must be a valid IPv6 address"
    })
}

fn is_v4(value: &[u8]) -> bool {
    value.len() == 4
        || (value.len() == 16
            && value[..10].iter().all(|b| *b == 0)
            && value[10] == 0xff
            && value[11] == 0xff)
}

/// `pattern`, matched against the bytes.
pub fn pattern(value: &[u8], pattern: &Pattern) -> Check {
    ensure(pattern.is_match_bytes(value), "bytes.pattern", || {
        format!(
            "value does not match regex pattern {}",
            go_quote(pattern.source())
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_print_bytes_like_go() {
        assert_eq!(
            prefix(b"b", b"a\n").unwrap_err().reason,
            "value does not have prefix \"\\x61\\xA\""
        );
        assert_eq!(
            r#in(b"z", &[b"ab", b"c"]).unwrap_err().reason,
            "value must be in list [[97 98] [99]]"
        );
        assert_eq!(
            r#const(b"z", b"ab").unwrap_err().reason,
            "value must equal [97 98]"
        );
        let mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4];
        assert!(ipv4(&mapped).is_ok() && ipv6(&mapped).is_err() && ip(&mapped).is_ok());
        assert!(ip(&[1, 2, 3]).is_err());
    }
}
