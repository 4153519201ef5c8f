//! PGV's email rule: Go's `net/mail.ParseAddress` (RFC 5322 with display names, comments and
//! groups of one), then length limits and PGV's hostname check on the domain. Errors carry the
//! text Go's code gives, which PGV appends to its message as the cause.

use super::format::go_quote;
use super::net::{check_hostname, parse_ip};

type Parsed<T> = Result<T, String>;

/// PGV's `_validateEmail`.
pub fn check_email(input: &str) -> Result<(), String> {
    let addr = parse_address(input)?;
    if addr.len() > 254 {
        return Err("email addresses cannot exceed 254 characters".into());
    }
    let (local, domain) = addr.split_once('@').unwrap_or((&addr, ""));
    if local.len() > 64 {
        return Err("email address local phrase cannot exceed 64 characters".into());
    }
    check_hostname(domain)
}

/// Whether PGV accepts `input` as an email address.
pub fn is_email(input: &str) -> bool {
    check_email(input).is_ok()
}

/// Go's `mail.ParseAddress(...).Address`.
fn parse_address(input: &str) -> Parsed<String> {
    let mut p = Parser { s: input };
    let mut addrs = p.parse_address(true)?;
    if !p.skip_cfws() {
        return Err("mail: misformatted parenthetical comment".into());
    }
    if !p.s.is_empty() {
        return Err(format!(
            "mail: expected single address, got {}",
            go_quote(p.s)
        ));
    }
    match addrs.len() {
        0 => Err("mail: empty group".into()),
        1 => Ok(addrs.pop().unwrap_or_default()),
        _ => Err("mail: group with multiple addresses".into()),
    }
}

