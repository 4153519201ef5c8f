//! Where things are written in proto files: descriptor source spans, and the keys and
//! identifiers inside a declaration that source info does not reach.

use std::collections::HashMap;

use prost_types::FileDescriptorProto;

use crate::diag::Location;
use crate::model::Rule;

/// One file's spans: descriptor path → (1-based line, 1-based column).
#[derive(Debug, Default)]
pub struct Spans {
    /// The path shown for the file.
    pub file: String,
    starts: HashMap<Vec<i32>, (u32, u32)>,
    comments: HashMap<Vec<i32>, String>,
    /// The element's own leading comment, as written (the first location's).
    leading: HashMap<Vec<i32>, String>,
}

impl Spans {
    /// The spans of `file`, shown as `shown`.
    pub fn of(file: &FileDescriptorProto, shown: String) -> Spans {
        let mut spans = Spans {
            file: shown,
            ..Spans::default()
        };
        if let Some(info) = &file.source_code_info {
            for location in &info.location {
                let (Some(&line), Some(&column)) = (location.span.first(), location.span.get(1))
                else {
                    continue;
                };
                // The first location for a path is the element itself; later ones (repeated
                // options) must not move it.
                if !spans.starts.contains_key(&location.path) {
                    spans
                        .starts
                        .insert(location.path.clone(), (line as u32 + 1, column as u32 + 1));
                    let leading = location.leading_comments.clone().unwrap_or_default();
                    spans.leading.insert(location.path.clone(), leading);
                }
                let mut text = String::new();
                if let Some(leading) = &location.leading_comments {
                    text.push_str(leading.trim());
                }
                if let Some(trailing) = &location.trailing_comments {
                    if !text.is_empty() && !trailing.trim().is_empty() {
                        text.push('\n');
                    }
                    text.push_str(trailing.trim());
                }
                if !text.is_empty() {
                    spans.comments.entry(location.path.clone()).or_insert(text);
                }
            }
        }
        spans
    }

    /// Where the element at `path` is written; the file's first line when the descriptor
    /// has no source info for it (as buf reports such places).
    pub fn at(&self, path: &[i32]) -> Location {
        match self.starts.get(path) {
            Some(&(line, column)) => Location::new(&self.file, line, column),
            None => self.file_level(),
        }
    }

    /// Where the element at `path`, or its nearest ancestor with source info, is written.
    pub fn nearest(&self, path: &[i32]) -> Option<Location> {
        (0..=path.len()).rev().find_map(|len| {
            self.starts
                .get(&path[..len])
                .map(|&(line, column)| Location::new(&self.file, line, column))
        })
    }

    /// The leading comment of the element at `path` as written (untrimmed); empty for none.
    pub fn leading(&self, path: &[i32]) -> &str {
        self.leading.get(path).map(String::as_str).unwrap_or("")
    }

    /// The file as a whole: line 1, column 1.
    pub fn file_level(&self) -> Location {
        Location::new(&self.file, 1, 1)
    }

    /// `at` moved back to where `keyword` starts on the same line: protox places an option's
    /// span at its value (`"x"` in `json_name = "x"`) where buf places it at the option's name.
    /// Reads the file from disk; `at` as it is when the file or the keyword is not there.
    pub fn back_to_keyword(&self, at: Location, keyword: &str) -> Location {
        let Ok(text) = std::fs::read_to_string(&self.file) else {
            return at;
        };
        let Some(line) = text.lines().nth((at.line as usize).saturating_sub(1)) else {
            return at;
        };
        let before: String = line
            .chars()
            .take((at.column as usize).saturating_sub(1))
            .collect();
        match before.rfind(keyword) {
            Some(byte) => {
                let column = before[..byte].chars().count() as u32 + 1;
                Location::new(&at.file, at.line, column)
            }
            None => at,
        }
    }

    /// Whether the file's source info has a span for `path`.
    pub fn has(&self, path: &[i32]) -> bool {
        self.starts.contains_key(path)
    }

    /// The first of `paths` that has a span (e.g. the field's type, else the field).
    pub fn first(&self, paths: &[&[i32]]) -> Location {
        paths
            .iter()
            .find_map(|p| {
                self.starts
                    .get(*p)
                    .map(|&(line, column)| Location::new(&self.file, line, column))
            })
            .unwrap_or_else(|| self.file_level())
    }

