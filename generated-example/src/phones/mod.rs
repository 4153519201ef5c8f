//! The phone methods of `zitadel.auth.v1.AuthService` with ZITADEL's semantics, as commands on
//! the event-sourced user aggregate.
//!
//! Every write is load → decide → append after exactly the sequence decided on. When another
//! request appended first, the append fails and the command starts over on the new state; so
//! of two concurrent verifications of one code exactly one succeeds, and every failed attempt
//! is counted.

use std::sync::Arc;
use std::time::Duration;

use protogate::{RequestContext, Status};

use crate::api::zitadel::auth::v1::{
    AuthServiceHandler, GetMyPhoneRequest, GetMyPhoneResponse, HealthzRequest, HealthzResponse,
    RemoveMyPhoneRequest, RemoveMyPhoneResponse, ResendMyPhoneVerificationRequest,
    ResendMyPhoneVerificationResponse, SetMyPhoneRequest, SetMyPhoneResponse, VerifyMyPhoneRequest,
    VerifyMyPhoneResponse,
};
use crate::api::zitadel::user::v1::Phone as PhoneMessage;
use crate::api::zitadel::v1::ObjectDetails;
use crate::code::{self, CodeHasher};
use crate::errors::{self, PhoneError};
use crate::events::{EventError, UserEvent};
use crate::limits::{RateLimited, SendLimits, PHONE_AGGREGATE_PREFIX};
use crate::notify::{Notifier, Sms};
use crate::state::{Aggregate, User};
use crate::store::{
    now_micros, timestamp, EventStore, NewEvent, RecordedEvent, StoreError, StoreFault,
};

/// The event counting one code sent to a phone number (aggregate `phone-sends:<number>`).
const PHONE_SEND_RESERVED: &str = "phone.send.reserved";

/// How often a command starts over after losing a race before it gives up.
const MAX_RETRIES: usize = 32;

/// The knobs of the phone methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhoneConfig {
    /// How long a code is valid (ZITADEL: 1 h).
    pub code_expiry: Duration,
    /// Failed attempts after which a code is invalidated (ZITADEL has no limit).
    pub max_attempts: u32,
    /// The limits on sending codes.
    pub limits: SendLimits,
}

impl Default for PhoneConfig {
    fn default() -> Self {
        PhoneConfig {
            code_expiry: Duration::from_secs(3600),
            max_attempts: 5,
            limits: SendLimits::default(),
        }
    }
}

/// The handler: the store, the notifier, the code key and the config.
pub struct Phones<S, N> {
    store: Arc<S>,
    notifier: N,
    codes: CodeHasher,
    config: PhoneConfig,
}

/// Why a user could not be created.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// The user exists in another organisation.
    #[error("user {user} already exists in organisation {owner}, not {org}")]
    OtherOrg {
        /// The user.
        user: String,
        /// Its organisation.
        owner: String,
        /// The organisation asked for.
        org: String,
    },
    /// User ids are not empty.
    #[error("the user id must not be empty")]
    EmptyId,
    /// The id is reserved for the counters of the send limits.
    #[error("user ids must not start with `{PHONE_AGGREGATE_PREFIX}`")]
    ReservedId,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored event is unreadable.
    #[error(transparent)]
    Event(#[from] EventError),
}

/// Why a command refused to run: one of the error table's rows, or a send limit.
#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error("{}", .0.text)]
    Phone(PhoneError),
    #[error(transparent)]
    Limited(#[from] RateLimited),
}

impl From<PhoneError> for Refusal {
    fn from(error: PhoneError) -> Refusal {
        Refusal::Phone(error)
    }
}

impl From<Refusal> for Status {
    fn from(refusal: Refusal) -> Status {
        match refusal {
            Refusal::Phone(error) => error.status(),
            Refusal::Limited(limited) => {
                tracing::info!(limit = ?limited.limit, retry_after = ?limited.retry_after, "code not sent: rate limit");
                limited.status()
            }
        }
    }
}

/// What a command decided: events to append, and what to answer once they are stored.
struct Decision<T = ()> {
    events: Vec<UserEvent>,
    /// An error here is answered after the events are stored (a failed attempt is recorded).
    answer: Result<T, PhoneError>,
}

impl Decision {
    fn append(events: Vec<UserEvent>) -> Decision {
        Decision {
            events,
            answer: Ok(()),
        }
    }
}

/// The events a command appended and the owner they were appended under.
struct Appended {
    events: Vec<RecordedEvent>,
    owner: String,
}

impl Appended {
    fn details(&self) -> Option<ObjectDetails> {
        let last = self.events.last()?;
        Some(ObjectDetails {
            sequence: last.sequence,
            // ZITADEL leaves the creation date unset on changes.
            creation_date: None,
            change_date: Some(timestamp(last.created_at)),
            resource_owner: self.owner.clone(),
        })
    }
}

