//! The permission guard generated from a method's auth option.

use crate::auth::Caller;
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
    pub fn check(&self, caller: Option<&Caller>) -> Result<(), Status> {
        match self {
            Guard::Public => Ok(()),
            Guard::Authenticated => caller
                .map(|_| ())
                .ok_or_else(|| Status::unauthenticated("auth header missing")),
            Guard::Permission { permission, .. } => {
                let caller =
                    caller.ok_or_else(|| Status::unauthenticated("auth header missing"))?;
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
    use crate::status::Code;

    #[test]
    fn authenticated_guard_refuses_anonymous_callers() {
        let err = Guard::Authenticated.check(None).unwrap_err();
        assert_eq!(err.code(), Code::Unauthenticated);
        assert_eq!(err.message(), "auth header missing");
        assert!(Guard::Authenticated.check(Some(&Caller::default())).is_ok());
        assert!(Guard::Public.check(None).is_ok());
    }

    #[test]
    fn permission_guard_needs_the_permission() {
        let guard = Guard::Permission {
            permission: "user.write",
            check_field: None,
        };
        assert_eq!(
            guard.check(Some(&Caller::default())).unwrap_err().code(),
            Code::PermissionDenied
        );
        let caller = Caller {
            permissions: vec!["user.write".into()],
            ..Caller::default()
        };
        assert!(guard.check(Some(&caller)).is_ok());
    }
}
