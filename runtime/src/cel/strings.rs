//! CEL's string and bytes functions: sizes and indexes count code points, `matches` has RE2's
//! semantics, and the string extension library (`indexOf`, `substring`, `split`, …).

use std::sync::OnceLock;

use super::Error;
use crate::rules::re2_to_regex;

/// `size(string)`: the number of code points.
pub fn size_string(value: &str) -> i64 {
    super::size(value.chars().count())
}

/// `a + b` on strings.
pub fn concat(a: &str, b: &str) -> String {
    let mut out = String::with_capacity(a.len() + b.len());
    out.push_str(a);
    out.push_str(b);
    out
}

/// `a + b` on bytes.
pub fn concat_bytes(a: &[u8], b: &[u8]) -> Vec<u8> {
    [a, b].concat()
}

/// `bytes.contains(bytes)`.
pub fn bytes_contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// A regular expression literal of a CEL expression, compiled on first use with RE2's syntax.
#[derive(Debug)]
pub struct Regex {
    source: &'static str,
    compiled: OnceLock<Result<regex::Regex, String>>,
}

impl Regex {
    /// A pattern for a `static`.
    pub const fn new(source: &'static str) -> Regex {
        Regex {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// Whether the pattern matches anywhere in `value`; a pattern that does not compile is an
    /// error.
    pub fn is_match(&self, value: &str) -> Result<bool, Error> {
        match self.compiled.get_or_init(|| compile(self.source)) {
            Ok(re) => Ok(re.is_match(value)),
            Err(message) => Err(Error::InvalidArgument(message.clone())),
        }
    }
}

fn compile(source: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(&re2_to_regex(source)).map_err(|e| format!("invalid regex {source:?}: {e}"))
}

/// `value.matches(pattern)` with a pattern computed at run time.
pub fn matches(value: &str, pattern: &str) -> Result<bool, Error> {
    compile(pattern)
        .map(|re| re.is_match(value))
        .map_err(Error::InvalidArgument)
}

/// `trim()`: leading and trailing white space removed.
pub fn trim(value: &str) -> &str {
    value.trim()
}

/// The byte offset of code point `index` (the length at the end), or an error past the end.
fn byte_offset(value: &str, index: i64) -> Result<usize, Error> {
    let out_of_range = || Error::InvalidArgument(format!("index out of range: {index}"));
    let index = usize::try_from(index).map_err(|_| out_of_range())?;
    value
        .char_indices()
        .map(|(offset, _)| offset)
        .chain(std::iter::once(value.len()))
        .nth(index)
        .ok_or_else(out_of_range)
}

/// `charAt(i)`: the code point at `i` as a string; `""` at the end.
pub fn char_at(value: &str, index: i64) -> Result<String, Error> {
    let start = byte_offset(value, index)?;
    Ok(value[start..]
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default())
}

/// `indexOf(needle[, from])`: the code point index of the first occurrence at or after `from`,
/// or -1 (also when `from` is past the end); an empty needle is found at `from`.
pub fn index_of(value: &str, needle: &str, from: Option<i64>) -> Result<i64, Error> {
    let from = from.unwrap_or(0);
    if needle.is_empty() {
        return Ok(from);
    }
    let start = usize::try_from(from)
        .map_err(|_| Error::InvalidArgument(format!("index out of range: {from}")))?;
    let (chars, pattern): (Vec<char>, Vec<char>) =
        (value.chars().collect(), needle.chars().collect());
    if start >= chars.len() || pattern.len() > chars.len() {
        return Ok(-1);
    }
    Ok((start..=chars.len() - pattern.len())
        .find(|&i| chars[i..i + pattern.len()] == pattern[..])
        .map_or(-1, super::size))
}

/// `lastIndexOf(needle[, from])`: the code point index of the last occurrence starting at or
/// before `from` (the end by default), or -1; an empty needle is found at `from`.
pub fn last_index_of(value: &str, needle: &str, from: Option<i64>) -> Result<i64, Error> {
    let (chars, pattern): (Vec<char>, Vec<char>) =
        (value.chars().collect(), needle.chars().collect());
    let from = match from {
        Some(from) => from,
        None if needle.is_empty() => return Ok(super::size(chars.len())),
        None => super::size(chars.len()) - 1,
    };
    if needle.is_empty() {
        return Ok(from);
    }
    let start = usize::try_from(from)
        .map_err(|_| Error::InvalidArgument(format!("index out of range: {from}")))?;
    if start >= chars.len() || pattern.len() > chars.len() {
        return Ok(-1);
    }
    let start = start.min(chars.len() - pattern.len());
    Ok((0..=start)
        .rev()
        .find(|&i| chars[i..i + pattern.len()] == pattern[..])
        .map_or(-1, super::size))
}

/// `substring(start[, end])`, in code points.
pub fn substring(value: &str, start: i64, end: Option<i64>) -> Result<String, Error> {
    let from = byte_offset(value, start)?;
    let to = match end {
        Some(end) if end < start => {
            return Err(Error::InvalidArgument(format!(
                "invalid substring range: start {start}, end {end}"
            )))
        }
        Some(end) => byte_offset(value, end)?,
        None => value.len(),
    };
    Ok(value[from..to].to_string())
}

/// `replace(from, to[, n])`: at most `n` replacements, all when `n` is negative.
pub fn replace(value: &str, from: &str, to: &str, n: i64) -> String {
    match usize::try_from(n) {
        Ok(n) => value.replacen(from, to, n),
        Err(_) => value.replace(from, to),
    }
}

/// `split(separator[, n])`: at most `n` parts (all when negative, none when zero); an empty
/// separator splits into code points.
pub fn split(value: &str, separator: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let limit = usize::try_from(n).unwrap_or(usize::MAX);
    if separator.is_empty() {
        let mut parts: Vec<String> = Vec::new();
        for (i, (offset, c)) in value.char_indices().enumerate() {
            if i + 1 == limit {
                parts.push(value[offset..].to_string());
                return parts;
            }
            parts.push(c.to_string());
        }
        return parts;
    }
    value.splitn(limit, separator).map(String::from).collect()
}

/// `list.join([separator])`.
pub fn join<'a>(items: impl Iterator<Item = &'a str>, separator: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_count_code_points() {
        assert_eq!(size_string("héllo"), 5);
        assert_eq!(index_of("héllo", "l", None), Ok(2));
        assert_eq!(last_index_of("héllo", "l", None), Ok(3));
        assert_eq!(char_at("héllo", 1).as_deref(), Ok("é"));
        assert_eq!(char_at("hé", 2).as_deref(), Ok(""));
        assert!(char_at("hé", 3).is_err());
        assert_eq!(substring("héllo", 1, Some(3)).as_deref(), Ok("él"));
    }

    #[test]
    fn matches_uses_re2_classes() {
        static WORD: Regex = Regex::new(r"^\w+$");
        assert_eq!(WORD.is_match("abc"), Ok(true));
        assert_eq!(WORD.is_match("é"), Ok(false));
        assert!(matches("a", "(").is_err());
    }

    #[test]
    fn split_limits_parts() {
        assert_eq!(split("a,b,c", ",", 2), ["a", "b,c"]);
        assert_eq!(split("abc", "", -1), ["a", "b", "c"]);
        assert!(split("abc", ",", 0).is_empty());
    }
}
