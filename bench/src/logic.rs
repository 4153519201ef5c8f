//! The phone logic both servers run, protocol-neutral and in memory, so a throughput figure
//! compares what the frameworks add and nothing else.
//!
//! It keeps ZITADEL's checks and their order (FACTS.md) with one change made for load: a
//! verified code stays pending, so every request of a load run does the same work (look the
//! user up, compare the code, bump the sequence, answer the details) instead of the second
//! one answering NotFound. There is no attempt limit either; the example server has both.
//!
//! Each call is split in two, so another store runs the very same checks in the same order
//! (`crate::store` keeps the users in SQLite): the checks of the request alone
//! ([`check_verify`], [`check_set`]), then, once the caller's row is found ([`owned`]), what
//! the call does to it ([`verify_state`], [`get_state`], …). A call changed the row when its
//! sequence moved.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// The code every seeded user has pending.
pub const SEED_CODE: &str = "H83J3A";
/// The organisation of the seeded users.
pub const SEED_ORG: &str = "bench";

/// The seeded user number `i`.
pub fn seed_user(i: usize) -> String {
    format!("user-{i}")
}

/// The phone number of seeded user `i`.
pub fn seed_phone(i: usize) -> String {
    format!("+41790{i:06}")
}

/// Who is calling: the token's subject and organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The user id.
    pub id: String,
    /// The organisation that owns it.
    pub org: String,
}

/// gRPC status codes the logic answers with (their numbers on the wire).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Code {
    /// 3.
    InvalidArgument = 3,
    /// 5.
    NotFound = 5,
    /// 9.
    FailedPrecondition = 9,
    /// 13: the store failed (the in-memory one never does).
    Internal = 13,
    /// 16.
    Unauthenticated = 16,
}

impl Code {
    /// grpc-gateway's HTTP status for the code.
    pub fn http_status(self) -> u16 {
        match self {
            Code::InvalidArgument | Code::FailedPrecondition => 400,
            Code::NotFound => 404,
            Code::Unauthenticated => 401,
            Code::Internal => 500,
        }
    }
}

/// One row of ZITADEL's error table: the message on the wire is `"<text> (<id>)"`, with a
/// `zitadel.v1.ErrorDetail { id, message: text }` detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhoneError {
    /// The gRPC code.
    pub code: Code,
    /// ZITADEL's error id.
    pub id: &'static str,
    /// The text.
    pub text: &'static str,
}

impl PhoneError {
    /// The status message.
    pub fn message(&self) -> String {
        format!("{} ({})", self.text, self.id)
    }
}

pub(crate) const USER_ID_MISSING: PhoneError = PhoneError {
    code: Code::InvalidArgument,
    id: "COMMAND-Km9ds",
    text: "User ID missing",
};
pub(crate) const CODE_EMPTY: PhoneError = PhoneError {
    code: Code::InvalidArgument,
    id: "COMMAND-wMe9f",
    text: "Code is empty",
};
pub(crate) const USER_NOT_FOUND: PhoneError = PhoneError {
    code: Code::FailedPrecondition,
    id: "COMMAND-Rsj8c",
    text: "User could not be found",
};
pub(crate) const CODE_NOT_FOUND: PhoneError = PhoneError {
    code: Code::NotFound,
    id: "COMMAND-Rsj8c",
    text: "Code not found",
};
pub(crate) const CODE_INVALID: PhoneError = PhoneError {
    code: Code::InvalidArgument,
    id: "COMMAND-sM0cs",
    text: "Code is invalid",
};
pub(crate) const PHONE_NOT_FOUND: PhoneError = PhoneError {
    code: Code::NotFound,
    id: "PHONE-NoPhn",
    text: "Phone number not found",
};
pub(crate) const PHONE_INVALID: PhoneError = PhoneError {
    code: Code::InvalidArgument,
    id: "PHONE-Inv4l",
    text: "Phone number is invalid",
};
/// What a store that failed answers (the cause goes to the server's log, not to the caller).
pub const STORE_FAILED: PhoneError = PhoneError {
    code: Code::Internal,
    id: "BENCH-St0re",
    text: "Store failed",
};

/// `zitadel.v1.ObjectDetails`, before either server encodes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Details {
    /// The sequence of the last change.
    pub sequence: u64,
    /// When the user was created; unset on changes, as ZITADEL does.
    pub creation: Option<Micros>,
    /// When the change happened.
    pub change: Micros,
    /// The organisation.
    pub resource_owner: String,
}

/// Microseconds since the Unix epoch.
pub type Micros = i64;