impl<S: EventStore, N: Notifier> Phones<S, N> {
    /// A handler over `store`, sending codes with `notifier` and hashing them with `codes`.
    pub fn new(store: Arc<S>, notifier: N, codes: CodeHasher, config: PhoneConfig) -> Self {
        Phones {
            store,
            notifier,
            codes,
            config,
        }
    }

    /// Creates `user` in `org` unless it exists; fails if it exists in another organisation.
    pub async fn ensure_user(&self, user: &str, org: &str) -> Result<(), UserError> {
        if user.is_empty() {
            return Err(UserError::EmptyId);
        }
        if user.starts_with(PHONE_AGGREGATE_PREFIX) {
            return Err(UserError::ReservedId);
        }
        loop {
            let aggregate = Aggregate::fold(&self.store.load(user).await?)?;
            if let Some(existing) = aggregate.user {
                if existing.resource_owner == org {
                    return Ok(());
                }
                return Err(UserError::OtherOrg {
                    user: user.to_string(),
                    owner: existing.resource_owner,
                    org: org.to_string(),
                });
            }
            let added = [UserEvent::Added.to_new()];
            match self
                .store
                .append(user, org, aggregate.sequence, &added)
                .await
            {
                Ok(_) => {
                    tracing::info!(user, org, "created user");
                    return Ok(());
                }
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    async fn load(&self, user_id: &str) -> Result<Aggregate, Status> {
        let events = self.store.load(user_id).await.map_err(store_failed)?;
        Aggregate::fold(&events).map_err(internal)
    }

    /// Runs `decide` on the current state and appends what it decided, starting over when
    /// another writer got there first.
    async fn execute<T, F>(&self, user_id: &str, decide: F) -> Result<(Appended, T), Status>
    where
        F: Fn(&Aggregate, i64) -> Result<Decision<T>, Refusal> + Send + Sync,
        T: Send,
    {
        for _ in 0..MAX_RETRIES {
            let aggregate = self.load(user_id).await?;
            let decision = decide(&aggregate, now_micros())?;
            let owner = aggregate
                .user
                .as_ref()
                .map(|u| u.resource_owner.clone())
                .unwrap_or_default();
            let events: Vec<_> = decision.events.iter().map(UserEvent::to_new).collect();
            let stored = if events.is_empty() {
                Vec::new()
            } else {
                match self
                    .store
                    .append(user_id, &owner, aggregate.sequence, &events)
                    .await
                {
                    Ok(stored) => stored,
                    Err(StoreError::Conflict { .. }) => {
                        tracing::debug!(user = user_id, "lost a race for the user; deciding again");
                        continue;
                    }
                    Err(e) => return Err(store_failed(e)),
                }
            };
            let value = decision.answer?;
            let appended = Appended {
                events: stored,
                owner,
            };
            return Ok((appended, value));
        }
        Err(Status::aborted(
            "the user was changed concurrently too often; try again",
        ))
    }

    /// Runs `decide` on the current state without appending anything: the refusals a command
    /// would answer, before a send is counted against the phone number.
    async fn precheck<T, F>(&self, user_id: &str, decide: F) -> Result<T, Status>
    where
        F: Fn(&Aggregate, i64) -> Result<Decision<T>, Refusal>,
    {
        let aggregate = self.load(user_id).await?;
        Ok(decide(&aggregate, now_micros())?.answer?)
    }

    /// Counts one send against `phone`'s limit, or refuses it. The count is an event of the
    /// number's own aggregate, appended after the state it was checked on, so racing sends
    /// (on any server sharing the database) cannot exceed the limit.
    async fn reserve_send(&self, phone: &str) -> Result<(), Status> {
        if self.config.limits.per_phone == 0 {
            return Ok(());
        }
        let aggregate = format!("{PHONE_AGGREGATE_PREFIX}{phone}");
        let reserved = [NewEvent {
            event_type: PHONE_SEND_RESERVED,
            payload: "{}".to_string(),
        }];
        for _ in 0..MAX_RETRIES {
            let events = self.store.load(&aggregate).await.map_err(store_failed)?;
            let expected = events.last().map_or(0, |e| e.sequence);
            let sends: Vec<i64> = events.iter().map(|e| e.created_at).collect();
            self.config
                .limits
                .check_phone(&sends, now_micros())
                .map_err(Refusal::from)?;
            match self.store.append(&aggregate, "", expected, &reserved).await {
                Ok(_) => return Ok(()),
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(store_failed(e)),
            }
        }
        Err(Status::aborted(
            "the phone number was used concurrently too often; try again",
        ))
    }

    /// Hands a freshly added code to the notifier and records that it was sent, unless a newer
    /// code replaced it meanwhile.
    async fn send_code(&self, user_id: &str, phone: &str, code: String, added: &mut Appended) {
        let Some(code_sequence) = added.events.last().map(|e| e.sequence) else {
            return;
        };
        let sms = Sms {
            user_id: user_id.to_string(),
            phone: phone.to_string(),
            code,
        };
        if let Err(e) = self.notifier.send(&sms).await {
            tracing::error!(user = user_id, error = %e, "could not send the verification code");
            return;
        }
        let sent = self
            .execute(user_id, |aggregate, _| {
                let current = aggregate
                    .user
                    .as_ref()
                    .and_then(|u| u.phone.as_ref())
                    .and_then(|p| p.code.as_ref());
                Ok(match current {
                    Some(c) if c.sequence == code_sequence && !c.sent => {
                        Decision::append(vec![UserEvent::PhoneCodeSent])
                    }
                    _ => Decision::append(Vec::new()),
                })
            })
            .await;
        match sent {
            Ok((sent, ())) => added.events.extend(sent.events),
            Err(e) => tracing::warn!(user = user_id, error = %e, "could not record code.sent"),
        }
    }

    fn new_code(&self, user_id: &str) -> (String, UserEvent) {
        let code = code::generate();
        let event = UserEvent::PhoneCodeAdded {
            code_hash: self.codes.hash(user_id, &code),
            expiry: self.config.code_expiry,
        };
        (code, event)
    }
}

/// The caller's user id and organisation.
fn caller(ctx: &RequestContext) -> Result<(&str, Option<&str>), PhoneError> {
    match &ctx.caller {
        Some(c) if !c.subject.is_empty() => Ok((c.subject.as_str(), c.org.as_deref())),
        _ => Err(errors::USER_ID_MISSING),
    }
}

/// The user, if it exists in the caller's organisation (ZITADEL scopes users by it).
fn user_in<'a>(aggregate: &'a Aggregate, org: Option<&str>) -> Result<&'a User, PhoneError> {
    aggregate
        .user
        .as_ref()
        .filter(|u| org.is_none_or(|org| u.resource_owner == org))
        .ok_or(errors::USER_NOT_FOUND)
}

/// The number in E.164 form: `+` and 7 to 15 digits, after dropping the spaces, dots, dashes
/// and parentheses people write numbers with.
pub fn normalize_phone(input: &str) -> Option<String> {
    let rest = input.trim().strip_prefix('+')?;
    let mut number = String::from("+");
    for c in rest.chars() {
        match c {
            '0'..='9' => number.push(c),
            ' ' | '.' | '-' | '(' | ')' => {}
            _ => return None,
        }
    }
    let digits = number.len() - 1;
    let plausible = (7..=15).contains(&digits) && !number.starts_with("+0");
    plausible.then_some(number)
}

fn internal(error: impl std::fmt::Display) -> Status {
    tracing::error!(%error, "storage failed");
    Status::internal("internal error")
}

/// The answer to a failed store call: the database's condition with its own code and a
/// message saying what it is (logged as a warning: it is the database's state, not a bug),
/// anything else INTERNAL.
fn store_failed(error: StoreError) -> Status {
    let answer = match error.fault() {
        Some(StoreFault::Unavailable) => errors::STORE_UNAVAILABLE,
        Some(StoreFault::Full) => errors::STORE_FULL,
        Some(StoreFault::ReadOnly) => errors::STORE_READ_ONLY,
        None => return internal(error),
    };
    tracing::warn!(%error, id = answer.id, "database fault: {}", answer.text);
    answer.status()
}

impl<S: EventStore, N: Notifier> AuthServiceHandler for Phones<S, N> {
    async fn healthz(
        &self,
        _: &RequestContext,
        _: HealthzRequest,
    ) -> Result<HealthzResponse, Status> {
        Ok(HealthzResponse {})
    }

