//! protovalidate's format checks for hosts, addresses, identifiers and HTTP headers. They are
//! stricter than PGV's (Go's `net` parsers): no leading zeros in IPv4 octets, zones allowed in
//! IPv6 addresses, the WHATWG e-mail syntax.

use std::net::{Ipv4Addr, Ipv6Addr};

/// `isEmail`: the WHATWG HTML e-mail syntax: `local@domain`, the local part from
/// ``[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]``, the domain dot-separated labels of 1–63 letters, digits
/// and inner hyphens.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&c))
        && domain.split('.').all(is_label)
}

/// A DNS label: 1–63 ASCII letters, digits and hyphens, not starting or ending with a hyphen.
fn is_label(label: &str) -> bool {
    let b = label.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// `isHostname`: at most 253 characters, an optional trailing dot, labels as [`is_label`],
/// and a last label that is not all digits.
pub fn is_hostname(value: &str) -> bool {
    if value.len() > 253 {
        return false;
    }
    let host = value.strip_suffix('.').unwrap_or(value);
    let mut last_all_digits = false;
    for label in host.split('.') {
        if !is_label(label) {
            return false;
        }
        last_all_digits = label.bytes().all(|c| c.is_ascii_digit());
    }
    !last_all_digits
}

/// `isIp(version)`: `4` dotted decimal without leading zeros, `6` RFC 4291 text with an
/// optional `%zone`, `0` either.
pub fn is_ip(value: &str, version: u8) -> bool {
    match version {
        4 => is_ipv4(value),
        6 => is_ipv6(value, true),
        _ => is_ipv4(value) || is_ipv6(value, true),
    }
}

fn is_ipv4(value: &str) -> bool {
    // The standard parser takes exactly four decimal octets without leading zeros.
    value.parse::<Ipv4Addr>().is_ok()
}

fn is_ipv6(value: &str, zone_allowed: bool) -> bool {
    let addr = match value.split_once('%') {
        Some((addr, zone)) => {
            // A zone is any non-empty text without a NUL character.
            if !zone_allowed || zone.is_empty() || zone.contains('\0') {
                return false;
            }
            addr
        }
        None => value,
    };
    addr.parse::<Ipv6Addr>().is_ok()
}

/// `isIpPrefix(version, strict)`: `address/length` with a decimal length (no leading zeros)
/// within the address size; `strict`: the host bits are zero.
pub fn is_ip_prefix(value: &str, version: u8, strict: bool) -> bool {
    let Some((addr, len)) = value.split_once('/') else {
        return false;
    };
    if len.is_empty()
        || len.len() > 3
        || !len.bytes().all(|c| c.is_ascii_digit())
        || (len.len() > 1 && len.starts_with('0'))
    {
        return false;
    }
    let Ok(bits) = len.parse::<u32>() else {
        return false;
    };
    let v4 = || {
        let ip = addr.parse::<Ipv4Addr>().ok()?;
        if bits > 32 {
            return None;
        }
        let n = u32::from(ip);
        let host = if bits == 32 { 0 } else { u32::MAX >> bits };
        Some(!strict || n & host == 0)
    };
    let v6 = || {
        if !is_ipv6(addr, false) {
            return None;
        }
        let ip = addr.parse::<Ipv6Addr>().ok()?;
        if bits > 128 {
            return None;
        }
        let n = u128::from(ip);
        let host = if bits == 128 { 0 } else { u128::MAX >> bits };
        Some(!strict || n & host == 0)
    };
    let result = match version {
        4 => v4(),
        6 => v6(),
        _ => v4().or_else(v6),
    };
    result.unwrap_or(false)
}

/// `isHostAndPort(port_required)`: `host:port`, the host a hostname, an IPv4 address or a
/// bracketed IPv6 address.
pub fn is_host_and_port(value: &str, port_required: bool) -> bool {
    if value.is_empty() {
        return false;
    }
    let split = value.rfind(':');
    if let Some(rest) = value.strip_prefix('[') {
        let Some(end) = rest.rfind(']') else {
            return false;
        };
        let host = &rest[..end];
        let after = &rest[end + 1..];
        return if after.is_empty() {
            !port_required && is_ip(host, 6)
        } else if let Some(port) = after.strip_prefix(':') {
            is_ip(host, 6) && is_port(port)
        } else {
            false
        };
    }
    match split {
        None => !port_required && (is_hostname(value) || is_ip(value, 4)),
        Some(i) => {
            let (host, port) = (&value[..i], &value[i + 1..]);
            (is_hostname(host) || is_ip(host, 4)) && is_port(port)
        }
    }
}

/// A port: decimal 0–65535 without leading zeros.
fn is_port(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 5
        && value.bytes().all(|c| c.is_ascii_digit())
        && !(value.len() > 1 && value.starts_with('0'))
        && value.parse::<u32>().is_ok_and(|p| p <= 65_535)
}

/// `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`.
pub fn is_uuid(value: &str) -> bool {
    value.len() == 36
        && value.bytes().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `^[0-9a-fA-F]{32}$`.
pub fn is_tuuid(value: &str) -> bool {
    value.len() == 32 && value.bytes().all(|c| c.is_ascii_hexdigit())
}

/// `^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$` (Crockford base32).
pub fn is_ulid(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 26
        && (b'0'..=b'7').contains(&b[0])
        && b[1..].iter().all(|c| {
            c.is_ascii_alphanumeric()
                && !matches!(c.to_ascii_uppercase(), b'I' | b'L' | b'O' | b'U')
        })
}

/// `^[A-Za-z_][A-Za-z_0-9]*(\.[A-Za-z_][A-Za-z_0-9]*)*$`, with a leading dot when `dot`.
pub fn is_protobuf_fqn(value: &str, dot: bool) -> bool {
    let name = if dot {
        match value.strip_prefix('.') {
            Some(n) => n,
            None => return false,
        }
    } else {
        value
    };
    name.split('.').all(|part| {
        let b = part.as_bytes();
        !b.is_empty()
            && (b[0].is_ascii_alphabetic() || b[0] == b'_')
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
    })
}

/// `well_known_regex = KNOWN_REGEX_HTTP_HEADER_NAME`: strict
/// ``^:?[0-9a-zA-Z!#$%&'*+-.^_|~`]+$`` (`+-.` is a range, so `,` is allowed), else
/// `^[^\0\n\r]+$`.
pub fn is_header_name(value: &str, strict: bool) -> bool {
    if strict {
        let name = value.strip_prefix(':').unwrap_or(value);
        !name.is_empty()
            && name.bytes().all(|c| {
                c.is_ascii_alphanumeric()
                    || b"!#$%&'*^_|~`".contains(&c)
                    || (b'+'..=b'.').contains(&c)
            })
    } else {
        !value.is_empty() && !value.contains(['\0', '\n', '\r'])
    }
}

/// `well_known_regex = KNOWN_REGEX_HTTP_HEADER_VALUE`: strict
/// `^[^\x00-\x08\x0A-\x1F\x7F]*$`, else `^[^\0\n\r]*$`.
pub fn is_header_value(value: &str, strict: bool) -> bool {
    if strict {
        !value
            .chars()
            .any(|c| matches!(c, '\0'..='\u{8}' | '\u{a}'..='\u{1f}' | '\u{7f}'))
    } else {
        !value.contains(['\0', '\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert!(is_ip("1.2.3.4", 4));
        assert!(!is_ip("01.2.3.4", 4));
        assert!(is_ip("fe80::1%eth0", 6));
        assert!(!is_ip("fe80::1%", 6));
        // Any zone text but one with a NUL (found by the differential test against protovalidate).
        assert!(is_ip("9::%A%c", 6));
        assert!(!is_ip("9::%A\0c", 6));
        assert!(is_ip("::ffff:1.2.3.4", 6));
        assert!(!is_ip("::ffff:1.2.3.4", 4));
        assert!(is_ip_prefix("10.0.0.0/8", 4, true));
        assert!(!is_ip_prefix("10.0.0.1/8", 4, true));
        assert!(is_ip_prefix("10.0.0.1/8", 4, false));
        assert!(!is_ip_prefix("10.0.0.0/08", 4, false));
        assert!(is_host_and_port("example.com:80", true));
        assert!(is_host_and_port("[::1]:443", true));
        assert!(!is_host_and_port("example.com", true));
        assert!(!is_host_and_port("example.com:080", true));
    }

    #[test]
    fn names() {
        assert!(is_hostname("example.com."));
        assert!(!is_hostname("example.123"));
        assert!(!is_hostname("-a.com"));
        assert!(is_email("a.b+c@example.com"));
        assert!(!is_email("a@b@c"));
        assert!(!is_email("a@-b.com"));
        assert!(is_ulid("01ARZ3NDEKTSV4RRFFQ69G5FAV"));
        assert!(!is_ulid("81ARZ3NDEKTSV4RRFFQ69G5FAV"));
        assert!(is_protobuf_fqn("a.b_c.D1", false));
        assert!(!is_protobuf_fqn("a..b", false));
        assert!(is_header_name("x-a,b", true));
        assert!(!is_header_name(":", true));
    }
}
