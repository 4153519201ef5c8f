//! The views the pages render, Markdown and HTML alike: a service's methods with their
//! protocols, routes, request and response fields (constraints in words), examples and the
//! try-it call, and the messages they reference.

use std::collections::BTreeSet;

use serde_json::Value;

use super::example::{Ex, Pick};
use super::fields::element_type;
use super::rules::{http_status, violation};
use super::words::{binding_words, kind, permission, short_name, signature, upper_first};
use super::{Docs, EMPTY};
use crate::model::{Field, FieldType, HttpBinding, Message, Method, Service, Streaming};

/// One service's page.
pub(super) struct ServiceView {
    pub(super) name: String,
    /// The service's doc comment (Markdown).
    pub(super) docs: String,
    pub(super) base_path: String,
    pub(super) methods: Vec<MethodView>,
    pub(super) messages: Vec<MessageView>,
}

/// One method's section. Its phrases hold Markdown's inline markup (code spans, links to
/// anchors on the page) and its descriptions Markdown blocks: the Markdown template writes them
/// as they are, the HTML template renders them (`html.rs`).
pub(super) struct MethodView {
    pub(super) name: String,
    pub(super) title: String,
    pub(super) signature: String,
    pub(super) kind: &'static str,
    pub(super) grpc_path: String,
    pub(super) tags: String,
    pub(super) permission: String,
    pub(super) description: String,
    pub(super) index_route: String,
    pub(super) protocols: Vec<Protocol>,
    pub(super) protocol_note: String,
    pub(super) routes: Vec<String>,
    pub(super) request: Vec<Table>,
    pub(super) response: Response,
    pub(super) error_status: u16,
    pub(super) error_example: String,
    pub(super) other_responses: Vec<(String, String)>,
    pub(super) examples: Vec<String>,
    /// The REST call the try-it form sends, for a method served over REST.
    pub(super) try_it: Option<TryIt>,
}

/// The try-it form of a method: a REST call with the schema's example values.
pub(super) struct TryIt {
    /// `POST`.
    pub(super) verb: String,
    /// The path (base path included) and query string.
    pub(super) target: String,
    /// The pretty JSON body, for a binding with one.
    pub(super) body: Option<String>,
    /// Whether the method needs a bearer token.
    pub(super) auth: bool,
}

pub(super) struct Protocol {
    pub(super) name: &'static str,
    pub(super) content_types: String,
    pub(super) endpoint: String,
}

pub(super) struct Table {
    pub(super) caption: String,
    pub(super) rows: Vec<Row>,
}

/// A field: its JSON name, type and constraints in words.
pub(super) struct Row {
    pub(super) name: String,
    pub(super) ty: String,
    pub(super) required: &'static str,
    pub(super) constraints: String,
    pub(super) description: String,
}

pub(super) struct Response {
    pub(super) description: String,
    pub(super) caption: String,
    pub(super) table: Vec<Row>,
    pub(super) note: String,
    pub(super) example: String,
}

pub(super) struct MessageView {
    pub(super) full_name: String,
    pub(super) docs: String,
    pub(super) rows: Vec<Row>,
}

impl<'a> Docs<'a> {
    /// Everything the pages of `service` show.
    pub(super) fn service(&self, service: &Service) -> ServiceView {
        let methods = service
            .methods
            .iter()
            .map(|m| self.method(service, m))
            .collect();
        let mut seen = BTreeSet::new();
        let mut messages = Vec::new();
        for m in &service.methods {
            for name in [&m.input, &m.output] {
                if let Some(msg) = self.api.message(name) {
                    self.referenced(msg, &mut seen, &mut messages);
                }
            }
        }
        ServiceView {
            name: service.full_name.clone(),
            docs: service.docs.text.trim().to_string(),
            base_path: self.prefix.to_string(),
            methods,
            messages: messages
                .into_iter()
                .map(|msg| MessageView {
                    full_name: msg.full_name.clone(),
                    docs: msg.docs.text.trim().to_string(),
                    rows: msg
                        .fields
                        .iter()
                        .map(|f| self.row(f.json_name.clone(), f, false))
                        .collect(),
                })
                .collect(),
        }
    }

