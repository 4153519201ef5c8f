//! One implementation of each validation rule, with protoc-gen-validate's messages.
//!
//! Generated validators (and the derive macro) call these functions; nothing here allocates
//! unless the rule fails.

use std::borrow::Cow;
use std::fmt::{self, Display, Write as _};
use std::sync::OnceLock;

use crate::validate::Violation;

/// A failed rule: its id and PGV's reason text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The rule id, e.g. `string.min_len`.
    pub rule: &'static str,
    /// The reason, e.g. `value length must be at least 1 runes`.
    pub reason: Cow<'static, str>,
}

impl Failure {
    fn new(rule: &'static str, reason: impl Into<Cow<'static, str>>) -> Failure {
        Failure {
            rule,
            reason: reason.into(),
        }
    }

    /// The violation of field `go_field` (PGV's CamelCase name) of `message`, at `path`.
    pub fn at(self, message: &str, go_field: &str, path: &str) -> Violation {
        Violation {
            field: path.to_string(),
            rule: self.rule,
            message: format!("invalid {message}.{go_field}: {}", self.reason),
        }
    }
}

/// The outcome of one rule.
pub type Check = Result<(), Failure>;

/// Re-roots the violations of an embedded message under field `go_field` of `message`,
/// the way PGV words them (`embedded message failed validation | caused by: …`).
pub fn embedded(
    message: &str,
    go_field: &str,
    path: &str,
    inner: Vec<Violation>,
    out: &mut Vec<Violation>,
) {
    out.extend(inner.into_iter().map(|v| Violation {
        field: format!("{path}.{}", v.field),
        rule: v.rule,
        message: format!(
            "invalid {message}.{go_field}: embedded message failed validation | caused by: {}",
            v.message
        ),
    }));
}

