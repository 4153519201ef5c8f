//! Proto ↔ OpenAPI agreement: every binding has its operation and every operation its binding;
//! parameters, bodies and responses agree field by field with the proto messages and their rules.
//!
//! Every disagreement is an error at the place in one document, with a related location in the
//! other one; only differing descriptions are warnings.

use std::collections::BTreeSet;

use serde_json::Value;

use super::rules::{locate_ident, locate_key, rule_location};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::emit::validate::wrapper_family;
use crate::load::openapi::OpenApiDoc;
use crate::model::rules::{base64_max, base64_min, literal_pattern};
use crate::model::{
    Api, Cardinality, Field, FieldType, HttpBinding, Message, Method, Rule, RuleValue, Service,
    Streaming,
};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// The field option carrying the proto's own OpenAPI annotations.
const OPENAPI_FIELD: &str = "grpc.gateway.protoc_gen_openapiv2.options.openapiv2_field";

/// Formats that name a wire type: documenting one on a field of another type is a disagreement.
const TYPED_FORMATS: [&str; 10] = [
    "int32",
    "int64",
    "uint32",
    "uint64",
    "float",
    "double",
    "byte",
    "binary",
    "date-time",
    "date",
];

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
    };
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
}

/// A place in the OpenAPI document: pointer tokens.
#[derive(Clone, Debug)]
struct Ptr(Vec<String>);

impl Ptr {
    fn join(&self, token: &str) -> Ptr {
        let mut v = self.0.clone();
        v.push(token.to_string());
        Ptr(v)
    }
}

/// grpc-gateway's operationId: `Service_Method` (or the `openapiv2_operation` option's
/// `operation_id`), numbered from 2 for additional bindings.
fn operation_id(service: &Service, method: &Method, index: usize) -> String {
    let base = match method.operation.as_ref().map(|o| o.operation_id.as_str()) {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => format!("{}_{}", service.name, method.name),
    };
    if index == 0 {
        base
    } else {
        format!("{base}{}", index + 1)
    }
}

/// The binding's path as OpenAPI writes it (see [`HttpBinding::openapi_path`]).
fn openapi_path(binding: &HttpBinding) -> String {
    binding.openapi_path()
}