/// The user's phone as GetMyPhone answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneView {
    /// The number.
    pub phone: String,
    /// Whether it is verified.
    pub verified: bool,
}

/// One user as the logic sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserState {
    /// The organisation that owns the user.
    pub org: String,
    /// The sequence of the last change.
    pub sequence: u64,
    /// When the user was created.
    pub created: Micros,
    /// When it last changed.
    pub changed: Micros,
    /// The phone, if the user has one.
    pub phone: Option<PhoneState>,
}

/// A user's phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneState {
    /// The number.
    pub number: String,
    /// Whether it is verified.
    pub verified: bool,
    /// The pending code.
    pub code: Option<String>,
}

impl UserState {
    /// Seeded user `i`, created `now`: a phone and [`SEED_CODE`] pending, sequence 3.
    pub fn seeded(i: usize, now: Micros) -> UserState {
        UserState {
            org: SEED_ORG.to_string(),
            sequence: 3,
            created: now,
            changed: now,
            phone: Some(PhoneState {
                number: seed_phone(i),
                verified: false,
                code: Some(SEED_CODE.to_string()),
            }),
        }
    }
}

/// The users, in memory.
#[derive(Debug, Default)]
pub struct Phones {
    users: Mutex<HashMap<String, UserState>>,
    /// How many requests reached the logic (the auth matrix checks that refused ones do not).
    calls: AtomicU64,
}

/// Now, in microseconds since the epoch.
pub fn now_micros() -> Micros {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as Micros)
        .unwrap_or(0)
}

/// The `(seconds, nanos)` of a timestamp, as `google.protobuf.Timestamp` holds it.
pub fn split_micros(micros: Micros) -> (i64, i32) {
    (
        micros.div_euclid(1_000_000),
        (micros.rem_euclid(1_000_000) * 1000) as i32,
    )
}

/// Compares without stopping at the first difference, so timing tells nothing about the code.
fn same_code(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The caller, or [`USER_ID_MISSING`] (the first check of every call that has a user).
pub fn caller(user: Option<&User>) -> Result<&User, PhoneError> {
    user.filter(|u| !u.id.is_empty()).ok_or(USER_ID_MISSING)
}

/// The caller's row, if the store found it under the caller's id and it belongs to the
/// caller's organisation; [`USER_NOT_FOUND`] otherwise.
pub fn owned<'s>(
    state: Option<&'s mut UserState>,
    user: &User,
) -> Result<&'s mut UserState, PhoneError> {
    state.filter(|s| s.org == user.org).ok_or(USER_NOT_FOUND)
}

/// VerifyMyPhone's checks before the user is looked up.
pub fn check_verify(user: Option<&User>, code: &str) -> Result<(), PhoneError> {
    caller(user)?;
    if code.is_empty() {
        return Err(CODE_EMPTY);
    }
    Ok(())
}

/// SetMyPhone's check of the number, before the user is looked up.
pub fn check_set(phone: &str) -> Result<(), PhoneError> {
    let digits = phone.strip_prefix('+').unwrap_or("");
    if !(7..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PHONE_INVALID);
    }
    Ok(())
}

fn changed(state: &mut UserState) -> Details {
    state.sequence += 1;
    state.changed = now_micros().max(state.changed);
    Details {
        sequence: state.sequence,
        creation: None,
        change: state.changed,
        resource_owner: state.org.clone(),
    }
}

/// VerifyMyPhone on the caller's row: compare the code, bump the sequence (a wrong code
/// bumps it too: `user.human.phone.verification.failed`).
pub fn verify_state(state: &mut UserState, code: &str) -> Result<Details, PhoneError> {
    let pending = state
        .phone
        .as_ref()
        .and_then(|p| p.code.as_deref())
        .ok_or(CODE_NOT_FOUND)?;
    if !same_code(pending, code) {
        state.sequence += 1; // user.human.phone.verification.failed
        return Err(CODE_INVALID);
    }
    if let Some(phone) = state.phone.as_mut() {
        phone.verified = true;
    }
    Ok(changed(state))
}

/// GetMyPhone on the caller's row (reads only).
pub fn get_state(state: &UserState) -> (Details, Option<PhoneView>) {
    let details = Details {
        sequence: state.sequence,
        creation: Some(state.created),
        change: state.changed,
        resource_owner: state.org.clone(),
    };
    let phone = state.phone.as_ref().map(|p| PhoneView {
        phone: p.number.clone(),
        verified: p.verified,
    });
    (details, phone)
}

