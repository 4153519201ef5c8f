//! [`EventStore`] on SQLite or PostgreSQL through sqlx's `Any` driver: one set of queries,
//! one migration per dialect.

use std::borrow::Cow;
use std::time::Duration;

use futures_core::future::BoxFuture;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::{AnyPool, Executor, Row};

use super::{now_micros, EventStore, NewEvent, OutboxMessage, RecordedEvent, StoreError};

/// The SQL dialect behind a URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite (`sqlite:…`), in WAL mode.
    Sqlite,
    /// PostgreSQL (`postgres://…` or `postgresql://…`).
    Postgres,
}

impl Dialect {
    /// The dialect of `url`.
    pub fn of(url: &str) -> Result<Dialect, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Dialect::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Dialect::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(redact(url)))
        }
    }
}

/// How the store uses its database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreOptions {
    /// How long a request waits for a database connection (including reconnecting after the
    /// database restarted) before it fails with [`super::StoreFault::Unavailable`].
    pub acquire_timeout: Duration,
    /// SQLite only: the most pages (4 KiB each) the database file may have
    /// (`PRAGMA max_page_count`); a write that needs more fails as on a full disk. 0: SQLite's
    /// own limit.
    pub sqlite_max_pages: u32,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            acquire_timeout: Duration::from_secs(2),
            sqlite_max_pages: 0,
        }
    }
}

/// The store over a connection pool.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pool: AnyPool,
    dialect: Dialect,
}

impl SqlStore {
    /// Connects to `url` with the default [`StoreOptions`] and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<SqlStore, StoreError> {
        SqlStore::connect_with(url, &StoreOptions::default()).await
    }

    /// Connects to `url` and brings the schema up to date.
    ///
    /// Connections lost to a database restart are replaced on demand: every connection is
    /// pinged before a request gets it, a dead one is dropped, and a new one is opened (sqlx
    /// retries refused connections until the acquire timeout). So the store needs no restart
    /// after an outage, and during one a request fails after at most the acquire timeout.
    pub async fn connect_with(url: &str, options: &StoreOptions) -> Result<SqlStore, StoreError> {
        let dialect = Dialect::of(url)?;
        sqlx::any::install_default_drivers();
        let max_pages = options.sqlite_max_pages;
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(options.acquire_timeout)
            .test_before_acquire(true)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        // WAL lets readers run beside the one writer; FULL makes every
                        // acknowledged commit survive a crash of the process or the machine.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        if max_pages > 0 {
                            let pragma = format!("PRAGMA max_page_count = {max_pages}");
                            conn.execute(pragma.as_str()).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        Migrator::new(Embedded(dialect)).await?.run(&pool).await?;
        tracing::debug!(?dialect, "database ready");
        Ok(SqlStore { pool, dialect })
    }

    /// The dialect in use.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Closes the pool, waiting for connections in use.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl EventStore for SqlStore {
    async fn load(&self, aggregate: &str) -> Result<Vec<RecordedEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT sequence, event_type, resource_owner, payload, created_at \
             FROM events WHERE aggregate_id = $1 ORDER BY sequence",
        )
        .bind(aggregate)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(recorded_event).collect()
    }

    async fn append(
        &self,
        aggregate: &str,
        resource_owner: &str,
        expected: u64,
        events: &[NewEvent],
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let created_at = now_micros();
        let mut stored = Vec::with_capacity(events.len());
        // The first statement of the transaction is a write, so SQLite takes the write lock
        // right away and its busy timeout applies (a read first could fail with BUSY_SNAPSHOT).
        let mut tx = self.pool.begin().await?;
        for (offset, event) in (1u64..).zip(events) {
            let sequence = expected + offset;
            let inserted = sqlx::query(
                "INSERT INTO events \
                 (aggregate_id, sequence, event_type, resource_owner, payload, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(aggregate)
            .bind(to_i64(sequence)?)
            .bind(event.event_type)
            .bind(resource_owner)
            .bind(event.payload.as_str())
            .bind(created_at)
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => {}
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    return Err(StoreError::Conflict {
                        aggregate: aggregate.to_string(),
                        expected,
                    });
                }
                Err(e) => return Err(e.into()),
            }
            stored.push(RecordedEvent {
                sequence,
                event_type: event.event_type.to_string(),
                resource_owner: resource_owner.to_string(),
                payload: event.payload.clone(),
                created_at,
            });
        }
        tx.commit().await?;
        Ok(stored)
    }

    async fn push_outbox(&self, message: &OutboxMessage) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO outbox (user_id, phone, code, message, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(message.user_id.as_str())
        .bind(message.phone.as_str())
        .bind(message.code.as_str())
        .bind(message.message.as_str())
        .bind(message.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn outbox(&self) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows =
            sqlx::query("SELECT user_id, phone, code, message, created_at FROM outbox ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| {
                Ok(OutboxMessage {
                    user_id: row.try_get(0)?,
                    phone: row.try_get(1)?,
                    code: row.try_get(2)?,
                    message: row.try_get(3)?,
                    created_at: row.try_get(4)?,
                })
            })
            .collect()
    }
}

