//! Which store failures are the database's condition rather than a bug: the database out of
//! reach, full, or read-only. The handler answers these with their own codes (see
//! [`crate::errors`]) instead of INTERNAL, so clients know to retry or to call an operator.

use super::StoreError;

/// A condition of the database that makes a request fail through no fault of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreFault {
    /// No connection could be had or kept: the server is down, restarting or unreachable,
    /// every connection stayed busy past the acquire timeout, or (SQLite) another process held
    /// the write lock past the busy timeout.
    Unavailable,
    /// The database cannot grow: the disk is full (SQLite `SQLITE_FULL`, also hit at
    /// `max_page_count`; PostgreSQL `53100 disk_full`).
    Full,
    /// The database refuses writes: a read-only file, directory or file system (SQLite
    /// `SQLITE_READONLY`; PostgreSQL `25006 read_only_sql_transaction`, e.g. a standby).
    ReadOnly,
}

/// SQLite's primary result codes (the low byte of an extended code).
/// `SQLITE_BUSY`: another process held the write lock past the busy timeout.
const SQLITE_BUSY: u32 = 5;
const SQLITE_READONLY: u32 = 8;
const SQLITE_FULL: u32 = 13;
/// `SQLITE_CANTOPEN`: the file (or its `-wal`/`-shm`) cannot be opened, e.g. after its
/// directory became unreachable.
const SQLITE_CANTOPEN: u32 = 14;

impl StoreError {
    /// The database condition behind this error, if it is one.
    pub fn fault(&self) -> Option<StoreFault> {
        let StoreError::Database(error) = self else {
            return None;
        };
        match error {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => Some(StoreFault::Unavailable),
            sqlx::Error::Database(db) => {
                let code = db.code()?;
                if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                    sqlite_fault(&code)
                } else {
                    postgres_fault(&code)
                }
            }
            _ => None,
        }
    }
}

/// The fault behind a SQLite extended result code.
fn sqlite_fault(code: &str) -> Option<StoreFault> {
    match code.parse::<u32>().ok()? & 0xff {
        SQLITE_FULL => Some(StoreFault::Full),
        SQLITE_READONLY => Some(StoreFault::ReadOnly),
        SQLITE_BUSY | SQLITE_CANTOPEN => Some(StoreFault::Unavailable),
        _ => None,
    }
}

/// The fault behind a PostgreSQL SQLSTATE.
fn postgres_fault(code: &str) -> Option<StoreFault> {
    match code {
        "53100" => Some(StoreFault::Full),
        "25006" => Some(StoreFault::ReadOnly),
        // Class 08: connection exceptions; 57P01–57P05: the server is shutting down, crashed,
        // cannot accept connections now, the database was dropped, an idle session timed out;
        // 53300: too many connections.
        _ if code.starts_with("08") || code.starts_with("57P") || code == "53300" => {
            Some(StoreFault::Unavailable)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_codes_are_read_from_their_primary_byte() {
        assert_eq!(sqlite_fault("13"), Some(StoreFault::Full));
        assert_eq!(sqlite_fault("8"), Some(StoreFault::ReadOnly));
        // SQLITE_READONLY_DBMOVED and SQLITE_READONLY_DIRECTORY are read-only too.
        assert_eq!(sqlite_fault("1032"), Some(StoreFault::ReadOnly));
        assert_eq!(sqlite_fault("1544"), Some(StoreFault::ReadOnly));
        assert_eq!(sqlite_fault("14"), Some(StoreFault::Unavailable));
        assert_eq!(sqlite_fault("5"), Some(StoreFault::Unavailable));
        // SQLITE_CONSTRAINT_PRIMARYKEY is no fault of the database.
        assert_eq!(sqlite_fault("1555"), None);
    }

    #[test]
    fn postgres_states_name_outages_full_disks_and_standbys() {
        for code in ["08006", "08001", "57P01", "57P02", "57P03", "53300"] {
            assert_eq!(
                postgres_fault(code),
                Some(StoreFault::Unavailable),
                "{code}"
            );
        }
        assert_eq!(postgres_fault("53100"), Some(StoreFault::Full));
        assert_eq!(postgres_fault("25006"), Some(StoreFault::ReadOnly));
        assert_eq!(postgres_fault("23505"), None);
        assert_eq!(postgres_fault("42P01"), None);
    }

    #[test]
    fn lost_connections_and_pool_timeouts_are_outages() {
        let io = StoreError::Database(sqlx::Error::Io(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset,
        )));
        assert_eq!(io.fault(), Some(StoreFault::Unavailable));
        let timeout = StoreError::Database(sqlx::Error::PoolTimedOut);
        assert_eq!(timeout.fault(), Some(StoreFault::Unavailable));
        let conflict = StoreError::Conflict {
            aggregate: "u".into(),
            expected: 1,
        };
        assert_eq!(conflict.fault(), None);
        let missing = StoreError::Database(sqlx::Error::RowNotFound);
        assert_eq!(missing.fault(), None);
    }

    #[tokio::test]
    async fn a_sqlite_store_at_its_page_limit_is_full_and_keeps_what_it_had() {
        use crate::store::{EventStore as _, NewEvent, SqlStore, StoreOptions};
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/t.db?mode=rwc", dir.path().display());
        let options = StoreOptions {
            sqlite_max_pages: 64,
            ..StoreOptions::default()
        };
        let store = SqlStore::connect_with(&url, &options)
            .await
            .expect("connect");
        let big = NewEvent {
            event_type: "big",
            payload: "x".repeat(16 * 1024),
        };
        let mut written = 0;
        let error = loop {
            match store
                .append("u", "o", written, std::slice::from_ref(&big))
                .await
            {
                Ok(_) => written += 1,
                Err(e) => break e,
            }
            assert!(written < 1000, "64 pages never filled up");
        };
        assert_eq!(error.fault(), Some(StoreFault::Full), "{error}");
        assert!(written > 0);
        assert_eq!(
            store.load("u").await.expect("reads still work").len() as u64,
            written
        );
    }
}
