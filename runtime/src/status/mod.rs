//! The one error model: a gRPC code, a message and typed details, rendered per protocol.

use std::fmt;

use bytes::Bytes;
use prost::Message as _;

use crate::rpc;

mod detail;
pub use detail::Detail;

/// A gRPC status code. The numbers are the wire values of `google.rpc.Code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Code {
    /// Not an error.
    Ok = 0,
    /// The operation was cancelled, typically by the caller.
    Cancelled = 1,
    /// Unknown error.
    Unknown = 2,
    /// The client specified an invalid argument.
    InvalidArgument = 3,
    /// The deadline expired before the operation could complete.
    DeadlineExceeded = 4,
    /// Some requested entity was not found.
    NotFound = 5,
    /// The entity that a client attempted to create already exists.
    AlreadyExists = 6,
    /// The caller does not have permission to execute the operation.
    PermissionDenied = 7,
    /// Some resource has been exhausted.
    ResourceExhausted = 8,
    /// The system is not in a state required for the operation's execution.
    FailedPrecondition = 9,
    /// The operation was aborted.
    Aborted = 10,
    /// The operation was attempted past the valid range.
    OutOfRange = 11,
    /// The operation is not implemented or not supported.
    Unimplemented = 12,
    /// Internal error.
    Internal = 13,
    /// The service is currently unavailable.
    Unavailable = 14,
    /// Unrecoverable data loss or corruption.
    DataLoss = 15,
    /// The request does not have valid authentication credentials.
    Unauthenticated = 16,
}

impl Code {
    /// The code for a wire value; values outside 0..=16 are `Unknown`, as gRPC specifies.
    pub fn from_i32(value: i32) -> Code {
        use Code::*;
        match value {
            0 => Ok,
            1 => Cancelled,
            3 => InvalidArgument,
            4 => DeadlineExceeded,
            5 => NotFound,
            6 => AlreadyExists,
            7 => PermissionDenied,
            8 => ResourceExhausted,
            9 => FailedPrecondition,
            10 => Aborted,
            11 => OutOfRange,
            12 => Unimplemented,
            13 => Internal,
            14 => Unavailable,
            15 => DataLoss,
            16 => Unauthenticated,
            _ => Unknown,
        }
    }

    /// The HTTP status grpc-gateway v2 answers with for this code.
    pub fn http_status(self) -> u16 {
        use Code::*;
        match self {
            Ok => 200,
            Cancelled => 499,
            Unknown | Internal | DataLoss => 500,
            InvalidArgument | FailedPrecondition | OutOfRange => 400,
            DeadlineExceeded => 504,
            NotFound => 404,
            AlreadyExists | Aborted => 409,
            PermissionDenied => 403,
            ResourceExhausted => 429,
            Unimplemented => 501,
            Unavailable => 503,
            Unauthenticated => 401,
        }
    }

    /// The snake_case name Connect uses on the wire (`invalid_argument`).
    pub fn connect_name(self) -> &'static str {
        use Code::*;
        match self {
            Ok => "ok",
            Cancelled => "canceled",
            Unknown => "unknown",
            InvalidArgument => "invalid_argument",
            DeadlineExceeded => "deadline_exceeded",
            NotFound => "not_found",
            AlreadyExists => "already_exists",
            PermissionDenied => "permission_denied",
            ResourceExhausted => "resource_exhausted",
            FailedPrecondition => "failed_precondition",
            Aborted => "aborted",
            OutOfRange => "out_of_range",
            Unimplemented => "unimplemented",
            Internal => "internal",
            Unavailable => "unavailable",
            DataLoss => "data_loss",
            Unauthenticated => "unauthenticated",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.connect_name())
    }
}

/// The error every protocol renders: a code, a message and typed details.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    code: Code,
    message: String,
    details: Vec<Detail>,
}

macro_rules! constructors {
    ($($name:ident => $code:ident),* $(,)?) => {
        $(
            #[doc = concat!("A status with code `", stringify!($code), "`.")]
            pub fn $name(message: impl Into<String>) -> Status {
                Status::new(Code::$code, message)
            }
        )*
    };
}

impl Status {
    /// A status with no details.
    pub fn new(code: Code, message: impl Into<String>) -> Status {
        Status {
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    constructors! {
        cancelled => Cancelled,
        unknown => Unknown,
        invalid_argument => InvalidArgument,
        deadline_exceeded => DeadlineExceeded,
        not_found => NotFound,
        already_exists => AlreadyExists,
        permission_denied => PermissionDenied,
        resource_exhausted => ResourceExhausted,
        failed_precondition => FailedPrecondition,
        aborted => Aborted,
        out_of_range => OutOfRange,
        unimplemented => Unimplemented,
        internal => Internal,
        unavailable => Unavailable,
        data_loss => DataLoss,
        unauthenticated => Unauthenticated,
    }

    /// Attaches a typed detail (e.g. `google.rpc.BadRequest`, an API's own error detail).
    pub fn with_detail<M>(mut self, detail: &M) -> Status
    where
        M: prost::Name + serde::Serialize + Clone + Send + Sync + fmt::Debug + 'static,
    {
        self.details.push(Detail::new(detail));
        self
    }

    /// Attaches a typed detail by value (no copy of it is made).
    pub fn with_detail_message<M>(mut self, detail: M) -> Status
    where
        M: prost::Name + serde::Serialize + Send + Sync + fmt::Debug + 'static,
    {
        self.details.push(Detail::from_message(detail));
        self
    }

    /// Attaches a detail already packed as `google.protobuf.Any`, kept byte for byte.
    pub fn with_any_detail(mut self, detail: crate::wkt::Any) -> Status {
        self.details.push(Detail::from_any(detail));
        self
    }

    /// The code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The developer-facing message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The typed details, in the order they were attached.
    pub fn details(&self) -> &[Detail] {
        &self.details
    }

    /// The `google.rpc.Status` sent as `grpc-status-details-bin`.
    pub fn to_rpc_status(&self) -> rpc::Status {
        rpc::Status {
            code: self.code as i32,
            message: self.message.clone(),
            details: self.details.iter().map(Detail::to_any).collect(),
        }
    }

    /// The bytes of [`Status::to_gateway_json`], in grpc-gateway's key order (`code`,
    /// `message`, `details`). A status without details — every refusal before the handler
    /// but validation's — is written straight, without building a JSON value.
    pub fn to_gateway_json_bytes(&self) -> Vec<u8> {
        // A detail (validation's BadRequest) repeats about the message again.
        let mut out = Vec::with_capacity(48 + (1 + self.details.len()) * (self.message.len() + 96));
        out.extend_from_slice(b"{\"code\":");
        out.extend_from_slice(itoa::Buffer::new().format(self.code as i32).as_bytes());
        out.extend_from_slice(b",\"message\":");
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, &self.message);
        out.extend_from_slice(b",\"details\":[");
        for (i, detail) in self.details.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            detail.write_gateway_json(&mut out);
        }
        out.extend_from_slice(b"]}");
        out
    }

