//! A user's current state, folded from its events.

use std::time::Duration;

use crate::events::{EventError, UserEvent};
use crate::store::RecordedEvent;

/// What the events of one aggregate add up to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Aggregate {
    /// The sequence of the last event (0 if there is none): what the next append expects.
    pub sequence: u64,
    /// The user, once created.
    pub user: Option<User>,
}

/// A user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The organisation that owns the user.
    pub resource_owner: String,
    /// When the user was created (µs since the epoch).
    pub created_at: i64,
    /// When the last event was appended (µs since the epoch).
    pub changed_at: i64,
    /// The phone number, if one is set.
    pub phone: Option<Phone>,
    /// When each code was created for the user (µs since the epoch, oldest first), whatever
    /// became of it: what the send limits count.
    pub code_sends: Vec<i64>,
}

/// A user's phone number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone {
    /// The number in E.164 form.
    pub number: String,
    /// Whether the user proved it is theirs.
    pub verified: bool,
    /// The code waiting to be entered, if any.
    pub code: Option<PendingCode>,
}

/// A verification code waiting to be entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingCode {
    /// The keyed hash of the code.
    pub hash: Vec<u8>,
    /// The sequence of the event that created it.
    pub sequence: u64,
    /// When it was created (µs since the epoch).
    pub created_at: i64,
    /// How long it is valid.
    pub expiry: Duration,
    /// Failed attempts against it so far.
    pub failures: u32,
    /// Whether it reached the attempt limit and can no longer be used.
    pub invalidated: bool,
    /// Whether the notifier accepted it.
    pub sent: bool,
}

impl PendingCode {
    /// Whether the code is past its expiry at `now` (µs since the epoch).
    pub fn is_expired(&self, now: i64) -> bool {
        let expiry = i64::try_from(self.expiry.as_micros()).unwrap_or(i64::MAX);
        now >= self.created_at.saturating_add(expiry)
    }
}

impl Aggregate {
    /// Folds `events`, in sequence order.
    pub fn fold(events: &[RecordedEvent]) -> Result<Aggregate, EventError> {
        let mut aggregate = Aggregate::default();
        for record in events {
            aggregate.sequence = record.sequence;
            let Some(event) = UserEvent::from_recorded(record)? else {
                continue;
            };
            aggregate.apply(record, event);
        }
        Ok(aggregate)
    }

    fn apply(&mut self, record: &RecordedEvent, event: UserEvent) {
        if let UserEvent::Added = event {
            self.user = Some(User {
                resource_owner: record.resource_owner.clone(),
                created_at: record.created_at,
                changed_at: record.created_at,
                phone: None,
                code_sends: Vec::new(),
            });
            return;
        }
        let Some(user) = self.user.as_mut() else {
            return;
        };
        user.changed_at = record.created_at;
        match event {
            UserEvent::Added => {}
            UserEvent::PhoneChanged { phone } => {
                user.phone = Some(Phone {
                    number: phone,
                    verified: false,
                    code: None,
                });
            }
            UserEvent::PhoneRemoved => user.phone = None,
            UserEvent::PhoneCodeAdded { code_hash, expiry } => {
                user.code_sends.push(record.created_at);
                if let Some(phone) = user.phone.as_mut() {
                    phone.code = Some(PendingCode {
                        hash: code_hash,
                        sequence: record.sequence,
                        created_at: record.created_at,
                        expiry,
                        failures: 0,
                        invalidated: false,
                        sent: false,
                    });
                }
            }
            UserEvent::PhoneCodeSent => {
                if let Some(code) = pending(user) {
                    code.sent = true;
                }
            }
            UserEvent::PhoneVerified => {
                if let Some(phone) = user.phone.as_mut() {
                    phone.verified = true;
                    phone.code = None;
                }
            }
            UserEvent::PhoneVerificationFailed => {
                if let Some(code) = pending(user) {
                    code.failures = code.failures.saturating_add(1);
                }
            }
            UserEvent::PhoneCodeInvalidated => {
                if let Some(code) = pending(user) {
                    code.invalidated = true;
                }
            }
        }
    }
}

