//! Proto ↔ OpenAPI agreement: every binding has its operation and every operation its binding;
//! parameters, bodies and responses agree field by field with the proto messages and their rules.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::load::openapi::OpenApiDoc;
use crate::model::{Api, Cardinality, Field, FieldType, HttpBinding, Message, Method, Service};

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/// Compares the model with the document.
pub fn check(api: &Api, doc: &OpenApiDoc, diags: &mut Diagnostics) {
    let mut checker = Checker { api, doc, diags, matched: BTreeSet::new() };
    for service in api.services() {
        for method in &service.methods {
            for (i, binding) in method.http.iter().enumerate() {
                checker.binding(service, method, i, binding);
            }
        }
    }
    checker.unmatched_operations();
}

struct Checker<'a> {
    api: &'a Api,
    doc: &'a OpenApiDoc,
    diags: &'a mut Diagnostics,
    /// (path key in the document, method) pairs that a binding claimed.
    matched: BTreeSet<(String, String)>,
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

    /// Follows `$ref`s (local ones only) and returns the target and its pointer.
    fn resolve(&self, ptr: Ptr) -> (Ptr, Option<&'a Value>) {
        let mut ptr = ptr;
        for _ in 0..16 {
            let Some(v) = self.get(&ptr) else { return (ptr, None) };
            match v.get("$ref").and_then(Value::as_str) {
                Some(r) if r.starts_with("#/") => {
                    ptr = Ptr(r[2..].split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect());
                }
                _ => return (ptr, Some(v)),
            }
        }
        (ptr, None)
    }

    fn error(&mut self, code: &'static str, at: Location, message: String) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(code, at, message));
        self.diags.0.last_mut().expect("just pushed")
    }

    fn find_path(&self, binding: &HttpBinding) -> Option<String> {
        let wanted = binding.template.openapi_path();
        let paths = self.doc.raw.get("paths")?.as_object()?;
        paths
            .keys()
            .find(|k| normalize_path(k) == normalize_path(&wanted))
            .cloned()
    }

    fn binding(&mut self, service: &Service, method: &Method, index: usize, binding: &HttpBinding) {
        let verb = binding.method.to_lowercase();
        let Some(path_key) = self.find_path(binding) else {
            let at = binding.location.clone();
            let paths = self.loc(&Ptr(vec!["paths".into()]));
            let d = self.error(
                "openapi-missing-operation",
                at,
                format!(
                    "{} {} ({}) has no operation in the OpenAPI document",
                    binding.method,
                    binding.template.openapi_path(),
                    method.full_name
                ),
            );
            d.related.push((paths, "the document's paths".into()));
            d.hint = Some(format!("add `{}:` with a `{verb}` operation, or remove the binding", binding.template.openapi_path()));
            return;
        };
        let path_ptr = Ptr(vec!["paths".into(), path_key.clone()]);
        let op_ptr = path_ptr.join(&verb);
        let Some(op) = self.get(&op_ptr) else {
            let at = binding.location.clone();
            let path_loc = self.loc(&path_ptr);
            let d = self.error(
                "openapi-missing-operation",
                at,
                format!("{} {} ({}) is not documented: the path has no `{verb}` operation", binding.method, path_key, method.full_name),
            );
            d.related.push((path_loc, format!("`{path_key}` is documented here")));
            return;
        };
        self.matched.insert((path_key.clone(), verb.clone()));

        // operationId: grpc-gateway's `Service_Method`, numbered for additional bindings.
        let expected_id = if index == 0 { format!("{}_{}", service.name, method.name) } else { format!("{}_{}{}", service.name, method.name, index + 1) };
        match op.get("operationId").and_then(Value::as_str) {
            Some(id) if id != expected_id => {
                let at = self.loc(&op_ptr.join("operationId"));
                let d = self.error("openapi-operation-id", at, format!("operationId `{id}` does not match the RPC: expected `{expected_id}`"));
                d.related.push((method.location.clone(), format!("rpc {}", method.name)));
            }
            _ => {}
        }
        if let Some(meta) = &method.operation {
            for (key, proto_text) in [("summary", &meta.summary), ("description", &meta.description)] {
                let doc_text = op.get(key).and_then(Value::as_str).unwrap_or("");
                if !proto_text.is_empty() && normalize_text(doc_text) != normalize_text(proto_text) {
                    let at = self.loc(&op_ptr.join(key));
                    let mut d = Diagnostic::warning("openapi-description", at, format!("the {key} of {} differs: OpenAPI says {doc_text:?}, the proto says {proto_text:?}", method.full_name));
                    d.related.push((method.location.clone(), "the openapiv2_operation option".into()));
                    self.diags.push(d);
                }
            }
        }

        let Some(input) = self.api.message(&method.input) else { return };
        let output = self.api.message(&method.output);
        self.parameters(method, binding, &path_ptr, &op_ptr, input);
        self.request_body(method, binding, &op_ptr, input);
        if let Some(output) = output {
            self.response(method, binding, &op_ptr, output);
        }
    }

    fn parameters(&mut self, method: &Method, binding: &HttpBinding, path_ptr: &Ptr, op_ptr: &Ptr, input: &'a Message) {
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
        let path_vars: Vec<String> = binding.template.variables.iter().map(|v| v.field_path.join(".")).collect();
        for var in &path_vars {
            let found = params.iter().find(|(_, p)| p.get("in").and_then(Value::as_str) == Some("path") && p.get("name").and_then(Value::as_str) == Some(var.as_str()));
            match found {
                None => {
                    let at = self.loc(op_ptr);
                    let d = self.error("openapi-missing-parameter", at, format!("path parameter `{var}` of {} is not documented", method.full_name));
                    d.related.push((binding.location.clone(), format!("bound by `{}`", binding.template.source)));
                }
                Some((ptr, p)) => {
                    if p.get("required").and_then(Value::as_bool) != Some(true) {
                        let at = self.loc(ptr);
                        self.error("openapi-parameter-required", at, format!("path parameter `{var}` must be `required: true`"));
                    }
                    if let Some(field) = field_by_path(self.api, input, var) {
                        let (schema_ptr, schema) = self.resolve(ptr.join("schema"));
                        if let Some(schema) = schema {
                            self.scalar_type(field, &schema_ptr, schema, &mut BTreeSet::new());
                        }
                    }
                }
            }
        }
        for (ptr, p) in &params {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            let location = p.get("in").and_then(Value::as_str).unwrap_or("");
            match location {
                "path" if !path_vars.iter().any(|v| v == name) => {
                    let at = self.loc(ptr);
                    let d = self.error("openapi-unknown-parameter", at, format!("path parameter `{name}` is not a variable of `{}`", binding.template.source));
                    d.related.push((binding.location.clone(), "the proto's path template".into()));
                }
                "query" => {
                    if binding.body.as_deref() == Some("*") {
                        let at = self.loc(ptr);
                        self.error("openapi-unknown-parameter", at, format!("query parameter `{name}`: {} takes its whole request from the body (`body: \"*\"`)", method.full_name));
                        continue;
                    }
                    match field_by_path(self.api, input, name) {
                        None => {
                            let at = self.loc(ptr);
                            let d = self.error("openapi-unknown-parameter", at, format!("query parameter `{name}` is not a field of `{}`", input.full_name));
                            d.related.push((input.location.clone(), format!("message {}", input.name)));
                        }
                        Some(field) => {
                            let (schema_ptr, schema) = self.resolve(ptr.join("schema"));
                            if let Some(schema) = schema {
                                self.field_schema(input, field, &schema_ptr, schema, &mut BTreeSet::new());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn request_body(&mut self, method: &Method, binding: &HttpBinding, op_ptr: &Ptr, input: &'a Message) {
        let body_ptr = op_ptr.join("requestBody");
        let (body_ptr, body) = self.resolve(body_ptr);
        match (binding.body.as_deref(), body) {
            (None, Some(_)) => {
                let at = self.loc(&body_ptr);
                let d = self.error("openapi-unexpected-body", at, format!("{} {} documents a request body, but the binding has no `body`", binding.method, binding.template.openapi_path()));
                d.related.push((binding.location.clone(), "google.api.http without body".into()));
            }
            (Some(b), None) => {
                let at = self.loc(op_ptr);
                let d = self.error("openapi-missing-body", at, format!("{} {} takes a request body (`body: \"{b}\"`) that is not documented", binding.method, binding.template.openapi_path()));
                d.related.push((binding.location.clone(), "the binding".into()));
            }
            (Some(b), Some(_)) => {
                let schema_ptr = body_ptr.join("content").join("application/json").join("schema");
                let (schema_ptr, schema) = self.resolve(schema_ptr);
                let Some(schema) = schema else {
                    let at = self.loc(&body_ptr);
                    self.error("openapi-missing-body", at, format!("the request body of {} has no application/json schema", method.full_name));
                    return;
                };
                if b == "*" {
                    let bound: Vec<String> = binding.template.variables.iter().map(|v| v.field_path.join(".")).collect();
                    self.message_schema(input, &schema_ptr, schema, &bound, &mut BTreeSet::new());
                } else if let Some(field) = input.field(b) {
                    self.value_schema(input, field, &schema_ptr, schema, &mut BTreeSet::new());
                }
            }
            (None, None) => {}
        }
    }

    fn response(&mut self, method: &Method, binding: &HttpBinding, op_ptr: &Ptr, output: &'a Message) {
        let resp_ptr = op_ptr.join("responses").join("200");
        let (resp_ptr, resp) = self.resolve(resp_ptr);
        if resp.is_none() {
            let at = self.loc(&op_ptr.join("responses"));
            self.error("openapi-missing-response", at, format!("{} has no `200` response", method.full_name));
            return;
        }
        let (schema_ptr, schema) = self.resolve(resp_ptr.join("content").join("application/json").join("schema"));
        let Some(schema) = schema else {
            let at = self.loc(&resp_ptr);
            self.error("openapi-missing-response", at, format!("the 200 response of {} has no application/json schema", method.full_name));
            return;
        };
        match binding.response_body.as_deref().and_then(|f| output.field(f)) {
            Some(field) => self.value_schema(output, field, &schema_ptr, schema, &mut BTreeSet::new()),
            None => self.message_schema(output, &schema_ptr, schema, &[], &mut BTreeSet::new()),
        }
    }

    /// A message against an object schema; `skip` are fields bound elsewhere (path variables).
    fn message_schema(&mut self, message: &'a Message, ptr: &Ptr, schema: &'a Value, skip: &[String], seen: &mut BTreeSet<String>) {
        if !seen.insert(format!("{}@{}", message.full_name, ptr.0.join("/"))) {
            return;
        }
        if let Some(t) = schema.get("type").and_then(Value::as_str) {
            if t != "object" {
                let at = self.loc(&ptr.join("type"));
                let d = self.error("openapi-type", at, format!("schema for message `{}` has type `{t}`: expected `object`", message.full_name));
                d.related.push((message.location.clone(), format!("message {}", message.name)));
                return;
            }
        }
        let props_ptr = ptr.join("properties");
        let props = schema.get("properties").and_then(Value::as_object);
        let required: Vec<&str> = schema.get("required").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        for field in &message.fields {
            if skip.contains(&field.name) {
                continue;
            }
            let prop = props.and_then(|p| p.get(&field.json_name).map(|v| (field.json_name.clone(), v)).or_else(|| p.get(&field.name).map(|v| (field.name.clone(), v))));
            match prop {
                None => {
                    let at = self.loc(if props.is_some() { &props_ptr } else { ptr });
                    let d = self.error("openapi-missing-property", at, format!("field `{}` of `{}` (JSON `{}`) is missing from the schema", field.name, message.full_name, field.json_name));
                    d.related.push((field.location.clone(), format!("field {} = {}", field.name, field.number)));
                }
                Some((key, _)) => {
                    let (p, v) = self.resolve(props_ptr.join(&key));
                    if let Some(v) = v {
                        self.field_schema(message, field, &p, v, seen);
                    }
                    let in_required = required.contains(&key.as_str());
                    if field.is_required() && !in_required {
                        let at = self.loc(&if schema.get("required").is_some() { ptr.join("required") } else { props_ptr.join(&key) });
                        let d = self.error("openapi-required", at, format!("`{key}` is REQUIRED in the proto but not in the schema's `required` list of `{}`", message.name));
                        d.related.push((field.location.clone(), "(google.api.field_behavior) = REQUIRED".into()));
                    }
                }
            }
        }
        if let Some(props) = props {
            for key in props.keys() {
                if !message.fields.iter().any(|f| &f.json_name == key || &f.name == key) {
                    let at = self.loc(&props_ptr.join(key));
                    let d = self.error("openapi-unknown-property", at, format!("property `{key}` is not a field of `{}`", message.full_name));
                    d.related.push((message.location.clone(), format!("message {}", message.name)));
                }
            }
        }
        for (i, key) in required.iter().enumerate() {
            let field = message.fields.iter().find(|f| f.json_name == *key || f.name == *key);
            if let Some(field) = field {
                if !field.is_required() && !skip.contains(&field.name) {
                    let at = self.loc(&ptr.join("required").join(&i.to_string()));
                    let d = self.error("openapi-required", at, format!("`{key}` is required in the schema of `{}` but not REQUIRED in the proto", message.name));
                    d.related.push((field.location.clone(), "add (google.api.field_behavior) = REQUIRED or drop it from `required`".into()));
                }
            }
        }
    }

    /// A field (with its cardinality) against its property schema, plus its rules.
    fn field_schema(&mut self, message: &'a Message, field: &'a Field, ptr: &Ptr, schema: &'a Value, seen: &mut BTreeSet<String>) {
        self.value_schema(message, field, ptr, schema, seen);
        if field.cardinality == Cardinality::Single {
            self.constraints(message, field, ptr, schema);
        }
        if let (Cardinality::Repeated, Some(field_rules)) = (&field.cardinality, Some(&field.rules)) {
            for (kw, rule) in [("minItems", "min_items"), ("maxItems", "max_items")] {
                let proto = field_rules.iter().find(|r| r.family == "repeated" && r.name == rule).and_then(|r| r.value.as_u64());
                let doc = schema.get(kw).and_then(Value::as_u64);
                self.compare_bound(message, field, ptr, kw, &format!("repeated.{rule}"), proto, doc);
            }
        }
    }

    fn value_schema(&mut self, message: &'a Message, field: &'a Field, ptr: &Ptr, schema: &'a Value, seen: &mut BTreeSet<String>) {
        match &field.cardinality {
            Cardinality::Repeated => {
                if !self.expect_type(field, ptr, schema, &["array"]) {
                    return;
                }
                let (items_ptr, items) = self.resolve(ptr.join("items"));
                if let Some(items) = items {
                    self.element(message, field, &field.ty, &items_ptr, items, seen);
                }
            }
            Cardinality::Map(_, value_ty) => {
                if !self.expect_type(field, ptr, schema, &["object"]) {
                    return;
                }
                let (vp, v) = self.resolve(ptr.join("additionalProperties"));
                if let Some(v) = v.filter(|v| v.is_object()) {
                    self.element(message, field, value_ty, &vp, v, seen);
                }
            }
            Cardinality::Single => self.element(message, field, &field.ty, ptr, schema, seen),
        }
    }

    fn element(&mut self, _message: &'a Message, field: &'a Field, ty: &FieldType, ptr: &Ptr, schema: &'a Value, seen: &mut BTreeSet<String>) {
        match ty {
            FieldType::Message(name) if !name.starts_with("google.protobuf.") => {
                if let Some(inner) = self.api.message(name) {
                    self.message_schema(inner, ptr, schema, &[], seen);
                }
            }
            _ => self.scalar_type_of(field, ty, ptr, schema),
        }
    }

    fn scalar_type(&mut self, field: &'a Field, ptr: &Ptr, schema: &'a Value, _seen: &mut BTreeSet<String>) {
        self.scalar_type_of(field, &field.ty, ptr, schema);
    }

    fn scalar_type_of(&mut self, field: &'a Field, ty: &FieldType, ptr: &Ptr, schema: &'a Value) {
        let (types, formats): (&[&str], &[&str]) = match ty {
            FieldType::String => (&["string"], &[]),
            FieldType::Bytes => (&["string"], &["byte", "binary"]),
            FieldType::Bool => (&["boolean"], &[]),
            FieldType::Int32 | FieldType::Sint32 | FieldType::Sfixed32 => (&["integer"], &["int32"]),
            FieldType::Uint32 | FieldType::Fixed32 => (&["integer"], &["int64", "uint32", "int32"]),
            FieldType::Int64 | FieldType::Sint64 | FieldType::Sfixed64 => (&["string"], &["int64"]),
            FieldType::Uint64 | FieldType::Fixed64 => (&["string"], &["uint64", "int64"]),
            FieldType::Float => (&["number"], &["float"]),
            FieldType::Double => (&["number"], &["double"]),
            FieldType::Enum(e) => {
                if self.expect_type(field, ptr, schema, &["string"]) {
                    self.enum_values(field, e, ptr, schema);
                }
                return;
            }
            FieldType::Message(m) => match m.as_str() {
                "google.protobuf.Timestamp" => (&["string"], &["date-time"]),
                "google.protobuf.Duration" | "google.protobuf.FieldMask" => (&["string"], &[]),
                "google.protobuf.StringValue" => (&["string"], &[]),
                "google.protobuf.BoolValue" => (&["boolean"], &[]),
                "google.protobuf.Int32Value" | "google.protobuf.UInt32Value" => (&["integer"], &[]),
                "google.protobuf.Int64Value" | "google.protobuf.UInt64Value" => (&["string"], &[]),
                "google.protobuf.FloatValue" | "google.protobuf.DoubleValue" => (&["number"], &[]),
                "google.protobuf.BytesValue" => (&["string"], &["byte"]),
                "google.protobuf.ListValue" => (&["array"], &[]),
                "google.protobuf.Value" => return,
                _ => (&["object"], &[]),
            },
        };
        if !self.expect_type(field, ptr, schema, types) {
            return;
        }
        if let Some(format) = schema.get("format").and_then(Value::as_str) {
            if !formats.is_empty() && !formats.contains(&format) {
                let at = self.loc(&ptr.join("format"));
                let d = self.error("openapi-format", at, format!("format `{format}` does not fit field `{}` of type `{}`: expected {}", field.name, ty.proto_name(), formats.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(" or ")));
                d.related.push((field.location.clone(), format!("{} {}", ty.proto_name(), field.name)));
            }
        }
    }

    fn expect_type(&mut self, field: &'a Field, ptr: &Ptr, schema: &'a Value, types: &[&str]) -> bool {
        let Some(t) = schema.get("type").and_then(Value::as_str) else { return true };
        if types.contains(&t) {
            return true;
        }
        let at = self.loc(&ptr.join("type"));
        let proto_ty = match &field.cardinality {
            Cardinality::Repeated => format!("repeated {}", field.ty.proto_name()),
            Cardinality::Map(k, v) => format!("map<{}, {}>", k.proto_name(), v.proto_name()),
            Cardinality::Single => field.ty.proto_name().to_string(),
        };
        let d = self.error("openapi-type", at, format!("field `{}` is `{proto_ty}` in the proto but `{t}` in the OpenAPI schema: expected `{}`", field.name, types.join("` or `")));
        d.related.push((field.location.clone(), format!("{proto_ty} {}", field.name)));
        false
    }

    fn enum_values(&mut self, field: &'a Field, enum_name: &str, ptr: &Ptr, schema: &'a Value) {
        let Some(e) = self.api.enumeration(enum_name) else { return };
        let Some(doc) = schema.get("enum").and_then(Value::as_array) else { return };
        let doc: BTreeSet<&str> = doc.iter().filter_map(Value::as_str).collect();
        let proto: BTreeSet<&str> = e.values.iter().map(|(n, _)| n.as_str()).collect();
        if doc != proto {
            let at = self.loc(&ptr.join("enum"));
            let d = self.error("openapi-enum", at, format!("enum values of `{}` differ: OpenAPI has [{}], the proto has [{}]", field.name, doc.iter().cloned().collect::<Vec<_>>().join(", "), proto.iter().cloned().collect::<Vec<_>>().join(", ")));
            d.related.push((field.location.clone(), format!("enum {}", e.full_name)));
        }
    }

    /// minLength/maxLength/pattern/enum against the field's PGV rules.
    fn constraints(&mut self, message: &'a Message, field: &'a Field, ptr: &Ptr, schema: &'a Value) {
        let family = match field.ty {
            FieldType::String => "string",
            FieldType::Bytes => "bytes",
            _ => {
                self.numeric_constraints(message, field, ptr, schema);
                return;
            }
        };
        let rule = |n: &str| field.rules.iter().find(|r| r.family == family && r.name == n);
        let len = rule("len").and_then(|r| r.value.as_u64());
        let min = rule("min_len").and_then(|r| r.value.as_u64()).or(len);
        let max = rule("max_len").and_then(|r| r.value.as_u64()).or(len);
        self.compare_bound(message, field, ptr, "minLength", &format!("{family}.min_len"), min, schema.get("minLength").and_then(Value::as_u64));
        self.compare_bound(message, field, ptr, "maxLength", &format!("{family}.max_len"), max, schema.get("maxLength").and_then(Value::as_u64));

        let pattern = rule("pattern").and_then(|r| r.value.as_str().map(str::to_string));
        let prefix = rule("prefix").and_then(|r| r.value.as_str().map(str::to_string));
        let doc_pattern = schema.get("pattern").and_then(Value::as_str);
        let prefix_pattern = prefix.as_ref().map(|p| format!("^{}", regex::escape(p)));
        let agrees = match (&pattern, doc_pattern) {
            (Some(p), Some(d)) => p == d,
            (None, Some(d)) => prefix_pattern.as_deref() == Some(d),
            (Some(_), None) => false,
            (None, None) => true,
        };
        if !agrees {
            let at = self.loc(&if doc_pattern.is_some() { ptr.join("pattern") } else { ptr.clone() });
            let proto_side = pattern.clone().map(|p| format!("pattern {p:?}")).or(prefix.map(|p| format!("prefix {p:?}"))).unwrap_or_else(|| "no pattern".into());
            let d = self.error("openapi-pattern", at, format!("pattern of `{}.{}` differs: OpenAPI has {}, the proto has {proto_side}", message.name, field.json_name, doc_pattern.map(|d| format!("{d:?}")).unwrap_or_else(|| "none".into())));
            d.related.push((rule("pattern").map(|r| r.location.clone()).unwrap_or_else(|| field.location.clone()), "the proto's rule".into()));
        }
        if let Some(doc_enum) = schema.get("enum").and_then(Value::as_array) {
            let doc: BTreeSet<String> = doc_enum.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
            let proto: Option<BTreeSet<String>> = rule("in").and_then(|r| match &r.value {
                crate::model::RuleValue::List(l) => Some(l.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()),
                _ => None,
            });
            if proto.as_ref() != Some(&doc) {
                let at = self.loc(&ptr.join("enum"));
                let d = self.error("openapi-enum", at, format!("`enum` of `{}.{}` has no matching `in` rule in the proto", message.name, field.json_name));
                d.related.push((field.location.clone(), "the field".into()));
            }
        }
    }

    fn numeric_constraints(&mut self, message: &'a Message, field: &'a Field, ptr: &Ptr, schema: &'a Value) {
        let family = field.ty.proto_name().to_string();
        let num = |n: &str| field.rules.iter().find(|r| r.family == family && r.name == n).map(|r| match &r.value {
            crate::model::RuleValue::Int(v) => *v as f64,
            crate::model::RuleValue::Uint(v) => *v as f64,
            crate::model::RuleValue::Float(v) => *v,
            _ => f64::NAN,
        });
        let lower = num("gte").or(num("gt"));
        let upper = num("lte").or(num("lt"));
        for (kw, proto, rule) in [("minimum", lower, "gte/gt"), ("maximum", upper, "lte/lt")] {
            let doc = schema.get(kw).and_then(Value::as_f64);
            if proto != doc && !(proto.is_none() && doc.is_none()) {
                let at = self.loc(&if doc.is_some() { ptr.join(kw) } else { ptr.clone() });
                let d = self.error("openapi-bound", at, format!("`{kw}` of `{}.{}` is {} in OpenAPI but {} in the proto ({family}.{rule})", message.name, field.json_name, show(doc), show(proto)));
                d.related.push((field.location.clone(), "the field's rules".into()));
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn compare_bound(&mut self, message: &'a Message, field: &'a Field, ptr: &Ptr, keyword: &str, rule: &str, proto: Option<u64>, doc: Option<u64>) {
        if proto == doc {
            return;
        }
        let at = self.loc(&if doc.is_some() { ptr.join(keyword) } else { ptr.clone() });
        let rule_loc = field
            .rules
            .iter()
            .find(|r| r.id() == rule)
            .map(|r| r.location.clone())
            .unwrap_or_else(|| field.location.clone());
        let d = self.error(
            "openapi-bound",
            at,
            format!(
                "`{keyword}` of `{}.{}` is {} in OpenAPI but `{rule}` is {} in the proto",
                message.name,
                field.json_name,
                doc.map(|v| v.to_string()).unwrap_or_else(|| "absent".into()),
                proto.map(|v| v.to_string()).unwrap_or_else(|| "absent".into())
            ),
        );
        d.related.push((rule_loc, format!("the proto's `{rule}`")));
    }

    fn unmatched_operations(&mut self) {
        let Some(paths) = self.doc.raw.get("paths").and_then(Value::as_object) else { return };
        let mut missing = Vec::new();
        for (path, item) in paths {
            let Some(item) = item.as_object() else { continue };
            for verb in METHODS {
                if item.contains_key(verb) && !self.matched.contains(&(path.clone(), verb.to_string())) {
                    missing.push((path.clone(), verb));
                }
            }
        }
        for (path, verb) in missing {
            let ptr = Ptr(vec!["paths".into(), path.clone(), verb.into()]);
            let at = self.loc(&ptr);
            let op_id = self.get(&ptr.join("operationId")).and_then(Value::as_str).unwrap_or("").to_string();
            self.error(
                "openapi-unknown-operation",
                at,
                format!("{} {path}{} has no google.api.http binding in the proto", verb.to_uppercase(), if op_id.is_empty() { String::new() } else { format!(" ({op_id})") }),
            )
            .hint = Some("add the binding to the rpc's google.api.http option, or remove the operation".into());
        }
    }
}

fn show(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "absent".into())
}

fn normalize_path(p: &str) -> String {
    p.trim_end_matches('/').to_string()
}

fn normalize_text(t: &str) -> String {
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The field at `a.b.c` in `message`.
fn field_by_path<'a>(api: &'a Api, message: &'a Message, path: &str) -> Option<&'a Field> {
    let mut current = message;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let field = current.fields.iter().find(|f| f.name == *part || f.json_name == *part)?;
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
