//! YAML (and JSON) read once into a JSON value together with the line of every node.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// The line of each node of a document, keyed by JSON pointer (RFC 6901, escaped).
#[derive(Debug, Clone, Default)]
pub struct Lines(HashMap<String, u32>);

impl Lines {
    /// The line of the node at `tokens` (unescaped pointer tokens), or of its nearest ancestor
    /// that has one; line 1 when none does.
    pub fn line<S: AsRef<str>>(&self, tokens: &[S]) -> u32 {
        let mut len = tokens.len();
        loop {
            if let Some(line) = self.0.get(&pointer(&tokens[..len])) {
                return *line;
            }
            if len == 0 {
                return 1;
            }
            len -= 1;
        }
    }

    /// Records `line` for the node at `tokens` unless it has one.
    pub fn insert<S: AsRef<str>>(&mut self, tokens: &[S], line: u32) {
        self.0.entry(pointer(tokens)).or_insert(line);
    }

    /// Gives every node under `from` in `source` (itself included) its line under `to` here:
    /// the index of a subtree moved elsewhere, possibly into another document.
    pub fn copy_from<S: AsRef<str>, T: AsRef<str>>(
        &mut self,
        source: &Lines,
        from: &[S],
        to: &[T],
    ) {
        let from = pointer(from);
        let to = pointer(to);
        for (p, line) in &source.0 {
            let Some(rest) = p.strip_prefix(&from) else {
                continue;
            };
            if rest.is_empty() || rest.starts_with('/') {
                self.0.entry(format!("{to}{rest}")).or_insert(*line);
            }
        }
    }
}

/// The escaped JSON pointer of unescaped tokens.
pub fn pointer<S: AsRef<str>>(tokens: &[S]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", t.as_ref().replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// The unescaped tokens of a JSON pointer (`/a~1b/c` → `a/b`, `c`); a leading `#` is allowed.
pub fn tokens(pointer: &str) -> Vec<String> {
    let pointer = pointer.trim_start_matches('#');
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Why a text is not a YAML document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column (0 when unknown).
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

/// Parses the first document of `text` into a JSON value and the line of each of its nodes.
/// Plain scalars follow the YAML 1.2 core schema (`true`, `12`, `1.5`, `null`); quoted ones stay
/// strings; mapping keys are their text.
pub fn parse(text: &str) -> Result<(Value, Lines), YamlError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, false) {
        let m = e.marker();
        return Err(YamlError {
            line: m.line() as u32,
            column: m.col() as u32 + 1,
            message: format!("malformed YAML: {}", e.info()),
        });
    }
    if let Some(e) = builder.error {
        return Err(e);
    }
    Ok((builder.root.unwrap_or(Value::Null), builder.lines))
}

/// Builds the value from parser events.
#[derive(Default)]
struct Builder {
    root: Option<Value>,
    lines: Lines,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    error: Option<YamlError>,
    /// Whether the first document ended (later ones are ignored).
    done: bool,
}

enum Frame {
    /// A mapping: its pointer tokens, its anchor, the entries so far and the key (with its
    /// line) whose value comes next.
    Map(
        Vec<String>,
        usize,
        Map<String, Value>,
        Option<(String, u32)>,
    ),
    /// A sequence: its pointer tokens, its anchor and the items so far.
    Seq(Vec<String>, usize, Vec<Value>),
}

impl Builder {
    /// The tokens of the node that starts now and the line it is reported at (its key's line
    /// inside a mapping, where a reader looks).
    fn next_tokens(&mut self, line: u32) -> (Vec<String>, u32) {
        match self.stack.last() {
            None => (Vec::new(), line),
            Some(Frame::Seq(p, _, items)) => {
                let mut p = p.clone();
                p.push(items.len().to_string());
                (p, line)
            }
            Some(Frame::Map(p, _, _, key)) => {
                let mut p = p.clone();
                let line = match key {
                    Some((k, key_line)) => {
                        p.push(k.clone());
                        *key_line
                    }
                    None => line,
                };
                (p, line)
            }
        }
    }