    /// The comments attached to the element at `path`, trimmed.
    pub fn comment(&self, path: &[i32]) -> &str {
        self.comments.get(path).map(String::as_str).unwrap_or("")
    }
}

/// Where a rule is written: the line of its own key inside the `(validate.rules)` value.
///
/// Descriptor source info stops at the option (`(validate.rules).string = {`): the fields of a
/// text-format aggregate have no location of their own, so the key is looked up in the source.
pub fn rule_location(rule: &Rule) -> Location {
    locate_key(&rule.location, &rule.name, None)
}

/// The location of `key` (a text-format field name followed by `:` or `{`) inside the aggregate
/// value `{ … }` of the option written at `at`, read from the proto source. With `depth`, only a
/// key at that nesting level counts (1: directly inside the first `{`). Falls back to `at` when
/// the file cannot be read, the option has no aggregate value, or the key is not in it.
pub fn locate_key(at: &Location, key: &str, depth: Option<usize>) -> Location {
    let Some((text, tokens)) = tokens_from(at) else {
        return at.clone();
    };
    let mut level = 0usize;
    for (i, (offset, token)) in tokens.iter().enumerate() {
        match token {
            Token::Punct('{') => level += 1,
            Token::Punct('}') => {
                if level <= 1 {
                    return at.clone();
                }
                level -= 1;
            }
            // The option ends before any aggregate value: `name = 1;`, `[a = 1, b = 2]`.
            Token::Punct(';' | ',' | '[' | ']') if level == 0 => return at.clone(),
            Token::Ident(name) if level > 0 && name == key && depth.is_none_or(|d| d == level) => {
                if matches!(tokens.get(i + 1), Some((_, Token::Punct(':' | '{')))) {
                    return position(at, &text, *offset);
                }
            }
            _ => {}
        }
    }
    at.clone()
}

/// The location of the identifier `ident` in the declaration that starts at `at` (up to its `;`
/// or its body), e.g. `field_behavior` in a field's option list. Falls back to `at`.
pub fn locate_ident(at: &Location, ident: &str) -> Location {
    let Some((text, tokens)) = tokens_from(at) else {
        return at.clone();
    };
    let mut level = 0usize;
    for (offset, token) in &tokens {
        match token {
            Token::Punct('{' | '[' | '(') => level += 1,
            // A body's closing brace ends the declaration, as does `;` outside brackets.
            Token::Punct('}') if level <= 1 => break,
            Token::Punct('}' | ']' | ')') => level = level.saturating_sub(1),
            Token::Punct(';') if level == 0 => break,
            Token::Ident(name) if name == ident => return position(at, &text, *offset),
            _ => {}
        }
    }
    at.clone()
}

#[derive(Debug, PartialEq)]
enum Token {
    Ident(String),
    Punct(char),
}

/// The proto source of `at.file` and its tokens from `at` on (comments and string literals
/// skipped), with their byte offsets.
fn tokens_from(at: &Location) -> Option<(String, Vec<(usize, Token)>)> {
    if at.line == 0 {
        return None;
    }
    let text = std::fs::read_to_string(&at.file).ok()?;
    let line_start = if at.line == 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(at.line as usize - 2)
            .map(|(i, _)| i + 1)?
    };
    let line_text = text[line_start..].split('\n').next().unwrap_or("");
    let column = (at.column.max(1) - 1) as usize;
    let start = line_start
        + line_text
            .char_indices()
            .nth(column)
            .map(|(i, _)| i)
            .unwrap_or(0);
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = start;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'"' | b'\'' => {
                i += 1;
                while i < bytes.len() && bytes[i] != c {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                let from = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                tokens.push((from, Token::Ident(text[from..i].to_string())));
            }
            c if c.is_ascii_whitespace() || !c.is_ascii() => i += 1,
            c => {
                tokens.push((i, Token::Punct(c as char)));
                i += 1;
            }
        }
    }
    Some((text, tokens))
}

/// The location of a byte offset of `text`, in `at`'s file.
fn position(at: &Location, text: &str, offset: usize) -> Location {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    Location::new(at.file.clone(), line, column)
}