    /// grpc-gateway's REST error body: `{"code":3,"message":"…","details":[{"@type":…}]}`.
    pub fn to_gateway_json(&self) -> serde_json::Value {
        let details: Vec<serde_json::Value> =
            self.details.iter().map(Detail::to_gateway_json).collect();
        serde_json::json!({
            "code": self.code as i32,
            "message": self.message,
            "details": details,
        })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Status {}

impl From<Status> for tonic::Status {
    fn from(status: Status) -> tonic::Status {
        let code = tonic::Code::from_i32(status.code as i32);
        if status.details.is_empty() {
            return tonic::Status::new(code, status.message);
        }
        let details = status.to_rpc_status().encode_to_vec();
        tonic::Status::with_details(code, status.message, Bytes::from(details))
    }
}

impl From<tonic::Status> for Status {
    fn from(status: tonic::Status) -> Status {
        let mut out = Status::new(Code::from_i32(status.code() as i32), status.message());
        if let Ok(rpc) = rpc::Status::decode(status.details()) {
            out.details = rpc
                .details
                .into_iter()
                .map(|any| Detail::from_parts(any.type_url, Bytes::from(any.value)))
                .collect();
        }
        out
    }
}

#[cfg(test)]
mod gateway_bytes_tests {
    use super::*;

    #[test]
    fn gateway_bytes_match_the_json_value() {
        for status in [
            Status::unauthenticated("auth header missing"),
            Status::invalid_argument("a \"quoted\" \\ message\n with ü"),
            Status::new(Code::Ok, ""),
        ] {
            let bytes = status.to_gateway_json_bytes();
            let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(value, status.to_gateway_json());
            assert!(
                bytes.starts_with(b"{\"code\":"),
                "{}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_maps_to_grpc_gateway_http_status() {
        let table = [
            (0, 200),
            (1, 499),
            (2, 500),
            (3, 400),
            (4, 504),
            (5, 404),
            (6, 409),
            (7, 403),
            (8, 429),
            (9, 400),
            (10, 409),
            (11, 400),
            (12, 501),
            (13, 500),
            (14, 503),
            (15, 500),
            (16, 401),
            (99, 500),
        ];
        for (code, http) in table {
            assert_eq!(Code::from_i32(code).http_status(), http, "code {code}");
        }
    }

    #[test]
    fn gateway_json_always_has_details() {
        let json = Status::not_found("Code not found (COMMAND-Rsj8c)").to_gateway_json();
        assert_eq!(
            json,
            serde_json::json!({"code": 5, "message": "Code not found (COMMAND-Rsj8c)", "details": []})
        );
    }

    #[test]
    fn a_packed_detail_is_kept_byte_for_byte() {
        let any = crate::wkt::Any::pack(&crate::wkt::Timestamp {
            seconds: 1,
            nanos: 0,
        });
        let status = Status::internal("x").with_any_detail(any.clone());
        let detail = &status.details()[0];
        assert_eq!(detail.type_url, any.type_url);
        assert_eq!(detail.value(), &any.value);
        assert_eq!(
            detail.json(),
            &serde_json::json!({"value": "1970-01-01T00:00:01Z"})
        );
        let gateway = status.to_gateway_json();
        assert_eq!(
            gateway["details"][0]["@type"],
            "type.googleapis.com/google.protobuf.Timestamp"
        );
        let unknown = crate::wkt::Any {
            type_url: "type.googleapis.com/nowhere.Thing".into(),
            value: Bytes::from_static(b"\x08\x01"),
        };
        let status = Status::internal("x").with_any_detail(unknown);
        assert_eq!(status.details()[0].json(), &serde_json::Value::Null);
        assert_eq!(status.to_rpc_status().details[0].value, b"\x08\x01");
    }

    #[test]
    fn details_survive_the_grpc_round_trip() {
        let detail = rpc::BadRequest {
            field_violations: vec![rpc::FieldViolation {
                field: "code".into(),
                description: "value length must be between 1 and 200 runes, inclusive".into(),
            }],
        };
        let status = Status::invalid_argument("bad").with_detail(&detail);
        let wire: tonic::Status = status.clone().into();
        assert_eq!(wire.code(), tonic::Code::InvalidArgument);
        let back = Status::from(wire);
        assert_eq!(
            back.details()[0].type_url,
            "type.googleapis.com/google.rpc.BadRequest"
        );
        assert_eq!(back.details()[0].value(), status.details()[0].value());
    }
}
