//! protovalidate's `isUri` and `isUriRef`: RFC 3986 syntax, strictly (ASCII only, every `%`
//! followed by two hex digits), with RFC 6874 zones (`[fe80::1%25eth0]`).

use std::net::Ipv6Addr;

/// `URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]`.
pub fn is_uri(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    is_scheme(scheme) && relative_part(rest, false)
}

/// `URI-reference = URI / relative-ref`.
pub fn is_uri_ref(value: &str) -> bool {
    is_uri(value) || relative_part(value, true)
}

/// `hier-part [ "?" query ] [ "#" fragment ]`, or `relative-part …` when `relative` (the
/// first segment of a path without authority then holds no `:`).
fn relative_part(value: &str, relative: bool) -> bool {
    let (value, fragment) = match value.split_once('#') {
        Some((v, f)) => (v, Some(f)),
        None => (value, None),
    };
    let (value, query) = match value.split_once('?') {
        Some((v, q)) => (v, Some(q)),
        None => (value, None),
    };
    let query_ok =
        |q: Option<&str>| q.is_none_or(|q| chars_ok(q, |c| is_pchar(c) || c == b'/' || c == b'?'));
    if !query_ok(query) || !query_ok(fragment) {
        return false;
    }
    if let Some(rest) = value.strip_prefix("//") {
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        return is_authority(authority) && is_path(path);
    }
    if relative {
        let first = value.split('/').next().unwrap_or_default();
        if first.contains(':') {
            return false;
        }
    }
    is_path(value)
}

/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphabetic()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
}

/// `authority = [ userinfo "@" ] host [ ":" port ]`.
fn is_authority(a: &str) -> bool {
    let (userinfo, hostport) = match a.split_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, a),
    };
    if let Some(u) = userinfo {
        if !chars_ok(u, |c| is_unreserved(c) || is_sub_delim(c) || c == b':') {
            return false;
        }
    }
    let (host_ok, port) = if let Some(rest) = hostport.strip_prefix('[') {
        let Some(end) = rest.find(']') else {
            return false;
        };
        let after = &rest[end + 1..];
        let port = match after {
            "" => "",
            _ => match after.strip_prefix(':') {
                Some(p) => p,
                None => return false,
            },
        };
        (is_ip_literal(&rest[..end]), port)
    } else {
        let (host, port) = hostport.split_once(':').unwrap_or((hostport, ""));
        (is_reg_name(host), port)
    };
    host_ok && port.bytes().all(|c| c.is_ascii_digit())
}

/// `reg-name = *( unreserved / pct-encoded / sub-delims )` (IPv4 addresses are reg-names too),
/// whose percent-decoded octets are UTF-8.
fn is_reg_name(host: &str) -> bool {
    chars_ok(host, |c| is_unreserved(c) || is_sub_delim(c)) && decodes_to_utf8(host)
}

/// The inside of `[...]`: `IPv6address`, `IPv6address "%25" ZoneID`, or `IPvFuture`.
fn is_ip_literal(s: &str) -> bool {
    if let Some(rest) = s.strip_prefix(['v', 'V']) {
        let Some((hex, tail)) = rest.split_once('.') else {
            return false;
        };
        return !hex.is_empty()
            && hex.bytes().all(|c| c.is_ascii_hexdigit())
            && !tail.is_empty()
            && tail
                .bytes()
                .all(|c| is_unreserved(c) || is_sub_delim(c) || c == b':');
    }
    let (addr, zone) = match s.split_once("%25") {
        Some((a, z)) => (a, Some(z)),
        None => (s, None),
    };
    if let Some(z) = zone {
        // `ZoneID = 1*( unreserved / pct-encoded )`, whose decoded octets are UTF-8 (as a
        // reg-name's are).
        if z.is_empty() || !chars_ok(z, is_unreserved) || !decodes_to_utf8(z) {
            return false;
        }
    }
    addr.parse::<Ipv6Addr>().is_ok()
}

/// A path: segments of `pchar` separated by `/`.
fn is_path(p: &str) -> bool {
    chars_ok(p, |c| is_pchar(c) || c == b'/')
}

/// Every byte is allowed by `ok`, or starts a `%XX` escape.
fn chars_ok(s: &str, ok: impl Fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return false;
            }
            i += 3;
        } else if ok(b[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// Whether the percent-decoded text is UTF-8.
fn decodes_to_utf8(s: &str) -> bool {
    if !s.contains('%') {
        return true;
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let digit = |j: usize| b.get(j).and_then(|c| (*c as char).to_digit(16));
            match (digit(i + 1), digit(i + 2)) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => return false,
            }
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    std::str::from_utf8(&out).is_ok()
}

fn is_unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
}

fn is_sub_delim(c: u8) -> bool {
    matches!(
        c,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

fn is_pchar(c: u8) -> bool {
    is_unreserved(c) || is_sub_delim(c) || c == b':' || c == b'@'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert!(is_uri("https://example.com/a/b?c=d#e"));
        assert!(is_uri("urn:isbn:0451450523"));
        assert!(is_uri("http://[fe80::1%25eth0]:80/"));
        assert!(is_uri("http://[v1.x]/"));
        assert!(is_uri("https://[::1%25foo%c3%96]"));
        assert!(
            !is_uri("https://[::1%25foo%c3x%96]"),
            "a zone that is not UTF-8"
        );
        assert!(!is_uri("http://exa mple.com"));
        assert!(!is_uri("http://%zz"));
        assert!(!is_uri("http://a%"));
        assert!(!is_uri("/relative"));
        assert!(!is_uri("1http://a"));
        assert!(!is_uri("http://a:b/"));
        assert!(!is_uri("http://a/\u{e9}"));
        assert!(is_uri_ref("/relative?x#y"));
        assert!(is_uri_ref(""));
        assert!(!is_uri_ref("a:b:c\\"));
        assert!(!is_uri_ref("\\"));
        assert!(is_uri_ref("./a:b"));
        assert!(!is_uri_ref("%1"));
    }
}
