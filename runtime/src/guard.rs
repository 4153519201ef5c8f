//! The permission guard generated from a method's auth option.

use crate::context::RequestContext;
use crate::status::Status;

/// What a method demands of its caller, checked before the request is decoded further.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// Anyone may call (the method has no auth option).
    Public,
    /// Any authenticated caller (`permission: "authenticated"`).
    Authenticated,
    /// An authenticated caller holding a permission.
    Permission {
        /// The permission name.
        permission: &'static str,
        /// The request field that names the object the permission is checked on, if any.
        check_field: Option<&'static str>,
    },
}

impl Guard {
    /// Lets the request through or says why not: UNAUTHENTICATED without a caller,
    /// PERMISSION_DENIED without the permission.
    pub fn check(&self, ctx: &RequestContext) -> Result<(), Status> {
        match self {
            Guard::Public => Ok(()),
            Guard::Authenticated => ctx
                .caller
                .as_ref()
                .map(|_| ())
                .ok_or_else(|| Status::unauthenticated("auth header missing")),
            Guard::Permission { permission, .. } => {
                let caller = ctx
                    .caller
                    .as_ref()
                    .ok_or_else(|| Status::unauthenticated("auth header missing"))?;
                if caller.has_permission(permission) {
                    Ok(())
                } else {
                    Err(Status::permission_denied(format!(
                        "permission {permission} required"
                    )))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{Caller, Protocol};
    use crate::service::{MethodInfo, MethodKind};
    use crate::status::Code;

    static METHOD: MethodInfo = MethodInfo {
        name: "VerifyMyPhone",
        full_name: "zitadel.auth.v1.AuthService.VerifyMyPhone",
        grpc_path: "/zitadel.auth.v1.AuthService/VerifyMyPhone",
        kind: MethodKind::Unary,
        guard: Guard::Authenticated,
        routes: &[],
        input_type: "zitadel.auth.v1.VerifyMyPhoneRequest",
        output_type: "zitadel.auth.v1.VerifyMyPhoneResponse",
        input: <pbjson_types::Empty as crate::schema::Described>::info,
        output: <pbjson_types::Empty as crate::schema::Described>::info,
    };

    #[test]
    fn authenticated_guard_refuses_anonymous_callers() {
        let ctx = RequestContext::new(Protocol::Rest, &METHOD);
        let err = Guard::Authenticated.check(&ctx).unwrap_err();
        assert_eq!(err.code(), Code::Unauthenticated);
        assert_eq!(err.message(), "auth header missing");
        let ctx = ctx.with_caller(Caller::default());
        assert!(Guard::Authenticated.check(&ctx).is_ok());
        assert!(Guard::Public
            .check(&RequestContext::new(Protocol::Grpc, &METHOD))
            .is_ok());
    }

    #[test]
    fn permission_guard_needs_the_permission() {
        let guard = Guard::Permission {
            permission: "user.write",
            check_field: None,
        };
        let ctx = RequestContext::new(Protocol::Grpc, &METHOD).with_caller(Caller::default());
        assert_eq!(
            guard.check(&ctx).unwrap_err().code(),
            Code::PermissionDenied
        );
        let ctx = ctx.with_caller(Caller {
            permissions: vec!["user.write".into()],
            ..Caller::default()
        });
        assert!(guard.check(&ctx).is_ok());
    }
}
