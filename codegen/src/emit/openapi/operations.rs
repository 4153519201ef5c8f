//! `paths`: one operation per `google.api.http` binding (additional bindings too), named and
//! described as protoc-gen-openapiv2 names and describes them, with grpc-gateway's parameters,
//! bodies and responses.

use std::collections::BTreeSet;

use super::node::{Node, Obj};
use super::schemas::{Schemas, STATUS};
use crate::diag::Diagnostic;
use crate::model::rules::literal_pattern;
use crate::model::{
    Api, Field, FieldType, HttpBinding, Message, Method, Service, Streaming, TemplateSegment,
};

/// The HTTP methods OpenAPI has a slot for, in the order a path item lists them.
const VERBS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The shared default response: any error, as `google.rpc.Status`.
pub(super) const ERROR_RESPONSE: &str = "Error";

/// The operations, by path, and what they used.
pub(super) struct Paths {
    /// Path items in the order their first binding is declared; operations in [`VERBS`] order.
    items: Vec<(String, Vec<(&'static str, Obj)>)>,
    /// Every operationId given so far.
    ids: BTreeSet<String>,
    /// Tags the operations name, in first-use order.
    pub(super) tags: Vec<String>,
    /// Whether any operation asks for the bearer token.
    pub(super) secured: bool,
    /// What could not be put into the document.
    pub(super) warnings: Vec<Diagnostic>,
}

impl Paths {
    /// The operations of every service's bindings. Bindings of methods that stream requests
    /// are left out: REST serves only unary and server-streaming methods.
    pub(super) fn build(api: &Api, schemas: &mut Schemas<'_>, security: &str) -> Paths {
        let mut paths = Paths {
            items: Vec::new(),
            ids: BTreeSet::new(),
            tags: Vec::new(),
            secured: false,
            warnings: Vec::new(),
        };
        for service in api.services() {
            for method in &service.methods {
                if matches!(method.streaming, Streaming::Client | Streaming::Bidi) {
                    continue;
                }
                for (index, binding) in method.http.iter().enumerate() {
                    let op = Operation {
                        api,
                        service,
                        method,
                        index,
                        binding,
                    };
                    paths.add(&op, schemas, security);
                }
            }
        }
        paths
    }

    /// The `paths` object.
    pub(super) fn into_node(self) -> Obj {
        let mut out = Obj::new();
        for (path, mut ops) in self.items {
            ops.sort_by_key(|(verb, _)| VERBS.iter().position(|v| v == verb));
            let mut item = Obj::new();
            for (verb, op) in ops {
                item.set(verb, op);
            }
            out.set(&path, item);
        }
        out
    }

    fn add(&mut self, op: &Operation<'_>, schemas: &mut Schemas<'_>, security: &str) {
        let lower = op.binding.method.to_lowercase();
        let Some(verb) = VERBS.iter().copied().find(|v| *v == lower) else {
            self.warnings.push(Diagnostic::warning(
                "openapi-emit-method",
                op.binding.location.clone(),
                format!(
                    "{} {} ({}) is left out of the OpenAPI document: OpenAPI has no `{}` operation",
                    op.binding.method,
                    op.binding.template.source,
                    op.method.full_name,
                    op.binding.method
                ),
            ));
            return;
        };
        let mut names: Vec<String> = op
            .binding
            .template
            .variables
            .iter()
            .map(|v| v.field_path.join("."))
            .collect();
        let mut path = op.binding.openapi_path();
        // Two bindings on one path and method (`GET /v1/{name=shelves/*}` and
        // `GET /v1/{name=authors/*}` are both `GET /v1/{name}`): the later one numbers its
        // first path parameter, `{name_1}`, as protoc-gen-openapiv2 does.
        if let Some(first) = names.first().cloned() {
            let mut n = 0;
            while self.taken(&path, verb) {
                n += 1;
                names[0] = format!("{first}_{n}");
                path = op.binding.openapi_path().replacen(
                    &format!("{{{first}}}"),
                    &format!("{{{}}}", names[0]),
                    1,
                );
            }
        }
        if self.taken(&path, verb) {
            self.warnings.push(Diagnostic::warning(
                "openapi-emit-duplicate",
                op.binding.location.clone(),
                format!(
                    "{} {path} ({}) is left out of the OpenAPI document: another binding has the same path and method",
                    op.binding.method, op.method.full_name
                ),
            ));
            return;
        }
        let operation = self.operation(op, &names, schemas, security);
        match self.items.iter_mut().find(|(p, _)| *p == path) {
            Some((_, ops)) => ops.push((verb, operation)),
            None => self.items.push((path, vec![(verb, operation)])),
        }
    }

    fn taken(&self, path: &str, verb: &str) -> bool {
        self.items
            .iter()
            .any(|(p, ops)| p == path && ops.iter().any(|(v, _)| *v == verb))
    }

    fn operation(
        &mut self,
        op: &Operation<'_>,
        path_names: &[String],
        schemas: &mut Schemas<'_>,
        security: &str,
    ) -> Obj {
        let meta = op.method.operation.clone().unwrap_or_default();
        let tags = match meta.tags.is_empty() {
            true => vec![op.service.name.clone()],
            false => meta.tags.clone(),
        };
        for tag in &tags {
            if !self.tags.contains(tag) {
                self.tags.push(tag.clone());
            }
        }
        // The comment's first paragraph is the summary and the rest the description, unless
        // the `openapiv2_operation` option says otherwise.
        let text = op.method.docs.text.trim();
        let (first, rest) = text.split_once("\n\n").unwrap_or((text, ""));
        let pick = |option: &str, comment: &str| match option.is_empty() {
            true => comment.trim().to_string(),
            false => option.to_string(),
        };
        let mut out = Obj::new().with("tags", Node::strings(&tags));
        out.set_text("summary", &pick(&meta.summary, first));
        out.set_text("description", &pick(&meta.description, rest));
        out.set("operationId", self.operation_id(op, &meta.operation_id));
        let input = op.api.message(&op.method.input);
        let mut parameters = path_params(op, input, path_names, schemas);
        if op.binding.body.as_deref() != Some("*") {
            if let Some(input) = input {
                parameters.extend(query_params(op.api, input, op.binding, schemas));
            }
        }
        if !parameters.is_empty() {
            out.set("parameters", parameters);
        }
        if let Some(body) = request_body(op, input, schemas) {
            out.set("requestBody", body);
        }
        out.set("responses", responses(op, &meta.responses, schemas));
        if meta.deprecated {
            out.set("deprecated", true);
        }
        if op.method.auth.is_some() {
            self.secured = true;
            let requirement = Obj::new().with(security, Vec::<Node>::new());
            out.set("security", vec![Node::from(requirement)]);
        }
        out
    }

    /// grpc-gateway's operationId, `Service_Method`, numbered from 2 for additional bindings;
    /// the `openapiv2_operation` option's `operation_id` when it sets one. Kept unique.
    fn operation_id(&mut self, op: &Operation<'_>, option: &str) -> String {
        let base = match option.is_empty() {
            true => format!("{}_{}", op.service.name, op.method.name),
            false => option.to_string(),
        };
        let mut id = match op.index {
            0 => base,
            i => format!("{base}{}", i + 1),
        };
        if self.ids.contains(&id) {
            let qualified = format!("{}_{id}", op.service.package.replace('.', "_"));
            self.warnings.push(Diagnostic::warning(
                "openapi-emit-operation-id",
                op.method.location.clone(),
                format!("operationId `{id}` is taken by another service's method: {} gets `{qualified}`", op.method.full_name),
            ));
            id = qualified;
        }
        self.ids.insert(id.clone());
        id
    }
}

/// One binding of one method.
struct Operation<'a> {
    api: &'a Api,
    service: &'a Service,
    method: &'a Method,
    index: usize,
    binding: &'a HttpBinding,
}

/// The path variables, named as the path names them.
fn path_params(
    op: &Operation<'_>,
    input: Option<&Message>,
    names: &[String],
    schemas: &mut Schemas<'_>,
) -> Vec<Node> {
    let mut out = Vec::new();
    for (var, name) in op.binding.template.variables.iter().zip(names) {
        let Some(field) = input.and_then(|m| field_at(op.api, m, &var.field_path)) else {
            continue;
        };
        let segments = &op.binding.template.segments[var.start..var.end.max(var.start)];
        let pattern = match segments {
            [TemplateSegment::Single] => None,
            _ => Some(format!(
                "^{}$",
                segments
                    .iter()
                    .map(|s| match s {
                        TemplateSegment::Literal(l) => literal_pattern(l),
                        TemplateSegment::Single => "[^/]+".to_string(),
                        TemplateSegment::Multi => ".+".to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join("/")
            )),
        };
        let mut param = Obj::new()
            .with("name", name.as_str())
            .with("in", "path")
            .with("required", true);
        param.set_text("description", &field.docs.text);
        param.set("schema", schemas.path_param(field, pattern));
        out.push(param.into());
    }
    out
}

/// The fields neither in the path nor in the body, as grpc-gateway reads them from the query
/// string (a repeated field repeats the parameter: `?a=1&a=2`, OpenAPI's default form).
fn query_params(
    api: &Api,
    input: &Message,
    binding: &HttpBinding,
    schemas: &mut Schemas<'_>,
) -> Vec<Node> {
    let mut out = Vec::new();
    for q in api.query_params(input, &binding.not_query()) {
        let mut param = Obj::new().with("name", q.name.as_str()).with("in", "query");
        if q.required {
            param.set("required", true);
        }
        param.set_text("description", &q.field.docs.text);
        param.set("schema", schemas.field(q.field, true));
        out.push(param.into());
    }
    out
}

fn request_body(
    op: &Operation<'_>,
    input: Option<&Message>,
    schemas: &mut Schemas<'_>,
) -> Option<Obj> {
    let body = op.binding.body.as_deref()?;
    // `google.api.HttpBody`: the raw bytes in any content type, not JSON.
    let raw = op.api.is_http_body(&op.method.input, Some(body));
    if raw {
        let description = match (body, input) {
            ("*", _) => String::new(),
            (field, input) => input
                .and_then(|m| m.field(field))
                .map(|f| f.docs.text.clone())
                .unwrap_or_default(),
        };
        let mut out = Obj::new();
        out.set_text("description", &description);
        out.set("content", binary_content());
        return Some(out);
    }
    let (schema, required, description) = match (body, input) {
        ("*", Some(input)) => {
            let bound: Vec<String> = op
                .binding
                .path_fields()
                .into_iter()
                .filter(|f| input.field(f).is_some())
                .collect();
            let required = input
                .fields
                .iter()
                .any(|f| !bound.contains(&f.name) && f.needs_value());
            let schema = match bound.is_empty() {
                true => schemas.message_value(&input.full_name),
                // The message without the fields the path sets, as protoc-gen-openapiv2 names it.
                false => {
                    let name = match op.index {
                        0 => format!("{}Body", op.method.full_name),
                        i => format!("{}Body{}", op.method.full_name, i + 1),
                    };
                    schemas.body(&name, input, &bound)
                }
            };
            (schema, required, String::new())
        }
        ("*", None) => (
            schemas.message_value(&op.method.input),
            false,
            String::new(),
        ),
        (field, Some(input)) => {
            let field = input.field(field)?;
            let schema = schemas.field(field, true);
            (schema, field.needs_value(), field.docs.text.clone())
        }
        (_, None) => return None,
    };
    let mut out = Obj::new();
    out.set_text("description", &description);
    out.set("content", json_content(schema));
    if required {
        out.set("required", true);
    }
    Some(out)
}

/// `200` (the response message, its `response_body` field, or grpc-gateway's stream of
/// `{"result": …}` lines), the statuses the `openapiv2_operation` option describes, and the
/// shared default error.
fn responses(op: &Operation<'_>, described: &[(String, String)], schemas: &mut Schemas<'_>) -> Obj {
    let description = |status: &str| {
        described
            .iter()
            .find(|(s, _)| s == status)
            .map(|(_, d)| d.clone())
            .filter(|d| !d.is_empty())
    };
    let output = op.api.message(&op.method.output);
    let selected: Option<&Field> = op
        .binding
        .response_body
        .as_deref()
        .and_then(|f| output.and_then(|o| o.field(f)));
    let raw = op
        .api
        .is_http_body(&op.method.output, op.binding.response_body.as_deref());
    let (mut schema, mut ok) = match selected {
        Some(field) => (
            schemas.field(field, true),
            match field.docs.text.is_empty() {
                true => "A successful response.".to_string(),
                false => field.docs.text.clone(),
            },
        ),
        None => (
            schemas.message_value(&op.method.output),
            "A successful response.".to_string(),
        ),
    };
    if raw {
        ok = match op.method.streaming {
            Streaming::Server => "Each response message's bytes as they come, back to back, under the first message's content type.",
            _ => "The response's bytes, under its content type.",
        }
        .to_string();
    } else if op.method.streaming == Streaming::Server {
        ok = "A stream of JSON objects, one a line: `{\"result\": …}` for each response message, `{\"error\": …}` last when the call fails.".to_string();
        let error = schemas.reference(STATUS);
        schema = Obj::new().with("type", "object").with(
            "properties",
            Obj::new().with("result", schema).with("error", error),
        );
    }
    let mut out = Obj::new();
    let mut success = Obj::new().with("description", description("200").unwrap_or(ok));
    success.set(
        "content",
        match raw {
            true => binary_content(),
            false => json_content(schema),
        },
    );
    out.set("200", success);
    for (status, text) in described {
        if status == "200" || status == "default" {
            continue;
        }
        let error = schemas.reference(STATUS);
        let mut response = Obj::new().with("description", text.as_str());
        response.set("content", json_content(error));
        out.set(status, response);
    }
    let default = match description("default") {
        Some(text) => {
            let error = schemas.reference(STATUS);
            Obj::new()
                .with("description", text)
                .with("content", json_content(error))
        }
        None => Obj::new().with("$ref", format!("#/components/responses/{ERROR_RESPONSE}")),
    };
    out.set("default", default);
    out
}

/// The shared default response.
pub(super) fn error_response(schemas: &mut Schemas<'_>) -> Obj {
    let error = schemas.reference(STATUS);
    Obj::new()
        .with(
            "description",
            "An error: the gRPC status in grpc-gateway's JSON, under the HTTP status its code maps to.",
        )
        .with("content", json_content(error))
}

/// Raw bytes of any media type (a `google.api.HttpBody`).
fn binary_content() -> Obj {
    Obj::new().with(
        "*/*",
        Obj::new().with(
            "schema",
            Obj::new().with("type", "string").with("format", "binary"),
        ),
    )
}

fn json_content(schema: Obj) -> Obj {
    Obj::new().with("application/json", Obj::new().with("schema", schema))
}

/// The field at a dotted path of proto names.
fn field_at<'a>(api: &'a Api, message: &'a Message, path: &[String]) -> Option<&'a Field> {
    let (last, parents) = path.split_last()?;
    let mut current = message;
    for name in parents {
        let FieldType::Message(t) = &current.field(name)?.ty else {
            return None;
        };
        current = api.message(t)?;
    }
    current.field(last)
}
