//! Request and response bodies: a binding's `body` against the operation's `requestBody`, its
//! output (or `response_body` field) against the `200` response's schema.

use super::operations::{binding_location, openapi_path, pattern_location};
use super::Checker;
use super::Ptr;
use crate::model::{Cardinality, Field, FieldType, HttpBinding, Message, Method, Streaming};

impl<'a> Checker<'a> {
    pub(super) fn request_body(
        &mut self,
        method: &Method,
        binding: &HttpBinding,
        op_ptr: &Ptr,
        input: &'a Message,
    ) {
        let (body_ptr, body, _) = self.resolve(&op_ptr.join("requestBody"));
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
            // `google.api.HttpBody`: raw bytes, in whatever media types the document names.
            (Some(b), Some(_)) if input.field(b).is_some_and(Field::is_http_body) => {}
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
                        self.message_schema(input, &schema_ptr, &schema, &bound);
                    }
                    Some(schema) => {
                        // Path variables inside the body field (`{shelf.id}` with
                        // `body: "shelf"`) are bound by the path: the body may leave them out.
                        let prefix = format!("{b}.");
                        let nested: Vec<String> = binding
                            .template
                            .variables
                            .iter()
                            .filter_map(|v| {
                                v.field_path
                                    .join(".")
                                    .strip_prefix(&prefix)
                                    .map(str::to_string)
                            })
                            .collect();
                        let field = input.field(b);
                        let inner = field.and_then(|f| match &f.ty {
                            FieldType::Message(m) if f.cardinality == Cardinality::Single => {
                                self.api.message(m)
                            }
                            _ => None,
                        });
                        match (field, inner) {
                            (Some(_), Some(inner)) if !nested.is_empty() => {
                                self.message_schema(inner, &schema_ptr, &schema, &nested)
                            }
                            (Some(field), _) => {
                                self.field_schema(input, field, &schema_ptr, &schema)
                            }
                            (None, _) => {}
                        }
                    }
                }
                self.leave(followed);
            }
            (None, None) => {}
        }
    }

    pub(super) fn response(
        &mut self,
        method: &Method,
        binding: &HttpBinding,
        op_ptr: &Ptr,
        output: &'a Message,
    ) {
        let (resp_ptr, resp, _) = self.resolve(&op_ptr.join("responses").join("200"));
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
        // A `response_body` of `google.api.HttpBody`: raw bytes, in any media type.
        if binding
            .response_body
            .as_deref()
            .and_then(|f| output.field(f))
            .is_some_and(Field::is_http_body)
        {
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
        let stream = schema
            .as_ref()
            .is_some_and(|s| s.get("properties").and_then(|p| p.get("result")).is_some());
        if method.streaming == Streaming::Server && stream {
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
                Some(field) => self.field_schema(output, field, &schema_ptr, &schema),
                None => self.message_schema(output, &schema_ptr, &schema, &[]),
            },
        }
        self.leave(result_followed);
        self.leave(followed);
    }
}