/// Go's `%q` of a rune.
fn quote_rune(r: char) -> String {
    match r {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        r => {
            let q = go_quote(&r.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

struct Parser<'a> {
    s: &'a str,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<char> {
        self.s.chars().next()
    }

    fn consume(&mut self, c: char) -> bool {
        match self.s.strip_prefix(c) {
            Some(rest) => {
                self.s = rest;
                true
            }
            None => false,
        }
    }

    fn skip_space(&mut self) {
        self.s = self.s.trim_start_matches([' ', '\t']);
    }

    fn skip_cfws(&mut self) -> bool {
        self.skip_space();
        while self.consume('(') {
            if self.consume_comment().is_none() {
                return false;
            }
            self.skip_space();
        }
        true
    }

    fn consume_comment(&mut self) -> Option<String> {
        let mut depth = 1;
        let mut comment = String::new();
        while !self.s.is_empty() && depth > 0 {
            let bytes = self.s.as_bytes();
            if bytes[0] == b'\\' && bytes.len() > 1 {
                self.s = &self.s[1..];
            } else if bytes[0] == b'(' {
                depth += 1;
            } else if bytes[0] == b')' {
                depth -= 1;
            }
            let width = self.s.chars().next().map_or(1, char::len_utf8);
            if depth > 0 {
                comment.push_str(&self.s[..width]);
            }
            self.s = &self.s[width..];
        }
        (depth == 0).then_some(comment)
    }

    fn parse_address(&mut self, handle_group: bool) -> Parsed<Vec<String>> {
        self.skip_space();
        if self.s.is_empty() {
            return Err("mail: no address".into());
        }
        if let Ok(spec) = self.consume_addr_spec() {
            self.skip_space();
            if self.peek() == Some('(') {
                self.consume_display_name_comment()?;
            }
            return Ok(vec![spec]);
        }
        let mut display_name = String::new();
        if self.peek() != Some('<') {
            display_name = self.consume_phrase()?;
        }
        self.skip_space();
        if handle_group && self.consume(':') {
            return self.consume_group_list();
        }
        if !self.consume('<') {
            return Err(if display_name.chars().all(|r| is_atext(r, true)) {
                "mail: missing '@' or angle-addr".into()
            } else {
                "mail: no angle-addr".into()
            });
        }
        let spec = self.consume_addr_spec()?;
        if !self.consume('>') {
            return Err("mail: unclosed angle-addr".into());
        }
        Ok(vec![spec])
    }

    fn consume_group_list(&mut self) -> Parsed<Vec<String>> {
        let comment_error = || "mail: misformatted parenthetical comment".to_string();
        let mut group = Vec::new();
        self.skip_space();
        if self.consume(';') {
            return if self.skip_cfws() {
                Ok(group)
            } else {
                Err(comment_error())
            };
        }
        loop {
            self.skip_space();
            group.extend(self.parse_address(false)?);
            if !self.skip_cfws() {
                return Err(comment_error());
            }
            if self.consume(';') {
                return if self.skip_cfws() {
                    Ok(group)
                } else {
                    Err(comment_error())
                };
            }
            if !self.consume(',') {
                return Err("mail: expected comma".into());
            }
        }
    }

    fn consume_addr_spec(&mut self) -> Parsed<String> {
        let orig = self.s;
        let spec = self.addr_spec();
        if spec.is_err() {
            self.s = orig;
        }
        spec
    }

    fn addr_spec(&mut self) -> Parsed<String> {
        self.skip_space();
        if self.s.is_empty() {
            return Err("mail: no addr-spec".into());
        }
        let local = if self.peek() == Some('"') {
            let q = self.consume_quoted_string()?;
            if q.is_empty() {
                return Err("mail: empty quoted-string in addr-spec".into());
            }
            q
        } else {
            self.consume_atom(true, false)?.to_string()
        };
        if !self.consume('@') {
            return Err("mail: missing @ in addr-spec".into());
        }
        self.skip_space();
        if self.s.is_empty() {
            return Err("mail: no domain in addr-spec".into());
        }
        let domain = if self.peek() == Some('[') {
            self.consume_domain_literal()?
        } else {
            self.consume_atom(true, false)?.to_string()
        };
        Ok(format!("{local}@{domain}"))
    }

    fn consume_domain_literal(&mut self) -> Parsed<String> {
        self.consume('[');
        let mut dtext = String::new();
        loop {
            let Some(r) = self.peek() else {
                return Err("mail: unclosed domain-literal".into());
            };
            if r == ']' {
                break;
            }
            if r == '[' || r == '\\' || !is_vchar(r) {
                return Err(format!(
                    "mail: bad character in domain-literal: {}",
                    quote_rune(r)
                ));
            }
            dtext.push(r);
            self.s = &self.s[r.len_utf8()..];
        }
        self.consume(']');
        if parse_ip(&dtext).is_none() {
            return Err(format!(
                "mail: invalid IP address in domain-literal: {}",
                go_quote(&dtext)
            ));
        }
        Ok(format!("[{dtext}]"))
    }

    fn consume_phrase(&mut self) -> Parsed<String> {
        let mut words: Vec<String> = Vec::new();
        let mut error = None;
        loop {
            if !words.is_empty() && !self.skip_cfws() {
                return Err("mail: misformatted parenthetical comment".into());
            }
            self.skip_space();
            if self.s.is_empty() {
                break;
            }
            let word = if self.peek() == Some('"') {
                self.consume_quoted_string()
            } else {
                self.consume_atom(true, true)
                    .and_then(|w| decode_rfc2047_word(w).map(|()| w.to_string()))
            };
            match word {
                Ok(w) => words.push(w),
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        match error {
            Some(e) if words.is_empty() => Err(format!("mail: missing word in phrase: {e}")),
            _ => Ok(words.join(" ")),
        }
    }

    fn consume_display_name_comment(&mut self) -> Parsed<()> {
        self.consume('(');
        let comment = self
            .consume_comment()
            .ok_or("mail: misformatted parenthetical comment")?;
        for word in comment.split([' ', '\t']).filter(|w| !w.is_empty()) {
            decode_rfc2047_word(word)?;
        }
        Ok(())
    }

    fn consume_quoted_string(&mut self) -> Parsed<String> {
        let mut out = String::new();
        let mut escaped = false;
        let mut chars = self.s.char_indices().skip(1);
        loop {
            let (i, r) = chars.next().ok_or("mail: unclosed quoted-string")?;
            if escaped {
                if !is_vchar(r) && !is_wsp(r) {
                    return Err(format!(
                        "mail: bad character in quoted-string: {}",
                        quote_rune(r)
                    ));
                }
                out.push(r);
                escaped = false;
            } else if is_qtext(r) || is_wsp(r) {
                out.push(r);
            } else if r == '"' {
                self.s = &self.s[i + 1..];
                return Ok(out);
            } else if r == '\\' {
                escaped = true;
            } else {
                return Err(format!(
                    "mail: bad character in quoted-string: {}",
                    quote_rune(r)
                ));
            }
        }
    }

    fn consume_atom(&mut self, dot: bool, permissive: bool) -> Parsed<&'a str> {
        let end = self
            .s
            .char_indices()
            .find(|(_, r)| !is_atext(*r, dot))
            .map_or(self.s.len(), |(i, _)| i);
        if end == 0 {
            return Err("mail: invalid string".into());
        }
        let atom = &self.s[..end];
        self.s = &self.s[end..];
        if !permissive {
            if atom.starts_with('.') {
                return Err("mail: leading dot in atom".into());
            }
            if atom.contains("..") {
                return Err("mail: double dot in atom".into());
            }
            if atom.ends_with('.') {
                return Err("mail: trailing dot in atom".into());
            }
        }
        Ok(atom)
    }
}

fn is_atext(r: char, dot: bool) -> bool {
    match r {
        '.' => dot,
        '(' | ')' | '<' | '>' | '[' | ']' | ':' | ';' | '@' | '\\' | ',' | '"' => false,
        r => is_vchar(r),
    }
}

fn is_vchar(r: char) -> bool {
    ('!'..='~').contains(&r) || r as u32 >= 0x80
}

fn is_qtext(r: char) -> bool {
    r != '\\' && r != '"' && is_vchar(r)
}

fn is_wsp(r: char) -> bool {
    r == ' ' || r == '\t'
}

/// Go's `decodeRFC2047Word` as `mail` uses it: only a well-formed encoded word in a charset
/// Go cannot convert is an error; anything else is taken as plain text.
fn decode_rfc2047_word(word: &str) -> Parsed<()> {
    if word.len() < 8
        || !word.starts_with("=?")
        || !word.ends_with("?=")
        || word.matches('?').count() != 4
    {
        return Ok(());
    }
    let inner = &word[2..word.len() - 2];
    let mut parts = inner.splitn(3, '?');
    let (Some(charset), Some(encoding), Some(text)) = (parts.next(), parts.next(), parts.next())
    else {
        return Ok(());
    };
    if encoding.len() != 1 {
        return Ok(());
    }
    let decodes = match encoding.as_bytes()[0] {
        b'B' | b'b' => base64_ok(text),
        b'Q' | b'q' => q_ok(text),
        _ => false,
    };
    let known = ["utf-8", "iso-8859-1", "us-ascii"]
        .iter()
        .any(|c| c.eq_ignore_ascii_case(charset));
    if !decodes || known {
        Ok(())
    } else {
        Err(format!("mime: unhandled charset {}", go_quote(charset)))
    }
}

fn base64_ok(text: &str) -> bool {
    let b = text.as_bytes();
    if !b.len().is_multiple_of(4) {
        return false;
    }
    let pad = b.iter().rev().take_while(|c| **c == b'=').count();
    pad <= 2
        && b[..b.len() - pad]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
}

fn q_ok(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'=' => {
                if i + 2 >= b.len()
                    || !b[i + 1].is_ascii_hexdigit()
                    || !b[i + 2].is_ascii_hexdigit()
                {
                    return false;
                }
                i += 3;
            }
            b' '..=b'~' | b'\n' | b'\r' | b'\t' => i += 1,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_like_go() {
        assert!(is_email("foo@example.com"));
        assert!(is_email("Foo Bar <foo@example.com>"));
        assert!(is_email("foo@example.com (comment)"));
        assert!(is_email("\"quoted\"@example.com"));
        assert!(is_email("g: foo@example.com;"), "a group of one address");
        assert!(!is_email("foo"));
        assert!(!is_email("foo@"));
        assert!(!is_email("foo@-bar.com"));
        assert_eq!(
            check_email("foo@[1.2.3.4]").unwrap_err(),
            "hostname parts can only contain alphanumeric characters or hyphens, got \"[\""
        );
        assert!(!is_email("foo..bar@example.com"));
        assert!(!is_email("Name <foo@example.com"));
        assert!(!is_email(&format!("{}@example.com", "a".repeat(65))));
        assert!(!is_email("=?koi8-r?q?abc?= <foo@example.com>"));
        assert!(is_email("=?utf-8?q?abc?= <foo@example.com>"));
        assert!(!is_email("a@b.com, c@d.com"));
        assert_eq!(
            check_email("foo").unwrap_err(),
            "mail: missing '@' or angle-addr"
        );
        assert_eq!(check_email("").unwrap_err(), "mail: no address");
        assert_eq!(check_email("Foo Bar").unwrap_err(), "mail: no angle-addr");
        assert_eq!(
            check_email("a@b.com x").unwrap_err(),
            "mail: expected single address, got \"x\""
        );
    }
}
