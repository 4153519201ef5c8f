//! `OPENAPI_*`: what breaks a REST client between two versions of the OpenAPI document.
//! Operations pair by method and path (path parameter names aside, as a client sees them);
//! schemas are compared where they are used, `$ref`s inside the document followed, in the
//! direction the data flows. A request may not demand more: a new required parameter or
//! property, a narrower type, a removed enum value, a tighter bound, a new pattern. A response
//! may not deliver less or other: a removed required property or success status, a changed
//! type, a looser bound, a newly nullable or optional property. What neither breaks (an
//! optional property removed from a response, a parameter removed, an enum value added to a
//! response) is reported as not breaking. `oasdiff` is the oracle for these verdicts
//! (codegen/tests/diff_oasdiff.rs).

use serde_json::{Map, Value};

mod schema;

use super::Finding;
use crate::load::openapi::OpenApiDoc;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A path with its parameter names blanked: `/users/{}/phone`.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                out.push('{');
            }
            '}' => {
                depth -= 1;
                out.push('}');
            }
            _ if depth > 0 => {}
            c => out.push(c),
        }
    }
    out
}

/// Every change between the two documents' operations.
pub fn run(old: &OpenApiDoc, new: &OpenApiDoc) -> Vec<Finding> {
    let mut cx = Compare {
        old,
        new,
        out: Vec::new(),
    };
    let empty = Map::new();
    let old_paths = old
        .raw
        .get("paths")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let new_paths = new
        .raw
        .get("paths")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let find = |paths: &Map<String, Value>, path: &str| -> Option<(String, Value)> {
        paths
            .iter()
            .find(|(p, _)| shape(p) == shape(path))
            .map(|(p, v)| (p.clone(), v.clone()))
    };
    for (path, old_item) in old_paths {
        let new_item = find(new_paths, path);
        for method in METHODS {
            let Some(old_op) = old_item.get(method) else {
                continue;
            };
            let element = format!("{} {path}", method.to_uppercase());
            match new_item
                .as_ref()
                .and_then(|(p, item)| Some((p, item.get(method)?)))
            {
                Some((new_path, new_op)) => {
                    cx.operation(new_path, method, &element, old_op, new_op)
                }
                None => {
                    let deprecated = old_op.get("deprecated") == Some(&Value::Bool(true));
                    cx.push(
                        "OPENAPI_OPERATION_NO_DELETE",
                        !deprecated,
                        &["paths", path],
                        &element,
                        format!("Operation \"{element}\" was deleted."),
                        Side::Old,
                    )
                }
            }
        }
    }
    for (path, new_item) in new_paths {
        let old_item = find(old_paths, path);
        for method in METHODS {
            if new_item.get(method).is_some()
                && old_item.as_ref().and_then(|(_, i)| i.get(method)).is_none()
            {
                let element = format!("{} {path}", method.to_uppercase());
                cx.push(
                    "OPENAPI_OPERATION_ADDED",
                    false,
                    &["paths", path, method],
                    &element,
                    format!("Operation \"{element}\" was added."),
                    Side::New,
                );
            }
        }
    }
    cx.out
}

#[derive(Clone, Copy)]
enum Side {
    Old,
    New,
}

/// Which way data flows through a schema.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
    /// A parameter: sent as text, so any type may widen to a string.
    Parameter,
    /// A request body: what the client sends.
    Request,
    /// A response body: what the client receives.
    Response,
}

struct Compare<'a> {
    old: &'a OpenApiDoc,
    new: &'a OpenApiDoc,
    out: Vec<Finding>,
}

/// Where in the new document a comparison is, and what to call it.
pub(super) struct At<'p> {
    pointer: &'p [&'p str],
    element: &'p str,
    what: String,
}

impl<'a> Compare<'a> {
    fn push(
        &mut self,
        rule: &'static str,
        breaking: bool,
        at: &[&str],
        element: &str,
        message: String,
        side: Side,
    ) {
        let doc = match side {
            Side::Old => self.old,
            Side::New => self.new,
        };
        self.out.push(Finding::own(
            rule,
            breaking,
            doc.location(at),
            element,
            message,
        ));
    }

    fn note(&mut self, rule: &'static str, breaking: bool, at: &At<'_>, message: String) {
        self.push(rule, breaking, at.pointer, at.element, message, Side::New);
    }

