//! Example commands: a curl call of the REST binding and of Connect, with the schema's examples.

use serde_json::Value;

use super::example::{text, Ex, Pick};
use super::Docs;
use crate::model::http::TemplateVariable;
use crate::model::{FieldType, HttpBinding, Message, Method, Streaming, TemplateSegment};

/// The example server's default address, so the commands work as printed.
const SERVER: &str = "http://localhost:8080";
const JSON: &str = " \\\n  -H 'Content-Type: application/json'";

impl<'a> Docs<'a> {
    /// A REST curl command for the primary binding and a Connect one for unary methods.
    pub(super) fn commands(
        &self,
        m: &Method,
        grpc_path: &str,
        input: &'a Message,
        op: Option<&'a Value>,
        rest: bool,
    ) -> Vec<String> {
        let auth = if m.auth.is_some() {
            " \\\n  -H \"Authorization: Bearer $TOKEN\""
        } else {
            ""
        };
        let mut out = Vec::new();
        if let Some(b) = m.http.first().filter(|_| rest) {
            out.push(self.rest_command(m, b, input, op, auth));
        }
        if m.streaming == Streaming::Unary {
            out.push(self.connect_command(m, grpc_path, input, auth));
        }
        out
    }

    fn rest_command(
        &self,
        m: &Method,
        b: &HttpBinding,
        input: &'a Message,
        op: Option<&'a Value>,
        auth: &str,
    ) -> String {
        let call = self.rest_call(b, input, op);
        let verb = match b.method.as_str() {
            "GET" => String::new(),
            // `-X HEAD` would wait for a body that never comes.
            "HEAD" => "--head ".into(),
            other => format!("-X {other} "),
        };
        let stream = if m.streaming == Streaming::Server {
            "-N "
        } else {
            ""
        };
        let data = match self.raw_bodies(m, b).request {
            true => {
                " \\\n  -H 'Content-Type: application/octet-stream' \\\n  --data-binary @upload.bin"
                    .to_string()
            }
            false => call
                .body
                .map(|e| format!("{JSON} \\\n  -d {}", shell_quote(&e.compact())))
                .unwrap_or_default(),
        };
        format!(
            "# REST\ncurl {stream}{verb}{}{auth}{data}",
            shell_word(&format!("{SERVER}{}", call.target))
        )
    }

    /// The example REST call of binding `b`: its path and query with example values, and
    /// its JSON body, as the curl command and the try-it form send them.
    pub(super) fn rest_call(
        &self,
        b: &HttpBinding,
        input: &'a Message,
        op: Option<&'a Value>,
    ) -> RestCall {
        let bound = b.path_fields();
        let request = op
            .and_then(|o| o.get("requestBody"))
            .map(|r| self.resolve(r));
        let schema = self
            .json_content(request)
            .and_then(|c| c.get("schema"))
            .map(|s| self.resolve(s));
        let short = Pick {
            short: true,
            skip: &bound,
            force: &[],
        };
        let body = match b.body.as_deref() {
            Some("*") => Some(self.message_example(input, schema, short, &mut Vec::new())),
            Some(f) => input
                .field(f)
                .map(|f| self.field_example(f, schema, true, &mut Vec::new())),
            None => None,
        };
        let mut target = self.rest_path(b, input);
        if b.body.as_deref() != Some("*") {
            let query: Vec<String> = self
                .api
                .query_params(input, &b.not_query())
                .into_iter()
                .map(|q| (q.name, q.field))
                .filter(|(_, f)| f.needs_value() || self.explicit_example(f, None).is_some())
                .flat_map(
                    |(name, f)| match self.field_example(f, None, true, &mut Vec::new()) {
                        Ex::Arr(items) => items
                            .iter()
                            .map(|i| format!("{name}={}", pct(&scalar_text(i))))
                            .collect(),
                        one => vec![format!("{name}={}", pct(&scalar_text(&one)))],
                    },
                )
                .collect();
            if !query.is_empty() {
                target = format!("{target}?{}", query.join("&"));
            }
        }
        RestCall { target, body }
    }

