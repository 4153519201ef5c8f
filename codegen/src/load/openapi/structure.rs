//! What the specification demands of a document's shape beyond YAML, where a mistake would
//! otherwise pass unseen: the security schemes, whose kind decides what a client must send.

use serde_json::Value;

use super::Version;
use crate::diag::{Diagnostic, Location};
use crate::source::yaml::Lines;

/// Every `components.securitySchemes` entry is a `$ref` or a scheme of a known `type` with the
/// fields that type needs (`scheme` for `http`; `name` and `in` for `apiKey`; `flows` for
/// `oauth2`; `openIdConnectUrl` for `openIdConnect`).
pub(super) fn security_schemes(
    file: &str,
    raw: &Value,
    lines: &Lines,
    version: Version,
) -> Result<(), Diagnostic> {
    let Some(schemes) = raw.pointer("/components/securitySchemes") else {
        return Ok(());
    };
    let at = |tokens: &[&str]| Location::new(file, lines.line(tokens), 0);
    let Some(schemes) = schemes.as_object() else {
        return Err(Diagnostic::error(
            "openapi-invalid",
            at(&["components", "securitySchemes"]),
            "`components.securitySchemes` must be a mapping of names to security schemes",
        ));
    };
    for (name, scheme) in schemes {
        let tokens = ["components", "securitySchemes", name.as_str()];
        if scheme.get("$ref").is_some() {
            continue;
        }
        let kind = scheme.get("type").and_then(Value::as_str);
        let needs: &[&str] = match kind {
            Some("http") => &["scheme"],
            Some("apiKey") => &["name", "in"],
            Some("oauth2") => &["flows"],
            Some("openIdConnect") => &["openIdConnectUrl"],
            Some("mutualTLS") if version.is_3_1() => &[],
            _ => {
                let shown = scheme
                    .get("type")
                    .map(|t| format!("`{t}`"))
                    .unwrap_or_else(|| "missing".to_string());
                let known = match version.is_3_1() {
                    true => "apiKey, http, mutualTLS, oauth2 or openIdConnect",
                    false => "apiKey, http, oauth2 or openIdConnect",
                };
                return Err(Diagnostic::error(
                    "openapi-invalid",
                    at(&[tokens[0], tokens[1], tokens[2], "type"]),
                    format!("security scheme `{name}`: type {shown}, expected {known}"),
                ));
            }
        };
        if let Some(missing) = needs.iter().find(|f| scheme.get(**f).is_none()) {
            return Err(Diagnostic::error(
                "openapi-invalid",
                at(&tokens),
                format!(
                    "security scheme `{name}` of type `{}` needs `{missing}`",
                    kind.unwrap_or_default()
                ),
            ));
        }
    }
    Ok(())
}