/// SetMyPhone on the caller's row: the number changes, unverified, with [`SEED_CODE`]
/// pending (the bench sends no SMS).
pub fn set_state(state: &mut UserState, phone: &str) -> Result<Details, PhoneError> {
    state.phone = Some(PhoneState {
        number: phone.to_string(),
        verified: false,
        code: Some(SEED_CODE.to_string()),
    });
    state.sequence += 1; // user.human.phone.changed, then code.added
    Ok(changed(state))
}

/// ResendMyPhoneVerification on the caller's row.
pub fn resend_state(state: &mut UserState) -> Result<Details, PhoneError> {
    let phone = state.phone.as_mut().ok_or(PHONE_NOT_FOUND)?;
    phone.code = Some(SEED_CODE.to_string());
    Ok(changed(state))
}

/// RemoveMyPhone on the caller's row.
pub fn remove_state(state: &mut UserState) -> Result<Details, PhoneError> {
    state.phone.take().ok_or(PHONE_NOT_FOUND)?;
    Ok(changed(state))
}

impl Phones {
    /// `users` users (`user-0` …) of [`SEED_ORG`], each with a phone and [`SEED_CODE`] pending.
    pub fn seeded(users: usize) -> Phones {
        let now = now_micros();
        let map = (0..users)
            .map(|i| (seed_user(i), UserState::seeded(i, now)))
            .collect();
        Phones {
            users: Mutex::new(map),
            calls: AtomicU64::new(0),
        }
    }

    /// How many calls reached the logic.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    fn with_user<T>(
        &self,
        user: Option<&User>,
        f: impl FnOnce(&mut UserState) -> Result<T, PhoneError>,
    ) -> Result<T, PhoneError> {
        let user = caller(user)?;
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        f(owned(users.get_mut(&user.id), user)?)
    }

    /// VerifyMyPhone, after the request passed validation.
    pub fn verify(&self, user: Option<&User>, code: &str) -> Result<Details, PhoneError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        check_verify(user, code)?;
        self.with_user(user, |state| verify_state(state, code))
    }

    /// GetMyPhone.
    pub fn get(&self, user: Option<&User>) -> Result<(Details, Option<PhoneView>), PhoneError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.with_user(user, |state| Ok(get_state(state)))
    }

    /// SetMyPhone, after validation: the number changes, unverified, with [`SEED_CODE`]
    /// pending (the bench sends no SMS).
    pub fn set(&self, user: Option<&User>, phone: &str) -> Result<Details, PhoneError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        check_set(phone)?;
        self.with_user(user, |state| set_state(state, phone))
    }

    /// ResendMyPhoneVerification.
    pub fn resend(&self, user: Option<&User>) -> Result<Details, PhoneError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.with_user(user, resend_state)
    }

    /// RemoveMyPhone.
    pub fn remove(&self, user: Option<&User>) -> Result<Details, PhoneError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.with_user(user, remove_state)
    }
}

/// PGV's check of `VerifyMyPhoneRequest.code` (`min_len: 1, max_len: 200`), with PGV's text.
pub fn validate_code(code: &str) -> Result<(), String> {
    let runes = code.chars().count();
    if (1..=200).contains(&runes) {
        Ok(())
    } else {
        Err(
            "invalid VerifyMyPhoneRequest.Code: value length must be between 1 and 200 runes, inclusive"
                .to_string(),
        )
    }
}

/// PGV's check of `SetMyPhoneRequest.phone` (`min_len: 1, max_len: 50, prefix: "+"`).
pub fn validate_phone(phone: &str) -> Result<(), String> {
    let runes = phone.chars().count();
    if !(1..=50).contains(&runes) {
        return Err(
            "invalid SetMyPhoneRequest.Phone: value length must be between 1 and 50 runes, inclusive"
                .to_string(),
        );
    }
    if !phone.starts_with('+') {
        return Err(
            "invalid SetMyPhoneRequest.Phone: value does not have prefix \"+\"".to_string(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The tests of the calls themselves run against both stores: `crate::store`'s tests.

    #[test]
    fn validation_counts_runes() {
        assert!(validate_code(&"é".repeat(200)).is_ok());
        assert!(validate_code(&"é".repeat(201)).is_err());
        assert!(validate_code("").is_err());
        assert!(validate_phone("0041").is_err());
    }

    #[test]
    fn timestamps_split_into_seconds_and_nanos() {
        assert_eq!(split_micros(1_500_000), (1, 500_000_000));
        assert_eq!(split_micros(-1), (-1, 999_999_000));
    }
}