    fn connect_command(
        &self,
        m: &Method,
        grpc_path: &str,
        input: &'a Message,
        auth: &str,
    ) -> String {
        let force = m
            .http
            .first()
            .map(HttpBinding::path_fields)
            .unwrap_or_default();
        let pick = Pick {
            short: true,
            skip: &[],
            force: &force,
        };
        let mut body = self.message_example(input, None, pick, &mut Vec::new());
        // The same values as the REST URL, so the two commands ask for the same thing.
        if let Some(b) = m.http.first() {
            for v in &b.template.variables {
                let json: Option<Vec<String>> = (1..=v.field_path.len())
                    .map(|n| {
                        self.field_at(input, &v.field_path[..n])
                            .map(|f| f.json_name.clone())
                    })
                    .collect();
                if let (Some(json), Some(leaf)) = (json, self.field_at(input, &v.field_path)) {
                    let value = match leaf.ty {
                        FieldType::String => text(self.variable_value(b, v, input)),
                        _ => self.field_example(leaf, None, true, &mut Vec::new()),
                    };
                    set_path(&mut body, &json, value);
                }
            }
        }
        format!(
            "# Connect\ncurl -X POST {}{auth}{JSON} \\\n  -H 'Connect-Protocol-Version: 1' \\\n  -d {}",
            shell_word(&format!("{SERVER}{grpc_path}")),
            shell_quote(&body.compact())
        )
    }

    /// The REST path of `b` (base path included) with example values in the path.
    fn rest_path(&self, b: &HttpBinding, input: &'a Message) -> String {
        let t = &b.template;
        let mut path = String::new();
        let mut i = 0;
        while i < t.segments.len() {
            path.push('/');
            match t.variables.iter().find(|v| v.start == i) {
                Some(v) => {
                    path.push_str(&self.variable_value(b, v, input));
                    i = v.end.max(i + 1);
                }
                None => {
                    path.push_str(segment_example(&t.segments[i]));
                    i += 1;
                }
            }
        }
        if path.is_empty() {
            path.push('/');
        }
        if let Some(verb) = &t.verb {
            path.push(':');
            path.push_str(verb);
        }
        format!("{}{path}", self.prefix)
    }
    /// An example value for a path variable: the field's example, or its pattern filled in.
    fn variable_value(&self, b: &HttpBinding, v: &TemplateVariable, input: &'a Message) -> String {
        let t = &b.template;
        if v.end != v.start + 1 || t.segments[v.start] != TemplateSegment::Single {
            return t.segments[v.start..v.end]
                .iter()
                .map(segment_example)
                .collect::<Vec<_>>()
                .join("/");
        }
        let field = self.field_at(input, &v.field_path);
        // A made-up string reads better in a URL than the type's placeholder.
        match field
            .filter(|f| f.ty != FieldType::String || self.explicit_example(f, None).is_some())
        {
            Some(f) => scalar_text(&self.field_example(f, None, true, &mut Vec::new())),
            None => format!(
                "my-{}",
                v.field_path
                    .last()
                    .map_or("id", String::as_str)
                    .replace('_', "-")
            ),
        }
    }
}

/// An example REST call: what follows the server in the URL, and the body.
pub(super) struct RestCall {
    /// The path (base path included) and query string.
    pub(super) target: String,
    /// The JSON body, for a binding with one.
    pub(super) body: Option<Ex>,
}

/// Sets the value at a path of object keys, creating the objects on the way.
fn set_path(ex: &mut Ex, path: &[String], value: Ex) {
    let (Ex::Obj(entries), Some((first, rest))) = (ex, path.split_first()) else {
        return;
    };
    let at = match entries.iter().position(|(k, _)| k == first) {
        Some(at) => at,
        None => {
            entries.push((first.clone(), Ex::Obj(Vec::new())));
            entries.len() - 1
        }
    };
    if rest.is_empty() {
        entries[at].1 = value;
    } else {
        set_path(&mut entries[at].1, rest, value);
    }
}

fn segment_example(s: &TemplateSegment) -> &str {
    match s {
        TemplateSegment::Literal(l) => l,
        TemplateSegment::Single => "1",
        TemplateSegment::Multi => "path/to/file",
    }
}

fn scalar_text(ex: &Ex) -> String {
    match ex {
        Ex::Json(Value::String(s)) => s.clone(),
        Ex::Json(v) => v.to_string(),
        other => other.compact(),
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay).
fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `s` as one POSIX shell word, quoted only when it has to be.
fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:@%+,=".contains(c);
    if s.chars().all(plain) {
        s.to_string()
    } else {
        shell_quote(s)
    }
}

/// Single-quotes for a POSIX shell.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