    async fn get_my_phone(
        &self,
        ctx: &RequestContext,
        _: GetMyPhoneRequest,
    ) -> Result<GetMyPhoneResponse, Status> {
        let (user_id, org) = caller(ctx)?;
        let aggregate = self.load(user_id).await?;
        let user = user_in(&aggregate, org)?;
        Ok(GetMyPhoneResponse {
            details: Some(ObjectDetails {
                sequence: aggregate.sequence,
                creation_date: Some(timestamp(user.created_at)),
                change_date: Some(timestamp(user.changed_at)),
                resource_owner: user.resource_owner.clone(),
            }),
            phone: user.phone.as_ref().map(|p| PhoneMessage {
                phone: p.number.clone(),
                is_phone_verified: p.verified,
            }),
        })
    }

    async fn set_my_phone(
        &self,
        ctx: &RequestContext,
        request: SetMyPhoneRequest,
    ) -> Result<SetMyPhoneResponse, Status> {
        let (user_id, org) = caller(ctx)?;
        let phone = normalize_phone(&request.phone).ok_or(errors::PHONE_INVALID)?;
        let (code, code_added) = self.new_code(user_id);
        let limits = self.config.limits;
        let decide = |aggregate: &Aggregate, now: i64| {
            let user = user_in(aggregate, org)?;
            if user.phone.as_ref().is_some_and(|p| p.number == phone) {
                return Err(errors::PHONE_NOT_CHANGED.into());
            }
            limits.check_user(&user.code_sends, now)?;
            Ok(Decision::append(vec![
                UserEvent::PhoneChanged {
                    phone: phone.clone(),
                },
                code_added.clone(),
            ]))
        };
        self.precheck(user_id, &decide).await?;
        self.reserve_send(&phone).await?;
        let (mut appended, ()) = self.execute(user_id, &decide).await?;
        self.send_code(user_id, &phone, code, &mut appended).await;
        Ok(SetMyPhoneResponse {
            details: appended.details(),
        })
    }

