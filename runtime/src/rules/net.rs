//! The well-known string formats as PGV's Go code decides them: Go's `net.ParseIP`
//! (`net/netip` rules), PGV's hostname check, Go's `url.Parse`, and PGV's UUID pattern.

use super::format::go_quote;

/// Go's `net.ParseIP`: the 16 bytes of an IPv4 (dotted decimal, no leading zeros) or IPv6
/// address (no zone), IPv4 mapped into IPv6.
pub fn parse_ip(s: &str) -> Option<[u8; 16]> {
    for b in s.bytes() {
        match b {
            b'.' => {
                let mut v4 = [0u8; 4];
                parse_ipv4_fields(s.as_bytes(), &mut v4)?;
                let mut ip = [0u8; 16];
                ip[10] = 0xff;
                ip[11] = 0xff;
                ip[12..].copy_from_slice(&v4);
                return Some(ip);
            }
            b':' => return parse_ipv6(s),
            b'%' => return None,
            _ => {}
        }
    }
    None
}

/// Whether the 16 bytes are an IPv4 address (`net.IP.To4() != nil`).
pub fn is_v4(ip: &[u8; 16]) -> bool {
    ip[..10].iter().all(|b| *b == 0) && ip[10] == 0xff && ip[11] == 0xff
}

fn parse_ipv4_fields(s: &[u8], out: &mut [u8; 4]) -> Option<()> {
    let (mut val, mut pos, mut digits) = (0u32, 0usize, 0usize);
    for (i, &c) in s.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                if digits == 1 && val == 0 {
                    return None;
                }
                val = val * 10 + (c - b'0') as u32;
                digits += 1;
                if val > 255 {
                    return None;
                }
            }
            b'.' => {
                if i == 0 || i == s.len() - 1 || s[i - 1] == b'.' || pos == 3 {
                    return None;
                }
                out[pos] = val as u8;
                pos += 1;
                val = 0;
                digits = 0;
            }
            _ => return None,
        }
    }
    if pos < 3 {
        return None;
    }
    out[3] = val as u8;
    Some(())
}

fn parse_ipv6(input: &str) -> Option<[u8; 16]> {
    if input.contains('%') {
        // Go's ParseIP rejects zones (`fe80::1%eth0`).
        return None;
    }
    let mut s = input.as_bytes();
    let mut ip = [0u8; 16];
    let mut ellipsis: Option<usize> = None;
    if s.len() >= 2 && s[0] == b':' && s[1] == b':' {
        ellipsis = Some(0);
        s = &s[2..];
        if s.is_empty() {
            return Some(ip);
        }
    }
    let mut i = 0usize;
    while i < 16 {
        let mut off = 0usize;
        let mut acc = 0u32;
        while off < s.len() {
            let d = match s[off] {
                c @ b'0'..=b'9' => c - b'0',
                c @ b'a'..=b'f' => c - b'a' + 10,
                c @ b'A'..=b'F' => c - b'A' + 10,
                _ => break,
            };
            acc = (acc << 4) + d as u32;
            if off > 3 || acc > 0xffff {
                return None;
            }
            off += 1;
        }
        if off == 0 {
            return None;
        }
        if off < s.len() && s[off] == b'.' {
            if (ellipsis.is_none() && i != 12) || i + 4 > 16 {
                return None;
            }
            let mut v4 = [0u8; 4];
            parse_ipv4_fields(s, &mut v4)?;
            ip[i..i + 4].copy_from_slice(&v4);
            s = &[];
            i += 4;
            break;
        }
        ip[i] = (acc >> 8) as u8;
        ip[i + 1] = acc as u8;
        i += 2;
        s = &s[off..];
        if s.is_empty() {
            break;
        }
        if s[0] != b':' || s.len() == 1 {
            return None;
        }
        s = &s[1..];
        if s[0] == b':' {
            if ellipsis.is_some() {
                return None;
            }
            ellipsis = Some(i);
            s = &s[1..];
            if s.is_empty() {
                break;
            }
        }
    }
    if !s.is_empty() {
        return None;
    }
    if i < 16 {
        let e = ellipsis?;
        let n = 16 - i;
        for j in (e..i).rev() {
            ip[j + n] = ip[j];
        }
        ip[e..e + n].fill(0);
    } else if ellipsis.is_some() {
        return None;
    }
    Some(ip)
}

