//! Methods as the model has them: streaming kind, idempotency, the auth option, the
//! OpenAPI operation and the `google.api.http` bindings (additional bindings included).

use prost_reflect::{DynamicMessage, FileDescriptor, MethodDescriptor, Value};

use super::super::http::{HttpBinding, PathTemplate};
use super::super::*;
use super::{custom_options, resolve_field_path, Builder};
use crate::diag::{Diagnostic, Diagnostics, Location};

/// The file option whose `base_path` is a REST base path.
const OPENAPI_SWAGGER: &str = "grpc.gateway.protoc_gen_openapiv2.options.openapiv2_swagger";

impl Builder<'_> {
    /// The REST base path `file`'s `openapiv2_swagger` option declares, without a trailing `/`
    /// (`/admin/v1`); empty for none.
    pub(super) fn base_path(&self, file: &FileDescriptor) -> String {
        let Some(ext) = self.input.pool.get_extension_by_name(OPENAPI_SWAGGER) else {
            return String::new();
        };
        let options = file.options();
        if !options.has_extension(&ext) {
            return String::new();
        }
        options
            .get_extension(&ext)
            .as_message()
            .and_then(|m| m.get_field_by_name("base_path"))
            .and_then(|v| v.as_str().map(|s| s.trim_end_matches('/').to_string()))
            .unwrap_or_default()
    }

    pub(super) fn method(&self, method: &MethodDescriptor, diags: &mut Diagnostics) -> Method {
        let file = method.parent_file();
        let options = method.options();
        let option_path = |rest: &[i32]| {
            let mut p = method.path().to_vec();
            p.push(4); // MethodDescriptorProto.options
            p.extend_from_slice(rest);
            p
        };
        let mut http = Vec::new();
        if let Some(ext) = &self.http {
            if options.has_extension(ext) {
                if let Value::Message(rule) = &*options.get_extension(ext) {
                    let location = self.locate(&file, &option_path(&[ext.number() as i32]));
                    self.http_rule(rule, false, &location, method, &mut http, diags);
                }
            }
        }
        let auth = self
            .auth
            .as_ref()
            .filter(|e| options.has_extension(e))
            .and_then(|ext| {
                let value = options.get_extension(ext);
                let Value::Message(m) = &*value else {
                    return None;
                };
                let permission = m.get_field_by_name("permission")?.as_str()?.to_string();
                let check_field = m
                    .get_field_by_name("check_field_name")
                    .and_then(|v| v.as_str().map(str::to_string))
                    .filter(|s| !s.is_empty());
                let checked_field = check_field.as_deref().and_then(|name| {
                    let location = self.locate(&file, &option_path(&[ext.number() as i32]));
                    checked_field(method, name, &location, diags)
                });
                Some(AuthRequirement {
                    permission,
                    check_field,
                    checked_field,
                })
            });
        let operation = self
            .operation
            .as_ref()
            .filter(|e| options.has_extension(e))
            .and_then(|ext| {
                let value = options.get_extension(ext);
                let Value::Message(m) = &*value else {
                    return None;
                };
                let text = |name: &str| {
                    m.get_field_by_name(name)
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                };
                let tags = m
                    .get_field_by_name("tags")
                    .and_then(|v| {
                        v.as_list().map(|l| {
                            l.iter()
                                .filter_map(|t| t.as_str().map(str::to_string))
                                .collect()
                        })
                    })
                    .unwrap_or_default();
                let mut responses: Vec<(String, String)> = m
                    .get_field_by_name("responses")
                    .and_then(|v| {
                        v.as_map().map(|map| {
                            map.iter()
                                .filter_map(|(status, response)| {
                                    let description = response
                                        .as_message()?
                                        .get_field_by_name("description")?
                                        .as_str()?
                                        .to_string();
                                    Some((status.as_str()?.to_string(), description))
                                })
                                .collect()
                        })
                    })
                    .unwrap_or_default();
                responses.sort();
                Some(OperationMeta {
                    summary: text("summary"),
                    description: text("description"),
                    tags,
                    operation_id: text("operation_id"),
                    deprecated: m
                        .get_field_by_name("deprecated")
                        .and_then(|v| v.as_bool())
                        .unwrap_or(false),
                    responses,
                })
            });
        let streaming = match (method.is_client_streaming(), method.is_server_streaming()) {
            (false, false) => Streaming::Unary,
            (false, true) => Streaming::Server,
            (true, false) => Streaming::Client,
            (true, true) => Streaming::Bidi,
        };
        if matches!(streaming, Streaming::Client | Streaming::Bidi) {
            if let Some(binding) = http.first() {
                diags.push(
                    Diagnostic::warning(
                        "http-streaming-request",
                        binding.location.clone(),
                        format!(
                            "{} streams its requests; its google.api.http binding is not served over REST",
                            method.full_name()
                        ),
                    )
                    .hint("call it over gRPC, gRPC-Web or Connect, or remove the binding"),
                );
            }
        }
        let idempotency = {
            use prost_types::method_options::IdempotencyLevel;
            match method
                .method_descriptor_proto()
                .options
                .as_ref()
                .map(|o| o.idempotency_level())
            {
                Some(IdempotencyLevel::NoSideEffects) => Idempotency::NoSideEffects,
                Some(IdempotencyLevel::Idempotent) => Idempotency::Idempotent,
                _ => Idempotency::Unknown,
            }
        };
        Method {
            name: method.name().to_string(),
            full_name: method.full_name().to_string(),
            input: method.input().full_name().to_string(),
            output: method.output().full_name().to_string(),
            streaming,
            idempotency,
            http,
            auth,
            operation,
            options: custom_options(&options),
            docs: self.docs(&file, method.path()),
            location: self.locate(&file, method.path()),
        }
    }

    fn http_rule(
        &self,
        rule: &DynamicMessage,
        additional: bool,
        location: &Location,
        method: &MethodDescriptor,
        out: &mut Vec<HttpBinding>,
        diags: &mut Diagnostics,
    ) {
        let text = |name: &str| {
            rule.get_field_by_name(name)
                .and_then(|v| v.as_str().map(str::to_string))
                .filter(|s| !s.is_empty())
        };
        let mut verb_path = None;
        for verb in ["get", "put", "post", "delete", "patch"] {
            if rule.has_field_by_name(verb) {
                verb_path = Some((verb.to_uppercase(), text(verb).unwrap_or_default()));
            }
        }
        if rule.has_field_by_name("custom") {
            if let Some(Value::Message(custom)) = rule.get_field_by_name("custom").as_deref() {
                let kind = custom
                    .get_field_by_name("kind")
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                let path = custom
                    .get_field_by_name("path")
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                verb_path = Some((kind.to_uppercase(), path));
            }
        }
        match verb_path {
            Some((verb, path)) => match PathTemplate::parse(&path) {
                Ok(template) => {
                    let input = method.input();
                    for var in &template.variables {
                        if let Err(e) = resolve_field_path(&input, &var.field_path) {
                            diags.push(
                                Diagnostic::error("http-unknown-path-field", location.clone(), format!(
                                    "path variable `{}` of `{}` in {}: {e}",
                                    var.field_path.join("."), path, method.full_name()
                                ))
                                .hint(format!("name a field of `{}`", input.full_name())),
                            );
                        }
                    }
                    let body = text("body");
                    if let Some(b) = body.as_deref().filter(|b| *b != "*") {
                        if input.get_field_by_name(b).is_none() {
                            diags.push(Diagnostic::error("http-unknown-body-field", location.clone(), format!(
                                "`body: \"{b}\"` of {} names no field of `{}`", method.full_name(), input.full_name()
                            )));
                        }
                    }
                    let response_body = text("response_body");
                    if let Some(r) = &response_body {
                        if method.output().get_field_by_name(r).is_none() {
                            diags.push(Diagnostic::error("http-unknown-response-body", location.clone(), format!(
                                "`response_body: \"{r}\"` of {} names no field of `{}`", method.full_name(), method.output().full_name()
                            )));
                        }
                    }
                    out.push(HttpBinding {
                        method: verb,
                        template,
                        body,
                        response_body,
                        additional,
                        location: location.clone(),
                        path_prefix: String::new(),
                    });
                }
                Err(e) => diags.push(
                    Diagnostic::error("http-template", location.clone(), format!("{e} (method {})", method.full_name()))
                        .hint("templates look like `/v1/{name=shelves/*}/books:verb`"),
                ),
            },
            None if !additional && rule.get_field_by_name("additional_bindings").is_some_and(|v| v.as_list().is_some_and(|l| !l.is_empty())) => {}
            None => diags.push(Diagnostic::error(
                "http-no-pattern",
                location.clone(),
                format!("the google.api.http option of {} sets no get/put/post/delete/patch/custom pattern", method.full_name()),
            )),
        }
        if let Some(list) = rule
            .get_field_by_name("additional_bindings")
            .as_deref()
            .and_then(|v| v.as_list())
        {
            for item in list {
                if let Value::Message(m) = item {
                    self.http_rule(m, true, location, method, out, diags);
                }
            }
        }
    }
}