    /// Messages reachable from `msg`'s fields, each once, depth first in field order.
    fn referenced(
        &self,
        msg: &'a Message,
        seen: &mut BTreeSet<String>,
        out: &mut Vec<&'a Message>,
    ) {
        for f in &msg.fields {
            let FieldType::Message(name) = element_type(f) else {
                continue;
            };
            if let Some(inner) = self.api.message(name) {
                if seen.insert(name.clone()) {
                    out.push(inner);
                    self.referenced(inner, seen, out);
                }
            }
        }
    }

    fn method(&self, service: &Service, m: &Method) -> MethodView {
        let grpc_path = format!("/{}/{}", service.full_name, m.name);
        let primary = m.http.first();
        let op = primary.and_then(|b| self.operation(b));
        let op_text = |key: &str| {
            op.and_then(|o| o.get(key))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty())
        };
        let meta = m.operation.as_ref();
        let title = op_text("summary")
            .or(meta.map(|o| o.summary.as_str()).filter(|t| !t.is_empty()))
            .unwrap_or(&m.name);
        let description = op_text("description")
            .or(meta
                .map(|o| o.description.as_str())
                .filter(|t| !t.is_empty()))
            .unwrap_or(&m.docs.text);
        let tags: Vec<String> = match op.and_then(|o| o.get("tags")).and_then(Value::as_array) {
            Some(list) => list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            None => meta.map(|o| o.tags.clone()).unwrap_or_default(),
        };
        let rest = matches!(m.streaming, Streaming::Unary | Streaming::Server);
        let route = |b: &HttpBinding| {
            format!(
                "{} {}{}{}",
                b.method, self.prefix, b.path_prefix, b.template.source
            )
        };
        let input = self
            .api
            .message(&m.input)
            .or((m.input == EMPTY).then_some(self.empty));
        let output = self.api.message(&m.output);
        let (error_status, error) = self.error(m, input, op);
        let raw = primary.map(|b| self.raw_bodies(m, b)).unwrap_or_default();
        let (protocols, protocol_note) =
            protocols(m, &grpc_path, primary.filter(|_| rest).map(route), raw);
        MethodView {
            name: m.name.clone(),
            title: title.to_string(),
            signature: signature(service, m),
            kind: kind(m.streaming),
            grpc_path: grpc_path.clone(),
            tags: tags.join(", "),
            permission: permission(m),
            description: description.trim().to_string(),
            index_route: primary
                .filter(|_| rest)
                .map(|b| format!("`{}`", route(b)))
                .unwrap_or_else(|| "—".into()),
            protocols,
            protocol_note,
            routes: m
                .http
                .iter()
                .map(|b| format!("`{}`: {}", route(b), binding_words(b, rest)))
                .collect(),
            request: self.request(m, input, rest),
            response: self.response(m, output, op),
            error_status,
            error_example: error.pretty(),
            other_responses: other_responses(op.and_then(|o| o.get("responses")), |v| {
                self.resolve(v)
            }),
            examples: input
                .map(|i| self.commands(m, &grpc_path, i, op, rest))
                .unwrap_or_default(),
            // The form sends JSON: an upload of raw bytes is left to the curl command.
            try_it: primary
                .filter(|_| rest && !raw.request)
                .zip(input)
                .map(|(b, input)| self.try_it(m, b, input, op)),
        }
    }

    /// Which REST bodies of binding `b` are `google.api.HttpBody` (raw bytes, not JSON).
    pub(super) fn raw_bodies(&self, m: &Method, b: &HttpBinding) -> RawBodies {
        RawBodies {
            request: b.body.is_some() && self.api.is_http_body(&m.input, b.body.as_deref()),
            response: self.api.is_http_body(&m.output, b.response_body.as_deref()),
        }
    }

    fn try_it(
        &self,
        m: &Method,
        b: &HttpBinding,
        input: &'a Message,
        op: Option<&'a Value>,
    ) -> TryIt {
        let call = self.rest_call(b, input, op);
        TryIt {
            verb: b.method.clone(),
            target: call.target,
            body: call.body.map(|e| e.pretty()),
            auth: m.auth.is_some(),
        }
    }

    fn request(&self, m: &Method, input: Option<&'a Message>, rest: bool) -> Vec<Table> {
        let name = short_name(&m.input);
        let binding = m.http.first().filter(|_| rest);
        let raw = binding.filter(|b| self.raw_bodies(m, b).request);
        let Some(input) = input else {
            return vec![Table {
                caption: match raw {
                    Some(b) => raw_body_caption(b, name),
                    None => format!("The request is a `{}`.", m.input),
                },
                rows: Vec::new(),
            }];
        };
        let all = |caption: String| {
            vec![Table {
                caption,
                rows: input
                    .fields
                    .iter()
                    .map(|f| self.row(f.json_name.clone(), f, false))
                    .collect(),
            }]
        };
        let Some(b) = binding else {
            return all(match m.streaming {
                Streaming::Client | Streaming::Bidi => {
                    format!("Each message of the request stream is a `{name}`:")
                }
                _ => format!("The request message `{name}` (gRPC, gRPC-Web and Connect):"),
            });
        };
        let mut tables = Vec::new();
        let path_rows: Vec<Row> = b
            .template
            .variables
            .iter()
            .filter_map(|v| {
                self.field_at(input, &v.field_path)
                    .map(|f| self.row(v.field_path.join("."), f, true))
            })
            .collect();
        if !path_rows.is_empty() {
            tables.push(Table {
                caption: "Path parameters:".into(),
                rows: path_rows,
            });
        }
        let bound = b.path_fields();
        let row = |f: &Field| self.row(f.json_name.clone(), f, false);
        if raw.is_some() {
            tables.push(Table {
                caption: raw_body_caption(b, name),
                rows: Vec::new(),
            });
        }
        match b.body.as_deref() {
            _ if raw.is_some() => {}
            Some("*") => tables.push(Table {
                caption: match bound.is_empty() {
                    true => format!("JSON body: the request message `{name}`."),
                    false => format!("JSON body: `{name}` without the fields in the path."),
                },
                rows: input
                    .fields
                    .iter()
                    .filter(|f| !bound.contains(&f.name))
                    .map(row)
                    .collect(),
            }),
            Some(body) => tables.push(Table {
                caption: format!("JSON body: the `{body}` field of `{name}`."),
                rows: input.field(body).map(row).into_iter().collect(),
            }),
            None => {}
        }
        if b.body.as_deref() != Some("*") {
            let rows: Vec<Row> = self
                .api
                .query_params(input, &b.not_query())
                .into_iter()
                .map(|q| self.row(q.name, q.field, false))
                .collect();
            if !rows.is_empty() {
                tables.push(Table {
                    caption:
                        "Query parameters (a repeated field repeats the parameter: `?a=1&a=2`):"
                            .into(),
                    rows,
                });
            }
        }
        tables
    }

    fn response(&self, m: &Method, output: Option<&'a Message>, op: Option<&'a Value>) -> Response {
        let ok = op
            .and_then(|o| o.get("responses"))
            .and_then(|r| r.get("200"))
            .map(|r| self.resolve(r));
        let media = self.json_content(ok);
        let schema = media.and_then(|c| c.get("schema")).map(|s| self.resolve(s));
        let name = short_name(&m.output);
        let example = match (media.and_then(|c| c.get("example")), output) {
            (Some(v), _) => self.ordered(v, output),
            (None, Some(msg)) => self.message_example(msg, schema, Pick::FULL, &mut Vec::new()),
            (None, None) => Ex::Obj(Vec::new()),
        };
        let mut note = Vec::new();
        if m.streaming == Streaming::Server || m.streaming == Streaming::Bidi {
            note.push(format!("The response is a stream of `{name}` messages; REST sends each as a line `{{\"result\": …}}`."));
        }
        let raw = m
            .http
            .first()
            .is_some_and(|b| self.raw_bodies(m, b).response);
        if raw {
            note.push("REST answers raw bytes (`google.api.HttpBody`): the body is `data`, sent with `content_type` as its `Content-Type`; gRPC and Connect answer the message.".to_string());
        } else if let Some(field) = m.http.first().and_then(|b| b.response_body.as_deref()) {
            note.push(format!("REST answers only the `{field}` field of the message; gRPC and Connect answer all of it."));
        }
        Response {
            description: ok
                .and_then(|r| r.get("description"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| "OK".into()),
            caption: format!("Response message `{name}`:"),
            table: output
                .map(|o| {
                    o.fields
                        .iter()
                        .map(|f| self.row(f.json_name.clone(), f, false))
                        .collect()
                })
                .unwrap_or_default(),
            note: note.join(" "),
            example: example.pretty(),
        }
    }

    /// The error example: the first rule a request can break, else the document's own default
    /// example, else what an unauthenticated or failing call gets.
    fn error(&self, m: &Method, input: Option<&Message>, op: Option<&'a Value>) -> (u16, Ex) {
        if let Some((field, message)) = input.and_then(violation) {
            return (400, Ex::bad_request(field, message));
        }
        let default = op
            .and_then(|o| o.get("responses"))
            .and_then(|r| r.get("default"))
            .map(|r| self.resolve(r));
        if let Some(v) = self.json_content(default).and_then(|c| c.get("example")) {
            return (
                http_status(v.get("code").and_then(Value::as_i64).unwrap_or(2)),
                self.ordered(v, None),
            );
        }
        match m.auth {
            Some(_) => (401, Ex::status(16, "auth header missing".into())),
            None => (500, Ex::status(13, "internal error".into())),
        }
    }
}

