//! Operations against bindings: one operation per `google.api.http` binding under the
//! grpc-gateway operationId, the security the auth option asks for, and the parameters.

use serde_json::Value;

use super::{field_by_path, normalize_text, Checker, Ptr, Schema};
use crate::diag::{Diagnostic, Location};
use crate::model::{Api, FieldType, HttpBinding, Message, Method, Service, Streaming};
use crate::source::proto::{locate_ident, locate_key};

/// grpc-gateway's operationId: `Service_Method` (or the `openapiv2_operation` option's
/// `operation_id`), numbered from 2 for additional bindings.
pub(super) fn operation_id(service: &Service, method: &Method, index: usize) -> String {
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
pub(super) fn openapi_path(binding: &HttpBinding) -> String {
    binding.openapi_path()
}

/// The path with numbered parameters unnumbered (`/v1/{name_1}` → `/v1/{name}`): the form
/// protoc-gen-openapiv2 and `protogate openapi` give the later of two bindings that would share
/// a path and method.
pub(super) fn unnumbered(path: &str) -> String {
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
pub(super) fn path_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// Where a key of the binding's `google.api.http` value is written (`post`, `body`, …); the
/// option's line for additional bindings.
pub(super) fn binding_location(binding: &HttpBinding, key: &str) -> Location {
    if binding.additional {
        return binding.location.clone();
    }
    locate_key(&binding.location, key, Some(1))
}

/// Where the binding's pattern (`get: "/…"`) is written.
pub(super) fn pattern_location(binding: &HttpBinding) -> Location {
    let verb = binding.method.to_lowercase();
    let key = if ["get", "put", "post", "delete", "patch"].contains(&verb.as_str()) {
        verb
    } else {
        "custom".to_string()
    };
    binding_location(binding, &key)
}

impl<'a> Checker<'a> {
    pub(super) fn binding(
        &mut self,
        service: &Service,
        method: &Method,
        index: usize,
        binding: &HttpBinding,
    ) {
        let verb = binding.method.to_lowercase();
        let pattern_at = pattern_location(binding);
        let expected_id = operation_id(service, method, index);
        let same_id = self.operation_by_id(&expected_id);
        // REST serves no method that streams requests: its bindings need no operation.
        let served = !matches!(method.streaming, Streaming::Client | Streaming::Bidi);
        let found = self.find_path(binding, &expected_id).or_else(|| {
            // protoc-gen-openapiv2 names path variables by their JSON names by default
            // (`json_names_for_fields`): `{recordId}` for `{record_id}`.
            let json = json_named_path(self.api, binding, &method.input)?;
            let paths = self.doc.raw.get("paths")?.as_object()?;
            paths.contains_key(&json).then_some(json)
        });
        let Some(path_key) = found else {
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
                    self.loc(&Ptr::root(&["paths"])),
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
        let path_ptr = Ptr::root(&["paths", &path_key]);
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
                Some(s) => (Some(Ptr::root(&["security"])), Some(s)),
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
        let mut params: Vec<(Ptr, Schema<'a>)> = Vec::new();
        for base in [path_ptr.join("parameters"), op_ptr.join("parameters")] {
            if let Some(Value::Array(list)) = self.get(&base) {
                for i in 0..list.len() {
                    let (p, v, _) = self.resolve(&base.join(&i.to_string()));
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
                            // The rules' compositions; the template's pattern stands in
                            // for the field's own.
                            if self.scalar_type_of(field, &field.ty, &schema_ptr, &schema) {
                                let own = (&field.ty, field.rules.as_slice());
                                self.rule_groups(input, field, own, &schema_ptr, &schema);
                            }
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
                                self.field_schema(input, field, &schema_ptr, &schema);
                            }
                            self.leave(followed);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The binding's path with each variable under its JSON name (`{shelf.displayName}`), when
/// one differs from the proto name.
fn json_named_path(api: &Api, binding: &HttpBinding, input: &str) -> Option<String> {
    let message = api.message(input)?;
    let mut path = openapi_path(binding);
    let mut changed = false;
    for v in &binding.template.variables {
        let proto = v.field_path.join(".");
        let mut current = message;
        let mut json = Vec::new();
        for (i, part) in v.field_path.iter().enumerate() {
            let field = current.field(part)?;
            json.push(field.json_name.clone());
            if i + 1 < v.field_path.len() {
                let FieldType::Message(m) = &field.ty else {
                    return None;
                };
                current = api.message(m)?;
            }
        }
        let json = json.join(".");
        if json != proto {
            changed = true;
            path = path.replacen(&format!("{{{proto}}}"), &format!("{{{json}}}"), 1);
        }
    }
    changed.then_some(path)
}