/// The request field an auth option's `check_field_name` names — by its proto name or, as
/// ZITADEL writes it, its Go name (`ProjectId` for `project_id`) — when it is a singular
/// string of a method that reads one request message. Anything else is an error: the guard
/// could not be enforced.
fn checked_field(
    method: &MethodDescriptor,
    name: &str,
    location: &Location,
    diags: &mut Diagnostics,
) -> Option<String> {
    let input = method.input();
    let Some(field) = input
        .fields()
        .find(|f| f.name() == name || go_name(f.name()) == name)
    else {
        diags.push(Diagnostic::error(
            "auth-check-field",
            location.clone(),
            format!(
                "`{}`'s auth option checks the field `{name}`, which {} does not have",
                method.full_name(),
                input.full_name()
            ),
        ));
        return None;
    };
    if method.is_client_streaming() {
        diags.push(Diagnostic::error(
            "auth-check-field",
            location.clone(),
            format!(
                "`{}`'s auth option checks a request field, but the method streams its requests",
                method.full_name()
            ),
        ));
        return None;
    }
    if field.is_list() || field.is_map() || field.kind() != prost_reflect::Kind::String {
        diags.push(Diagnostic::error(
            "auth-check-field",
            location.clone(),
            format!(
                "`{}`'s auth option checks `{}`, which is not a singular string field",
                method.full_name(),
                field.full_name()
            ),
        ));
        return None;
    }
    Some(field.name().to_string())
}

/// The Go field name protoc-gen-go gives a proto field: each `_`-separated part capitalised.
fn go_name(proto_name: &str) -> String {
    proto_name
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}