/// The path with numbered parameters unnumbered (`/v1/{name_1}` → `/v1/{name}`): the form
/// protoc-gen-openapiv2 and `protogate openapi` give the later of two bindings that would share
/// a path and method.
fn unnumbered(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + len];
        let base = match name.rsplit_once('_') {
            Some((base, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => base,
            _ => name,
        };
        out.push_str(&rest[..open]);
        out.push('{');
        out.push_str(base);
        out.push('}');
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    out
}

/// The parameter names of a path, in order (`/v1/{name}/x/{id}` → `name`, `id`).
fn path_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// Where a key of the binding's `google.api.http` value is written (`post`, `body`, …); the
/// option's line for additional bindings.
fn binding_location(binding: &HttpBinding, key: &str) -> Location {
    if binding.additional {
        return binding.location.clone();
    }
    locate_key(&binding.location, key, Some(1))
}

/// Where the binding's pattern (`get: "/…"`) is written.
fn pattern_location(binding: &HttpBinding) -> Location {
    let verb = binding.method.to_lowercase();
    let key = if ["get", "put", "post", "delete", "patch"].contains(&verb.as_str()) {
        verb
    } else {
        "custom".to_string()
    };
    binding_location(binding, &key)
}

impl<'a> Checker<'a> {
    fn loc(&self, ptr: &Ptr) -> Location {
        let tokens: Vec<&str> = ptr.0.iter().map(String::as_str).collect();
        self.doc.location(&tokens)
    }

    fn get(&self, ptr: &Ptr) -> Option<&'a Value> {
        let mut v = &self.doc.raw;
        for t in &ptr.0 {
            v = match v {
                Value::Object(m) => m.get(t)?,
                Value::Array(a) => a.get(t.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(v)
    }

    /// Follows `$ref`s (local ones only) and single-element `allOf`s, and returns the target
    /// and its pointer.
    fn resolve(&self, ptr: Ptr) -> (Ptr, Option<&'a Value>) {
        let mut ptr = ptr;
        for _ in 0..16 {
            let Some(v) = self.get(&ptr) else {
                return (ptr, None);
            };
            match v.get("$ref").and_then(Value::as_str) {
                Some(r) if r.starts_with("#/") => ptr = ref_pointer(r),
                _ => match v.get("allOf").and_then(Value::as_array) {
                    Some(all)
                        if all.len() == 1
                            && v.get("properties").is_none()
                            && v.get("type").is_none() =>
                    {
                        ptr = ptr.join("allOf").join("0")
                    }
                    _ => return (ptr, Some(v)),
                },
            }
        }
        (ptr, None)
    }

    /// Resolves `ptr`; when a `$ref` was followed, errors until [`Checker::leave`] also name
    /// the `$ref`'s line.
    fn enter(&mut self, ptr: &Ptr) -> (Ptr, Option<&'a Value>, bool) {
        let (target, value) = self.resolve(ptr.clone());
        let followed = target.0 != ptr.0;
        if followed {
            let at = self.loc(&ptr.join("$ref"));
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
        self.report(Diagnostic::error(code, at, message))
    }

    /// A disagreement inside the proto that no document can settle: the proto's own
    /// `openapiv2_field` says another bound or pattern than its rule (which the server enforces
    /// and the document follows).
    fn annotation_warning(&mut self, at: Location, message: String) -> &mut Diagnostic {
        self.report(Diagnostic::warning("openapi-annotation", at, message))
    }

    fn report(&mut self, diagnostic: Diagnostic) -> &mut Diagnostic {
        self.diags.push(diagnostic);
        let index = self.diags.0.len() - 1;
        if let Some(via) = self.via.last() {
            self.via_notes.push((index, via.clone()));
        }
        self.diags.0.last_mut().expect("just pushed")
    }

    /// The document's path of the binding: its own, or the numbered form (`{name_1}`) when
    /// the operation there is the binding's.
    fn find_path(&self, binding: &HttpBinding, expected_id: &str) -> Option<String> {
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
    fn operation_by_id(&self, id: &str) -> Option<(String, String, Ptr)> {
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
                        Ptr(vec!["paths".into(), path.clone(), verb.into()]),
                    ));
                }
            }
        }
        None
    }

    /// Every local `$ref` must point at something.
    fn dangling_refs(&mut self) {
        let mut refs = Vec::new();
        collect_refs(&self.doc.raw, &mut Vec::new(), &mut refs);
        for (ptr, target) in refs {
            if !target.starts_with("#/") || self.get(&ref_pointer(&target)).is_some() {
                continue;
            }
            let at = self.loc(&ptr.join("$ref"));
            self.error(
                "openapi-ref",
                at,
                format!("`$ref: \"{target}\"` points to nothing in the document"),
            )
            .hint =
                Some("name an existing component, e.g. `#/components/schemas/<Message>`".into());
        }
    }

    fn binding(&mut self, service: &Service, method: &Method, index: usize, binding: &HttpBinding) {
        let verb = binding.method.to_lowercase();
        let pattern_at = pattern_location(binding);
        let expected_id = operation_id(service, method, index);
        let same_id = self.operation_by_id(&expected_id);
        // REST serves no method that streams requests: its bindings need no operation.
        let served = !matches!(method.streaming, Streaming::Client | Streaming::Bidi);
        let Some(path_key) = self.find_path(binding, &expected_id) else {
            if !served {
                return;
            }
            let (related_at, note) = match &same_id {
                Some((path, v, ptr)) => (
                    self.loc(ptr),
                    format!(
                        "operation `{expected_id}` is documented as {} {path}",
                        v.to_uppercase()
                    ),
                ),
                None => (
                    self.loc(&Ptr(vec!["paths".into()])),
                    "the document's paths".to_string(),
                ),
            };
            let d = self.error(
                "openapi-missing-operation",
                pattern_at,
                format!(
                    "{} {} ({}) has no operation in the OpenAPI document",
                    binding.method,
                    openapi_path(binding),
                    method.full_name
                ),
            );
            d.related.push((related_at, note));
            d.hint = Some(format!(
                "add `{}:` with a `{verb}` operation, or remove the binding",
                openapi_path(binding)
            ));
            return;
        };
        let path_ptr = Ptr(vec!["paths".into(), path_key.clone()]);
        let op_ptr = path_ptr.join(&verb);
        let Some(op) = self.get(&op_ptr) else {
            if !served {
                return;
            }
            let (related_at, note) = match &same_id {
                Some((path, v, ptr)) => (
                    self.loc(ptr),
                    format!(
                        "operation `{expected_id}` is documented as {} {path}",
                        v.to_uppercase()
                    ),
                ),
                None => (
                    self.loc(&path_ptr),
                    format!("`{path_key}` is documented here without `{verb}`"),
                ),
            };
            let d = self.error(
                "openapi-missing-operation",
                pattern_at,
                format!(
                    "{} {} ({}) is not documented: the path has no `{verb}` operation",
                    binding.method, path_key, method.full_name
                ),
            );
            d.related.push((related_at, note));
            return;
        };
        self.matched.insert((path_key.clone(), verb.clone()));

        // `protogate openapi` qualifies an operationId another service's method already took
        // with the package (`zitadel_user_v2beta_UserService_AddHumanUser`).
        let qualified_id = format!("{}_{expected_id}", service.package.replace('.', "_"));
        match op.get("operationId").and_then(Value::as_str) {
            Some(id) if id != expected_id && id != qualified_id => {
                let at = self.loc(&op_ptr.join("operationId"));
                let d = self.error(
                    "openapi-operation-id",
                    at,
                    format!("operationId `{id}` does not match the RPC: expected `{expected_id}`"),
                );
                d.related
                    .push((method.location.clone(), format!("rpc {}", method.name)));
            }
            _ => {}
        }
        if let Some(meta) = &method.operation {
            for (key, proto_text) in [
                ("summary", &meta.summary),
                ("description", &meta.description),
            ] {
                let doc_text = op.get(key).and_then(Value::as_str).unwrap_or("");
                if !proto_text.is_empty() && normalize_text(doc_text) != normalize_text(proto_text)
                {
                    let at = self.loc(&op_ptr.join(key));
                    let mut d = Diagnostic::warning(
                        "openapi-description",
                        at,
                        format!("the {key} of {} differs: OpenAPI says {doc_text:?}, the proto says {proto_text:?}", method.full_name),
                    );
                    d.related.push((
                        locate_key(&method.location, key, Some(2)),
                        format!("the openapiv2_operation's {key}"),
                    ));
                    self.diags.push(d);
                }
            }
        }
        self.security(method, &op_ptr, op);

        let Some(input) = self.api.message(&method.input) else {
            return;
        };
        let output = self.api.message(&method.output);
        self.parameters(method, binding, &path_key, &path_ptr, &op_ptr, input);
        self.request_body(method, binding, &op_ptr, input);
        if let Some(output) = output {
            self.response(method, binding, &op_ptr, output);
        }
    }

    /// The operation asks for credentials exactly when the method has an auth option.
    fn security(&mut self, method: &Method, op_ptr: &Ptr, op: &'a Value) {
        let (sec_ptr, sec) = match op.get("security") {
            Some(s) => (Some(op_ptr.join("security")), Some(s)),
            None => match self.doc.raw.get("security") {
                Some(s) => (Some(Ptr(vec!["security".into()])), Some(s)),
                None => (None, None),
            },
        };
        // `security: []` or a `{}` alternative makes credentials optional.
        let documented = match sec {
            Some(Value::Array(list)) => {
                !list.is_empty()
                    && list
                        .iter()
                        .all(|r| r.as_object().is_some_and(|o| !o.is_empty()))
            }
            _ => false,
        };
        let auth_at = method
            .options
            .iter()
            .find(|o| o.value.get("permission").is_some())
            .and_then(|o| o.name.rsplit('.').next())
            .map(|ident| locate_ident(&method.location, ident))
            .unwrap_or_else(|| method.location.clone());
        match (&method.auth, documented) {
            (Some(auth), false) => {
                let at = self.loc(sec_ptr.as_ref().unwrap_or(op_ptr));
                let d = self.error(
                    "openapi-security",
                    at,
                    format!("{} requires an authenticated caller (permission `{}`) but the operation documents no required security scheme", method.full_name, auth.permission),
                );
                d.related.push((auth_at, "the method's auth option".into()));
                d.hint = Some("add `security: [{bearerAuth: []}]` to the operation".into());
            }
            (None, true) => {
                let at = self.loc(sec_ptr.as_ref().unwrap_or(op_ptr));
                let d = self.error(
                    "openapi-security",
                    at,
                    format!("the operation requires credentials but {} has no auth option: the server does not check them", method.full_name),
                );
                d.related
                    .push((method.location.clone(), format!("rpc {}", method.name)));
                d.hint = Some(
                    "add the auth option to the rpc, or `security: []` to the operation".into(),
                );
            }
            _ => {}
        }
    }

    fn parameters(
        &mut self,
        method: &Method,
        binding: &HttpBinding,
        path_key: &str,
        path_ptr: &Ptr,
        op_ptr: &Ptr,
        input: &'a Message,
    ) {
        let mut params: Vec<(Ptr, &'a Value)> = Vec::new();
        for base in [path_ptr.join("parameters"), op_ptr.join("parameters")] {
            if let Some(Value::Array(list)) = self.get(&base) {
                for i in 0..list.len() {
                    let (p, v) = self.resolve(base.join(&i.to_string()));
                    if let Some(v) = v {
                        params.push((p, v));
                    }
                }
            }
        }
        let pattern_at = pattern_location(binding);
        let path_vars: Vec<String> = binding
            .template
            .variables
            .iter()
            .map(|v| v.field_path.join("."))
            .collect();
        // The names the document's path gives the variables (`name_1` for a numbered `name`).
        let mut doc_names = path_names(path_key);
        if doc_names.len() != path_vars.len() {
            doc_names = path_vars.clone();
        }
        for (var, doc_name) in path_vars.iter().zip(&doc_names) {
            let found = params.iter().find(|(_, p)| {
                p.get("in").and_then(Value::as_str) == Some("path")
                    && p.get("name").and_then(Value::as_str) == Some(doc_name.as_str())
            });
            match found {
                None => {
                    let at = self.loc(op_ptr);
                    let d = self.error(
                        "openapi-missing-parameter",
                        at,
                        format!(
                            "path parameter `{doc_name}` of {} is not documented",
                            method.full_name
                        ),
                    );
                    d.related.push((
                        pattern_at.clone(),
                        format!("bound by `{}`", binding.template.source),
                    ));
                }
                Some((ptr, p)) => {
                    if p.get("required").and_then(Value::as_bool) != Some(true) {
                        let at = self.loc(ptr);
                        let d = self.error(
                            "openapi-parameter-required",
                            at,
                            format!("path parameter `{doc_name}` must be `required: true`"),
                        );
                        d.related.push((
                            pattern_at.clone(),
                            format!("bound by `{}`", binding.template.source),
                        ));
                    }
                    if let Some(field) = field_by_path(self.api, input, var) {
                        let (schema_ptr, schema, followed) = self.enter(&ptr.join("schema"));
                        if let Some(schema) = schema {
                            self.scalar_type_of(field, &field.ty, &schema_ptr, schema);
                        }
                        self.leave(followed);
                    }
                }
            }
        }
        for (ptr, p) in &params {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            let location = p.get("in").and_then(Value::as_str).unwrap_or("");
            match location {
                "path" if !doc_names.iter().any(|v| v == name) => {
                    let at = self.loc(ptr);
                    let d = self.error(
                        "openapi-unknown-parameter",
                        at,
                        format!(
                            "path parameter `{name}` is not a variable of `{}`",
                            binding.template.source
                        ),
                    );
                    d.related
                        .push((pattern_at.clone(), "the proto's path template".into()));
                }
                "query" => {
                    if binding.body.as_deref() == Some("*") {
                        let at = self.loc(ptr);
                        let d = self.error(
                            "openapi-unknown-parameter",
                            at,
                            format!("query parameter `{name}`: {} takes its whole request from the body (`body: \"*\"`)", method.full_name),
                        );
                        d.related
                            .push((binding_location(binding, "body"), "`body: \"*\"`".into()));
                        continue;
                    }
                    match field_by_path(self.api, input, name) {
                        None => {
                            let at = self.loc(ptr);
                            let d = self.error(
                                "openapi-unknown-parameter",
                                at,
                                format!(
                                    "query parameter `{name}` is not a field of `{}`",
                                    input.full_name
                                ),
                            );
                            d.related
                                .push((input.location.clone(), format!("message {}", input.name)));
                        }
                        Some(field) => {
                            let (schema_ptr, schema, followed) = self.enter(&ptr.join("schema"));
                            if let Some(schema) = schema {
                                self.field_schema(input, field, &schema_ptr, schema);
                            }
                            self.leave(followed);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn request_body(
        &mut self,
        method: &Method,
        binding: &HttpBinding,
        op_ptr: &Ptr,
        input: &'a Message,
    ) {
        let (body_ptr, body) = self.resolve(op_ptr.join("requestBody"));
        match (binding.body.as_deref(), body) {
            (None, Some(_)) => {
                let at = self.loc(&op_ptr.join("requestBody"));
                let d = self.error(
                    "openapi-unexpected-body",
                    at,
                    format!(
                        "{} {} documents a request body, but the binding has no `body`",
                        binding.method,
                        openapi_path(binding)
                    ),
                );
                d.related.push((
                    pattern_location(binding),
                    "google.api.http without `body`".into(),
                ));
            }
            (Some(b), None) => {
                let at = self.loc(op_ptr);
                let d = self.error(
                    "openapi-missing-body",
                    at,
                    format!(
                        "{} {} takes a request body (`body: \"{b}\"`) that is not documented",
                        binding.method,
                        openapi_path(binding)
                    ),
                );
                d.related.push((
                    binding_location(binding, "body"),
                    format!("`body: \"{b}\"`"),
                ));
            }
            (Some(b), Some(_)) => {
                let (schema_ptr, schema, followed) = self.enter(
                    &body_ptr
                        .join("content")
                        .join("application/json")
                        .join("schema"),
                );
                match schema {
                    // A `$ref` to nothing: reported once, as such.
                    None if followed => {}
                    None => {
                        let at = self.loc(&body_ptr.join("content"));
                        let d = self.error(
                            "openapi-missing-body",
                            at,
                            format!(
                                "the request body of {} has no application/json schema",
                                method.full_name
                            ),
                        );
                        d.related.push((
                            binding_location(binding, "body"),
                            format!("`body: \"{b}\"`"),
                        ));
                    }
                    Some(schema) if b == "*" => {
                        let bound: Vec<String> = binding
                            .template
                            .variables
                            .iter()
                            .map(|v| v.field_path.join("."))
                            .collect();
                        self.message_schema(input, &schema_ptr, schema, &bound);
                    }
                    Some(schema) => {
                        if let Some(field) = input.field(b) {
                            self.field_schema(input, field, &schema_ptr, schema);
                        }
                    }
                }
                self.leave(followed);
            }
            (None, None) => {}
        }
    }

    fn response(
        &mut self,
        method: &Method,
        binding: &HttpBinding,
        op_ptr: &Ptr,
        output: &'a Message,
    ) {
        let (resp_ptr, resp) = self.resolve(op_ptr.join("responses").join("200"));
        if resp.is_none() {
            let at = self.loc(&op_ptr.join("responses"));
            let d = self.error(
                "openapi-missing-response",
                at,
                format!("{} has no `200` response", method.full_name),
            );
            d.related.push((
                method.location.clone(),
                format!("rpc {} returns {}", method.name, output.name),
            ));
            return;
        }
        let (mut schema_ptr, mut schema, followed) = self.enter(
            &resp_ptr
                .join("content")
                .join("application/json")
                .join("schema"),
        );
        // grpc-gateway streams `{"result": <message>}` lines: the message is `result`.
        let mut result_followed = false;
        let stream = schema.and_then(|s| s.get("properties")?.get("result"));
        if method.streaming == Streaming::Server && stream.is_some() {
            let (p, v, f) = self.enter(&schema_ptr.join("properties").join("result"));
            (schema_ptr, schema, result_followed) = (p, v, f);
        }
        match schema {
            None if followed || result_followed => {}
            None => {
                let at = self.loc(&resp_ptr);
                let d = self.error(
                    "openapi-missing-response",
                    at,
                    format!(
                        "the 200 response of {} has no application/json schema",
                        method.full_name
                    ),
                );
                d.related.push((
                    method.location.clone(),
                    format!("rpc {} returns {}", method.name, output.name),
                ));
            }
            Some(schema) => match binding
                .response_body
                .as_deref()
                .and_then(|f| output.field(f))
            {
                Some(field) => self.field_schema(output, field, &schema_ptr, schema),
                None => self.message_schema(output, &schema_ptr, schema, &[]),
            },
        }
        self.leave(result_followed);
        self.leave(followed);
    }

    /// A message against an object schema; `skip` are fields bound elsewhere (path variables).
    fn message_schema(
        &mut self,
        message: &'a Message,
        ptr: &Ptr,
        schema: &'a Value,
        skip: &[String],
    ) {
        if !self.seen.insert(format!(
            "{}@{}@{}",
            message.full_name,
            ptr.0.join("/"),
            skip.join(",")
        )) {
            return;
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => {}
            Some(t) => {
                let at = self.loc(&ptr.join("type"));
                let d = self.error(
                    "openapi-type",
                    at,
                    format!(
                        "schema for message `{}` has type `{t}`: expected `object`",
                        message.full_name
                    ),
                );
                d.related.push((
                    message.location.clone(),
                    format!("message {}", message.name),
                ));
                return;
            }
            None if schema.get("properties").is_none() && !is_composed(schema) => {
                let at = self.loc(ptr);
                let d = self.error(
                    "openapi-type",
                    at,
                    format!(
                        "schema for message `{}` has no `type`: expected `object` with its fields",
                        message.full_name
                    ),
                );
                d.related.push((
                    message.location.clone(),
                    format!("message {}", message.name),
                ));
                return;
            }
            None => {}
        }
        if is_composed(schema) {
            // allOf/oneOf/anyOf of several schemas: the fields are not compared.
            return;
        }
        let props_ptr = ptr.join("properties");
        let props = schema.get("properties").and_then(Value::as_object);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let has = |key: &str| props.is_some_and(|p| p.contains_key(key));
        for field in &message.fields {
            if skip.contains(&field.name) {
                continue;
            }
            let key = if has(&field.json_name) {
                field.json_name.clone()
            } else if has(&field.name) {
                field.name.clone()
            } else {
                let at = self.loc(if props.is_some() { &props_ptr } else { ptr });
                let d = self.error(
                    "openapi-missing-property",
                    at,
                    format!(
                        "field `{}` of `{}` (JSON `{}`) is missing from the schema",
                        field.name, message.full_name, field.json_name
                    ),
                );
                d.related.push((
                    field.location.clone(),
                    format!("field {} = {}", field.name, field.number),
                ));
                continue;
            };
            if key != field.json_name {
                let at = self.loc(&props_ptr.join(&key));
                let d = self.error(
                    "openapi-json-name",
                    at,
                    format!(
                        "property `{key}` is the proto name of `{}.{}`: its JSON name is `{}`",
                        message.name, field.name, field.json_name
                    ),
                );
                d.related.push((
                    field.location.clone(),
                    format!("field {} (JSON `{}`)", field.name, field.json_name),
                ));
                d.hint = Some(format!("rename the property to `{}`", field.json_name));
            }
            let (p, v, followed) = self.enter(&props_ptr.join(&key));
            if let Some(v) = v {
                self.field_schema(message, field, &p, v);
            }
            self.leave(followed);
            if field.is_required() && !required.contains(&key.as_str()) {
                let at = self.loc(&if schema.get("required").is_some() {
                    ptr.join("required")
                } else {
                    props_ptr.join(&key)
                });
                let d = self.error("openapi-required", at, format!("`{key}` is REQUIRED in the proto but not in the schema's `required` list of `{}`", message.name));
                d.related.push((
                    locate_ident(&field.location, "field_behavior"),
                    "(google.api.field_behavior) = REQUIRED".into(),
                ));
            }
        }
        if let Some(props) = props {
            let unmatched: Vec<&'a Field> = message
                .fields
                .iter()
                .filter(|f| {
                    !skip.contains(&f.name)
                        && !props.contains_key(&f.json_name)
                        && !props.contains_key(&f.name)
                })
                .collect();
            for key in props.keys() {
                if !message
                    .fields
                    .iter()
                    .any(|f| &f.json_name == key || &f.name == key)
                {
                    let at = self.loc(&props_ptr.join(key));
                    let guess = match unmatched.as_slice() {
                        [f] => format!(
                            " (the proto's field `{}` has JSON name `{}`)",
                            f.name, f.json_name
                        ),
                        _ => String::new(),
                    };
                    let d = self.error(
                        "openapi-unknown-property",
                        at,
                        format!(
                            "property `{key}` is not a field of `{}`{guess}",
                            message.full_name
                        ),
                    );
                    match unmatched.as_slice() {
                        [f] => d.related.push((
                            f.location.clone(),
                            format!("field {} (JSON `{}`)", f.name, f.json_name),
                        )),
                        _ => d.related.push((
                            message.location.clone(),
                            format!("message {}", message.name),
                        )),
                    }
                }
            }
        }
        for (i, key) in required.iter().enumerate() {
            let at = self.loc(&ptr.join("required").join(&i.to_string()));
            match message
                .fields
                .iter()
                .find(|f| f.json_name == *key || f.name == *key)
            {
                // A field whose rules need a value may be listed: a valid request carries it.
                Some(field) if !field.needs_value() && !skip.contains(&field.name) => {
                    let d = self.error("openapi-required", at, format!("`{key}` is required in the schema of `{}` but neither REQUIRED in the proto nor needed by its rules", message.name));
                    d.related.push((
                        field.location.clone(),
                        "add (google.api.field_behavior) = REQUIRED or drop it from `required`"
                            .into(),
                    ));
                }
                Some(_) => {}
                None => {
                    let d = self.error(
                        "openapi-required",
                        at,
                        format!(
                            "`{key}` is in the `required` list of `{}` but is no field of `{}`",
                            message.name, message.full_name
                        ),
                    );
                    d.related.push((
                        message.location.clone(),
                        format!("message {}", message.name),
                    ));
                }
            }
        }
    }

    /// A field (with its cardinality) against its property schema, plus its rules.
    fn field_schema(
        &mut self,
        message: &'a Message,
        field: &'a Field,
        ptr: &Ptr,
        schema: &'a Value,
    ) {
        if !self.value_schema(message, field, ptr, schema) {
            return;
        }
        if field.cardinality == Cardinality::Single {
            // Rules that hold only for a set value: `anyOf: [{enum: [zero]}, {…keywords}]`.
            match ignore_empty_branch(schema) {
                Some(branch) => {
                    let ptr = ptr.join("anyOf").join("1");
                    self.constraints(message, field, &ptr, branch)
                }
                None => self.constraints(message, field, ptr, schema),
            }
        }
        if field.cardinality == Cardinality::Repeated {
            for (kw, rule) in [("minItems", "min_items"), ("maxItems", "max_items")] {
                let proto = field.rule("repeated", rule).and_then(|r| r.value.as_u64());
                let doc = schema.get(kw).and_then(Value::as_u64);
                self.compare_bound(
                    message,
                    field,
                    ptr,
                    kw,
                    &format!("repeated.{rule}"),
                    proto,
                    doc,
                );
            }
        }
    }

    /// The shape of a field's value; false when the types disagree (nothing more is compared).
    fn value_schema(
        &mut self,
        message: &'a Message,
        field: &'a Field,
        ptr: &Ptr,
        schema: &'a Value,
    ) -> bool {
        match &field.cardinality {
            Cardinality::Repeated => {
                if !self.expect_type(field, ptr, schema, &["array"]) {
                    return false;
                }
                let (items_ptr, items, followed) = self.enter(&ptr.join("items"));
                if let Some(items) = items {
                    self.element(message, field, &field.ty, &items_ptr, items);
                }
                self.leave(followed);
                true
            }
            Cardinality::Map(_, value_ty) => {
                if !self.expect_type(field, ptr, schema, &["object"]) {
                    return false;
                }
                let (vp, v, followed) = self.enter(&ptr.join("additionalProperties"));
                if let Some(v) = v.filter(|v| v.is_object()) {
                    self.element(message, field, value_ty, &vp, v);
                }
                self.leave(followed);
                true
            }
            Cardinality::Single => self.element(message, field, &field.ty, ptr, schema),
        }
    }

    fn element(
        &mut self,
        _message: &'a Message,
        field: &'a Field,
        ty: &FieldType,
        ptr: &Ptr,
        schema: &'a Value,
    ) -> bool {
        match ty {
            FieldType::Message(name) if !name.starts_with("google.protobuf.") => {
                if let Some(inner) = self.api.message(name) {
                    self.message_schema(inner, ptr, schema, &[]);
                }
                true
            }
            _ => self.scalar_type_of(field, ty, ptr, schema),
        }
    }

    fn scalar_type_of(
        &mut self,
        field: &'a Field,
        ty: &FieldType,
        ptr: &Ptr,
        schema: &'a Value,
    ) -> bool {
        // The JSON types, the formats that fit, and whether another format is wrong (strict) or
        // only a format naming another wire type is.
        let (types, formats, strict): (&[&str], &[&str], bool) = match ty {
            FieldType::String => (&["string"], &["date-time", "date"], false),
            FieldType::Bytes => (&["string"], &["byte", "binary"], true),
            FieldType::Bool => (&["boolean"], &[], true),
            FieldType::Int32 | FieldType::Sint32 | FieldType::Sfixed32 => {
                (&["integer"], &["int32"], true)
            }
            FieldType::Uint32 | FieldType::Fixed32 => {
                (&["integer"], &["int64", "uint32", "int32"], true)
            }
            FieldType::Int64 | FieldType::Sint64 | FieldType::Sfixed64 => {
                (&["string"], &["int64"], true)
            }
            FieldType::Uint64 | FieldType::Fixed64 => (&["string"], &["uint64", "int64"], true),
            FieldType::Float => (&["number"], &["float"], true),
            FieldType::Double => (&["number"], &["double"], true),
            FieldType::Enum(e) => {
                if !self.expect_type(field, ptr, schema, &["string"]) {
                    return false;
                }
                self.enum_values(field, e, ptr, schema);
                return true;
            }
            FieldType::Message(m) => match m.as_str() {
                "google.protobuf.Timestamp" => (&["string"], &["date-time"], true),
                "google.protobuf.Duration" | "google.protobuf.FieldMask" => {
                    (&["string"], &[], false)
                }
                "google.protobuf.StringValue" => (&["string"], &["date-time", "date"], false),
                "google.protobuf.BoolValue" => (&["boolean"], &[], true),
                "google.protobuf.Int32Value" => (&["integer"], &["int32"], true),
                "google.protobuf.UInt32Value" => {
                    (&["integer"], &["int64", "uint32", "int32"], true)
                }
                "google.protobuf.Int64Value" => (&["string"], &["int64"], true),
                "google.protobuf.UInt64Value" => (&["string"], &["uint64", "int64"], true),
                "google.protobuf.FloatValue" => (&["number"], &["float"], true),
                "google.protobuf.DoubleValue" => (&["number"], &["double"], true),
                "google.protobuf.BytesValue" => (&["string"], &["byte", "binary"], true),
                "google.protobuf.ListValue" => (&["array"], &[], false),
                "google.protobuf.Value" => return true,
                _ => (&["object"], &[], false),
            },
        };
        if !self.expect_type(field, ptr, schema, types) {
            return false;
        }
        let is_bytes =
            matches!(ty, FieldType::Bytes) || ty.proto_name() == "google.protobuf.BytesValue";
        match schema.get("format").and_then(Value::as_str) {
            Some(format) if formats.contains(&format) => {}
            Some(format) if strict || TYPED_FORMATS.contains(&format) => {
                let at = self.loc(&ptr.join("format"));
                let fitting = formats
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(" or ");
                let expected = match (strict, formats.is_empty()) {
                    (_, true) => "no format".to_string(),
                    (true, false) => fitting,
                    (false, false) => format!("{fitting} or a format that names no other type"),
                };
                let d = self.error(
                    "openapi-format",
                    at,
                    format!("format `{format}` does not fit field `{}` of type `{}`: expected {expected}", field.name, ty.proto_name()),
                );
                d.related.push((
                    field.location.clone(),
                    format!("{} {}", ty.proto_name(), field.name),
                ));
            }
            None if is_bytes => {
                let at = self.loc(ptr);
                let d = self.error(
                    "openapi-format",
                    at,
                    format!("field `{}` is `{}`: its JSON is base64, so the schema needs `format: byte`", field.name, ty.proto_name()),
                );
                d.related.push((
                    field.location.clone(),
                    format!("{} {}", ty.proto_name(), field.name),
                ));
            }
            _ => {}
        }
        true
    }

    fn expect_type(
        &mut self,
        field: &'a Field,
        ptr: &Ptr,
        schema: &'a Value,
        types: &[&str],
    ) -> bool {
        let proto_ty = match &field.cardinality {
            Cardinality::Repeated => format!("repeated {}", field.ty.proto_name()),
            Cardinality::Map(k, v) => format!("map<{}, {}>", k.proto_name(), v.proto_name()),
            Cardinality::Single => field.ty.proto_name().to_string(),
        };
        let Some(t) = schema.get("type").and_then(Value::as_str) else {
            if is_composed(schema) {
                return true;
            }
            let at = self.loc(ptr);
            let d = self.error(
                "openapi-type",
                at,
                format!("the schema of field `{}` has no `type`: the proto's `{proto_ty}` is `type: {}` in JSON", field.name, types.join("` or `type: ")),
            );
            d.related
                .push((field.location.clone(), format!("{proto_ty} {}", field.name)));
            return false;
        };
        if types.contains(&t) {
            return true;
        }
        let at = self.loc(&ptr.join("type"));
        let d = self.error(
            "openapi-type",
            at,
            format!("field `{}` is `{proto_ty}` in the proto but `{t}` in the OpenAPI schema: expected `{}`", field.name, types.join("` or `")),
        );
        d.related
            .push((field.location.clone(), format!("{proto_ty} {}", field.name)));
        false
    }

    fn enum_values(&mut self, field: &'a Field, enum_name: &str, ptr: &Ptr, schema: &'a Value) {
        let Some(e) = self.api.enumeration(enum_name) else {
            return;
        };
        let Some(doc) = schema.get("enum").and_then(Value::as_array) else {
            return;
        };
        let doc: BTreeSet<String> = doc.iter().map(scalar_text).collect();
        let proto: BTreeSet<String> = e.values.iter().map(|(n, _)| n.clone()).collect();
        if doc != proto {
            let at = self.loc(&ptr.join("enum"));
            let d = self.error(
                "openapi-enum",
                at,
                format!(
                    "enum values of `{}` differ: OpenAPI has [{}], the proto has [{}]",
                    field.name,
                    join(&doc),
                    join(&proto)
                ),
            );
            d.related
                .push((field.location.clone(), format!("enum {}", e.full_name)));
        }
    }

    /// minLength/maxLength/pattern/enum against the field's PGV rules.
    fn constraints(
        &mut self,
        message: &'a Message,
        field: &'a Field,
        ptr: &Ptr,
        schema: &'a Value,
    ) {
        let family = match field.ty {
            FieldType::String => "string",
            FieldType::Bytes => "bytes",
            _ => {
                self.numeric_constraints(message, field, ptr, schema);
                return;
            }
        };
        let rule = |n: &str| field.rule(family, n);
        let len = rule("len").and_then(|r| r.value.as_u64());
        let mut min = rule("min_len").and_then(|r| r.value.as_u64()).or(len);
        let mut max = rule("max_len").and_then(|r| r.value.as_u64()).or(len);
        if family == "bytes" {
            // Bytes are base64 in JSON: the string's bounds are the encoded lengths.
            min = min.map(base64_min);
            max = max.map(base64_max);
        }
        let label = |bound: &'static str| {
            if rule(bound).is_none() && len.is_some() {
                "len"
            } else {
                bound
            }
        };
        let (min_rule, max_rule) = (label("min_len"), label("max_len"));
        let doc_min = schema.get("minLength").and_then(Value::as_u64);
        let doc_max = schema.get("maxLength").and_then(Value::as_u64);
        // The proto's own OpenAPI annotation (`openapiv2_field`) states a string's bound the
        // rules leave open, as protoc-gen-openapiv2 writes it; a rule, which the server
        // enforces, wins over it.
        let option = field.options.iter().find(|o| o.name == OPENAPI_FIELD);
        let annotated = |json_key: &str| {
            let value = option?.value.get(json_key)?;
            value
                .as_u64()
                .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
        };
        for (keyword, key, rule_name, proto, doc) in [
            ("minLength", "min_length", min_rule, min, doc_min),
            ("maxLength", "max_length", max_rule, max, doc_max),
        ] {
            let annotation = annotated(keyword).filter(|_| family == "string");
            if proto.is_some() || annotation.is_none() {
                self.compare_bound(
                    message,
                    field,
                    ptr,
                    keyword,
                    &format!("{family}.{rule_name}"),
                    proto,
                    doc,
                );
            }
            // Without a rule the annotation is the bound; with one, it must repeat the rule
            // (compared where the document follows the rule: one mistake, one finding).
            let settled = proto.is_none() || proto == doc;
            let Some(value) = annotation.filter(|v| Some(*v) != doc && settled) else {
                continue;
            };
            let at = self.loc(&if doc.is_some() {
                ptr.join(keyword)
            } else {
                ptr.clone()
            });
            let shown = doc
                .map(|v| v.to_string())
                .unwrap_or_else(|| "absent".into());
            let option_at = locate_ident(&field.location, "openapiv2_field");
            let text = format!("`{keyword}` of `{}.{}` is {shown} in OpenAPI but the proto's openapiv2_field says `{key}: {value}`", message.name, field.json_name);
            let d = match proto {
                None => self.error("openapi-bound", at, text),
                Some(rule) => self.annotation_warning(
                    at,
                    format!("{text}, and its `{family}.{rule_name}` says {rule}"),
                ),
            };
            d.related.push((
                locate_key(&option_at, key, None),
                format!("openapiv2_field `{key}`"),
            ));
        }

        // Patterns and listed values of bytes hold for the raw bytes, not their base64.
        if family == "bytes" {
            return;
        }
        let pattern = rule("pattern").and_then(|r| r.value.as_str().map(str::to_string));
        let prefix = rule("prefix").and_then(|r| r.value.as_str().map(str::to_string));
        let doc_pattern = schema.get("pattern").and_then(Value::as_str);
        let prefix_pattern = prefix.as_ref().map(|p| format!("^{}", literal_pattern(p)));
        // Either escaping reads the same: only syntax characters (ECMA-262), or Rust's.
        let prefix_rust = prefix.as_ref().map(|p| format!("^{}", regex::escape(p)));
        let annotated_pattern = option
            .and_then(|o| o.value.get("pattern"))
            .and_then(Value::as_str);
        // Without a rule that becomes a pattern, the annotation is the document's pattern.
        let patterned = ["pattern", "prefix", "suffix", "contains", "not_contains"]
            .iter()
            .any(|n| rule(n).is_some());
        let by_annotation = annotated_pattern.filter(|_| !patterned);
        let agrees = match (&pattern, doc_pattern) {
            (Some(p), Some(d)) => p == d,
            (None, Some(d)) => {
                prefix_pattern.as_deref() == Some(d)
                    || prefix_rust.as_deref() == Some(d)
                    || by_annotation == Some(d)
            }
            (Some(_), None) => false,
            (None, None) => prefix.is_none(),
        };
        // With a rule, the annotation must repeat what the document rightly says.
        if let Some(annotated) = annotated_pattern
            .filter(|a| (agrees || by_annotation.is_some()) && Some(*a) != doc_pattern)
        {
            let at = self.loc(&if doc_pattern.is_some() {
                ptr.join("pattern")
            } else {
                ptr.clone()
            });
            let option_at = locate_ident(&field.location, "openapiv2_field");
            let doc_side = doc_pattern
                .map(|d| format!("{d:?}"))
                .unwrap_or_else(|| "none".into());
            let text = format!("pattern of `{}.{}` differs: OpenAPI has {doc_side}, the proto's openapiv2_field says {annotated:?}", message.name, field.json_name);
            let d = match by_annotation {
                Some(_) => self.error("openapi-pattern", at, text),
                None => self.annotation_warning(at, format!("{text}, which its rules do not")),
            };
            d.related.push((
                locate_key(&option_at, "pattern", None),
                "openapiv2_field `pattern`".into(),
            ));
        }
        if !agrees && by_annotation.is_none() {
            let at = self.loc(&if doc_pattern.is_some() {
                ptr.join("pattern")
            } else {
                ptr.clone()
            });
            let proto_side = match (&pattern, &prefix) {
                (Some(p), _) => format!("pattern {p:?}"),
                (None, Some(p)) => format!(
                    "prefix {p:?} (pattern {:?})",
                    prefix_pattern.clone().unwrap_or_default()
                ),
                (None, None) => "no pattern".into(),
            };
            let doc_side = doc_pattern
                .map(|d| format!("{d:?}"))
                .unwrap_or_else(|| "none".into());
            let (related_at, note) = match rule("pattern").or(rule("prefix")) {
                Some(r) => (rule_location(r), format!("the proto's `{}`", r.id())),
                None => (
                    field.location.clone(),
                    format!("field {} has no pattern or prefix rule", field.name),
                ),
            };
            let d = self.error("openapi-pattern", at, format!("pattern of `{}.{}` differs: OpenAPI has {doc_side}, the proto has {proto_side}", message.name, field.json_name));
            d.related.push((related_at, note));
        }

        // `in` (or `const`) is the schema's `enum`.
        let proto_rule = rule("in").or(rule("const"));
        let proto: Option<BTreeSet<String>> = proto_rule.map(|r| match &r.value {
            RuleValue::List(l) => l
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            RuleValue::Str(s) => BTreeSet::from([s.clone()]),
            _ => BTreeSet::new(),
        });
        let doc: Option<BTreeSet<String>> = schema
            .get("enum")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(scalar_text).collect());
        if doc != proto {
            let at = self.loc(&if doc.is_some() {
                ptr.join("enum")
            } else {
                ptr.clone()
            });
            let show = |s: &Option<BTreeSet<String>>| {
                s.as_ref()
                    .map(|s| format!("[{}]", join(s)))
                    .unwrap_or_else(|| "none".into())
            };
            let message_text = format!(
                "`enum` of `{}.{}` differs: OpenAPI has {}, the proto's `{family}.in`/`const` allows {}",
                message.name,
                field.json_name,
                show(&doc),
                if proto.is_some() { show(&proto) } else { "any value".into() }
            );
            let related = match proto_rule {
                Some(r) => (rule_location(r), format!("the proto's `{}`", r.id())),
                None => (
                    field.location.clone(),
                    format!("field {} has no `in` rule", field.name),
                ),
            };
            let d = self.error("openapi-enum", at, message_text);
            d.related.push(related);
        }
    }

    fn numeric_constraints(
        &mut self,
        message: &'a Message,
        field: &'a Field,
        ptr: &Ptr,
        schema: &'a Value,
    ) {
        // A wrapper's bounds are its scalar's rules (`int64.gt` on an Int64Value).
        let family = match &field.ty {
            FieldType::Message(m) => wrapper_family(m).unwrap_or(m).to_string(),
            ty => ty.proto_name().to_string(),
        };
        let rule = |n: &str| field.rule(&family, n);
        let num = |r: &Rule| match &r.value {
            RuleValue::Int(v) => *v as f64,
            RuleValue::Uint(v) => *v as f64,
            RuleValue::Float(v) => *v,
            _ => f64::NAN,
        };
        // (value, exclusive, rule) on each side.
        let lower = rule("gt")
            .map(|r| (num(r), true, r))
            .or(rule("gte").map(|r| (num(r), false, r)));
        let upper = rule("lt")
            .map(|r| (num(r), true, r))
            .or(rule("lte").map(|r| (num(r), false, r)));
        if let (Some(lo), Some(hi)) = (lower, upper) {
            if lo.0 > hi.0 {
                // PGV's "outside the range": OpenAPI 3.0 cannot say it, so there is nothing to compare.
                return;
            }
        }
        for (kw, exclusive_kw, proto) in [
            ("minimum", "exclusiveMinimum", lower),
            ("maximum", "exclusiveMaximum", upper),
        ] {
            let doc = schema.get(kw).and_then(Value::as_f64).map(|v| {
                (
                    v,
                    schema
                        .get(exclusive_kw)
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                )
            });
            if doc == proto.map(|(v, e, _)| (v, e)) {
                continue;
            }
            let at = self.loc(&if doc.is_some() {
                ptr.join(kw)
            } else {
                ptr.clone()
            });
            let doc_side = match doc {
                None => "absent".to_string(),
                Some((v, false)) => v.to_string(),
                Some((v, true)) => format!("{v} ({exclusive_kw})"),
            };
            let proto_side = match proto {
                None => "absent".to_string(),
                Some((v, _, r)) => format!("`{}` = {v}", r.id()),
            };
            let (related_at, note) = match proto {
                Some((_, _, r)) => (rule_location(r), format!("the proto's `{}`", r.id())),
                None => (
                    field.location.clone(),
                    format!("field {} has no bound", field.name),
                ),
            };
            let d = self.error(
                "openapi-bound",
                at,
                format!(
                    "`{kw}` of `{}.{}` is {doc_side} in OpenAPI but {proto_side} in the proto",
                    message.name, field.json_name
                ),
            );
            d.related.push((related_at, note));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn compare_bound(
        &mut self,
        message: &'a Message,
        field: &'a Field,
        ptr: &Ptr,
        keyword: &str,
        rule: &str,
        proto: Option<u64>,
        doc: Option<u64>,
    ) {
        if proto == doc {
            return;
        }
        let at = self.loc(&if doc.is_some() {
            ptr.join(keyword)
        } else {
            ptr.clone()
        });
        let rule_loc = field
            .rules
            .iter()
            .find(|r| r.id() == rule)
            .map(rule_location)
            .unwrap_or_else(|| field.location.clone());
        let d = self.error(
            "openapi-bound",
            at,
            format!(
                "`{keyword}` of `{}.{}` is {} in OpenAPI but `{rule}` is {} in the proto",
                message.name,
                field.json_name,
                doc.map(|v| v.to_string())
                    .unwrap_or_else(|| "absent".into()),
                proto
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "absent".into())
            ),
        );
        d.related.push((rule_loc, format!("the proto's `{rule}`")));
    }

    fn unmatched_operations(&mut self) {
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
            let ptr = Ptr(vec!["paths".into(), path.clone(), verb.into()]);
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

/// The pointer a local `$ref` names.
fn ref_pointer(r: &str) -> Ptr {
    Ptr(r
        .trim_start_matches("#/")
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// Every `$ref` in the document: the pointer of the object holding it, and its target.
fn collect_refs(v: &Value, at: &mut Vec<String>, out: &mut Vec<(Ptr, String)>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                out.push((Ptr(at.clone()), r.to_string()));
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

/// The keywords of a value whose rules hold only when it is set (`ignore_empty`): the second
/// branch of `anyOf: [{enum: [zero]}, {…}]`, as `protogate openapi` writes it.
fn ignore_empty_branch(schema: &Value) -> Option<&Value> {
    match schema.get("anyOf")?.as_array()?.as_slice() {
        [zero, keywords]
            if zero
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|values| values.len() == 1)
                && zero.as_object().is_some_and(|o| o.len() == 1) =>
        {
            Some(keywords)
        }
        _ => None,
    }
}

/// Whether a schema is made of several (`allOf`, `oneOf`, `anyOf`, `not`).
fn is_composed(schema: &Value) -> bool {
    ["allOf", "oneOf", "anyOf", "not"]
        .iter()
        .any(|k| schema.get(*k).is_some())
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::diag::Diagnostics;
    use crate::load;
    use crate::model::build::{build, ModelOptions};

    const PROTO: &str = r#"syntax = "proto3";
package t.v1;
import "google/api/annotations.proto";
import "validate/validate.proto";
service S {
  rpc Count(CountRequest) returns (CountResponse) {
    option (google.api.http) = {post: "/count", body: "*"};
  }
}
message CountRequest {
  int32 count = 1 [(validate.rules).int32 = {gt: 0, lte: 10}];
}
message CountResponse {}
"#;

    const DOC: &str = r#"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /count:
    post:
      operationId: S_Count
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                count: {type: integer, format: int32, minimum: 0, exclusiveMinimum: true, maximum: 10}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {}}
"#;

    /// The diagnostics of the checker for the document with `from` replaced by `to`.
    fn check_with(from: &str, to: &str) -> Diagnostics {
        check_with_proto("", "", from, to)
    }

    /// The same with the proto's `proto_from` replaced by `proto_to` too.
    fn check_with_proto(proto_from: &str, proto_to: &str, from: &str, to: &str) -> Diagnostics {
        let dir = tempfile::tempdir().expect("tempdir");
        let proto = dir.path().join("t.proto");
        assert!(PROTO.contains(proto_from));
        std::fs::write(&proto, PROTO.replacen(proto_from, proto_to, 1)).expect("write proto");
        let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/proto");
        let input =
            load::proto::compile(&[proto], &[dir.path().to_path_buf(), schemas]).expect("compiles");
        assert!(DOC.contains(from));
        let doc = load::openapi::parse("t.yaml", &DOC.replace(from, to)).expect("parses");
        let mut diags = Diagnostics::default();
        let api = build(&input, &ModelOptions::default(), &mut diags);
        super::check(&api, &doc, &mut diags);
        diags
    }

    /// A field whose rules need a value may be listed as required (a valid request carries
    /// it, and `protogate openapi` lists it); any other field may not.
    #[test]
    fn required_follows_the_field_behavior_or_the_rules() {
        let listed = "              type: object\n              required: [count]\n";
        let diags = check_with("              type: object\n", listed);
        assert!(
            diags.errors().any(|d| d.code == "openapi-required"),
            "{diags}"
        );
        let needed = "  int32 count = 1 [(validate.rules).int32 = {gt: 0, lte: 10}];\n  repeated string tags = 2 [(validate.rules).repeated.min_items = 1];";
        let diags = check_with_proto(
            "  int32 count = 1 [(validate.rules).int32 = {gt: 0, lte: 10}];",
            needed,
            "                count: {",
            "                tags: {type: array, minItems: 1, items: {type: string}}\n                count: {",
        );
        assert!(diags.0.is_empty(), "{diags}");
        let diags = check_with_proto(
            "  int32 count = 1 [(validate.rules).int32 = {gt: 0, lte: 10}];",
            needed,
            "              type: object\n              properties:\n                count: {",
            "              type: object\n              required: [tags]\n              properties:\n                tags: {type: array, minItems: 1, items: {type: string}}\n                count: {",
        );
        assert!(diags.0.is_empty(), "{diags}");
    }

    #[test]
    fn numeric_bounds_follow_exclusiveness() {
        let clean = check_with("maximum: 10", "maximum: 10");
        assert!(clean.0.is_empty(), "{clean}");
        for (from, to, keyword) in [
            (", exclusiveMinimum: true", "", "minimum"),
            ("minimum: 0", "minimum: 1", "minimum"),
            (
                "maximum: 10",
                "maximum: 10, exclusiveMaximum: true",
                "maximum",
            ),
            (", maximum: 10", "", "maximum"),
        ] {
            let diags = check_with(from, to);
            assert!(
                diags
                    .errors()
                    .any(|d| d.code == "openapi-bound"
                        && d.message.starts_with(&format!("`{keyword}`"))),
                "{from} -> {to}: {diags}"
            );
        }
    }
}
