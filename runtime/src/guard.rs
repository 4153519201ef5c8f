//! The permission guard generated from a method's auth option, enforced as ZITADEL's
//! authorization does: a caller's permission is `name` (held everywhere) or `name:id` (held
//! on the object `id` only). [`Guard::check`] runs before the request is read and needs the
//! permission in either form; for a method whose option names a `check_field_name`,
//! [`Guard::check_field`] runs after decoding and, unless the permission is held everywhere,
//! needs it on the object the request field names.

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
        /// The request field that names the object the permission is checked on, if any (the
        /// option's `check_field_name`; generated code reads the field and calls
        /// [`Guard::check_field`]).
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

    /// The second half of a `check_field_name` guard, once the request is decoded: `value` is
    /// the request field's value. The caller passes when it holds the permission everywhere,
    /// or on the object `value` names; otherwise PERMISSION_DENIED. Guards without a checked
    /// field let everything through here.
    pub fn check_field(&self, caller: Option<&Caller>, value: &str) -> Result<(), Status> {
        let Guard::Permission {
            permission,
            check_field: Some(field),
        } = self
        else {
            return Ok(());
        };
        let caller = caller.ok_or_else(|| Status::unauthenticated("auth header missing"))?;
        if caller.has_permission_on(permission, value) {
            Ok(())
        } else {
            Err(Status::permission_denied(format!(
                "permission {permission} required on the {field} of the request"
            )))
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

    #[test]
    fn checked_field_needs_the_permission_on_its_object() {
        let guard = Guard::Permission {
            permission: "project.read",
            check_field: Some("ProjectId"),
        };
        let scoped = Caller {
            permissions: vec!["project.read:p1".into()],
            ..Caller::default()
        };
        assert!(guard.check(Some(&scoped)).is_ok());
        assert!(guard.check_field(Some(&scoped), "p1").is_ok());
        let denied = guard.check_field(Some(&scoped), "p2").unwrap_err();
        assert_eq!(denied.code(), Code::PermissionDenied);
        assert!(
            denied.message().contains("ProjectId"),
            "{}",
            denied.message()
        );
        assert_eq!(
            guard.check_field(Some(&scoped), "").unwrap_err().code(),
            Code::PermissionDenied
        );
        let global = Caller {
            permissions: vec!["project.read".into()],
            ..Caller::default()
        };
        assert!(guard.check_field(Some(&global), "p2").is_ok());
        assert_eq!(
            guard.check_field(None, "p1").unwrap_err().code(),
            Code::Unauthenticated
        );
        assert!(Guard::Authenticated.check_field(None, "p1").is_ok());
    }
}
