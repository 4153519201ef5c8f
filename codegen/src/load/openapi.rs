//! Reads an OpenAPI 3.0 document (YAML or JSON) and remembers the line of every node.

use std::collections::HashMap;
use std::path::Path;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diag::{Diagnostic, Location};

/// A parsed OpenAPI document with a line for each JSON pointer.
#[derive(Debug, Clone)]
pub struct OpenApiDoc {
    /// The path shown in diagnostics.
    pub file: String,
    /// The typed document.
    pub doc: openapiv3::OpenAPI,
    /// The document as plain JSON, for keywords the typed model folds away.
    pub raw: serde_json::Value,
    lines: HashMap<String, u32>,
}

impl OpenApiDoc {
    /// The location of the node at `pointer` (RFC 6901 tokens, unescaped), or of its nearest
    /// ancestor that has one.
    pub fn location(&self, tokens: &[&str]) -> Location {
        let mut tokens = tokens.to_vec();
        loop {
            let pointer = pointer(&tokens);
            if let Some(line) = self.lines.get(&pointer) {
                return Location::new(&self.file, *line, 0);
            }
            if tokens.pop().is_none() {
                return Location::new(&self.file, 1, 0);
            }
        }
    }
}

fn pointer(tokens: &[&str]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// Reads and parses `path`; fails closed on anything but OpenAPI 3.0.x.
pub fn read(path: &Path) -> Result<OpenApiDoc, Diagnostic> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error(
            "openapi-read",
            Location::new(&file, 0, 0),
            format!("cannot read OpenAPI document: {e}"),
        )
    })?;
    parse(&file, &text)
}

/// Parses a document already in memory; `file` names it in diagnostics.
pub fn parse(file: &str, text: &str) -> Result<OpenApiDoc, Diagnostic> {
    let mut index = LineIndex::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut index, false) {
        let m = e.marker();
        return Err(Diagnostic::error(
            "openapi-yaml",
            Location::new(file, m.line() as u32, m.col() as u32 + 1),
            format!("malformed YAML: {}", e.info()),
        )
        .hint("fix the indentation or quoting at this position"));
    }
    let raw: serde_json::Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let (line, col) = e
            .location()
            .map(|l| (l.line() as u32, l.column() as u32))
            .unwrap_or((0, 0));
        Diagnostic::error(
            "openapi-yaml",
            Location::new(file, line, col),
            format!("malformed YAML: {e}"),
        )
    })?;
    let version = raw
        .get("openapi")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let version_location =
        || Location::new(file, index.lines.get("/openapi").copied().unwrap_or(1), 0);
    match version.as_deref() {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => {
            return Err(Diagnostic::error(
                "openapi-version",
                version_location(),
                format!("OpenAPI version `{v}` is not supported: expected 3.0.x"),
            )
            .hint(if v.starts_with("3.1") {
                "protogate reads OpenAPI 3.0; 3.1 keywords (const, type arrays, numeric exclusiveMinimum) would be lost. Write `openapi: 3.0.3`"
            } else {
                "write `openapi: 3.0.3` (Swagger 2.0 documents must be converted first)"
            }))
        }
        None => {
            return Err(Diagnostic::error(
                "openapi-version",
                version_location(),
                "not an OpenAPI document: the `openapi` field is missing",
            )
            .hint("an OpenAPI 3.0 document starts with `openapi: 3.0.3`"))
        }
    }
    let doc: openapiv3::OpenAPI = serde_json::from_value(raw.clone()).map_err(|e| {
        Diagnostic::error(
            "openapi-invalid",
            Location::new(file, 1, 0),
            format!("invalid OpenAPI 3.0 document: {e}"),
        )
        .hint("check the document against the OpenAPI 3.0 schema")
    })?;
    Ok(OpenApiDoc {
        file: file.to_string(),
        doc,
        raw,
        lines: index.lines,
    })
}

/// Records the line where each node starts, keyed by JSON pointer.
#[derive(Default)]
struct LineIndex {
    lines: HashMap<String, u32>,
    stack: Vec<Frame>,
}

enum Frame {
    /// A mapping: the pointer, and the key (with its line) whose value comes next.
    Map(String, Option<(String, u32)>),
    /// A sequence: the pointer and the next index.
    Seq(String, usize),
}

impl LineIndex {
    /// The pointer of the node that starts now and the line it is reported at (its key's
    /// line inside a mapping, where a reader looks), advancing the parent.
    fn next_pointer(&mut self, line: u32) -> Option<(String, u32)> {
        match self.stack.last_mut() {
            None => Some((String::new(), line)),
            Some(Frame::Seq(p, i)) => {
                let out = format!("{p}/{i}");
                *i += 1;
                Some((out, line))
            }
            Some(Frame::Map(p, key)) => key.take().map(|(k, key_line)| {
                (
                    format!("{p}/{}", k.replace('~', "~0").replace('/', "~1")),
                    key_line,
                )
            }),
        }
    }
}

impl MarkedEventReceiver for LineIndex {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let line = mark.line() as u32;
        match ev {
            Event::Scalar(value, ..) => {
                if let Some(Frame::Map(_, key @ None)) = self.stack.last_mut() {
                    *key = Some((value, line));
                    return;
                }
                if let Some((p, l)) = self.next_pointer(line) {
                    self.lines.entry(p).or_insert(l);
                }
            }
            Event::Alias(_) => {
                if let Some((p, l)) = self.next_pointer(line) {
                    self.lines.entry(p).or_insert(l);
                }
            }
            Event::MappingStart(..) => {
                let (p, l) = self.next_pointer(line).unwrap_or_default();
                self.lines.entry(p.clone()).or_insert(l);
                self.stack.push(Frame::Map(p, None));
            }
            Event::SequenceStart(..) => {
                let (p, l) = self.next_pointer(line).unwrap_or_default();
                self.lines.entry(p.clone()).or_insert(l);
                self.stack.push(Frame::Seq(p, 0));
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a/{id}:\n    get:\n      operationId: A_Get\n      parameters:\n        - name: id\n          in: path\n          required: true\n          schema:\n            type: string\n      responses:\n        '200':\n          description: ok\n";

    #[test]
    fn every_node_has_its_line() {
        let doc = parse("api.yaml", DOC).unwrap();
        assert_eq!(
            doc.location(&["paths", "/a/{id}", "get", "operationId"])
                .line,
            8
        );
        assert_eq!(
            doc.location(&["paths", "/a/{id}", "get", "parameters", "0", "in"])
                .line,
            11
        );
        assert_eq!(
            doc.location(&["paths", "/a/{id}", "get", "nothing"]).line,
            7
        );
    }

    #[test]
    fn openapi_31_is_refused_with_its_line() {
        let err = parse("api.yaml", "info: {}\nopenapi: 3.1.0\npaths: {}\n").unwrap_err();
        assert_eq!(err.code, "openapi-version");
        assert_eq!(err.location.line, 2);
    }

    #[test]
    fn malformed_yaml_names_the_line() {
        let err = parse(
            "api.yaml",
            "openapi: 3.0.3\ninfo:\n  title: [unclosed\n  version: 1\n",
        )
        .unwrap_err();
        assert_eq!(err.code, "openapi-yaml");
        assert!(err.location.line >= 3, "{err}");
    }
}
