//! Proto ↔ OpenAPI agreement: every binding has its operation and every operation its binding;
//! parameters, bodies and responses agree field by field with the proto messages and their rules.
//!
//! Every disagreement is an error at the place in one document, with a related location in the
//! other one; only differing descriptions, and schemas the check cannot compare (reported as
//! `openapi-not-checked`, never skipped silently), are warnings.
//!
//! The document is one JSON value with a line per node (3.0, 3.1, or Swagger 2.0 read as 3.0),
//! plus the files its `$ref`s reach. The check walks it from the proto side:
//! `operations` (bindings, security, parameters), `bodies` (request and response bodies),
//! `schemas` (messages and field types), `constraints` (rules against keywords),
//! `composition` (`allOf` merged, `oneOf`/`anyOf` against the proto's oneofs), `keywords`
//! (what the document's version allows), `rule_groups` (rules the emitter writes as
//! compositions: `not`, `anyOf` of formats or bounds, the empty value beside the rules), and
//! `document` (`$ref`s and operations no binding claims).

mod bodies;
mod composition;
mod constraints;
mod document;
mod keywords;
mod operations;
mod rule_groups;
mod schemas;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::load::openapi::OpenApiDoc;
use crate::model::{Api, Field, FieldType, Message};
use crate::source::yaml;

use composition::Merged;

/// Compares the model with the document.
pub fn check(api: &Api, doc: &OpenApiDoc, diags: &mut Diagnostics) {
    let start = diags.0.len();
    let mut checker = Checker {
        api,
        doc,
        diags,
        matched: BTreeSet::new(),
        via: Vec::new(),
        via_notes: Vec::new(),
        seen: BTreeSet::new(),
        merged: Vec::new(),
    };
    checker.version_keywords();
    checker.dangling_refs();
    for service in api.services() {
        for method in &service.methods {
            for (i, binding) in method.http.iter().enumerate() {
                checker.binding(service, method, i, binding);
            }
        }
    }
    checker.unmatched_operations();
    let notes = checker.via_notes;
    for (index, at) in notes {
        let d = &mut diags.0[index];
        if d.location != at && !d.related.iter().any(|(l, _)| *l == at) {
            d.related.push((at, "reached through this `$ref`".into()));
        }
    }
    dedupe(diags, start);
}

struct Checker<'a> {
    api: &'a Api,
    doc: &'a OpenApiDoc,
    diags: &'a mut Diagnostics,
    /// (path key in the document, method) pairs that a binding claimed.
    matched: BTreeSet<(String, String)>,
    /// The `$ref`s followed to reach the schema being compared, innermost last.
    via: Vec<Location>,
    /// Diagnostics (by index) raised inside a referenced schema, and the `$ref` that led there.
    via_notes: Vec<(usize, Location)>,
    /// Message schemas already compared: `message@pointer@skipped fields`.
    seen: BTreeSet<String>,
    /// The `allOf` schemas merged so far; [`Ptr`]s from [`MERGED`] on point into them.
    merged: Vec<Merged>,
}

/// Parts from here on are merged `allOf` schemas, not files.
const MERGED: usize = 1 << 20;

/// A place in the OpenAPI document: the file (0 the document, 1… the files `$ref`s reach,
/// [`MERGED`]… a merged `allOf`) and the pointer tokens in it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Ptr {
    part: usize,
    tokens: Vec<String>,
}

