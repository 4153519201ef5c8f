//! Reads an OpenAPI document — 3.0, 3.1, or Swagger 2.0 converted to the 3.x shape — into one
//! representation: the JSON value with the line of every node, plus the other files its
//! `$ref`s reach, each with its own lines.

mod structure;
mod swagger;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::diag::{Diagnostic, Location};
use crate::source::yaml::{self, Lines};

/// Which specification a document follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    /// Swagger 2.0, read as the equivalent 3.0 document.
    Swagger2,
    /// OpenAPI 3.0.x.
    V3_0,
    /// OpenAPI 3.1.x (JSON Schema 2020-12 schemas).
    V3_1,
}

impl Version {
    /// Whether schemas follow JSON Schema 2020-12 (type arrays, `const`, numeric exclusive
    /// bounds) rather than OpenAPI 3.0's dialect.
    pub fn is_3_1(self) -> bool {
        self == Version::V3_1
    }
}

/// One file of a document: the document itself or a file reached through a `$ref`.
#[derive(Debug, Clone)]
pub struct Part {
    /// The path shown in diagnostics.
    pub file: String,
    /// The file's content as JSON.
    pub raw: Value,
    lines: Lines,
    /// The directory relative `$ref`s of this file start from.
    dir: PathBuf,
}

impl Part {
    /// The location of the node at `tokens` (unescaped pointer tokens), or of its nearest
    /// ancestor that has one.
    pub fn location<S: AsRef<str>>(&self, tokens: &[S]) -> Location {
        Location::new(&self.file, self.lines.line(tokens), 0)
    }
}

/// A parsed OpenAPI document with a line for each JSON pointer.
#[derive(Debug, Clone)]
pub struct OpenApiDoc {
    /// The path shown in diagnostics.
    pub file: String,
    /// The document as plain JSON (a Swagger 2.0 document already in the 3.x shape).
    pub raw: Value,
    /// The specification the file follows.
    pub version: Version,
    lines: Lines,
    dir: PathBuf,
    /// The files other than this one that `$ref`s reach, in the order first reached.
    pub externals: Vec<Part>,
    /// Files that `$ref`s name but that cannot be read or parsed: path → why.
    pub unreadable: BTreeMap<PathBuf, String>,
    externals_by_path: BTreeMap<PathBuf, usize>,
}

impl OpenApiDoc {
    /// The location of the node at `tokens` (RFC 6901 tokens, unescaped), or of its nearest
    /// ancestor that has one.
    pub fn location<S: AsRef<str>>(&self, tokens: &[S]) -> Location {
        Location::new(&self.file, self.lines.line(tokens), 0)
    }

    /// Part `index`: 0 is the document itself, 1… its [`OpenApiDoc::externals`].
    pub fn part(&self, index: usize) -> Option<(&str, &Value)> {
        match index {
            0 => Some((&self.file, &self.raw)),
            i => self.externals.get(i - 1).map(|p| (p.file.as_str(), &p.raw)),
        }
    }

    /// The location of `tokens` in part `index`.
    pub fn part_location<S: AsRef<str>>(&self, index: usize, tokens: &[S]) -> Location {
        match index {
            0 => self.location(tokens),
            i => match self.externals.get(i - 1) {
                Some(p) => p.location(tokens),
                None => self.location(tokens),
            },
        }
    }

    /// The part a `$ref`'s file (`other.yaml` in `other.yaml#/…`) names, seen from part
    /// `from`; why not when it could not be read.
    pub fn external(&self, from: usize, file: &str) -> Result<usize, String> {
        let dir = match from {
            0 => &self.dir,
            i => self.externals.get(i - 1).map_or(&self.dir, |p| &p.dir),
        };
        let path = normalize(&dir.join(file));
        if let Some(i) = self.externals_by_path.get(&path) {
            return Ok(i + 1);
        }
        Err(self
            .unreadable
            .get(&path)
            .cloned()
            .unwrap_or_else(|| format!("{} was not loaded", path.display())))
    }

    /// The server URL's path (`/auth/v1` of `https://host/auth/v1/`), if the document
    /// names a server; Swagger's `basePath` is its first server.
    pub fn base_path(&self) -> Option<String> {
        let url = self.raw.pointer("/servers/0/url")?.as_str()?;
        let path = match url.find("://") {
            Some(i) => url[i + 3..]
                .find('/')
                .map(|j| url[i + 3 + j..].to_string())
                .unwrap_or_default(),
            None => url.to_string(),
        };
        Some(path.trim_end_matches('/').to_string())
    }
}

/// Reads and parses `path` and the files its `$ref`s reach; fails closed on anything but
/// OpenAPI 3.0.x, 3.1.x and Swagger 2.0.
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

