//! The API's reference, served beside it when asked for: the OpenAPI document at
//! `/openapi.json` ([`crate::Server::openapi`]) and the generated HTML pages under `/docs`
//! ([`crate::Server::docs`]).
//!
//! Both answer GET and HEAD only, and only for paths the API itself does not route: a REST
//! route, gRPC or Connect path of a mounted service always wins. Every answer carries a strict
//! Content-Security-Policy: the pages load their script and style sheet from the server
//! itself and run no inline script.

use axum::body::Body;
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};

use crate::registry::Registry;

/// One file of the generated reference (`docs/pages.rs` lists them as `PAGES`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// The path it is served at, e.g. `/docs` or `/docs/try-it.js`.
    pub path: &'static str,
    /// Its content type, e.g. `text/html; charset=utf-8`.
    pub content_type: &'static str,
    /// Its content.
    pub body: &'static str,
}

/// Where the OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/openapi.json";

/// Scripts and styles from this server only, no inline script, no plugins or frames; `fetch`
/// to this server only (the try-it form calls the API it documents).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// What the server serves besides the API.
#[derive(Clone, Debug, Default)]
pub(crate) struct Reference {
    pub(crate) openapi: Option<&'static str>,
    pub(crate) pages: &'static [Page],
}

impl Reference {
    /// Whether nothing is served.
    pub(crate) fn is_empty(&self) -> bool {
        self.openapi.is_none() && self.pages.is_empty()
    }

    /// The file at `path`, `/docs/` meaning `/docs`.
    fn find(&self, path: &str) -> Option<(&'static str, &'static str)> {
        if path == OPENAPI_PATH {
            return self.openapi.map(|doc| ("application/json", doc));
        }
        let path = match path.strip_suffix('/') {
            Some(trimmed) if !trimmed.is_empty() => trimmed,
            _ => path,
        };
        self.pages
            .iter()
            .find(|p| p.path == path)
            .map(|p| (p.content_type, p.body))
    }

    /// The answer to `request` when it asks for a file of the reference that no route of the
    /// API claims; `None` sends it on to the API.
    pub(crate) fn answer(
        &self,
        registry: &Registry,
        request: &Request<Body>,
    ) -> Option<Response<Body>> {
        let method = request.method();
        if method != Method::GET && method != Method::HEAD {
            return None;
        }
        let path = request.uri().path();
        let (content_type, body) = self.find(path)?;
        if registry.routes_path(path) {
            return None;
        }
        tracing::debug!(path, "reference page");
        Some(respond(content_type, body, method == Method::HEAD))
    }
}

fn respond(content_type: &'static str, body: &'static str, head: bool) -> Response<Body> {
    let mut response = Response::new(if head {
        Body::empty()
    } else {
        Body::from(body)
    });
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // The pages change with the server's build: revalidate rather than keep a stale copy.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    static PAGES: &[Page] = &[
        Page {
            path: "/docs",
            content_type: "text/html; charset=utf-8",
            body: "<p>index</p>",
        },
        Page {
            path: "/docs/a.js",
            content_type: "text/javascript; charset=utf-8",
            body: "1;",
        },
    ];

    #[test]
    fn paths_find_their_page_with_or_without_a_trailing_slash() {
        let reference = Reference {
            openapi: Some("{}"),
            pages: PAGES,
        };
        assert_eq!(reference.find("/docs").map(|p| p.1), Some("<p>index</p>"));
        assert_eq!(reference.find("/docs/").map(|p| p.1), Some("<p>index</p>"));
        assert_eq!(reference.find("/docs/a.js").map(|p| p.1), Some("1;"));
        assert_eq!(
            reference.find("/openapi.json"),
            Some(("application/json", "{}"))
        );
        assert_eq!(reference.find("/docs/b.js"), None);
        assert_eq!(reference.find("/"), None);
        assert!(Reference::default().is_empty());
    }

    #[test]
    fn the_policy_forbids_inline_script() {
        assert!(CONTENT_SECURITY_POLICY.contains("script-src 'self';"));
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-inline"));
    }
}
