//! The event store: an append-only log per user aggregate, and the SMS outbox.
//!
//! The phone state is never stored; it is folded from the events on every command
//! ([`crate::state`]). [`EventStore::append`] is the only write path for events and refuses to
//! append on top of a state the writer did not see, which is what makes concurrent commands
//! on one user safe without locks.

mod fault;
mod sql;

use std::future::Future;

pub use fault::StoreFault;
pub(crate) use sql::redact;
pub use sql::{Dialect, SqlStore, StoreOptions};

/// An event as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedEvent {
    /// Position in its aggregate: 1, 2, 3, … without gaps.
    pub sequence: u64,
    /// The event's name, e.g. `user.human.phone.verified`.
    pub event_type: String,
    /// The organisation owning the aggregate.
    pub resource_owner: String,
    /// The event's fields as JSON.
    pub payload: String,
    /// When it was appended, in microseconds since the Unix epoch.
    pub created_at: i64,
}

/// An event to append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvent {
    /// The event's name.
    pub event_type: &'static str,
    /// The event's fields as JSON.
    pub payload: String,
}

/// One SMS handed to the outbox notifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxMessage {
    /// The user the code was created for.
    pub user_id: String,
    /// The number the message goes to.
    pub phone: String,
    /// The verification code, in clear: the outbox stands in for the SMS gateway.
    pub code: String,
    /// The text of the message.
    pub message: String,
    /// When it was written, in microseconds since the Unix epoch.
    pub created_at: i64,
}

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another writer appended to the aggregate after the state the caller decided on.
    #[error("aggregate {aggregate} changed concurrently (expected sequence {expected})")]
    Conflict {
        /// The aggregate.
        aggregate: String,
        /// The sequence the caller expected to be the last one.
        expected: u64,
    },
    /// The URL names a database this store does not speak.
    #[error("unsupported database URL (expected sqlite:… or postgres://…): {0}")]
    UnsupportedUrl(String),
    /// A stored value is out of range or malformed.
    #[error("corrupt row in {table}: {reason}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Where events and outbox messages live.
pub trait EventStore: Send + Sync + 'static {
    /// Every event of `aggregate`, in sequence order (empty if it has none).
    fn load(
        &self,
        aggregate: &str,
    ) -> impl Future<Output = Result<Vec<RecordedEvent>, StoreError>> + Send;

    /// Appends `events` after sequence `expected` in one transaction, all or none, and returns
    /// them as stored. [`StoreError::Conflict`] when the aggregate's last sequence is no longer
    /// `expected`.
    fn append(
        &self,
        aggregate: &str,
        resource_owner: &str,
        expected: u64,
        events: &[NewEvent],
    ) -> impl Future<Output = Result<Vec<RecordedEvent>, StoreError>> + Send;

    /// Writes one SMS to the outbox.
    fn push_outbox(
        &self,
        message: &OutboxMessage,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every outbox message, oldest first.
    fn outbox(&self) -> impl Future<Output = Result<Vec<OutboxMessage>, StoreError>> + Send;
}

/// Now, in microseconds since the Unix epoch.
pub fn now_micros() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_micros()).unwrap_or(i64::MAX)
}

/// A store time as a protobuf timestamp.
pub fn timestamp(micros: i64) -> protogate::wkt::Timestamp {
    protogate::wkt::Timestamp {
        seconds: micros.div_euclid(1_000_000),
        nanos: (micros.rem_euclid(1_000_000) * 1_000) as i32,
    }
}
