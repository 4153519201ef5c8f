//! Swagger 2.0 read as the OpenAPI 3.0 document it describes: `basePath` is the first server,
//! `definitions` the component schemas, a body parameter the request body, a response's
//! `schema` its `application/json` content, `securityDefinitions` the security schemes. Every
//! node keeps the line it has in the Swagger file, so diagnostics point there.

use serde_json::{json, Map, Value};

use crate::source::yaml::Lines;

const VERBS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// Parameter and header keywords that describe the value: a `schema` in OpenAPI 3.
const VALUE_KEYWORDS: [&str; 19] = [
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "example",
    "x-nullable",
    "readOnly",
];

/// A conversion in progress: the source with its lines, the result with its own.
struct Convert<'s> {
    lines: &'s Lines,
    out: Lines,
}

type Tokens = Vec<String>;

fn at(base: &[String], more: &[&str]) -> Tokens {
    let mut t = base.to_vec();
    t.extend(more.iter().map(|s| s.to_string()));
    t
}

impl Convert<'_> {
    /// `value` (the source node at `from`) placed at `to`, its `$ref`s rewritten.
    fn place(&mut self, value: &Value, from: &[String], to: &[String]) -> Value {
        self.out.copy_from(self.lines, from, to);
        rewrite_refs(value.clone())
    }

    /// The line of the source node at `tokens` given to the new node at `to`.
    fn mark(&mut self, tokens: &[String], to: &[String]) {
        let line = self.lines.line(tokens);
        self.out.insert(to, line);
    }

    /// A non-body parameter (or a header): its value keywords move into `schema`.
    fn parameter(&mut self, p: &Map<String, Value>, from: &[String], to: &[String]) -> Value {
        let (mut out, schema) = self.split(p, from, to, &at(to, &["schema"]));
        if !schema.is_empty() {
            out.insert("schema".into(), Value::Object(schema));
        }
        Value::Object(out)
    }

    /// A parameter's keywords: those about the parameter (placed under `to`), and those about
    /// its value (placed under `schema_at`).
    fn split(
        &mut self,
        p: &Map<String, Value>,
        from: &[String],
        to: &[String],
        schema_at: &[String],
    ) -> (Map<String, Value>, Map<String, Value>) {
        let mut out = Map::new();
        let mut schema = Map::new();
        self.mark(from, to);
        for (k, v) in p {
            if k == "collectionFormat" {
                continue;
            }
            let key = if k == "x-nullable" { "nullable" } else { k };
            if VALUE_KEYWORDS.contains(&k.as_str()) {
                if schema.is_empty() {
                    self.mark(&at(from, &[k]), schema_at);
                }
                let placed = self.place(v, &at(from, &[k]), &at(schema_at, &[key]));
                schema.insert(key.to_string(), placed);
            } else {
                let placed = self.place(v, &at(from, &[k]), &at(to, &[k]));
                out.insert(k.clone(), placed);
            }
        }
        (out, schema)
    }

    /// A response: its `schema` becomes `content: application/json: schema`, its headers'
    /// value keywords their schemas.
    fn response(&mut self, r: &Value, from: &[String], to: &[String]) -> Value {
        let Some(r) = r.as_object() else {
            return self.place(r, from, to);
        };
        if r.contains_key("$ref") {
            return self.place(&Value::Object(r.clone()), from, to);
        }
        self.mark(from, to);
        let mut out = Map::new();
        let mut media = Map::new();
        let content_at = at(to, &["content", "application/json"]);
        for (k, v) in r {
            match k.as_str() {
                "schema" => {
                    self.mark(&at(from, &[k]), &at(to, &["content"]));
                    self.mark(&at(from, &[k]), &content_at);
                    let placed = self.place(v, &at(from, &[k]), &at(&content_at, &["schema"]));
                    media.insert("schema".into(), placed);
                }
                "examples" => {
                    if let Some(example) = v.get("application/json") {
                        let placed = self.place(
                            example,
                            &at(from, &[k, "application/json"]),
                            &at(&content_at, &["example"]),
                        );
                        media.insert("example".into(), placed);
                    }
                }
                "headers" => {
                    let mut headers = Map::new();
                    for (name, h) in v.as_object().into_iter().flatten() {
                        let h_from = at(from, &[k, name]);
                        let h_to = at(to, &[k, name]);
                        let header = match h.as_object() {
                            Some(h) => self.parameter(h, &h_from, &h_to),
                            None => self.place(h, &h_from, &h_to),
                        };
                        headers.insert(name.clone(), header);
                    }
                    self.mark(&at(from, &[k]), &at(to, &[k]));
                    out.insert(k.clone(), Value::Object(headers));
                }
                _ => {
                    let placed = self.place(v, &at(from, &[k]), &at(to, &[k]));
                    out.insert(k.clone(), placed);
                }
            }
        }
        if !media.is_empty() {
            let mut content = Map::new();
            content.insert("application/json".into(), Value::Object(media));
            out.insert("content".into(), Value::Object(content));
        }
        Value::Object(out)
    }

    /// An operation: body and form parameters become its request body.
    fn operation(
        &mut self,
        op: &Map<String, Value>,
        shared: &[(Tokens, Value)],
        doc: &Value,
        from: &[String],
        to: &[String],
    ) -> Value {
        self.mark(from, to);
        let mut out = Map::new();
        let mut params = Vec::new();
        let mut body: Option<Value> = None;
        let mut form: Vec<(Tokens, Map<String, Value>)> = Vec::new();
        let own: Vec<(Tokens, Value)> = op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, p)| (at(from, &["parameters", &i.to_string()]), p.clone()))
            .collect();
        // Path-level parameters the operation does not override apply to it too; body and form
        // parameters can only be carried over here, since OpenAPI 3 has no shared body.
        let overridden = |p: &Value| {
            own.iter()
                .any(|(_, o)| o.get("name") == p.get("name") && o.get("in") == p.get("in"))
        };
        let inherited: Vec<(Tokens, Value)> = shared
            .iter()
            .filter(|(_, p)| {
                let p = resolve_parameter(doc, p);
                matches!(
                    p.get("in").and_then(Value::as_str),
                    Some("body" | "formData")
                ) && !overridden(&p)
            })
            .cloned()
            .collect();
        for (p_from, p) in own.into_iter().chain(inherited) {
            let resolved = resolve_parameter(doc, &p);
            match resolved.get("in").and_then(Value::as_str) {
                Some("body") => {
                    let body_at = at(to, &["requestBody"]);
                    self.mark(&p_from, &body_at);
                    let mut b = Map::new();
                    if let Some(d) = resolved.get("description") {
                        b.insert("description".into(), d.clone());
                    }
                    if let Some(r) = resolved.get("required") {
                        b.insert("required".into(), r.clone());
                    }
                    let content_at = at(&body_at, &["content", "application/json"]);
                    self.mark(&p_from, &at(&body_at, &["content"]));
                    self.mark(&p_from, &content_at);
                    let mut media = Map::new();
                    if let Some(schema) = resolved.get("schema") {
                        // Lines of the body parameter as written (inline, not behind a `$ref`).
                        let schema = if p.get("$ref").is_some() {
                            self.mark(&p_from, &at(&content_at, &["schema"]));
                            rewrite_refs(schema.clone())
                        } else {
                            self.place(
                                schema,
                                &at(&p_from, &["schema"]),
                                &at(&content_at, &["schema"]),
                            )
                        };
                        media.insert("schema".into(), schema);
                    }
                    let mut content = Map::new();
                    content.insert("application/json".into(), Value::Object(media));
                    b.insert("content".into(), Value::Object(content));
                    body = Some(Value::Object(b));
                }
                Some("formData") => {
                    if let Some(p) = resolved.as_object() {
                        form.push((p_from, p.clone()));
                    }
                }
                _ => {
                    let i = params.len().to_string();
                    let p_to = at(to, &["parameters", &i]);
                    let converted = match p.as_object() {
                        Some(o) if !o.contains_key("$ref") => self.parameter(o, &p_from, &p_to),
                        _ => self.place(&p, &p_from, &p_to),
                    };
                    params.push(converted);
                }
            }
        }
        if body.is_none() && !form.is_empty() {
            body = Some(self.form_body(&form, &at(to, &["requestBody"])));
        }
        for (k, v) in op {
            match k.as_str() {
                "parameters" => {
                    if !params.is_empty() {
                        self.mark(&at(from, &[k]), &at(to, &[k]));
                        out.insert(k.clone(), Value::Array(std::mem::take(&mut params)));
                    }
                }
                "responses" => {
                    let mut responses = Map::new();
                    self.mark(&at(from, &[k]), &at(to, &[k]));
                    for (code, r) in v.as_object().into_iter().flatten() {
                        let converted =
                            self.response(r, &at(from, &[k, code]), &at(to, &[k, code]));
                        responses.insert(code.clone(), converted);
                    }
                    out.insert(k.clone(), Value::Object(responses));
                }
                "consumes" | "produces" | "schemes" => {}
                _ => {
                    let placed = self.place(v, &at(from, &[k]), &at(to, &[k]));
                    out.insert(k.clone(), placed);
                }
            }
        }
        if let Some(body) = body {
            out.insert("requestBody".into(), body);
        }
        Value::Object(out)
    }

    /// `formData` parameters as one form-encoded object body.
    fn form_body(&mut self, form: &[(Tokens, Map<String, Value>)], to: &[String]) -> Value {
        let media_at = at(to, &["content", "application/x-www-form-urlencoded"]);
        let schema_at = at(&media_at, &["schema"]);
        if let Some((first, _)) = form.first() {
            for t in [
                to.to_vec(),
                at(to, &["content"]),
                media_at.clone(),
                schema_at.clone(),
            ] {
                self.mark(first, &t);
            }
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (p_from, p) in form {
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let prop_at = at(&schema_at, &["properties", &name]);
            let (_, schema) = self.split(p, p_from, &prop_at, &prop_at);
            if p.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(Value::String(name.clone()));
            }
            properties.insert(name, Value::Object(schema));
        }
        let mut schema = json!({"type": "object", "properties": properties});
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        json!({"content": {"application/x-www-form-urlencoded": {"schema": schema}}})
    }
}

