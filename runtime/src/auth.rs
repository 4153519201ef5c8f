//! Authentication: who is calling, decided once per request before any protocol decodes it.

use std::future::Future;

use crate::context::Protocol;
use crate::service::MethodInfo;
use crate::status::Status;

/// The authenticated principal, what an [`Authenticator`] makes of a request's credentials.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    /// The subject (user id).
    pub subject: String,
    /// The organisation that owns the subject (ZITADEL's resource owner), when known.
    pub org: Option<String>,
    /// Permissions granted to the subject: `name` holds it everywhere, `name:id` only on the
    /// object `id` (ZITADEL's form; see [`crate::Guard`]).
    pub permissions: Vec<String>,
    /// Whatever else the application's authenticator knows of the caller — its claims, a
    /// tenant, a session — by type, for the handler to read with [`Caller::extension`].
    pub extensions: http::Extensions,
}

impl Caller {
    /// A caller with this subject and nothing else.
    pub fn new(subject: impl Into<String>) -> Caller {
        Caller {
            subject: subject.into(),
            ..Caller::default()
        }
    }

    /// Whether the caller holds `permission` anywhere: everywhere (`name`) or on some object
    /// (`name:id`).
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions
            .iter()
            .any(|p| permission_name(p) == permission)
    }

    /// Whether the caller holds `permission` everywhere (`name`, not only `name:id`).
    pub fn has_global_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }

    /// Whether the caller holds `permission` on the object `id` (`name:id`), or everywhere.
    pub fn has_permission_on(&self, permission: &str, id: &str) -> bool {
        self.permissions.iter().any(|p| match p.split_once(':') {
            None => p == permission,
            Some((name, on)) => name == permission && !id.is_empty() && on == id,
        })
    }

    /// Adds a typed value to the caller's extensions (replacing one of the same type).
    pub fn with_extension<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Caller {
        self.extensions.insert(value);
        self
    }

    /// The value of type `T` the authenticator attached, if any.
    pub fn extension<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.extensions.get::<T>()
    }
}

/// A permission's name, without the `:id` of an object-scoped grant.
fn permission_name(permission: &str) -> &str {
    permission
        .split_once(':')
        .map_or(permission, |(name, _)| name)
}

/// What an [`Authenticator`] is told of a request: its headers and the method it calls.
#[derive(Clone, Copy, Debug)]
pub struct AuthRequest<'a> {
    /// The request metadata (REST's `Grpc-Metadata-*` headers already unprefixed).
    pub headers: &'a http::HeaderMap,
    /// The method being called, its guard included.
    pub method: &'static MethodInfo,
    /// The protocol the request arrived on.
    pub protocol: Protocol,
}

/// Turns a request's credentials into a caller. Runs on every protocol, before the
/// permission guard and before the request body is read.
pub trait Authenticator: Send + Sync + 'static {
    /// `Ok(None)` when the request carries no credentials (the guard decides whether that is
    /// acceptable); an UNAUTHENTICATED status when it carries credentials that are not valid.
    fn authenticate(
        &self,
        request: &AuthRequest<'_>,
    ) -> impl Future<Output = Result<Option<Caller>, Status>> + Send;
}

/// Lets every request through anonymously.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoAuthentication;

impl Authenticator for NoAuthentication {
    async fn authenticate(&self, _: &AuthRequest<'_>) -> Result<Option<Caller>, Status> {
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
        request: &'a AuthRequest<'a>,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<Option<Caller>, Status>> + Send + 'a>>;
}

impl<A: Authenticator> DynAuthenticator for A {
    fn authenticate<'a>(
        &'a self,
        request: &'a AuthRequest<'a>,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<Option<Caller>, Status>> + Send + 'a>> {
        Box::pin(Authenticator::authenticate(self, request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_permissions_hold_on_their_object_only() {
        let caller = Caller {
            permissions: vec!["project.read:p1".into(), "org.read".into()],
            ..Caller::new("u1")
        };
        assert!(caller.has_permission("project.read"));
        assert!(!caller.has_global_permission("project.read"));
        assert!(caller.has_permission_on("project.read", "p1"));
        assert!(!caller.has_permission_on("project.read", "p2"));
        assert!(!caller.has_permission_on("project.read", ""));
        assert!(caller.has_permission_on("org.read", "anything"));
        assert!(!caller.has_permission("project"));
    }

    #[test]
    fn extensions_are_read_by_type() {
        #[derive(Clone, Debug, PartialEq)]
        struct Tenant(&'static str);
        let caller = Caller::new("u1").with_extension(Tenant("t1"));
        assert_eq!(caller.extension::<Tenant>(), Some(&Tenant("t1")));
        assert_eq!(caller.extension::<u32>(), None);
    }

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
