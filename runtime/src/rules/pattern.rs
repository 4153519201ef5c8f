//! Regular expressions with RE2's semantics on top of the `regex` crate.
//!
//! The two engines share their syntax, but RE2's Perl classes (`\d \w \s \b`) are ASCII-only
//! while the `regex` crate's are Unicode: a PGV pattern `^\w+$` must reject `é`. The pattern is
//! rewritten with explicit ASCII classes before it is compiled; the message keeps the source.

use std::sync::OnceLock;

pub use protogate_re2::re2_to_regex;

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
        // The translation itself is tested in protogate-re2; here, that patterns use it.
        static C: Pattern = Pattern::new("^[a[]+$");
        assert!(C.is_match("[a["));
        static P: Pattern = Pattern::new("^[+-.]+$");
        assert!(P.is_match("+,-."));
    }
}
