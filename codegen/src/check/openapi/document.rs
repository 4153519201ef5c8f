//! The document as a whole: the operations by path and operationId, `$ref`s that point to
//! nothing, and operations no binding claims.

use serde_json::Value;

use super::operations::{openapi_path, operation_id, pattern_location, unnumbered};
use super::{Checker, Ptr};
use crate::diag::Location;
use crate::model::HttpBinding;

pub(super) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

impl Checker<'_> {
    /// The document's path of the binding: its own, or the numbered form (`{name_1}`) when
    /// the operation there is the binding's.
    pub(super) fn find_path(&self, binding: &HttpBinding, expected_id: &str) -> Option<String> {
        let wanted = openapi_path(binding);
        let paths = self.doc.raw.get("paths")?.as_object()?;
        let verb = binding.method.to_lowercase();
        let numbered = paths.iter().find(|(k, item)| {
            **k != wanted
                && unnumbered(k) == wanted
                && item
                    .get(&verb)
                    .and_then(|op| op.get("operationId"))
                    .and_then(Value::as_str)
                    == Some(expected_id)
        });
        numbered
            .map(|(k, _)| k)
            .or_else(|| paths.keys().find(|k| **k == wanted))
            .cloned()
    }

    /// The operation with this operationId: its path, method and pointer.
    pub(super) fn operation_by_id(&self, id: &str) -> Option<(String, String, Ptr)> {
        let paths = self.doc.raw.get("paths")?.as_object()?;
        for (path, item) in paths {
            for verb in METHODS {
                if item
                    .get(verb)
                    .and_then(|op| op.get("operationId"))
                    .and_then(Value::as_str)
                    == Some(id)
                {
                    return Some((
                        path.clone(),
                        verb.to_string(),
                        Ptr::root(&["paths", path, verb]),
                    ));
                }
            }
        }
        None
    }

    /// Every local `$ref` must point at something.
    pub(super) fn dangling_refs(&mut self) {
        let parts = 1 + self.doc.externals.len();
        for part in 0..parts {
            let Some((file, raw)) = self.doc.part(part) else {
                continue;
            };
            let file = file.to_string();
            let mut refs = Vec::new();
            collect_refs(raw, &mut Vec::new(), &mut refs);
            for (tokens, target) in refs {
                let holder = Ptr { part, tokens };
                let at = self.loc(&holder.join("$ref"));
                let (ref_file, fragment) = target.split_once('#').unwrap_or((&target, ""));
                if ref_file.contains("://") {
                    self.warning(
                        "openapi-not-checked",
                        at,
                        format!(
                            "`$ref: \"{target}\"` names a URL: the schema it names is not checked"
                        ),
                    )
                    .hint = Some("copy the schema into the document or a file beside it".into());
                    continue;
                }
                if !ref_file.is_empty() {
                    if let Err(why) = self.doc.external(part, ref_file) {
                        self.error(
                            "openapi-ref",
                            at,
                            format!("`$ref: \"{target}\"` names a file that cannot be read: {why}"),
                        )
                        .hint = Some(format!("the path is relative to {file}"));
                        continue;
                    }
                }
                if !fragment.is_empty() && !fragment.starts_with('/') {
                    self.warning(
                        "openapi-not-checked",
                        at,
                        format!("`$ref: \"{target}\"` names an anchor, not a JSON pointer: the schema it names is not checked"),
                    );
                    continue;
                }
                let found = self
                    .ref_target(part, &target)
                    .is_some_and(|ptr| self.get(&ptr).is_some());
                if !found {
                    let whose = if ref_file.is_empty() {
                        "the document".to_string()
                    } else {
                        format!("`{ref_file}`")
                    };
                    self.error(
                        "openapi-ref",
                        at,
                        format!("`$ref: \"{target}\"` points to nothing in {whose}"),
                    )
                    .hint = Some(
                        "name an existing component, e.g. `#/components/schemas/<Message>`".into(),
                    );
                }
            }
        }
    }

    pub(super) fn unmatched_operations(&mut self) {
        let Some(paths) = self.doc.raw.get("paths").and_then(Value::as_object) else {
            return;
        };
        let mut missing = Vec::new();
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for verb in METHODS {
                if item.contains_key(verb)
                    && !self.matched.contains(&(path.clone(), verb.to_string()))
                {
                    missing.push((path.clone(), verb));
                }
            }
        }
        for (path, verb) in missing {
            let ptr = Ptr::root(&["paths", &path, verb]);
            let at = self.loc(&ptr);
            let op_id = self
                .get(&ptr.join("operationId"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let related = self.binding_for(&op_id, &path);
            let d = self.error(
                "openapi-unknown-operation",
                at,
                format!(
                    "{} {path}{} has no google.api.http binding in the proto",
                    verb.to_uppercase(),
                    if op_id.is_empty() {
                        String::new()
                    } else {
                        format!(" ({op_id})")
                    }
                ),
            );
            if let Some(related) = related {
                d.related.push(related);
            }
            d.hint = Some(
                "add the binding to the rpc's google.api.http option, or remove the operation"
                    .into(),
            );
        }
    }

    /// The proto side of an undocumented operation: the binding of the rpc its operationId
    /// names, else a binding of the same path, else the first service.
    fn binding_for(&self, op_id: &str, path: &str) -> Option<(Location, String)> {
        let bindings = || {
            self.api.services().flat_map(|s| {
                s.methods
                    .iter()
                    .flat_map(move |m| m.http.iter().enumerate().map(move |(i, b)| (s, m, i, b)))
            })
        };
        if let Some((_, m, _, b)) = bindings().find(|(s, m, i, _)| operation_id(s, m, *i) == op_id)
        {
            return Some((
                pattern_location(b),
                format!("rpc {} binds {} {}", m.name, b.method, openapi_path(b)),
            ));
        }
        // The rpc the operationId names, without a (valid) binding.
        let methods = || {
            self.api
                .services()
                .flat_map(|s| s.methods.iter().map(move |m| (s, m)))
        };
        if let Some((_, m)) = methods().find(|(s, m)| {
            operation_id(s, m, m.http.len()) == op_id || operation_id(s, m, 0) == op_id
        }) {
            return Some((
                m.location.clone(),
                format!("rpc {} has no valid google.api.http binding for it", m.name),
            ));
        }
        if let Some((_, m, _, b)) = bindings().find(|(_, _, _, b)| openapi_path(b) == path) {
            return Some((
                pattern_location(b),
                format!("rpc {} binds {} {}", m.name, b.method, openapi_path(b)),
            ));
        }
        self.api
            .services()
            .next()
            .map(|s| (s.location.clone(), format!("no rpc of {} binds it", s.name)))
    }
}

/// Every `$ref` under `v`: the pointer of the object holding it, and its target.
fn collect_refs(v: &Value, at: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                out.push((at.clone(), r.to_string()));
            }
            for (k, child) in m {
                at.push(k.clone());
                collect_refs(child, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                at.push(i.to_string());
                collect_refs(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}
