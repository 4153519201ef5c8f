//! Regular expressions with RE2's semantics on top of the `regex` crate.
//!
//! The two engines share their syntax, but RE2's Perl classes (`\d \w \s \b`) are ASCII-only
//! while the `regex` crate's are Unicode: a PGV pattern `^\w+$` must reject `é`. The pattern is
//! rewritten with explicit ASCII classes before it is compiled; the message keeps the source.

use std::sync::OnceLock;

/// A regular expression compiled on first use. The generator has already checked it compiles.
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<regex::Regex>>,
    compiled_bytes: OnceLock<Option<regex::bytes::Regex>>,
}

impl Pattern {
    /// A pattern for a `static`.
    pub const fn new(source: &'static str) -> Pattern {
        Pattern {
            source,
            compiled: OnceLock::new(),
            compiled_bytes: OnceLock::new(),
        }
    }

    /// The pattern's source text.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `value` matches anywhere. A pattern that does not compile matches nothing.
    pub fn is_match(&self, value: &str) -> bool {
        self.compiled
            .get_or_init(|| regex::Regex::new(&re2_to_regex(self.source)).ok())
            .as_ref()
            .is_some_and(|re| re.is_match(value))
    }

    /// Whether `value` (bytes) matches anywhere.
    pub fn is_match_bytes(&self, value: &[u8]) -> bool {
        self.compiled_bytes
            .get_or_init(|| regex::bytes::Regex::new(&re2_to_regex(self.source)).ok())
            .as_ref()
            .is_some_and(|re| re.is_match(value))
    }
}

/// Rewrites RE2's ASCII-only Perl classes into explicit classes the `regex` crate reads the
/// same way. Everything else is passed through unchanged.
pub fn re2_to_regex(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 16);
    let mut chars = source.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let ascii = match (next, in_class) {
                    ('d', false) => Some("[0-9]"),
                    ('D', false) => Some("[^0-9]"),
                    ('w', false) => Some("[0-9A-Za-z_]"),
                    ('W', false) => Some("[^0-9A-Za-z_]"),
                    ('s', false) => Some("[\\t\\n\\f\\r ]"),
                    ('S', false) => Some("[^\\t\\n\\f\\r ]"),
                    ('b', false) => Some("(?-u:\\b)"),
                    ('B', false) => Some("(?-u:\\B)"),
                    ('d', true) => Some("0-9"),
                    ('D', true) => Some("[^0-9]"),
                    ('w', true) => Some("0-9A-Za-z_"),
                    ('W', true) => Some("[^0-9A-Za-z_]"),
                    ('s', true) => Some("\\t\\n\\f\\r "),
                    ('S', true) => Some("[^\\t\\n\\f\\r ]"),
                    _ => None,
                };
                match ascii {
                    Some(text) => out.push_str(text),
                    None => {
                        out.push('\\');
                        out.push(next);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                // A `]` right after the opening bracket is a literal in RE2.
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            '[' if in_class && chars.peek() == Some(&':') => {
                // A POSIX class `[:alpha:]` inside a class: copy through to its `:]`.
                out.push('[');
                for d in chars.by_ref() {
                    out.push(d);
                    if d == ']' {
                        break;
                    }
                }
            }
            '[' if in_class => {
                // A literal `[` inside a class; the regex crate would read a nested class.
                out.push_str("\\[");
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '&' | '~' | '-' if in_class && chars.peek() == Some(&c) => {
                // `&&`, `~~` and `--` are set operators in the regex crate, literals in RE2.
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_classes_are_ascii_like_re2() {
        static W: Pattern = Pattern::new(r"^\w+$");
        assert!(W.is_match("abc_1"));
        assert!(!W.is_match("é"));
        static D: Pattern = Pattern::new(r"^[\d.]+$");
        assert!(D.is_match("1.2"));
        assert!(!D.is_match("١"));
        static B: Pattern = Pattern::new(r"\bcat\b");
        assert!(B.is_match("a cat!"));
        assert!(
            B.is_match("écat"),
            "\\b is ASCII: é is not a word character"
        );
        static S: Pattern = Pattern::new(r"^\S+$");
        assert!(S.is_match("a\u{a0}b"), "NBSP is not RE2 space");
    }

    #[test]
    fn class_edge_cases_translate() {
        assert_eq!(re2_to_regex("[]a]"), "[\\]a]");
        assert_eq!(re2_to_regex("[[:alpha:]]"), "[[:alpha:]]");
        assert_eq!(re2_to_regex("[a[]"), "[a\\[]");
        assert_eq!(re2_to_regex("[a&&b]"), "[a\\&&b]");
        static P: Pattern = Pattern::new("^[+-.]+$");
        assert!(P.is_match("+,-."));
    }
}
