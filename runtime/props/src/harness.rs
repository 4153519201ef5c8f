//! The server in process and what it answers: the harness every protocol property sends through.

use crate::handler::MemoryPhones;
use axum::body::Body;
use bytes::Bytes;
use http::{HeaderMap, Request};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

/// The protogate server in process, answering one request at a time.
pub struct Harness {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    token: String,
}

impl Default for Harness {
    fn default() -> Self {
        Harness::new()
    }
}

/// An answer: HTTP status, headers, body, trailers.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// The trailers, if any.
    pub trailers: Option<HeaderMap>,
}

impl Answer {
    /// grpc-status from the trailers or a trailers-only answer's headers.
    pub fn grpc_status(&self) -> Option<i32> {
        self.trailers
            .as_ref()
            .and_then(|t| t.get("grpc-status"))
            .or_else(|| self.headers.get("grpc-status"))
            .and_then(|v| v.to_str().ok()?.parse().ok())
    }

    /// grpc-status and grpc-message from a gRPC-Web body's trailer frame, or the headers.
    pub fn grpc_web_status(&self) -> Option<(i32, String)> {
        let mut body = &self.body[..];
        let text = self
            .headers
            .get(http::header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/grpc-web-text"));
        let decoded;
        if text {
            decoded = decode_base64_chunks(body);
            body = &decoded;
        }
        while body.len() >= 5 {
            let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
            let end = (5 + len).min(body.len());
            if body[0] & 0x80 != 0 {
                let block = String::from_utf8_lossy(&body[5..end]);
                let field = |name: &str| {
                    block
                        .split("\r\n")
                        .find_map(|l| l.strip_prefix(name))
                        .map(|v| v.trim().to_string())
                };
                let code = field("grpc-status:")?.parse().ok()?;
                let message = field("grpc-message:")
                    .map(|m| protogate::http::percent_decode(&m, true))
                    .unwrap_or_default();
                return Some((code, message));
            }
            body = &body[end..];
        }
        let code = self
            .headers
            .get("grpc-status")
            .and_then(|v| v.to_str().ok()?.parse().ok())?;
        Some((code, grpc_message(Some(&self.headers))))
    }
}

/// The properties' one token. Any other token is refused, as a forged one is; the token's
/// cryptography is not what these properties exercise.
const TOKEN: &str = "props-token";

/// The caller behind [`TOKEN`].
const SUBJECT: &str = "props-user";

/// Accepts [`TOKEN`] only.
struct KnownToken;

impl protogate::Authenticator for KnownToken {
    async fn authenticate(
        &self,
        request: &protogate::AuthRequest<'_>,
    ) -> Result<Option<protogate::Caller>, protogate::Status> {
        match protogate::bearer_token(request.headers)? {
            None => Ok(None),
            Some(TOKEN) => Ok(Some(protogate::Caller::new(SUBJECT))),
            Some(_) => Err(protogate::Status::unauthenticated("invalid token")),
        }
    }
}

impl Harness {
    /// The example's generated service on protogate, with phones in memory: the caller has
    /// a phone waiting for [`PENDING_CODE`].
    pub fn new() -> Harness {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let phones = MemoryPhones::with_phone(SUBJECT, "+41791234567");
        let router = protogate::Server::new()
            .authenticator(KnownToken)
            .service(verify_phone::api::zitadel::auth::v1::AuthService::new(
                phones,
            ))
            .into_router();
        Harness {
            runtime,
            router,
            token: TOKEN.to_string(),
        }
    }

    /// A request with the valid token.
    pub fn request(&self, method: &str, uri: &str) -> http::request::Builder {
        Request::builder()
            .method(method)
            .uri(uri)
            .version(http::Version::HTTP_2)
            .header(
                http::header::AUTHORIZATION,
                format!("Bearer {}", self.token),
            )
    }

    /// Sends `request` and reads the whole answer.
    pub fn send(&self, request: Request<Body>) -> Answer {
        self.runtime.block_on(async {
            let response = match self.router.clone().oneshot(request).await {
                Ok(r) => r,
                Err(never) => match never {},
            };
            let (parts, body) = response.into_parts();
            let collected = body.collect().await.expect("an in-process body");
            let trailers = collected.trailers().cloned();
            Answer {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body: collected.to_bytes(),
                trailers,
            }
        })
    }
}

/// Base64 in chunks that may each carry padding, as gRPC-Web text bodies come; what does not
/// decode is dropped (the caller then finds no trailer frame).
pub fn decode_base64_chunks(text: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = match rest.iter().position(|&b| b == b'=') {
            Some(i) => i + rest[i..].iter().take_while(|&&b| b == b'=').count(),
            None => rest.len(),
        };
        if base64::engine::general_purpose::STANDARD
            .decode_vec(&rest[..end], &mut out)
            .is_err()
        {
            break;
        }
        rest = &rest[end..];
    }
    out
}

/// The percent-decoded `grpc-message` of these headers or trailers.
pub(crate) fn grpc_message(headers: Option<&HeaderMap>) -> String {
    headers
        .and_then(|h| h.get("grpc-message"))
        .and_then(|v| v.to_str().ok())
        .map(|v| protogate::http::percent_decode(v, true))
        .unwrap_or_default()
}