/// The parameter itself, or the shared one its `$ref` names.
fn resolve_parameter(doc: &Value, p: &Value) -> Value {
    match p.get("$ref").and_then(Value::as_str) {
        Some(r) if r.starts_with("#/") => doc.pointer(&r[1..]).cloned().unwrap_or(Value::Null),
        _ => p.clone(),
    }
}

/// The 3.x `$ref` of a Swagger one: `#/definitions/X` is `#/components/schemas/X`.
pub(super) fn rewrite_ref(r: &str) -> String {
    for (from, to) in [
        ("#/definitions/", "#/components/schemas/"),
        ("#/parameters/", "#/components/parameters/"),
        ("#/responses/", "#/components/responses/"),
    ] {
        if let Some(i) = r.find(from) {
            return format!("{}{to}{}", &r[..i], &r[i + from.len()..]);
        }
    }
    r.to_string()
}

fn rewrite_refs(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => (k, Value::String(rewrite_ref(&r))),
                    (_, v) => (k, rewrite_refs(v)),
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(rewrite_refs).collect()),
        other => other,
    }
}

/// A security definition as a 3.x security scheme.
fn security_scheme(s: &Value) -> Value {
    let Some(s) = s.as_object() else {
        return s.clone();
    };
    let mut out = match s.get("type").and_then(Value::as_str) {
        Some("basic") => json!({"type": "http", "scheme": "basic"}),
        Some("oauth2") => {
            let flow = match s.get("flow").and_then(Value::as_str) {
                Some("accessCode") => "authorizationCode",
                Some("application") => "clientCredentials",
                Some(other) => other,
                None => "implicit",
            };
            let f: Map<String, Value> = ["authorizationUrl", "tokenUrl", "scopes"]
                .iter()
                .filter_map(|k| Some((k.to_string(), s.get(*k)?.clone())))
                .collect();
            json!({"type": "oauth2", "flows": {flow: f}})
        }
        _ => Value::Object(
            s.iter()
                .filter(|(k, _)| *k != "flow")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
    };
    if let Some(d) = s.get("description") {
        out["description"] = d.clone();
    }
    out
}

/// The 3.0 document a Swagger 2.0 document describes, with the Swagger file's lines.
pub(super) fn convert(raw: Value, lines: Lines) -> (Value, Lines) {
    let mut c = Convert {
        lines: &lines,
        out: Lines::default(),
    };
    let root: Tokens = Vec::new();
    c.mark(&root, &root);
    let mut out = Map::new();
    let src = raw.as_object().cloned().unwrap_or_default();
    out.insert("openapi".into(), "3.0.3".into());
    c.mark(&at(&root, &["swagger"]), &at(&root, &["openapi"]));
    let base = src.get("basePath").and_then(Value::as_str);
    let host = src.get("host").and_then(Value::as_str);
    if base.is_some() || host.is_some() {
        let scheme = src
            .get("schemes")
            .and_then(|s| s.get(0))
            .and_then(Value::as_str)
            .unwrap_or("https");
        let url = match host {
            Some(h) => format!("{scheme}://{h}{}", base.unwrap_or("")),
            None => base.unwrap_or("").to_string(),
        };
        let from = at(&root, &[if base.is_some() { "basePath" } else { "host" }]);
        for t in [
            &["servers"][..],
            &["servers", "0"],
            &["servers", "0", "url"],
        ] {
            c.mark(&from, &at(&root, t));
        }
        let mut server = Map::new();
        server.insert("url".into(), Value::String(url));
        out.insert("servers".into(), Value::Array(vec![Value::Object(server)]));
    }
    let mut components = Map::new();
    for (k, v) in &src {
        let from = at(&root, &[k]);
        match k.as_str() {
            "swagger" | "basePath" | "host" | "schemes" | "consumes" | "produces" => {}
            "paths" => {
                c.mark(&from, &from);
                let mut paths = Map::new();
                for (path, item) in v.as_object().into_iter().flatten() {
                    let item_from = at(&from, &[path]);
                    c.mark(&item_from, &item_from);
                    let item = item.as_object().cloned().unwrap_or_default();
                    let shared: Vec<(Tokens, Value)> = item
                        .get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .enumerate()
                        .map(|(i, p)| (at(&item_from, &["parameters", &i.to_string()]), p.clone()))
                        .collect();
                    let mut converted = Map::new();
                    for (key, value) in &item {
                        let key_from = at(&item_from, &[key]);
                        if VERBS.contains(&key.as_str()) {
                            let op = value.as_object().cloned().unwrap_or_default();
                            let op = c.operation(&op, &shared, &raw, &key_from, &key_from);
                            converted.insert(key.clone(), op);
                        } else if key == "parameters" {
                            // Body parameters went into each operation's request body.
                            let kept: Vec<Value> = shared
                                .iter()
                                .filter(|(_, p)| {
                                    !matches!(
                                        resolve_parameter(&raw, p)
                                            .get("in")
                                            .and_then(Value::as_str),
                                        Some("body" | "formData")
                                    )
                                })
                                .enumerate()
                                .map(|(i, (p_from, p))| {
                                    let p_to = at(&key_from, &[&i.to_string()]);
                                    match p.as_object() {
                                        Some(o) if !o.contains_key("$ref") => {
                                            c.parameter(o, p_from, &p_to)
                                        }
                                        _ => c.place(p, p_from, &p_to),
                                    }
                                })
                                .collect();
                            if !kept.is_empty() {
                                c.mark(&key_from, &key_from);
                                converted.insert(key.clone(), Value::Array(kept));
                            }
                        } else {
                            let placed = c.place(value, &key_from, &key_from);
                            converted.insert(key.clone(), placed);
                        }
                    }
                    paths.insert(path.clone(), Value::Object(converted));
                }
                out.insert("paths".into(), Value::Object(paths));
            }
            "definitions" => {
                let to = at(&root, &["components", "schemas"]);
                components.insert("schemas".into(), c.place(v, &from, &to));
            }
            "parameters" => {
                let to = at(&root, &["components", "parameters"]);
                c.mark(&from, &to);
                let mut params = Map::new();
                for (name, p) in v.as_object().into_iter().flatten() {
                    // A shared body parameter is inlined where it is used.
                    if p.get("in").and_then(Value::as_str) == Some("body") {
                        continue;
                    }
                    let p_to = at(&to, &[name]);
                    let converted = match p.as_object() {
                        Some(o) => c.parameter(o, &at(&from, &[name]), &p_to),
                        None => c.place(p, &at(&from, &[name]), &p_to),
                    };
                    params.insert(name.clone(), converted);
                }
                components.insert("parameters".into(), Value::Object(params));
            }
            "responses" => {
                let to = at(&root, &["components", "responses"]);
                c.mark(&from, &to);
                let mut responses = Map::new();
                for (name, r) in v.as_object().into_iter().flatten() {
                    let converted = c.response(r, &at(&from, &[name]), &at(&to, &[name]));
                    responses.insert(name.clone(), converted);
                }
                components.insert("responses".into(), Value::Object(responses));
            }
            "securityDefinitions" => {
                let to = at(&root, &["components", "securitySchemes"]);
                c.out.copy_from(&lines, &from, &to);
                let schemes: Map<String, Value> = v
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, s)| (name.clone(), security_scheme(s)))
                    .collect();
                components.insert("securitySchemes".into(), Value::Object(schemes));
            }
            _ => {
                let placed = c.place(v, &from, &from);
                out.insert(k.clone(), placed);
            }
        }
    }
    if !components.is_empty() {
        if let Some(first) = [
            "definitions",
            "parameters",
            "responses",
            "securityDefinitions",
        ]
        .iter()
        .find(|k| src.contains_key(**k))
        {
            c.mark(&at(&root, &[first]), &at(&root, &["components"]));
        }
        out.insert("components".into(), Value::Object(components));
    }
    (Value::Object(out), c.out)
}

/// A file a Swagger document's `$ref`s reach: its `definitions` (and shared parameters and
/// responses) where the rewritten `$ref`s look for them.
pub(super) fn convert_fragment(raw: Value, lines: Lines) -> (Value, Lines) {
    let Value::Object(src) = raw else {
        return (raw, lines);
    };
    let mut c = Convert {
        lines: &lines,
        out: Lines::default(),
    };
    let root: Tokens = Vec::new();
    c.mark(&root, &root);
    let mut out = Map::new();
    let mut components = Map::new();
    for (k, v) in &src {
        let from = at(&root, &[k]);
        let target = match k.as_str() {
            "definitions" => Some("schemas"),
            "parameters" => Some("parameters"),
            "responses" => Some("responses"),
            _ => None,
        };
        match target {
            Some(name) => {
                let to = at(&root, &["components", name]);
                c.mark(&from, &at(&root, &["components"]));
                components.insert(name.into(), c.place(v, &from, &to));
            }
            None => {
                let placed = c.place(v, &from, &from);
                out.insert(k.clone(), placed);
            }
        }
    }
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    (Value::Object(out), c.out)
}
