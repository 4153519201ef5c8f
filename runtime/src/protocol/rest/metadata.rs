//! grpc-gateway's default header matchers: which HTTP request headers reach the handler as
//! metadata, under which names, and how the handler's response headers go out.
//!
//! Incoming (`runtime.DefaultHeaderMatcher`): `Grpc-Metadata-Foo` becomes metadata `foo`, and
//! each of HTTP's permanent request headers (`User-Agent`, `Accept`, …) is also forwarded as
//! `grpcgateway-<name>`. The request's own headers stay in [`crate::RequestContext::headers`]
//! as they came, so a handler written against any protocol keeps reading `authorization`.
//! Outgoing: each header a handler sets is sent as itself and as `Grpc-Metadata-<name>`
//! (trailers as `Grpc-Trailer-<name>`, see the protocol's `reply`).

use http::{HeaderMap, HeaderName, HeaderValue};

/// The request prefix grpc-gateway strips (`runtime.MetadataHeaderPrefix`).
const PREFIX: &str = "grpc-metadata-";

/// Adds the metadata grpc-gateway derives from the request's headers: `foo` for each
/// `grpc-metadata-foo`, `grpcgateway-<name>` for each permanent HTTP header. Added after the
/// request's own values, so `HeaderMap::get` still reads what the client sent.
pub(super) fn incoming(headers: &mut HeaderMap) {
    let mut derived: Vec<(HeaderName, HeaderValue)> = Vec::with_capacity(headers.len());
    for (name, value) in headers.iter() {
        if let Some(permanent) = permanent(name) {
            derived.push((permanent.clone(), value.clone()));
        } else if let Some(key) = name.as_str().strip_prefix(PREFIX) {
            // The protocols' own names (content-length, grpc-timeout, …) describe this HTTP
            // request and are not taken from metadata.
            match HeaderName::from_bytes(key.as_bytes()) {
                Ok(key) if !super::super::is_reserved(&key) => derived.push((key, value.clone())),
                _ => tracing::debug!(header = name.as_str(), "metadata header not forwarded"),
            }
        }
    }
    headers.reserve(derived.len());
    for (name, value) in derived {
        headers.append(name, value);
    }
}

/// HTTP's permanent request headers (grpc-gateway's `isPermanentHTTPHeader`), in the order
/// [`permanent`] numbers them.
const PERMANENT: [&str; 24] = [
    "accept",
    "accept-charset",
    "accept-language",
    "accept-ranges",
    "authorization",
    "cache-control",
    "content-type",
    "cookie",
    "date",
    "expect",
    "from",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-schedule-tag-match",
    "if-unmodified-since",
    "max-forwards",
    "origin",
    "pragma",
    "referer",
    "user-agent",
    "via",
    "warning",
];

/// The `grpcgateway-` names of [`PERMANENT`], made once.
static FORWARDED: std::sync::LazyLock<Vec<HeaderName>> = std::sync::LazyLock::new(|| {
    PERMANENT
        .iter()
        .filter_map(|name| HeaderName::from_bytes(format!("grpcgateway-{name}").as_bytes()).ok())
        .collect()
});

/// The `grpcgateway-` name of one of HTTP's permanent request headers, or `None` for any
/// other header.
fn permanent(name: &HeaderName) -> Option<&'static HeaderName> {
    let name = name.as_str();
    // Most request headers are not permanent ones: a length check rules them out first.
    if !(4..=21).contains(&name.len()) {
        return None;
    }
    let index = PERMANENT.iter().position(|p| *p == name)?;
    FORWARDED.get(index)
}

/// The handler's response headers as grpc-gateway's `Grpc-Metadata-<name>` headers (the
/// protocols' own headers left out, as everywhere).
pub(super) fn outgoing(headers: &HeaderMap) -> Vec<(HeaderName, HeaderValue)> {
    headers
        .iter()
        .filter(|(name, _)| !super::super::is_reserved(name))
        .filter_map(|(name, value)| {
            let prefixed = HeaderName::from_bytes(format!("{PREFIX}{name}").as_bytes()).ok()?;
            Some((prefixed, value.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_headers_lose_their_prefix_and_permanent_headers_gain_one() {
        let mut headers = HeaderMap::new();
        headers.insert("grpc-metadata-foo", HeaderValue::from_static("bar"));
        headers.insert("user-agent", HeaderValue::from_static("probe/1"));
        headers.insert("x-other", HeaderValue::from_static("kept"));
        headers.insert(
            "grpc-metadata-content-length",
            HeaderValue::from_static("0"),
        );
        incoming(&mut headers);
        assert_eq!(headers["foo"], "bar");
        assert_eq!(headers["grpcgateway-user-agent"], "probe/1");
        assert_eq!(headers["x-other"], "kept");
        assert!(!headers.contains_key("grpcgateway-x-other"));
        assert!(
            !headers.contains_key("content-length"),
            "the protocols' own names stay theirs"
        );
    }
}