fn recorded_event(row: &AnyRow) -> Result<RecordedEvent, StoreError> {
    let sequence: i64 = row.try_get(0)?;
    Ok(RecordedEvent {
        sequence: u64::try_from(sequence).map_err(|_| StoreError::Corrupt {
            table: "events",
            reason: format!("negative sequence {sequence}"),
        })?,
        event_type: row.try_get(1)?,
        resource_owner: row.try_get(2)?,
        payload: row.try_get(3)?,
        created_at: row.try_get(4)?,
    })
}

fn to_i64(sequence: u64) -> Result<i64, StoreError> {
    i64::try_from(sequence).map_err(|_| StoreError::Corrupt {
        table: "events",
        reason: format!("sequence {sequence} out of range"),
    })
}

/// `url` without its password, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The migrations compiled into the binary, so it runs from any working directory.
#[derive(Debug)]
struct Embedded(Dialect);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> BoxFuture<'s, Result<Vec<Migration>, sqlx::error::BoxDynError>> {
        let sql = match self.0 {
            Dialect::Sqlite => include_str!("../../migrations/sqlite/0001_events_and_outbox.sql"),
            Dialect::Postgres => {
                include_str!("../../migrations/postgres/0001_events_and_outbox.sql")
            }
        };
        let migration = Migration::new(
            1,
            Cow::Borrowed("events and outbox"),
            MigrationType::Simple,
            Cow::Borrowed(sql),
            false,
        );
        Box::pin(async move { Ok(vec![migration]) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact("postgres://app:s3cret@127.0.0.1:5432/db"),
            "postgres://app:***@127.0.0.1:5432/db"
        );
        assert_eq!(redact("postgres://app@host/db"), "postgres://app@host/db");
        assert_eq!(redact("sqlite:data/x.db"), "sqlite:data/x.db");
    }

    #[test]
    fn dialects_follow_the_url_scheme() {
        assert_eq!(Dialect::of("sqlite:x.db").ok(), Some(Dialect::Sqlite));
        assert_eq!(
            Dialect::of("postgresql://h/db").ok(),
            Some(Dialect::Postgres)
        );
        assert!(Dialect::of("mysql://h/db").is_err());
    }

    #[tokio::test]
    async fn appends_on_a_stale_sequence_conflict_and_write_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/t.db?mode=rwc", dir.path().display());
        let store = SqlStore::connect(&url).await.expect("connect");
        let event = |t| NewEvent {
            event_type: t,
            payload: "{}".into(),
        };
        let first = store
            .append("u1", "o1", 0, &[event("a"), event("b")])
            .await
            .expect("append");
        assert_eq!(first.iter().map(|e| e.sequence).collect::<Vec<_>>(), [1, 2]);
        let stale = store.append("u1", "o1", 1, &[event("c"), event("d")]).await;
        assert!(matches!(
            stale,
            Err(StoreError::Conflict { expected: 1, .. })
        ));
        let events = store.load("u1").await.expect("load");
        assert_eq!(
            events
                .iter()
                .map(|e| e.event_type.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(store.load("u2").await.expect("load").is_empty());
    }
}
