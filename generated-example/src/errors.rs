//! The errors the phone methods answer with, ZITADEL-style: a gRPC code, a message
//! `"<text> (<id>)"` and a `zitadel.v1.ErrorDetail { id, message: text }` detail.

use protogate::{Code, Status};

pub use crate::api::zitadel::v1::ErrorDetail;

/// One row of the error table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhoneError {
    /// The gRPC code.
    pub code: Code,
    /// The stable id.
    pub id: &'static str,
    /// The text.
    pub text: &'static str,
}

impl PhoneError {
    /// The status sent to the caller.
    pub fn status(self) -> Status {
        Status::new(self.code, format!("{} ({})", self.text, self.id)).with_detail(&ErrorDetail {
            id: self.id.to_string(),
            message: self.text.to_string(),
        })
    }
}

impl From<PhoneError> for Status {
    fn from(error: PhoneError) -> Status {
        error.status()
    }
}

/// `google.rpc.RetryInfo` (google/rpc/error_details.proto): when a refused call may be tried
/// again. Written by hand: the example's generation does not compile `error_details.proto`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct RetryInfo {
    /// How long to wait before retrying.
    #[prost(message, optional, tag = "1")]
    pub retry_delay: Option<pbjson_types::Duration>,
}

impl ::prost::Name for RetryInfo {
    const NAME: &'static str = "RetryInfo";
    const PACKAGE: &'static str = "google.rpc";
    fn full_name() -> String {
        "google.rpc.RetryInfo".into()
    }
    fn type_url() -> String {
        "type.googleapis.com/google.rpc.RetryInfo".into()
    }
}

impl serde::Serialize for RetryInfo {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let len = usize::from(self.retry_delay.is_some());
        let mut state = serializer.serialize_struct("google.rpc.RetryInfo", len)?;
        if let Some(delay) = &self.retry_delay {
            state.serialize_field("retryDelay", delay)?;
        }
        state.end()
    }
}

// ZITADEL's VerifyMyPhone errors (FACTS.md), checked in this order.

/// The request carries no user.
pub const USER_ID_MISSING: PhoneError = PhoneError {
    code: Code::InvalidArgument,
    id: "COMMAND-Km9ds",
    text: "User ID missing",
};
/// The code is empty.
pub const CODE_EMPTY: PhoneError = PhoneError {
    code: Code::InvalidArgument,
    id: "COMMAND-wMe9f",
    text: "Code is empty",
};
/// No such user in the caller's organisation.
pub const USER_NOT_FOUND: PhoneError = PhoneError {
    code: Code::FailedPrecondition,
    id: "COMMAND-Rsj8c",
    text: "User could not be found",
};
/// No phone, or no code waiting.
pub const CODE_NOT_FOUND: PhoneError = PhoneError {
    code: Code::NotFound,
    id: "COMMAND-Rsj8c",
    text: "Code not found",
};
/// Wrong or expired code; the two are not distinguished.
pub const CODE_INVALID: PhoneError = PhoneError {
    code: Code::InvalidArgument,
    id: "COMMAND-sM0cs",
    text: "Code is invalid",
};

// Ours: ZITADEL has no attempt limit and we do not claim these ids are ZITADEL's.

/// The code reached the attempt limit; a new one must be requested.
pub const CODE_LOCKED: PhoneError = PhoneError {
    code: Code::FailedPrecondition,
    id: "PHONE-Lck5x",
    text: "Too many failed attempts: the code is no longer valid, request a new one",
};
/// The number is not a phone number in international form.
pub const PHONE_INVALID: PhoneError = PhoneError {
    code: Code::InvalidArgument,
    id: "PHONE-Inv4l",
    text: "Phone number is invalid",
};
/// The number is already the user's number.
pub const PHONE_NOT_CHANGED: PhoneError = PhoneError {
    code: Code::FailedPrecondition,
    id: "PHONE-NoChg",
    text: "Phone number not changed",
};
/// The user has no phone number.
pub const PHONE_NOT_FOUND: PhoneError = PhoneError {
    code: Code::NotFound,
    id: "PHONE-NoPhn",
    text: "Phone number not found",
};
/// The number is verified already, so no code is needed.
pub const PHONE_ALREADY_VERIFIED: PhoneError = PhoneError {
    code: Code::FailedPrecondition,
    id: "PHONE-IsVer",
    text: "Phone number is already verified",
};

// Ours: the database's condition, not the request's (`crate::store::StoreFault`).

/// The database cannot be reached (down, restarting, or every connection busy past the
/// acquire timeout). Nothing was changed, unless the connection broke during the commit; the
/// call may be repeated.
pub const STORE_UNAVAILABLE: PhoneError = PhoneError {
    code: Code::Unavailable,
    id: "STORE-Unavl",
    text: "The database is unavailable, try again shortly",
};
/// The database is full (no space left on its disk); nothing was changed.
pub const STORE_FULL: PhoneError = PhoneError {
    code: Code::ResourceExhausted,
    id: "STORE-Full",
    text: "The database is full: nothing can be written until space is freed",
};
/// The database is read-only (file, directory or file system); nothing was changed. Reads
/// still work.
pub const STORE_READ_ONLY: PhoneError = PhoneError {
    code: Code::Unavailable,
    id: "STORE-RdOnl",
    text: "The database is read-only: nothing can be written until it is writable again",
};

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message as _;

    #[test]
    fn statuses_carry_text_with_id_and_the_error_detail() {
        let status = CODE_INVALID.status();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(status.message(), "Code is invalid (COMMAND-sM0cs)");
        let detail = &status.details()[0];
        assert_eq!(
            detail.type_url,
            "type.googleapis.com/zitadel.v1.ErrorDetail"
        );
        assert_eq!(
            detail.json(),
            &serde_json::json!({"id": "COMMAND-sM0cs", "message": "Code is invalid"})
        );
        let decoded = ErrorDetail::decode(detail.value().clone()).expect("protobuf");
        assert_eq!(decoded.id, "COMMAND-sM0cs");
    }
}
