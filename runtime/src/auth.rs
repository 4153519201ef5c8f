//! Authentication: who is calling, decided once per request before any protocol decodes it.

use std::future::Future;

use crate::status::Status;

/// The authenticated principal, what an [`Authenticator`] makes of a request's credentials.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Caller {
    /// The subject (user id).
    pub subject: String,
    /// The organisation that owns the subject (ZITADEL's resource owner), when known.
    pub org: Option<String>,
    /// Permissions granted to the subject.
    pub permissions: Vec<String>,
}

impl Caller {
    /// Whether the caller holds `permission`.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }
}

/// Turns request headers into a caller. Runs on every protocol, before the permission guard.
pub trait Authenticator: Send + Sync + 'static {
    /// `Ok(None)` when the request carries no credentials (the guard decides whether that is
    /// acceptable); an UNAUTHENTICATED status when it carries credentials that are not valid.
    fn authenticate(
        &self,
        headers: &http::HeaderMap,
    ) -> impl Future<Output = Result<Option<Caller>, Status>> + Send;
}

/// Lets every request through anonymously.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoAuthentication;

impl Authenticator for NoAuthentication {
    async fn authenticate(&self, _: &http::HeaderMap) -> Result<Option<Caller>, Status> {
        Ok(None)
    }
}

/// The token of an `authorization: Bearer <token>` header; `Ok(None)` without the header, an
/// UNAUTHENTICATED status when the header is not a bearer token.
pub fn bearer_token(headers: &http::HeaderMap) -> Result<Option<&str>, Status> {
    let Some(value) = headers.get(http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| Status::unauthenticated("authorization header is not valid text"))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| Status::unauthenticated("authorization header must be `Bearer <token>`"))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(Status::unauthenticated(
            "authorization header must be `Bearer <token>`",
        ));
    }
    Ok(Some(token.trim()))
}

/// Object-safe form used by the server.
pub(crate) trait DynAuthenticator: Send + Sync + 'static {
    fn authenticate<'a>(
        &'a self,
        headers: &'a http::HeaderMap,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<Option<Caller>, Status>> + Send + 'a>>;
}

impl<A: Authenticator> DynAuthenticator for A {
    fn authenticate<'a>(
        &'a self,
        headers: &'a http::HeaderMap,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<Option<Caller>, Status>> + Send + 'a>> {
        Box::pin(Authenticator::authenticate(self, headers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_parsed_strictly() {
        let mut h = http::HeaderMap::new();
        assert_eq!(bearer_token(&h).unwrap(), None);
        h.insert("authorization", "Bearer abc.def".parse().unwrap());
        assert_eq!(bearer_token(&h).unwrap(), Some("abc.def"));
        h.insert("authorization", "bearer xyz".parse().unwrap());
        assert_eq!(bearer_token(&h).unwrap(), Some("xyz"));
        for bad in ["Basic abc", "Bearer", "Bearer   ", "token"] {
            h.insert("authorization", bad.parse().unwrap());
            assert_eq!(
                bearer_token(&h).unwrap_err().code(),
                crate::Code::Unauthenticated,
                "{bad}"
            );
        }
    }
}
