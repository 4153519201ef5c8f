//! The document around the operations: `openapi`, `info`, `servers`, `tags` and
//! `components`, from the proto's `openapiv2_swagger` option where it has one.

use serde_json::Value;

use super::node::{Node, Obj};
use super::operations::{self, Paths, ERROR_RESPONSE};
use super::schemas::Schemas;
use super::{Settings, Version};
use crate::diag::Diagnostic;
use crate::model::Api;

/// The file option with the document-wide settings.
const SWAGGER: &str = "grpc.gateway.protoc_gen_openapiv2.options.openapiv2_swagger";

/// protoc-gen-openapiv2's version when the proto names none.
const NO_VERSION: &str = "version not set";

/// The whole document, and what could not be put into it.
pub(super) fn build(api: &Api, settings: &Settings) -> (Node, Vec<Diagnostic>) {
    let swagger = api.file_option(SWAGGER);
    let (scheme, scheme_description) = security_scheme(swagger);
    let mut schemas = Schemas::new(api, settings.version);
    let mut paths = Paths::build(api, &mut schemas, &scheme);
    let error = operations::error_response(&mut schemas);

    let mut doc = Obj::new().with(
        "openapi",
        match settings.version {
            Version::V3_1 => "3.1.0",
            Version::V3_0 => "3.0.3",
        },
    );
    doc.set("info", info(api, swagger));
    if let Some(docs) = swagger.and_then(|s| external_docs(s.get("externalDocs"))) {
        doc.set("externalDocs", docs);
    }
    // The REST base path the server serves the routes under (`/auth/v1`) is the server URL.
    if !api.base_path.is_empty() {
        let server = Obj::new().with("url", api.base_path.as_str());
        doc.set("servers", vec![Node::from(server)]);
    }
    let tags = tags(api, swagger, &paths.tags);
    if !tags.is_empty() {
        doc.set("tags", tags);
    }
    let warnings = std::mem::take(&mut paths.warnings);
    let secured = paths.secured;
    doc.set("paths", paths.into_node());

    let mut components = Obj::new().with("schemas", schemas.components());
    components.set("responses", Obj::new().with(ERROR_RESPONSE, error));
    if secured {
        let mut bearer = Obj::new().with("type", "http").with("scheme", "bearer");
        bearer.set_text("description", &scheme_description);
        components.set("securitySchemes", Obj::new().with(&scheme, bearer));
    }
    doc.set("components", components);
    (doc.into(), warnings)
}

fn text<'v>(v: Option<&'v Value>, key: &str) -> &'v str {
    v.and_then(|v| v.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// `info`: the option's, else the services' names and, for one service, its comment.
fn info(api: &Api, swagger: Option<&Value>) -> Obj {
    let given = swagger.and_then(|s| s.get("info"));
    let services: Vec<_> = api.services().collect();
    let title = match (text(given, "title"), services.as_slice()) {
        ("", [one]) => one.full_name.clone(),
        ("", []) => "API".to_string(),
        ("", many) => {
            let mut packages: Vec<&str> = many.iter().map(|s| s.package.as_str()).collect();
            packages.dedup();
            packages.join(", ")
        }
        (t, _) => t.to_string(),
    };
    let mut out = Obj::new().with("title", title);
    let description = match (text(given, "description"), services.as_slice()) {
        ("", [one]) => one.docs.text.as_str(),
        (d, _) => d,
    };
    out.set_text("description", description);
    out.set_text("termsOfService", text(given, "termsOfService"));
    let contact = given.and_then(|i| i.get("contact"));
    let mut c = Obj::new();
    for key in ["name", "url", "email"] {
        c.set_text(key, text(contact, key));
    }
    if !c.is_empty() {
        out.set("contact", c);
    }
    let license = given.and_then(|i| i.get("license"));
    if !text(license, "name").is_empty() {
        let mut l = Obj::new().with("name", text(license, "name"));
        l.set_text("url", text(license, "url"));
        out.set("license", l);
    }
    let version = match text(given, "version") {
        "" => NO_VERSION,
        v => v,
    };
    out.set("version", version);
    out
}

/// The tags the option declares, then one per service whose operations carry its name.
fn tags(api: &Api, swagger: Option<&Value>, used: &[String]) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::new();
    let mut declared: Vec<String> = Vec::new();
    let given = swagger
        .and_then(|s| s.get("tags"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for tag in given {
        let name = text(Some(tag), "name");
        if name.is_empty() || declared.iter().any(|d| d == name) {
            continue;
        }
        let mut t = Obj::new().with("name", name);
        t.set_text("description", text(Some(tag), "description"));
        if let Some(docs) = external_docs(tag.get("externalDocs")) {
            t.set("externalDocs", docs);
        }
        declared.push(name.to_string());
        out.push(t.into());
    }
    for service in api.services() {
        if !used.contains(&service.name) || declared.contains(&service.name) {
            continue;
        }
        let mut t = Obj::new().with("name", service.name.as_str());
        t.set_text("description", &service.docs.text);
        declared.push(service.name.clone());
        out.push(t.into());
    }
    out
}

fn external_docs(v: Option<&Value>) -> Option<Obj> {
    let url = text(v, "url");
    if url.is_empty() {
        return None;
    }
    let mut out = Obj::new();
    out.set_text("description", text(v, "description"));
    out.set("url", url);
    Some(out)
}

/// The bearer scheme's name and description: the option's first security definition (protogate
/// authenticates bearer tokens whatever Swagger 2.0 could call them), else `bearerAuth`.
fn security_scheme(swagger: Option<&Value>) -> (String, String) {
    let defined = swagger
        .and_then(|s| s.get("securityDefinitions"))
        .and_then(|d| d.get("security"))
        .and_then(Value::as_object)
        .and_then(|m| m.iter().next());
    match defined {
        Some((name, scheme)) => (name.clone(), text(Some(scheme), "description").to_string()),
        None => (
            "bearerAuth".to_string(),
            "A bearer token, sent as `Authorization: Bearer <token>`.".to_string(),
        ),
    }
}
