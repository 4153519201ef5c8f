//! Short phrases about a method for readers: its signature, kind, permission and bindings.

use super::fields::is_wkt;
use crate::model::{HttpBinding, Method, Service, Streaming};

pub(super) fn kind(streaming: Streaming) -> &'static str {
    match streaming {
        Streaming::Unary => "unary",
        Streaming::Server => "server streaming",
        Streaming::Client => "client streaming",
        Streaming::Bidi => "bidirectional streaming",
    }
}

pub(super) fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `rpc VerifyMyPhone(VerifyMyPhoneRequest) returns (VerifyMyPhoneResponse)`, names relative
/// to the service's package.
pub(super) fn signature(service: &Service, m: &Method) -> String {
    let name = |full: &str| {
        full.strip_prefix(&format!("{}.", service.package))
            .unwrap_or(full)
            .to_string()
    };
    let client = matches!(m.streaming, Streaming::Client | Streaming::Bidi);
    let server = matches!(m.streaming, Streaming::Server | Streaming::Bidi);
    let stream = |on: bool| if on { "stream " } else { "" };
    format!(
        "rpc {}({}{}) returns ({}{})",
        m.name,
        stream(client),
        name(&m.input),
        stream(server),
        name(&m.output)
    )
}

pub(super) fn permission(m: &Method) -> String {
    match &m.auth {
        None => "public".into(),
        Some(a) if a.permission == "authenticated" => {
            "any authenticated caller (Bearer token)".into()
        }
        Some(a) => {
            let on = a
                .check_field
                .as_ref()
                .map(|f| format!(", on the resource named by `{f}`"))
                .unwrap_or_default();
            format!("permission `{}` (Bearer token){on}", a.permission)
        }
    }
}

pub(super) fn binding_words(b: &HttpBinding, served: bool) -> String {
    let mut words = match b.body.as_deref() {
        None => "no body; the fields not in the path come from the query string".to_string(),
        Some("*") => "the body is the request message".to_string(),
        Some(f) => {
            format!("the body is the `{f}` field; the others come from the path and query string")
        }
    };
    if b.additional {
        words.push_str(" (additional binding)");
    }
    if !served {
        words.push_str(" (declared, not served for a streaming request)");
    }
    words
}

/// A message's name for captions; well-known types keep their package, which readers know.
pub(super) fn short_name(full: &str) -> &str {
    match is_wkt(full) {
        true => full,
        false => full.rsplit('.').next().unwrap_or(full),
    }
}