    fn operation(&mut self, path: &str, method: &str, element: &str, old: &Value, new: &Value) {
        self.parameters(path, method, element, old, new);
        self.request_body(path, method, element, old, new);
        let empty = Map::new();
        let old_responses = old
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let new_responses = new
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (status, old_response) in old_responses {
            let success = status.len() == 3
                && status.starts_with('2')
                && status.chars().all(|c| c.is_ascii_digit());
            let Some(new_response) = new_responses.get(status) else {
                self.push(
                    "OPENAPI_RESPONSE_NO_DELETE",
                    success,
                    &["paths", path, method, "responses"],
                    element,
                    format!("Response \"{status}\" of operation \"{element}\" was deleted."),
                    Side::New,
                );
                continue;
            };
            let schema = |doc: &OpenApiDoc, r: &Value| {
                deref(doc, r)
                    .pointer("/content/application~1json/schema")
                    .cloned()
            };
            let pointer = ["paths", path, method, "responses", status.as_str()];
            let at = At {
                pointer: &pointer,
                element,
                what: format!("response {status}"),
            };
            match (schema(self.old, old_response), schema(self.new, new_response)) {
                (Some(o), Some(n)) => self.schema(&o, &n, Flow::Response, &at, 0),
                (Some(_), None) => self.note(
                    "OPENAPI_RESPONSE_NO_DELETE",
                    true,
                    &at,
                    format!("The JSON body of response \"{status}\" of operation \"{element}\" was deleted."),
                ),
                _ => {}
            }
        }
    }

    fn request_body(&mut self, path: &str, method: &str, element: &str, old: &Value, new: &Value) {
        let body = |doc: &OpenApiDoc, op: &Value| op.get("requestBody").map(|b| deref(doc, b));
        let required = |b: &Value| b.get("required") == Some(&Value::Bool(true));
        let pointer = ["paths", path, method, "requestBody"];
        let at = At {
            pointer: &pointer,
            element,
            what: "the request body".to_string(),
        };
        match (body(self.old, old), body(self.new, new)) {
            (None, Some(n)) if required(&n) => self.note(
                "OPENAPI_REQUEST_BODY_NO_REQUIRE",
                true,
                &at,
                format!("Operation \"{element}\" now requires a request body."),
            ),
            (Some(_), None) => self.note(
                "OPENAPI_REQUEST_BODY_NO_DELETE",
                true,
                &at,
                format!("The request body of operation \"{element}\" was deleted."),
            ),
            (Some(o), Some(n)) => {
                if required(&n) && !required(&o) {
                    self.note(
                        "OPENAPI_REQUEST_BODY_NO_REQUIRE",
                        true,
                        &at,
                        format!("The request body of operation \"{element}\" is now required."),
                    );
                }
                let schema = |b: &Value| b.pointer("/content/application~1json/schema").cloned();
                if let (Some(os), Some(ns)) = (schema(&o), schema(&n)) {
                    self.schema(&os, &ns, Flow::Request, &at, 0);
                }
            }
            _ => {}
        }
    }

    fn parameters(&mut self, path: &str, method: &str, element: &str, old: &Value, new: &Value) {
        let list = |doc: &OpenApiDoc, op: &Value| -> Vec<Value> {
            op.get("parameters")
                .and_then(Value::as_array)
                .map(|ps| ps.iter().map(|p| deref(doc, p)).collect())
                .unwrap_or_default()
        };
        let key = |p: &Value| {
            (
                p.get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                p.get("in")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            )
        };
        let required = |p: &Value| p.get("required") == Some(&Value::Bool(true));
        let old_params = list(self.old, old);
        let new_params = list(self.new, new);
        for (i, n) in new_params.iter().enumerate() {
            let (name, place) = key(n);
            let index = i.to_string();
            let pointer = ["paths", path, method, "parameters", index.as_str()];
            let at = At {
                pointer: &pointer,
                element,
                what: format!("{place} parameter \"{name}\""),
            };
            match old_params.iter().find(|o| key(o) == key(n)) {
                None if required(n) || place == "path" => self.note(
                    "OPENAPI_PARAMETER_NO_REQUIRE",
                    true,
                    &at,
                    format!(
                        "Operation \"{element}\" has a new required {place} parameter \"{name}\"."
                    ),
                ),
                None => {}
                Some(o) => {
                    if required(n) && !required(o) {
                        self.note(
                            "OPENAPI_PARAMETER_NO_REQUIRE",
                            true,
                            &at,
                            format!(
                                "The {} of operation \"{element}\" is now required.",
                                at.what
                            ),
                        );
                    }
                    if let (Some(os), Some(ns)) = (o.get("schema"), n.get("schema")) {
                        self.schema(os, ns, Flow::Parameter, &at, 0);
                    }
                }
            }
        }
        for o in &old_params {
            let (name, place) = key(o);
            if !new_params.iter().any(|n| key(n) == key(o)) {
                self.push(
                    "OPENAPI_PARAMETER_REMOVED",
                    false,
                    &["paths", path, method],
                    element,
                    format!(
                        "The {place} parameter \"{name}\" of operation \"{element}\" was deleted."
                    ),
                    Side::New,
                );
            }
        }
    }
}

/// Follows `#/…` references inside `doc`; other values as they are.
fn deref(doc: &OpenApiDoc, value: &Value) -> Value {
    let mut value = value.clone();
    for _ in 0..32 {
        let Some(target) = value.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(pointer) = target.strip_prefix('#') else {
            break;
        };
        match doc.raw.pointer(pointer) {
            Some(found) => value = found.clone(),
            None => break,
        }
    }
    value
}