/// Parses a document already in memory; `file` names it in diagnostics and relative `$ref`s
/// start from its directory.
pub fn parse(file: &str, text: &str) -> Result<OpenApiDoc, Diagnostic> {
    let (raw, lines) = parse_yaml(file, text)?;
    if !raw.is_object() {
        return Err(Diagnostic::error(
            "openapi-invalid",
            Location::new(file, 1, 0),
            "not an OpenAPI document: the top level is not a mapping",
        ));
    }
    let version = version(file, &raw, &lines)?;
    let (raw, lines) = match version {
        Version::Swagger2 => swagger::convert(raw, lines),
        _ => (raw, lines),
    };
    if let Some(paths) = raw.get("paths") {
        if !paths.is_object() {
            return Err(Diagnostic::error(
                "openapi-invalid",
                Location::new(file, lines.line(&["paths"]), 0),
                "`paths` must be a mapping of paths to their operations",
            ));
        }
    }
    structure::security_schemes(file, &raw, &lines, version)?;
    let dir = Path::new(file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut doc = OpenApiDoc {
        file: file.to_string(),
        raw,
        version,
        lines,
        dir,
        externals: Vec::new(),
        unreadable: BTreeMap::new(),
        externals_by_path: BTreeMap::new(),
    };
    load_externals(&mut doc);
    Ok(doc)
}

fn parse_yaml(file: &str, text: &str) -> Result<(Value, Lines), Diagnostic> {
    yaml::parse(text).map_err(|e| {
        Diagnostic::error(
            "openapi-yaml",
            Location::new(file, e.line, e.column),
            e.message,
        )
        .hint("fix the indentation or quoting at this position")
    })
}

/// The document's version from its `openapi` (or Swagger's `swagger`) field.
fn version(file: &str, raw: &Value, lines: &Lines) -> Result<Version, Diagnostic> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if let Some(v) = raw.get("swagger") {
        let v = text(v);
        if v == "2.0" {
            return Ok(Version::Swagger2);
        }
        return Err(Diagnostic::error(
            "openapi-version",
            Location::new(file, lines.line(&["swagger"]), 0),
            format!("Swagger version `{v}` is not supported: expected 2.0"),
        )
        .hint("write `swagger: \"2.0\"`, or `openapi: 3.1.0` for an OpenAPI 3 document"));
    }
    let at = Location::new(file, lines.line(&["openapi"]), 0);
    match raw.get("openapi").map(text) {
        Some(v) if v.starts_with("3.0.") => Ok(Version::V3_0),
        Some(v) if v.starts_with("3.1.") => Ok(Version::V3_1),
        Some(v) => Err(Diagnostic::error(
            "openapi-version",
            at,
            format!("OpenAPI version `{v}` is not supported: expected 3.0.x, 3.1.x or Swagger 2.0"),
        )
        .hint("write `openapi: 3.1.0` or `openapi: 3.0.3`")),
        None => Err(Diagnostic::error(
            "openapi-version",
            at,
            "not an OpenAPI document: the `openapi` field is missing",
        )
        .hint(
            "an OpenAPI document starts with `openapi: 3.1.0` (or `3.0.3`, or `swagger: \"2.0\"`)",
        )),
    }
}

/// Loads every file that a `$ref` of the document (or of a file loaded so far) names.
fn load_externals(doc: &mut OpenApiDoc) {
    let mut queue: Vec<(PathBuf, String)> = Vec::new();
    refs_to_files(&doc.raw, &doc.dir, &mut queue);
    while let Some((path, _)) = queue.pop() {
        if doc.externals_by_path.contains_key(&path) || doc.unreadable.contains_key(&path) {
            continue;
        }
        let file = path.display().to_string();
        let loaded = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {file}: {e}"))
            .and_then(|text| {
                yaml::parse(&text).map_err(|e| format!("{file}:{}: {}", e.line, e.message))
            });
        match loaded {
            Ok((raw, lines)) => {
                let (raw, lines) = match doc.version {
                    Version::Swagger2 => swagger::convert_fragment(raw, lines),
                    _ => (raw, lines),
                };
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                refs_to_files(&raw, &dir, &mut queue);
                doc.externals_by_path.insert(path, doc.externals.len());
                doc.externals.push(Part {
                    file,
                    raw,
                    lines,
                    dir,
                });
            }
            Err(why) => {
                doc.unreadable.insert(path, why);
            }
        }
    }
}

/// The files the `$ref`s under `v` name (relative to `dir`), with the `$ref` text.
fn refs_to_files(v: &Value, dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                let file = r.split('#').next().unwrap_or("");
                if !file.is_empty() && !file.contains("://") {
                    out.push((normalize(&dir.join(file)), r.to_string()));
                }
            }
            m.values().for_each(|c| refs_to_files(c, dir, out));
        }
        Value::Array(a) => a.iter().for_each(|c| refs_to_files(c, dir, out)),
        _ => {}
    }
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let up = matches!(
                    out.components().next_back(),
                    None | Some(Component::ParentDir)
                );
                if up {
                    out.push("..");
                } else {
                    out.pop();
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
