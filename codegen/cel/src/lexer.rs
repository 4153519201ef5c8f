//! Splits CEL source text into tokens: literals with their escapes decoded, names, operators.

use crate::CelError;

/// A token and the 1-based column where it starts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    /// What was read.
    pub kind: Tok,
    /// 1-based column in characters.
    pub col: usize,
}

/// Token kinds.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// Integer literal digits, not yet range-checked (a negation may make it fit).
    Int(u64),
    /// Unsigned literal.
    Uint(u64),
    /// Floating point literal.
    Double(f64),
    /// String literal.
    String(String),
    /// Bytes literal.
    Bytes(Vec<u8>),
    /// Identifier.
    Ident(String),
    /// `true`, `false`, `null`, `in`.
    Keyword(&'static str),
    /// Punctuation and operators.
    Punct(&'static str),
    /// End of input.
    End,
}

const RESERVED: &[&str] = &[
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
];

const PUNCTS: &[&str] = &[
    "==", "!=", "<=", ">=", "&&", "||", "(", ")", "[", "]", "{", "}", ".", ",", ":", "?", "+", "-",
    "*", "/", "%", "!", "<", ">",
];

/// Reads all tokens of `source`, ending with [`Tok::End`].
pub(crate) fn tokenize(source: &str) -> Result<Vec<Token>, CelError> {
    let chars: Vec<char> = source.chars().collect();
    let mut lexer = Lexer { chars, pos: 0 };
    let mut tokens = Vec::new();
    loop {
        lexer.skip_space_and_comments();
        let col = lexer.pos + 1;
        let Some(c) = lexer.peek(0) else {
            tokens.push(Token {
                kind: Tok::End,
                col,
            });
            return Ok(tokens);
        };
        let kind = if c.is_ascii_digit()
            || (c == '.' && lexer.peek(1).is_some_and(|d| d.is_ascii_digit()))
        {
            lexer.number(col)?
        } else if c == '"' || c == '\'' {
            lexer.string(false, false, col)?
        } else if c.is_ascii_alphabetic() || c == '_' {
            if let Some((raw, bytes, len)) = lexer.string_prefix() {
                lexer.pos += len;
                lexer.string(raw, bytes, col)?
            } else {
                lexer.word(col)?
            }
        } else {
            lexer.punct(col)?
        };
        tokens.push(Token { kind, col });
    }
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn skip_space_and_comments(&mut self) {
        while let Some(c) = self.peek(0) {
            if c.is_whitespace() {
                self.pos += 1;
            } else if c == '/' && self.peek(1) == Some('/') {
                while self.peek(0).is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// `r`, `b`, `rb`, `br` (any case) directly followed by a quote: (raw, bytes, prefix length).
    fn string_prefix(&self) -> Option<(bool, bool, usize)> {
        let is_quote = |c: Option<char>| matches!(c, Some('"') | Some('\''));
        let lower = |i: usize| self.peek(i).map(|c| c.to_ascii_lowercase());
        match (lower(0), lower(1)) {
            (Some('r'), Some('b')) | (Some('b'), Some('r')) if is_quote(self.peek(2)) => {
                Some((true, true, 2))
            }
            (Some('r'), _) if is_quote(self.peek(1)) => Some((true, false, 1)),
            (Some('b'), _) if is_quote(self.peek(1)) => Some((false, true, 1)),
            _ => None,
        }
    }

    fn word(&mut self, col: usize) -> Result<Tok, CelError> {
        let start = self.pos;
        while self
            .peek(0)
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.pos += 1;
        }
        let word: String = self.chars[start..self.pos].iter().collect();
        Ok(match word.as_str() {
            "true" => Tok::Keyword("true"),
            "false" => Tok::Keyword("false"),
            "null" => Tok::Keyword("null"),
            "in" => Tok::Keyword("in"),
            w if RESERVED.contains(&w) => {
                return Err(CelError::parse(
                    col,
                    format!("reserved word `{w}` cannot be used here"),
                ))
            }
            _ => Tok::Ident(word),
        })
    }

    fn punct(&mut self, col: usize) -> Result<Tok, CelError> {
        for p in PUNCTS {
            if p.chars().enumerate().all(|(i, c)| self.peek(i) == Some(c)) {
                self.pos += p.chars().count();
                return Ok(Tok::Punct(p));
            }
        }
        let c = self.peek(0).unwrap_or(' ');
        Err(CelError::parse(col, format!("unexpected character `{c}`")))
    }

    fn number(&mut self, col: usize) -> Result<Tok, CelError> {
        let start = self.pos;
        if self.peek(0) == Some('0') && matches!(self.peek(1), Some('x') | Some('X')) {
            self.pos += 2;
            let digits_start = self.pos;
            while self.peek(0).is_some_and(|c| c.is_ascii_hexdigit()) {
                self.pos += 1;
            }
            let digits: String = self.chars[digits_start..self.pos].iter().collect();
            let value = u64::from_str_radix(&digits, 16)
                .map_err(|_| CelError::parse(col, format!("invalid hex literal `0x{digits}`")))?;
            return self.int_suffix(value, col);
        }
        let mut is_double = false;
        while self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.peek(0) == Some('.') && self.peek(1).is_some_and(|c| c.is_ascii_digit()) {
            is_double = true;
            self.pos += 1;
            while self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
        }
        if matches!(self.peek(0), Some('e') | Some('E')) {
            let sign = usize::from(matches!(self.peek(1), Some('+') | Some('-')));
            if self.peek(1 + sign).is_some_and(|c| c.is_ascii_digit()) {
                is_double = true;
                self.pos += 1 + sign;
                while self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
            }
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        if is_double {
            let value = text
                .parse::<f64>()
                .map_err(|_| CelError::parse(col, format!("invalid number `{text}`")))?;
            return Ok(Tok::Double(value));
        }
        let value = text.parse::<u64>().map_err(|_| {
            CelError::parse(col, format!("integer literal `{text}` is out of range"))
        })?;
        self.int_suffix(value, col)
    }

    fn int_suffix(&mut self, value: u64, col: usize) -> Result<Tok, CelError> {
        if matches!(self.peek(0), Some('u') | Some('U')) {
            self.pos += 1;
            return Ok(Tok::Uint(value));
        }
        if value > i64::MAX as u64 + 1 {
            return Err(CelError::parse(
                col,
                "integer literal is out of range".to_string(),
            ));
        }
        Ok(Tok::Int(value))
    }

    fn string(&mut self, raw: bool, bytes: bool, col: usize) -> Result<Tok, CelError> {
        let quote = self.peek(0).unwrap_or('"');
        let triple = self.peek(1) == Some(quote) && self.peek(2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.peek(0) else {
                return Err(CelError::parse(
                    col,
                    "unterminated string literal".to_string(),
                ));
            };
            if c == quote
                && (!triple || (self.peek(1) == Some(quote) && self.peek(2) == Some(quote)))
            {
                self.pos += if triple { 3 } else { 1 };
                break;
            }
            if !triple && (c == '\n' || c == '\r') {
                return Err(CelError::parse(
                    col,
                    "newline in a single-quoted string".to_string(),
                ));
            }
            if c == '\\' && !raw {
                self.pos += 1;
                self.escape(bytes, &mut out, col)?;
                continue;
            }
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            self.pos += 1;
        }
        if bytes {
            return Ok(Tok::Bytes(out));
        }
        String::from_utf8(out).map(Tok::String).map_err(|_| {
            CelError::parse(
                col,
                "string literal escapes are not valid UTF-8".to_string(),
            )
        })
    }

    fn escape(&mut self, bytes: bool, out: &mut Vec<u8>, col: usize) -> Result<(), CelError> {
        let bad = |what: &str| CelError::parse(col, format!("invalid escape {what}"));
        let c = self.peek(0).ok_or_else(|| bad("at end of input"))?;
        self.pos += 1;
        let simple = match c {
            'a' => Some(0x07),
            'b' => Some(0x08),
            'f' => Some(0x0c),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(0x0b),
            '\\' | '\'' | '"' | '`' | '?' => Some(c as u8),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            return Ok(());
        }
        let (radix, len) = match c {
            'x' | 'X' => (16, 2),
            'u' => (16, 4),
            'U' => (16, 8),
            '0'..='3' => {
                self.pos -= 1;
                (8, 3)
            }
            _ => return Err(bad(&format!("`\\{c}`"))),
        };
        let digits: String = (0..len).filter_map(|i| self.peek(i)).collect();
        if digits.chars().count() != len {
            return Err(bad("(too short)"));
        }
        let value =
            u32::from_str_radix(&digits, radix).map_err(|_| bad(&format!("`\\{c}{digits}`")))?;
        self.pos += len;
        let byte_escape = matches!(c, 'x' | 'X' | '0'..='3');
        if byte_escape && bytes {
            out.push(value as u8);
            return Ok(());
        }
        if bytes && !byte_escape {
            return Err(bad("(unicode escapes are not allowed in bytes literals)"));
        }
        let ch = char::from_u32(value).ok_or_else(|| bad(&format!("(code point {value:#x})")))?;
        let mut buf = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        Ok(())
    }
}