    /// Puts a finished node into its parent.
    fn add(&mut self, value: Value, anchor: usize, line: u32) {
        if anchor != 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(value);
                self.done = true;
            }
            Some(Frame::Seq(_, _, items)) => items.push(value),
            Some(Frame::Map(_, _, map, key)) => match key.take() {
                Some((k, key_line)) => {
                    if map.contains_key(&k) && self.error.is_none() {
                        self.error = Some(YamlError {
                            line: key_line,
                            column: 0,
                            message: format!("duplicate key `{k}` in a mapping"),
                        });
                    }
                    map.insert(k, value);
                }
                None => {
                    // A mapping or sequence used as a key: JSON has no such key.
                    if self.error.is_none() {
                        self.error = Some(YamlError {
                            line,
                            column: 0,
                            message: "a mapping key must be a scalar".into(),
                        });
                    }
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.done {
            return;
        }
        let line = mark.line() as u32;
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                if let Some(Frame::Map(_, _, _, key @ None)) = self.stack.last_mut() {
                    *key = Some((text, line));
                    return;
                }
                let (tokens, at) = self.next_tokens(line);
                self.lines.insert(&tokens, at);
                let typed =
                    style == TScalarStyle::Plain && tag.as_ref().is_none_or(|t| t.suffix != "str");
                let value = if typed {
                    scalar(&text)
                } else {
                    Value::String(text)
                };
                self.add(value, anchor, line);
            }
            Event::Alias(id) => {
                let value = self.anchors.get(&id).cloned().unwrap_or(Value::Null);
                if let Some(Frame::Map(_, _, _, key @ None)) = self.stack.last_mut() {
                    *key = Some((scalar_text(&value), line));
                    return;
                }
                let (tokens, at) = self.next_tokens(line);
                self.lines.insert(&tokens, at);
                self.add(value, 0, line);
            }
            Event::MappingStart(anchor, _) => {
                let (tokens, at) = self.next_tokens(line);
                self.lines.insert(&tokens, at);
                self.stack
                    .push(Frame::Map(tokens, anchor, Map::new(), None));
            }
            Event::SequenceStart(anchor, _) => {
                let (tokens, at) = self.next_tokens(line);
                self.lines.insert(&tokens, at);
                self.stack.push(Frame::Seq(tokens, anchor, Vec::new()));
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(_, anchor, map, _)) = self.stack.pop() {
                    self.add(Value::Object(map), anchor, line);
                }
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq(_, anchor, items)) = self.stack.pop() {
                    self.add(Value::Array(items), anchor, line);
                }
            }
            _ => {}
        }
    }
}

/// A plain scalar's value in the YAML 1.2 core schema.
fn scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix('+').unwrap_or(text);
    if let Some(hex) = digits.strip_prefix("0x") {
        if let Ok(n) = u64::from_str_radix(hex, 16) {
            return Value::Number(n.into());
        }
    }
    if let Some(oct) = digits.strip_prefix("0o") {
        if let Ok(n) = u64::from_str_radix(oct, 8) {
            return Value::Number(n.into());
        }
    }
    if let Ok(n) = digits.parse::<u64>() {
        return Value::Number(n.into());
    }
    if let Ok(n) = text.parse::<i64>() {
        return Value::Number(n.into());
    }
    let float = match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Some(f64::NAN),
        _ if text.bytes().any(|b| b.is_ascii_digit())
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')) =>
        {
            text.parse::<f64>().ok()
        }
        _ => None,
    };
    match float {
        // JSON has no infinities or NaN.
        Some(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
        None => Value::String(text.to_string()),
    }
}

/// A scalar value as mapping-key text.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_lines_come_from_one_parse() {
        let text = "a: 1\nb:\n  - x\n  - 'true'\n  - true\nc: {d: 1.5, e: ~}\n\"200\": ok\n";
        let (value, lines) = parse(text).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"a": 1, "b": ["x", "true", true], "c": {"d": 1.5, "e": null}, "200": "ok"})
        );
        assert_eq!(lines.line(&["b", "1"]), 4);
        assert_eq!(lines.line(&["c", "d"]), 6);
        assert_eq!(lines.line(&["200"]), 7);
        assert_eq!(lines.line(&["c", "nothing"]), 6);
    }

    #[test]
    fn json_is_yaml() {
        let (value, lines) = parse("{\n  \"a\": [1,\n    {\"b\": \"c\"}]\n}\n").unwrap();
        assert_eq!(value, serde_json::json!({"a": [1, {"b": "c"}]}));
        assert_eq!(lines.line(&["a", "1", "b"]), 3);
    }

    #[test]
    fn anchors_and_duplicates() {
        let (value, _) = parse("a: &x {k: 1}\nb: *x\n").unwrap();
        assert_eq!(value["b"], serde_json::json!({"k": 1}));
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.line, 3);
    }

    #[test]
    fn moved_subtrees_keep_their_lines() {
        let (_, source) = parse("a:\n  b:\n    c: 1\n").unwrap();
        let mut lines = Lines::default();
        lines.copy_from(&source, &["a", "b"], &["x", "y"]);
        assert_eq!(lines.line(&["x", "y", "c"]), 3);
        assert_eq!(pointer(&["a/b", "c~"]), "/a~1b/c~0");
        assert_eq!(tokens("#/a~1b/c~0"), vec!["a/b", "c~"]);
    }
}
