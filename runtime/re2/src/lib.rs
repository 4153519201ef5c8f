//! RE2 pattern semantics for the `regex` crate.
//!
//! PGV and protovalidate patterns are RE2 expressions. The `regex` crate reads the same syntax
//! with three differences this translation removes: RE2's Perl classes (`\d \w \s \b`) are
//! ASCII-only while the `regex` crate's are Unicode, a `[` inside a class is a literal in RE2
//! (a nested class in the `regex` crate), and `&&`, `~~`, `--` inside a class are literals in RE2
//! (set operators in the `regex` crate), and a `{` that does not open a repetition (`a{,2}`) is a
//! literal in RE2 (an error in the `regex` crate). The runtime compiles the translated text; the
//! generator and `#[derive(Validate)]` check at generation time that it compiles.
#![warn(missing_docs)]

/// Rewrites an RE2 pattern into `regex` crate syntax with the same meaning: RE2's ASCII-only
/// Perl classes become explicit classes, and class contents RE2 reads as literals are escaped.
/// Everything else is passed through unchanged.
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
                        // A Unicode class name `\p{Greek}` is copied through whole.
                        if matches!(next, 'p' | 'P') && chars.peek() == Some(&'{') {
                            for d in chars.by_ref() {
                                out.push(d);
                                if d == '}' {
                                    break;
                                }
                            }
                        }
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
            '{' if !in_class && !opens_repetition(chars.clone()) => out.push_str("\\{"),
            c => out.push(c),
        }
    }
    out
}

/// Whether the text after a `{` makes it a repetition: `n}`, `n,}` or `n,m}`.
fn opens_repetition(mut rest: impl Iterator<Item = char>) -> bool {
    let mut digits = 0;
    let mut next = rest.next();
    while next.is_some_and(|c| c.is_ascii_digit()) {
        digits += 1;
        next = rest.next();
    }
    if digits == 0 {
        return false;
    }
    if next == Some(',') {
        next = rest.next();
        while next.is_some_and(|c| c.is_ascii_digit()) {
            next = rest.next();
        }
    }
    next == Some('}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_edge_cases_translate() {
        assert_eq!(re2_to_regex("[]a]"), "[\\]a]");
        assert_eq!(re2_to_regex("[[:alpha:]]"), "[[:alpha:]]");
        assert_eq!(re2_to_regex("[a[]"), "[a\\[]");
        assert_eq!(re2_to_regex("[a&&b]"), "[a\\&&b]");
        assert_eq!(re2_to_regex(r"^\w+$"), "^[0-9A-Za-z_]+$");
        assert_eq!(re2_to_regex("a{,2}"), "a\\{,2}");
        assert_eq!(re2_to_regex("a{2,}b{1,3}c{4}"), "a{2,}b{1,3}c{4}");
        assert_eq!(re2_to_regex("{x}"), "\\{x}");
        assert_eq!(re2_to_regex(r"\p{Han}+"), r"\p{Han}+");
    }
}