fn pending(user: &mut User) -> Option<&mut PendingCode> {
    user.phone.as_mut().and_then(|p| p.code.as_mut())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(events: &[UserEvent]) -> Vec<RecordedEvent> {
        (1u64..)
            .zip(events)
            .map(|(sequence, event)| {
                let new = event.to_new();
                RecordedEvent {
                    sequence,
                    event_type: new.event_type.to_string(),
                    resource_owner: "org".into(),
                    payload: new.payload,
                    created_at: sequence as i64 * 1_000_000,
                }
            })
            .collect()
    }

    fn code() -> UserEvent {
        UserEvent::PhoneCodeAdded {
            code_hash: vec![9],
            expiry: Duration::from_secs(10),
        }
    }

    fn phone_of(events: &[UserEvent]) -> Option<Phone> {
        let aggregate = Aggregate::fold(&records(events)).expect("fold");
        aggregate.user.and_then(|u| u.phone)
    }

    #[test]
    fn no_events_is_no_user() {
        assert_eq!(Aggregate::fold(&[]).expect("fold"), Aggregate::default());
        // Phone events without a creation event describe nobody.
        let orphan = Aggregate::fold(&records(&[UserEvent::PhoneRemoved])).expect("fold");
        assert_eq!((orphan.sequence, orphan.user), (1, None));
    }

    #[test]
    fn failures_count_against_the_latest_code_only() {
        let phone = phone_of(&[
            UserEvent::Added,
            UserEvent::PhoneChanged { phone: "+1".into() },
            code(),
            UserEvent::PhoneVerificationFailed,
            UserEvent::PhoneVerificationFailed,
            code(),
            UserEvent::PhoneCodeSent,
            UserEvent::PhoneVerificationFailed,
        ])
        .expect("phone");
        let pending = phone.code.expect("code");
        assert_eq!(
            (pending.failures, pending.sequence, pending.sent),
            (1, 6, true)
        );
        assert!(!phone.verified);
    }

    #[test]
    fn verification_uses_up_the_code_and_a_new_number_resets_it() {
        let verified = phone_of(&[
            UserEvent::Added,
            UserEvent::PhoneChanged { phone: "+1".into() },
            code(),
            UserEvent::PhoneVerified,
        ])
        .expect("phone");
        assert!(verified.verified && verified.code.is_none());
        let changed = phone_of(&[
            UserEvent::Added,
            UserEvent::PhoneChanged { phone: "+1".into() },
            code(),
            UserEvent::PhoneVerified,
            UserEvent::PhoneChanged { phone: "+2".into() },
        ])
        .expect("phone");
        assert_eq!((changed.number.as_str(), changed.verified), ("+2", false));
        assert!(changed.code.is_none());
    }

    #[test]
    fn invalidation_sticks_until_a_new_code_and_removal_clears_everything() {
        let mut events = vec![
            UserEvent::Added,
            UserEvent::PhoneChanged { phone: "+1".into() },
            code(),
            UserEvent::PhoneCodeInvalidated,
        ];
        assert!(
            phone_of(&events)
                .and_then(|p| p.code)
                .expect("code")
                .invalidated
        );
        events.push(code());
        assert!(
            !phone_of(&events)
                .and_then(|p| p.code)
                .expect("code")
                .invalidated
        );
        events.push(UserEvent::PhoneRemoved);
        assert_eq!(phone_of(&events), None);
    }

    #[test]
    fn codes_expire_at_creation_plus_expiry() {
        let pending = PendingCode {
            hash: vec![],
            sequence: 1,
            created_at: 1_000_000,
            expiry: Duration::from_secs(1),
            failures: 0,
            invalidated: false,
            sent: false,
        };
        assert!(!pending.is_expired(1_999_999));
        assert!(pending.is_expired(2_000_000));
    }
}
