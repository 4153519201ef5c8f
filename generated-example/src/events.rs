//! The events of a user aggregate, named as ZITADEL names them, and their JSON payloads.

use std::time::Duration;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::store::{NewEvent, RecordedEvent};

/// Something that happened to a user. The phone state is what these add up to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserEvent {
    /// The user was created (by `verify-phone token` or the demo setup).
    Added,
    /// The phone number was set; it is unverified and has no code.
    PhoneChanged {
        /// The number in E.164 form.
        phone: String,
    },
    /// The phone number and any pending code were removed.
    PhoneRemoved,
    /// A verification code was created, replacing any earlier one.
    PhoneCodeAdded {
        /// HMAC-SHA256 of the code under the server's code key (see [`crate::code`]).
        code_hash: Vec<u8>,
        /// How long the code is valid after this event.
        expiry: Duration,
    },
    /// The code was handed to the notifier.
    PhoneCodeSent,
    /// The code was right: the phone is verified and the code is used up.
    PhoneVerified,
    /// A verification attempt failed (wrong or expired code).
    PhoneVerificationFailed,
    /// Not in ZITADEL: the code reached the attempt limit and can no longer be used.
    PhoneCodeInvalidated,
}

/// A stored event that cannot be read back.
#[derive(Debug, thiserror::Error)]
#[error("event {sequence} ({event_type}) has a malformed payload: {reason}")]
pub struct EventError {
    /// The event's sequence.
    pub sequence: u64,
    /// The event's type.
    pub event_type: String,
    /// What is wrong with it.
    pub reason: String,
}

const ADDED: &str = "user.human.added";
const PHONE_CHANGED: &str = "user.human.phone.changed";
const PHONE_REMOVED: &str = "user.human.phone.removed";
const PHONE_CODE_ADDED: &str = "user.human.phone.code.added";
const PHONE_CODE_SENT: &str = "user.human.phone.code.sent";
const PHONE_VERIFIED: &str = "user.human.phone.verified";
const PHONE_VERIFICATION_FAILED: &str = "user.human.phone.verification.failed";
const PHONE_CODE_INVALIDATED: &str = "user.human.phone.code.invalidated";

#[derive(Serialize, Deserialize)]
struct PhonePayload {
    phone: String,
}

#[derive(Serialize, Deserialize)]
struct CodePayload {
    /// Base64 of the keyed hash; the code itself is never stored.
    code_hash: String,
    expiry_ms: u64,
}

impl UserEvent {
    /// The event's type name.
    pub fn event_type(&self) -> &'static str {
        match self {
            UserEvent::Added => ADDED,
            UserEvent::PhoneChanged { .. } => PHONE_CHANGED,
            UserEvent::PhoneRemoved => PHONE_REMOVED,
            UserEvent::PhoneCodeAdded { .. } => PHONE_CODE_ADDED,
            UserEvent::PhoneCodeSent => PHONE_CODE_SENT,
            UserEvent::PhoneVerified => PHONE_VERIFIED,
            UserEvent::PhoneVerificationFailed => PHONE_VERIFICATION_FAILED,
            UserEvent::PhoneCodeInvalidated => PHONE_CODE_INVALIDATED,
        }
    }

    /// The event as the store takes it.
    pub fn to_new(&self) -> NewEvent {
        let payload = match self {
            UserEvent::PhoneChanged { phone } => json(&PhonePayload {
                phone: phone.clone(),
            }),
            UserEvent::PhoneCodeAdded { code_hash, expiry } => json(&CodePayload {
                code_hash: base64::engine::general_purpose::STANDARD.encode(code_hash),
                expiry_ms: u64::try_from(expiry.as_millis()).unwrap_or(u64::MAX),
            }),
            _ => "{}".to_string(),
        };
        NewEvent {
            event_type: self.event_type(),
            payload,
        }
    }

    /// Reads a stored event back; `Ok(None)` for event types this version does not know,
    /// which a newer writer may have appended.
    pub fn from_recorded(record: &RecordedEvent) -> Result<Option<UserEvent>, EventError> {
        let malformed = |reason: String| EventError {
            sequence: record.sequence,
            event_type: record.event_type.clone(),
            reason,
        };
        let event = match record.event_type.as_str() {
            ADDED => UserEvent::Added,
            PHONE_CHANGED => {
                let p: PhonePayload =
                    serde_json::from_str(&record.payload).map_err(|e| malformed(e.to_string()))?;
                UserEvent::PhoneChanged { phone: p.phone }
            }
            PHONE_REMOVED => UserEvent::PhoneRemoved,
            PHONE_CODE_ADDED => {
                let p: CodePayload =
                    serde_json::from_str(&record.payload).map_err(|e| malformed(e.to_string()))?;
                let code_hash = base64::engine::general_purpose::STANDARD
                    .decode(p.code_hash)
                    .map_err(|e| malformed(e.to_string()))?;
                UserEvent::PhoneCodeAdded {
                    code_hash,
                    expiry: Duration::from_millis(p.expiry_ms),
                }
            }
            PHONE_CODE_SENT => UserEvent::PhoneCodeSent,
            PHONE_VERIFIED => UserEvent::PhoneVerified,
            PHONE_VERIFICATION_FAILED => UserEvent::PhoneVerificationFailed,
            PHONE_CODE_INVALIDATED => UserEvent::PhoneCodeInvalidated,
            _ => return Ok(None),
        };
        Ok(Some(event))
    }
}

fn json<T: Serialize>(value: &T) -> String {
    // Serializing these plain structs cannot fail; an empty object keeps the row valid anyway.
    serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(event: UserEvent) -> Option<UserEvent> {
        let new = event.to_new();
        let record = RecordedEvent {
            sequence: 1,
            event_type: new.event_type.to_string(),
            resource_owner: "o".into(),
            payload: new.payload,
            created_at: 0,
        };
        UserEvent::from_recorded(&record).expect("readable")
    }

    #[test]
    fn every_event_reads_back_as_written() {
        for event in [
            UserEvent::Added,
            UserEvent::PhoneChanged {
                phone: "+41791234567".into(),
            },
            UserEvent::PhoneRemoved,
            UserEvent::PhoneCodeAdded {
                code_hash: vec![1, 2, 3],
                expiry: Duration::from_secs(3600),
            },
            UserEvent::PhoneCodeSent,
            UserEvent::PhoneVerified,
            UserEvent::PhoneVerificationFailed,
            UserEvent::PhoneCodeInvalidated,
        ] {
            assert_eq!(roundtrip(event.clone()), Some(event));
        }
    }

    #[test]
    fn unknown_event_types_are_skipped_and_bad_payloads_reported() {
        let mut record = RecordedEvent {
            sequence: 7,
            event_type: "user.human.email.changed".into(),
            resource_owner: "o".into(),
            payload: "{}".into(),
            created_at: 0,
        };
        assert_eq!(UserEvent::from_recorded(&record).expect("skipped"), None);
        record.event_type = PHONE_CHANGED.into();
        let err = UserEvent::from_recorded(&record).expect_err("no phone field");
        assert_eq!(err.sequence, 7);
    }
}