    async fn verify_my_phone(
        &self,
        ctx: &RequestContext,
        request: VerifyMyPhoneRequest,
    ) -> Result<VerifyMyPhoneResponse, Status> {
        let (user_id, org) = caller(ctx)?;
        if request.code.is_empty() {
            return Err(errors::CODE_EMPTY.into());
        }
        let max_attempts = self.config.max_attempts;
        let (appended, ()) = self
            .execute(user_id, |aggregate, now| {
                let user = user_in(aggregate, org)?;
                let pending = user
                    .phone
                    .as_ref()
                    .and_then(|p| p.code.as_ref())
                    .ok_or(errors::CODE_NOT_FOUND)?;
                if pending.invalidated || pending.failures >= max_attempts {
                    return Err(errors::CODE_LOCKED.into());
                }
                // Compare first and check expiry after, so both cost the same.
                let matches = self.codes.matches(user_id, &request.code, &pending.hash);
                if matches && !pending.is_expired(now) {
                    return Ok(Decision::append(vec![UserEvent::PhoneVerified]));
                }
                let mut events = vec![UserEvent::PhoneVerificationFailed];
                let answer = if pending.failures + 1 >= max_attempts {
                    events.push(UserEvent::PhoneCodeInvalidated);
                    errors::CODE_LOCKED
                } else {
                    errors::CODE_INVALID
                };
                Ok(Decision {
                    events,
                    answer: Err(answer),
                })
            })
            .await?;
        Ok(VerifyMyPhoneResponse {
            details: appended.details(),
        })
    }

    async fn resend_my_phone_verification(
        &self,
        ctx: &RequestContext,
        _: ResendMyPhoneVerificationRequest,
    ) -> Result<ResendMyPhoneVerificationResponse, Status> {
        let (user_id, org) = caller(ctx)?;
        let (code, code_added) = self.new_code(user_id);
        let limits = self.config.limits;
        let decide = |aggregate: &Aggregate, now: i64| {
            let user = user_in(aggregate, org)?;
            let p = user.phone.as_ref().ok_or(errors::PHONE_NOT_FOUND)?;
            if p.verified {
                return Err(errors::PHONE_ALREADY_VERIFIED.into());
            }
            limits.check_user(&user.code_sends, now)?;
            Ok(Decision {
                events: vec![code_added.clone()],
                answer: Ok(p.number.clone()),
            })
        };
        let number = self.precheck(user_id, &decide).await?;
        self.reserve_send(&number).await?;
        let (mut appended, phone) = self.execute(user_id, &decide).await?;
        self.send_code(user_id, &phone, code, &mut appended).await;
        Ok(ResendMyPhoneVerificationResponse {
            details: appended.details(),
        })
    }

    async fn remove_my_phone(
        &self,
        ctx: &RequestContext,
        _: RemoveMyPhoneRequest,
    ) -> Result<RemoveMyPhoneResponse, Status> {
        let (user_id, org) = caller(ctx)?;
        let (appended, ()) = self
            .execute(user_id, |aggregate, _| {
                let user = user_in(aggregate, org)?;
                user.phone.as_ref().ok_or(errors::PHONE_NOT_FOUND)?;
                Ok(Decision::append(vec![UserEvent::PhoneRemoved]))
            })
            .await?;
        Ok(RemoveMyPhoneResponse {
            details: appended.details(),
        })
    }
}

#[cfg(test)]
mod tests;