/// Go's `%q` for a string: double-quoted with Go escapes.
pub fn go_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%v` for a slice: `[a b c]`.
fn go_list<T: Display>(items: &[T]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{item}");
    }
    out.push(']');
    out
}

/// A length bound, as PGV words it for runes, bytes or items.
fn length_reason(unit: &str, min: Option<u64>, max: Option<u64>) -> String {
    match (min, max) {
        (Some(min), Some(max)) if min == max => format!("value length must be {min} {unit}"),
        (Some(min), Some(max)) => {
            format!("value length must be between {min} and {max} {unit}, inclusive")
        }
        (Some(min), None) => format!("value length must be at least {min} {unit}"),
        (None, Some(max)) => format!("value length must be at most {max} {unit}"),
        (None, None) => String::new(),
    }
}

/// String rules. Lengths count Unicode code points, as PGV does.
pub mod string {
    use super::*;

    /// `const`.
    pub fn r#const(value: &str, expected: &str) -> Check {
        if value == expected {
            Ok(())
        } else {
            Err(Failure::new(
                "string.const",
                format!("value must equal {}", go_quote(expected)),
            ))
        }
    }

    /// `len`: exactly `n` code points.
    pub fn len(value: &str, n: u64) -> Check {
        if value.chars().count() as u64 == n {
            Ok(())
        } else {
            Err(Failure::new(
                "string.len",
                format!("value length must be {n} runes"),
            ))
        }
    }

    /// `min_len` and/or `max_len`, checked together as PGV does.
    pub fn len_range(value: &str, min: Option<u64>, max: Option<u64>) -> Check {
        let n = value.chars().count() as u64;
        let ok = min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
        if ok {
            return Ok(());
        }
        let rule = match (min, max) {
            (Some(m), _) if n < m => "string.min_len",
            _ => "string.max_len",
        };
        Err(Failure::new(rule, length_reason("runes", min, max)))
    }

    /// `len_bytes`.
    pub fn len_bytes(value: &str, n: u64) -> Check {
        if value.len() as u64 == n {
            Ok(())
        } else {
            Err(Failure::new(
                "string.len_bytes",
                format!("value length must be {n} bytes"),
            ))
        }
    }

    /// `min_bytes` and/or `max_bytes`.
    pub fn bytes_range(value: &str, min: Option<u64>, max: Option<u64>) -> Check {
        let n = value.len() as u64;
        if min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m) {
            return Ok(());
        }
        let rule = match (min, max) {
            (Some(m), _) if n < m => "string.min_bytes",
            _ => "string.max_bytes",
        };
        Err(Failure::new(rule, length_reason("bytes", min, max)))
    }

    /// `prefix`.
    pub fn prefix(value: &str, prefix: &str) -> Check {
        if value.starts_with(prefix) {
            Ok(())
        } else {
            Err(Failure::new(
                "string.prefix",
                format!("value does not have prefix {}", go_quote(prefix)),
            ))
        }
    }

    /// `suffix`.
    pub fn suffix(value: &str, suffix: &str) -> Check {
        if value.ends_with(suffix) {
            Ok(())
        } else {
            Err(Failure::new(
                "string.suffix",
                format!("value does not have suffix {}", go_quote(suffix)),
            ))
        }
    }

    /// `contains`.
    pub fn contains(value: &str, needle: &str) -> Check {
        if value.contains(needle) {
            Ok(())
        } else {
            Err(Failure::new(
                "string.contains",
                format!("value does not contain substring {}", go_quote(needle)),
            ))
        }
    }

    /// `not_contains`.
    pub fn not_contains(value: &str, needle: &str) -> Check {
        if value.contains(needle) {
            Err(Failure::new(
                "string.not_contains",
                format!("value contains substring {}", go_quote(needle)),
            ))
        } else {
            Ok(())
        }
    }

    /// `in`.
    pub fn r#in(value: &str, list: &[&str]) -> Check {
        if list.contains(&value) {
            Ok(())
        } else {
            Err(Failure::new(
                "string.in",
                format!("value must be in list {}", go_list(list)),
            ))
        }
    }

    /// `not_in`.
    pub fn not_in(value: &str, list: &[&str]) -> Check {
        if list.contains(&value) {
            Err(Failure::new(
                "string.not_in",
                format!("value must not be in list {}", go_list(list)),
            ))
        } else {
            Ok(())
        }
    }

    /// `pattern` (RE2 syntax, unanchored).
    pub fn pattern(value: &str, pattern: &Pattern) -> Check {
        if pattern.is_match(value) {
            Ok(())
        } else {
            Err(Failure::new(
                "string.pattern",
                format!(
                    "value does not match regex pattern {}",
                    go_quote(pattern.source)
                ),
            ))
        }
    }
}

/// A regular expression compiled on first use. The generator has already checked it compiles.
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<regex::Regex>>,
}

impl Pattern {
    /// A pattern for a `static`.
    pub const fn new(source: &'static str) -> Pattern {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The pattern's source text.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `value` matches anywhere. A pattern that does not compile matches nothing.
    pub fn is_match(&self, value: &str) -> bool {
        self.compiled
            .get_or_init(|| regex::Regex::new(self.source).ok())
            .as_ref()
            .is_some_and(|re| re.is_match(value))
    }
}

/// Numeric rules for every scalar number type.
pub mod number {
    use super::*;

    /// `const`.
    pub fn r#const<T: PartialEq + Display>(family: &'static str, value: T, expected: T) -> Check {
        if value == expected {
            Ok(())
        } else {
            Err(Failure::new(
                rule_id(family, "const"),
                format!("value must equal {expected}"),
            ))
        }
    }

    /// `lt`/`lte`/`gt`/`gte` together, with PGV's wording for ranges and exclusive ranges.
    pub fn range<T: PartialOrd + Display + Copy>(
        family: &'static str,
        value: T,
        lower: Option<Bound<T>>,
        upper: Option<Bound<T>>,
    ) -> Check {
        let above = |b: &Bound<T>| {
            if b.inclusive {
                value >= b.value
            } else {
                value > b.value
            }
        };
        let below = |b: &Bound<T>| {
            if b.inclusive {
                value <= b.value
            } else {
                value < b.value
            }
        };
        let (ok, reason) = match (lower, upper) {
            (None, None) => return Ok(()),
            (Some(lo), None) => (
                above(&lo),
                format!(
                    "value must be greater than {}{}",
                    eq(lo.inclusive),
                    lo.value
                ),
            ),
            (None, Some(hi)) => (
                below(&hi),
                format!("value must be less than {}{}", eq(hi.inclusive), hi.value),
            ),
            (Some(lo), Some(hi))
                if hi.value > lo.value
                    || (hi.value == lo.value && lo.inclusive && hi.inclusive) =>
            {
                (
                    above(&lo) && below(&hi),
                    format!(
                        "value must be inside range {}{}, {}{}",
                        if lo.inclusive { '[' } else { '(' },
                        lo.value,
                        hi.value,
                        if hi.inclusive { ']' } else { ')' }
                    ),
                )
            }
            (Some(lo), Some(hi)) => (
                above(&lo) || below(&hi),
                format!(
                    "value must be outside range {}{}, {}{}",
                    if hi.inclusive { '(' } else { '[' },
                    hi.value,
                    lo.value,
                    if lo.inclusive { ')' } else { ']' }
                ),
            ),
        };
        if ok {
            Ok(())
        } else {
            let rule = match (lower, upper) {
                (Some(lo), _) if !above(&lo) => {
                    if lo.inclusive {
                        "gte"
                    } else {
                        "gt"
                    }
                }
                (_, Some(hi)) => {
                    if hi.inclusive {
                        "lte"
                    } else {
                        "lt"
                    }
                }
                (Some(lo), None) => {
                    if lo.inclusive {
                        "gte"
                    } else {
                        "gt"
                    }
                }
                (None, None) => "range",
            };
            Err(Failure::new(rule_id(family, rule), reason))
        }
    }

    /// `in`.
    pub fn r#in<T: PartialEq + Display>(family: &'static str, value: T, list: &[T]) -> Check {
        if list.contains(&value) {
            Ok(())
        } else {
            Err(Failure::new(
                rule_id(family, "in"),
                format!("value must be in list {}", go_list(list)),
            ))
        }
    }

    /// `not_in`.
    pub fn not_in<T: PartialEq + Display>(family: &'static str, value: T, list: &[T]) -> Check {
        if list.contains(&value) {
            Err(Failure::new(
                rule_id(family, "not_in"),
                format!("value must not be in list {}", go_list(list)),
            ))
        } else {
            Ok(())
        }
    }

    fn eq(inclusive: bool) -> &'static str {
        if inclusive {
            "or equal to "
        } else {
            ""
        }
    }

    /// Rule ids are static strings; the families and rule names are a closed set.
    fn rule_id(family: &'static str, rule: &'static str) -> &'static str {
        macro_rules! ids {
            ($($fam:literal),*) => {
                match (family, rule) {
                    $(
                        ($fam, "const") => concat!($fam, ".const"),
                        ($fam, "lt") => concat!($fam, ".lt"),
                        ($fam, "lte") => concat!($fam, ".lte"),
                        ($fam, "gt") => concat!($fam, ".gt"),
                        ($fam, "gte") => concat!($fam, ".gte"),
                        ($fam, "in") => concat!($fam, ".in"),
                        ($fam, "not_in") => concat!($fam, ".not_in"),
                    )*
                    _ => "number",
                }
            };
        }
        ids!(
            "float", "double", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
            "fixed64", "sfixed32", "sfixed64", "enum", "bool"
        )
    }

    /// One end of a range.
    #[derive(Clone, Copy, Debug)]
    pub struct Bound<T> {
        /// The bound.
        pub value: T,
        /// `gte`/`lte` rather than `gt`/`lt`.
        pub inclusive: bool,
    }
}

/// Rules on repeated fields.
pub mod repeated {
    use super::*;

    /// `min_items` and/or `max_items`.
    pub fn items(len: usize, min: Option<u64>, max: Option<u64>) -> Check {
        let n = len as u64;
        if min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m) {
            return Ok(());
        }
        let (rule, reason) = match (min, max) {
            (Some(a), Some(b)) if a == b => (
                "repeated.min_items",
                format!("value must contain exactly {a} item(s)"),
            ),
            (Some(a), _) if n < a => (
                "repeated.min_items",
                format!("value must contain at least {a} item(s)"),
            ),
            (_, Some(b)) => (
                "repeated.max_items",
                format!("value must contain no more than {b} item(s)"),
            ),
            _ => ("repeated.items", String::new()),
        };
        Err(Failure::new(rule, reason))
    }

    /// `unique`.
    pub fn unique<T: PartialEq>(items: &[T]) -> Check {
        for (i, a) in items.iter().enumerate() {
            if items[..i].contains(a) {
                return Err(Failure::new(
                    "repeated.unique",
                    "repeated value must contain unique items",
                ));
            }
        }
        Ok(())
    }
}

/// Rules on message fields.
pub mod message {
    use super::*;

    /// `required`.
    pub fn required<T>(value: &Option<T>) -> Check {
        if value.is_some() {
            Ok(())
        } else {
            Err(Failure::new("message.required", "value is required"))
        }
    }
}

/// Rules on enum fields.
pub mod enumeration {
    use super::*;

    /// `defined_only`.
    pub fn defined_only(defined: bool) -> Check {
        if defined {
            Ok(())
        } else {
            Err(Failure::new(
                "enum.defined_only",
                "value must be one of the defined enum values",
            ))
        }
    }
}

impl Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::number::Bound;
    use super::*;

    #[test]
    fn string_length_messages_match_pgv() {
        let v = string::len_range("", Some(1), Some(200)).unwrap_err();
        assert_eq!(
            v.reason,
            "value length must be between 1 and 200 runes, inclusive"
        );
        assert_eq!(v.rule, "string.min_len");
        let long = "é".repeat(201);
        assert_eq!(
            string::len_range(&long, Some(1), Some(200))
                .unwrap_err()
                .rule,
            "string.max_len"
        );
        assert!(string::len_range(&"é".repeat(200), Some(1), Some(200)).is_ok());
        assert_eq!(
            string::len_range("ab", Some(3), None).unwrap_err().reason,
            "value length must be at least 3 runes"
        );
        assert_eq!(
            string::len_range("abcd", Some(3), Some(3))
                .unwrap_err()
                .reason,
            "value length must be 3 runes"
        );
        let violation = string::len_range("", Some(1), Some(200)).unwrap_err().at(
            "VerifyMyPhoneRequest",
            "Code",
            "code",
        );
        assert_eq!(
            violation.message,
            "invalid VerifyMyPhoneRequest.Code: value length must be between 1 and 200 runes, inclusive"
        );
    }

    #[test]
    fn prefix_is_go_quoted() {
        assert_eq!(
            string::prefix("41791234567", "+").unwrap_err().reason,
            "value does not have prefix \"+\""
        );
        assert!(string::prefix("+41", "+").is_ok());
        assert_eq!(go_quote("a\"b\\\n"), "\"a\\\"b\\\\\\n\"");
    }

    #[test]
    fn number_ranges_follow_pgv_wording() {
        let inside = |v| {
            number::range(
                "int32",
                v,
                Some(Bound {
                    value: 1,
                    inclusive: true,
                }),
                Some(Bound {
                    value: 10,
                    inclusive: false,
                }),
            )
        };
        assert!(inside(1).is_ok());
        assert_eq!(
            inside(10).unwrap_err().reason,
            "value must be inside range [1, 10)"
        );
        let outside = |v| {
            number::range(
                "int32",
                v,
                Some(Bound {
                    value: 10,
                    inclusive: false,
                }),
                Some(Bound {
                    value: 1,
                    inclusive: false,
                }),
            )
        };
        assert!(outside(0).is_ok() && outside(11).is_ok());
        assert_eq!(
            outside(5).unwrap_err().reason,
            "value must be outside range [1, 10]"
        );
        assert_eq!(
            number::range(
                "uint64",
                0u64,
                Some(Bound {
                    value: 0,
                    inclusive: false
                }),
                None
            )
            .unwrap_err()
            .reason,
            "value must be greater than 0"
        );
    }

    #[test]
    fn pattern_is_unanchored() {
        static P: Pattern = Pattern::new("[0-9]+");
        assert!(string::pattern("ab12", &P).is_ok());
        assert_eq!(
            string::pattern("ab", &P).unwrap_err().reason,
            "value does not match regex pattern \"[0-9]+\""
        );
    }
}