/// PGV's `_validateHostname`: at most 253 bytes, dot-separated labels of 1–63 `[a-z0-9-]`
/// (after Go's lower-casing) that neither start nor end with `-`; one trailing dot allowed.
/// The error is the text PGV's Go code gives as the cause.
pub fn check_hostname(host: &str) -> Result<(), String> {
    if host.len() > 253 {
        return Err("hostname cannot exceed 253 characters".into());
    }
    let trimmed = host.strip_suffix('.').unwrap_or(host);
    for part in trimmed.split('.') {
        // Lengths are of the lower-cased text, which is what Go measures.
        let lower: Vec<char> = part.chars().map(go_simple_lower).collect();
        let len: usize = lower.iter().map(|c| c.len_utf8()).sum();
        if len == 0 || len > 63 {
            return Err("hostname part must be non-empty and cannot exceed 63 characters".into());
        }
        if lower[0] == '-' {
            return Err("hostname parts cannot begin with hyphens".into());
        }
        if lower[lower.len() - 1] == '-' {
            return Err("hostname parts cannot end with hyphens".into());
        }
        if let Some(c) = lower
            .iter()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || **c == '-'))
        {
            return Err(format!(
                "hostname parts can only contain alphanumeric characters or hyphens, got {}",
                go_quote(&c.to_string())
            ));
        }
    }
    Ok(())
}

/// Whether PGV accepts `host` as a hostname.
pub fn is_hostname(host: &str) -> bool {
    check_hostname(host).is_ok()
}

/// Go's `unicode.ToLower` (simple case mapping) for the characters that matter here: the two
/// non-ASCII letters that lower-case to ASCII, and everything else as Rust maps it when the
/// mapping is a single character.
fn go_simple_lower(c: char) -> char {
    match c {
        '\u{212A}' => 'k',
        '\u{0130}' => 'i',
        c => {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => c,
            }
        }
    }
}

/// PGV's UUID pattern: `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Go's `url.Parse`: whether the URL has a scheme, or Go's error text (`parse "…": …`).
pub fn parse_url(raw: &str) -> Result<bool, String> {
    let (rest, fragment) = match raw.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (raw, None),
    };
    let has_scheme =
        parse_url_no_fragment(rest).map_err(|e| format!("parse {}: {e}", go_quote(rest)))?;
    if let Some(f) = fragment {
        unescape(f, Mode::Other).map_err(|e| format!("parse {}: {e}", go_quote(raw)))?;
    }
    Ok(has_scheme)
}

fn parse_url_no_fragment(raw: &str) -> Result<bool, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    if raw == "*" {
        return Ok(false);
    }
    let (scheme, rest) = scheme(raw).ok_or("missing protocol scheme")?;
    let rest = if rest.ends_with('?') && rest.matches('?').count() == 1 {
        &rest[..rest.len() - 1]
    } else {
        rest.split_once('?').map_or(rest, |(p, _)| p)
    };
    if !rest.starts_with('/') {
        if !scheme.is_empty() {
            return Ok(true);
        }
        let segment = rest.split('/').next().unwrap_or("");
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    let mut path = rest;
    if (!scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let authority_and_path = &rest[2..];
        let (authority, p) = match authority_and_path.find('/') {
            Some(i) => (&authority_and_path[..i], &authority_and_path[i..]),
            None => (authority_and_path, ""),
        };
        parse_authority(authority)?;
        path = p;
    }
    unescape(path, Mode::Other)?;
    Ok(!scheme.is_empty())
}

fn scheme(raw: &str) -> Option<(&str, &str)> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return None,
            b':' => return Some((&raw[..i], &raw[i + 1..])),
            _ => return Some(("", raw)),
        }
    }
    Some(("", raw))
}

fn parse_authority(authority: &str) -> Result<(), String> {
    let (userinfo, host) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    parse_host(host)?;
    if let Some(user) = userinfo {
        let valid = user.chars().all(|r| {
            r.is_ascii_alphanumeric()
                || matches!(
                    r,
                    '-' | '.'
                        | '_'
                        | ':'
                        | '~'
                        | '!'
                        | '$'
                        | '&'
                        | '\''
                        | '('
                        | ')'
                        | '*'
                        | '+'
                        | ','
                        | ';'
                        | '='
                        | '%'
                        | '@'
                )
        });
        if !valid {
            return Err("net/url: invalid userinfo".into());
        }
        for part in user.splitn(2, ':') {
            unescape(part, Mode::Other)?;
        }
    }
    Ok(())
}

fn parse_host(host: &str) -> Result<(), String> {
    if host.starts_with('[') {
        let i = host.rfind(']').ok_or("missing ']' in host")?;
        let port = &host[i + 1..];
        if !valid_optional_port(port) {
            return Err(format!("invalid port {} after host", go_quote(port)));
        }
        if let Some(zone) = host[..i].find("%25") {
            unescape(&host[..zone], Mode::Host)?;
            unescape(&host[zone..i], Mode::Zone)?;
            return unescape(&host[i..], Mode::Host);
        }
    } else if let Some(i) = host.rfind(':') {
        let port = &host[i..];
        if !valid_optional_port(port) {
            return Err(format!("invalid port {} after host", go_quote(port)));
        }
    }
    unescape(host, Mode::Host)
}