/// The protocols a method is served over, by streaming kind, and a note on what is left out.
/// The request section's words for a REST body that is a `google.api.HttpBody`.
fn raw_body_caption(b: &HttpBinding, message: &str) -> String {
    format!(
        "Raw body (`google.api.HttpBody`{}): the bytes as sent, in any content type; the \
         `Content-Type` header becomes `content_type` and the bytes `data`.",
        match b.body.as_deref() {
            Some("*") | None => String::new(),
            Some(field) => format!(", the `{field}` field of `{message}`"),
        }
    )
}

/// Which REST bodies of a binding are `google.api.HttpBody`: raw bytes in any content type.
#[derive(Clone, Copy, Default)]
pub(super) struct RawBodies {
    pub(super) request: bool,
    pub(super) response: bool,
}

fn protocols(
    m: &Method,
    grpc_path: &str,
    rest_route: Option<String>,
    raw: RawBodies,
) -> (Vec<Protocol>, String) {
    let row = |name, content_types: &str, endpoint: String| Protocol {
        name,
        content_types: content_types.into(),
        endpoint,
    };
    let post = format!("`POST {grpc_path}`");
    let mut rows = Vec::new();
    if let Some(route) = rest_route {
        let json = match (raw.request, raw.response, m.streaming == Streaming::Server) {
            (true, true, _) => "any (raw bytes both ways, `google.api.HttpBody`)",
            (true, false, _) => {
                "request: any (raw bytes, `google.api.HttpBody`); response: `application/json`"
            }
            (false, true, false) => {
                "request: `application/json`; response: any (raw bytes, `google.api.HttpBody`)"
            }
            (false, true, true) => {
                "request: `application/json`; response: raw bytes a message (`google.api.HttpBody`)"
            }
            (false, false, true) => "`application/json` (one JSON object a line)",
            (false, false, false) => "`application/json`",
        };
        rows.push(row("REST", json, format!("`{route}`")));
    }
    rows.push(row(
        "gRPC",
        "`application/grpc`, `application/grpc+proto`",
        format!("{post} (HTTP/2)"),
    ));
    rows.push(row(
        "gRPC-Web",
        "`application/grpc-web+proto`, `application/grpc-web-text+proto`",
        post.clone(),
    ));
    // The runtime serves Connect's unary protocol only; streams go over gRPC, gRPC-Web or REST.
    if m.streaming == Streaming::Unary {
        rows.push(row(
            "Connect",
            "`application/json`, `application/proto`",
            post,
        ));
    }
    let note = match m.streaming {
        Streaming::Unary => String::new(),
        Streaming::Server => "Server streaming: one request, a stream of responses.".into(),
        Streaming::Client | Streaming::Bidi => format!(
            "{}: served over gRPC and gRPC-Web only{}. Browsers cannot send a gRPC-Web request stream.",
            upper_first(kind(m.streaming)),
            if m.http.is_empty() { "" } else { "; the schema's HTTP binding is not served" }
        ),
    };
    (rows, note)
}

/// The document's responses other than `200` and `default`, by status.
fn other_responses<'v>(
    responses: Option<&'v Value>,
    resolve: impl Fn(&'v Value) -> &'v Value,
) -> Vec<(String, String)> {
    let Some(map) = responses.and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = map
        .iter()
        .filter(|(status, _)| *status != "200" && *status != "default")
        .map(|(status, r)| {
            (
                status.clone(),
                resolve(r)
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_default(),
            )
        })
        .collect();
    out.sort();
    out
}