impl Ptr {
    /// A place in the document itself.
    fn root(tokens: &[&str]) -> Ptr {
        Ptr {
            part: 0,
            tokens: tokens.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn join(&self, token: &str) -> Ptr {
        let mut tokens = self.tokens.clone();
        tokens.push(token.to_string());
        Ptr {
            part: self.part,
            tokens,
        }
    }

    /// A key for the set of compared schemas.
    fn key(&self) -> String {
        format!("{}{}", self.part, yaml::pointer(&self.tokens))
    }
}

/// A schema as found, or merged from an `allOf`.
type Schema<'a> = Cow<'a, Value>;

impl<'a> Checker<'a> {
    /// Where `ptr` is written (a merged schema's keys where their part wrote them).
    fn loc(&self, ptr: &Ptr) -> Location {
        let real = self.real(ptr);
        self.doc.part_location(real.part, &real.tokens)
    }

    /// The place in a file a pointer into a merged schema stands for.
    fn real(&self, ptr: &Ptr) -> Ptr {
        match ptr
            .part
            .checked_sub(MERGED)
            .and_then(|i| self.merged.get(i))
        {
            Some(m) => m.origin(&ptr.tokens),
            None => ptr.clone(),
        }
    }

    /// The node at `ptr` as written in its file.
    fn get(&self, ptr: &Ptr) -> Option<&'a Value> {
        let real = self.real(ptr);
        let (_, mut v) = self.doc.part(real.part)?;
        for t in &real.tokens {
            v = match v {
                Value::Object(m) => m.get(t)?,
                Value::Array(a) => a.get(t.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(v)
    }

    /// The place a `$ref` found in `part` names, if its file was read.
    fn ref_target(&self, part: usize, r: &str) -> Option<Ptr> {
        let (file, fragment) = r.split_once('#').unwrap_or((r, ""));
        let part = if file.is_empty() {
            part
        } else {
            self.doc.external(part, file).ok()?
        };
        Some(Ptr {
            part,
            tokens: yaml::tokens(fragment),
        })
    }

    /// Follows `$ref`s (into other files too) and single-element `allOf`s; merges an `allOf`
    /// of several schemas. The target, its pointer, and the first `$ref` followed.
    fn resolve(&mut self, ptr: &Ptr) -> (Ptr, Option<Schema<'a>>, Option<Ptr>) {
        let mut ptr = self.real(ptr);
        let mut first_ref = None;
        for _ in 0..32 {
            let Some(v) = self.get(&ptr) else {
                return (ptr, None, first_ref);
            };
            if let Some(r) = v.get("$ref").and_then(Value::as_str) {
                // In 3.1 the keywords beside a `$ref` hold too (in 3.0 they are ignored).
                if self.doc.version.is_3_1() && !composition::only_annotations(v, "$ref") {
                    let (merged_ptr, merged) = self.merge(&ptr, v);
                    return (merged_ptr, Some(Cow::Owned(merged)), first_ref);
                }
                let Some(target) = self.ref_target(ptr.part, r) else {
                    return (ptr, None, first_ref);
                };
                first_ref.get_or_insert_with(|| ptr.clone());
                ptr = target;
                continue;
            }
            match v.get("allOf").and_then(Value::as_array) {
                Some(all) if all.len() == 1 && composition::only_annotations(v, "allOf") => {
                    first_ref.get_or_insert_with(|| ptr.clone());
                    ptr = ptr.join("allOf").join("0");
                }
                Some(_) => {
                    let (merged_ptr, merged) = self.merge(&ptr, v);
                    return (merged_ptr, Some(Cow::Owned(merged)), first_ref);
                }
                None => return (ptr, Some(Cow::Borrowed(v)), first_ref),
            }
        }
        let start = first_ref.clone().unwrap_or_else(|| ptr.clone());
        let at = self.loc(&start.join("$ref"));
        self.error(
            "openapi-ref",
            at,
            "the `$ref`s followed from here form a cycle: the schema is not checked".into(),
        )
        .hint = Some("point one of the `$ref`s at a schema".into());
        (ptr, None, first_ref)
    }

    /// Resolves `ptr`; when a `$ref` was followed, errors until [`Checker::leave`] also name
    /// the `$ref`'s line.
    fn enter(&mut self, ptr: &Ptr) -> (Ptr, Option<Schema<'a>>, bool) {
        let (target, value, via) = self.resolve(ptr);
        let followed = via.is_some();
        if let Some(via) = via {
            let at = self.loc(&via.join("$ref"));
            self.via.push(at);
        }
        (target, value, followed)
    }

    fn leave(&mut self, followed: bool) {
        if followed {
            self.via.pop();
        }
    }

    fn error(&mut self, code: &'static str, at: Location, message: String) -> &mut Diagnostic {
        self.push(Diagnostic::error(code, at, message))
    }

    fn warning(&mut self, code: &'static str, at: Location, message: String) -> &mut Diagnostic {
        self.push(Diagnostic::warning(code, at, message))
    }

    /// A disagreement inside the proto that no document can settle: the proto's own
    /// `openapiv2_field` says another bound or pattern than its rule (which the server enforces
    /// and the document follows).
    fn annotation_warning(&mut self, at: Location, message: String) -> &mut Diagnostic {
        self.warning("openapi-annotation", at, message)
    }

    fn push(&mut self, d: Diagnostic) -> &mut Diagnostic {
        self.diags.push(d);
        let index = self.diags.0.len() - 1;
        if let Some(via) = self.via.last() {
            self.via_notes.push((index, via.clone()));
        }
        &mut self.diags.0[index]
    }
}

/// An enum value as text (YAML may type `1` or `true`).
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(", ")
}

fn normalize_text(t: &str) -> String {
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Drops repeated diagnostics (the same schema reached from several operations) after `start`.
fn dedupe(diags: &mut Diagnostics, start: usize) {
    let mut seen = BTreeSet::new();
    let tail: Vec<Diagnostic> = diags.0.drain(start..).collect();
    for d in tail {
        if seen.insert((d.severity, d.code, d.location.clone(), d.message.clone())) {
            diags.0.push(d);
        }
    }
}

/// The field at `a.b.c` in `message`.
fn field_by_path<'a>(api: &'a Api, message: &'a Message, path: &str) -> Option<&'a Field> {
    let mut current = message;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let field = current
            .fields
            .iter()
            .find(|f| f.name == *part || f.json_name == *part)?;
        if i + 1 == parts.len() {
            return Some(field);
        }
        match &field.ty {
            FieldType::Message(m) => current = api.message(m)?,
            _ => return None,
        }
    }
    None
}