fn valid_optional_port(port: &str) -> bool {
    port.is_empty() || (port.starts_with(':') && port[1..].bytes().all(|b| b.is_ascii_digit()))
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Host,
    Zone,
    Other,
}

/// Go's `unescape` error checks: well-formed `%XX`, and the host rules for hosts and zones.
fn unescape(s: &str, mode: Mode) -> Result<(), String> {
    let b = s.as_bytes();
    let escape_error = |from: usize, to: usize| {
        let end = to.min(b.len());
        format!(
            "invalid URL escape {}",
            go_quote(&String::from_utf8_lossy(&b[from..end]))
        )
    };
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                if i + 2 >= b.len()
                    || !b[i + 1].is_ascii_hexdigit()
                    || !b[i + 2].is_ascii_hexdigit()
                {
                    return Err(escape_error(i, i + 3));
                }
                let v = (hex(b[i + 1]) << 4) | hex(b[i + 2]);
                let is_25 = &b[i..i + 3] == b"%25";
                if mode == Mode::Host && hex(b[i + 1]) < 8 && !is_25 {
                    return Err(escape_error(i, i + 3));
                }
                if mode == Mode::Zone && !is_25 && v != b' ' && should_escape_host(v) {
                    return Err(escape_error(i, i + 3));
                }
                i += 3;
            }
            c => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape_host(c) {
                    return Err(format!(
                        "invalid character {} in host name",
                        go_quote(&(c as char).to_string())
                    ));
                }
                i += 1;
            }
        }
    }
    Ok(())
}

fn hex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

/// Go's `shouldEscape(c, encodeHost)`.
fn should_escape_host(c: u8) -> bool {
    !(c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
                | b'-'
                | b'_'
                | b'.'
                | b'~'
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_parsing_follows_go() {
        assert!(parse_ip("1.2.3.4").is_some_and(|ip| is_v4(&ip)));
        assert!(parse_ip("01.2.3.4").is_none(), "leading zeros");
        assert!(parse_ip("256.1.1.1").is_none());
        assert!(parse_ip("1.2.3").is_none());
        assert!(parse_ip("::1").is_some_and(|ip| !is_v4(&ip)));
        assert!(parse_ip("::").is_some());
        assert!(parse_ip("::ffff:1.2.3.4").is_some_and(|ip| is_v4(&ip)));
        assert!(parse_ip("fe80::1%eth0").is_none(), "zones");
        assert!(parse_ip("1:2:3:4:5:6:7:8").is_some());
        assert!(parse_ip("1:2:3:4:5:6:7:8:9").is_none());
        assert!(parse_ip("1::2::3").is_none());
        assert!(parse_ip("12345::").is_none());
        assert!(parse_ip("1:2:3:4:5:6:1.2.3.4").is_some());
        assert!(parse_ip("1:2:3:4:5:6:7::").is_some());
        assert!(parse_ip("1:2:3:4:5:6:7:8::").is_none());
        assert!(parse_ip("").is_none());
    }

    #[test]
    fn hostnames_follow_pgv() {
        assert!(is_hostname("example.com"));
        assert!(is_hostname("Example.COM."));
        assert!(!is_hostname("-a.com"));
        assert!(!is_hostname("a..com"));
        assert!(!is_hostname(""));
        assert!(!is_hostname("é.com"));
        assert!(
            is_hostname("\u{212A}.com"),
            "Go lower-cases the Kelvin sign to k"
        );
        assert!(!is_hostname(&format!("{}.com", "a".repeat(64))));
    }

    #[test]
    fn urls_follow_go() {
        assert_eq!(parse_url("https://example.com/a?b#c"), Ok(true));
        assert_eq!(parse_url("/relative"), Ok(false));
        assert_eq!(parse_url("a:b"), Ok(true));
        assert_eq!(
            parse_url(":foo").unwrap_err(),
            "parse \":foo\": missing protocol scheme"
        );
        assert_eq!(
            parse_url("1a:b/c").unwrap_err(),
            "parse \"1a:b/c\": first path segment in URL cannot contain colon"
        );
        assert_eq!(
            parse_url("http://a b.com").unwrap_err(),
            "parse \"http://a b.com\": invalid character \" \" in host name"
        );
        assert_eq!(parse_url("http://[::1]:80/"), Ok(true));
        assert_eq!(
            parse_url("http://host:port/").unwrap_err(),
            "parse \"http://host:port/\": invalid port \":port\" after host"
        );
        assert_eq!(
            parse_url("%zz").unwrap_err(),
            "parse \"%zz\": invalid URL escape \"%zz\""
        );
        assert!(parse_url("a\nb").is_err());
    }

    #[test]
    fn uuids_are_hyphenated() {
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(!is_uuid("123e4567e89b12d3a456426614174000"));
        assert!(!is_uuid("{123e4567-e89b-12d3-a456-426614174000}"));
    }
}
