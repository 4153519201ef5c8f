//! Where the users live: in memory ([`Phones`], the store of the throughput figures) or in a
//! SQLite database ([`SqlitePhones`], reported separately), behind one async API.
//!
//! Both run the same calls of [`logic`] in the same order: the request's own checks, the
//! caller's row looked up and its organisation compared, then what the call does to the row.
//! The in-memory store does it under its mutex; the SQLite one in a transaction that reads the
//! row and, when the call changed it, writes it back with an UPDATE. Nothing caches rows in
//! front of SQLite: every call reads, every change writes.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::Row;

use crate::logic::{
    self, seed_user, Details, PhoneError, PhoneState, PhoneView, Phones, User, UserState,
    STORE_FAILED,
};

/// Which store a server keeps its users in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum StoreKind {
    /// A mutex over a hash map: what the throughput figures measure.
    #[default]
    Memory,
    /// A SQLite database file in a fresh temporary directory, WAL mode.
    Sqlite,
}

impl StoreKind {
    /// The name on the command line and in reports.
    pub fn label(self) -> &'static str {
        match self {
            StoreKind::Memory => "memory",
            StoreKind::Sqlite => "sqlite",
        }
    }
}

/// The users, in one of the two stores.
#[derive(Debug)]
pub enum Store {
    /// In memory.
    Memory(Phones),
    /// In SQLite.
    Sqlite(SqlitePhones),
}

impl From<Phones> for Store {
    fn from(phones: Phones) -> Store {
        Store::Memory(phones)
    }
}

impl Store {
    /// `users` seeded users (see [`Phones::seeded`]) in a store of `kind`; a SQLite store
    /// lives in a fresh temporary directory, removed when the store is dropped.
    pub async fn seeded(kind: StoreKind, users: usize) -> Result<Store, String> {
        match kind {
            StoreKind::Memory => Ok(Store::Memory(Phones::seeded(users))),
            StoreKind::Sqlite => {
                let scratch = Scratch::new().map_err(|e| format!("temporary directory: {e}"))?;
                let file = scratch.0.join("phones.db");
                let mut phones = SqlitePhones::create(&file, users)
                    .await
                    .map_err(|e| format!("{}: {e}", file.display()))?;
                phones.scratch = Some(scratch);
                Ok(Store::Sqlite(phones))
            }
        }
    }

    /// How many calls reached the logic.
    pub fn calls(&self) -> u64 {
        match self {
            Store::Memory(phones) => phones.calls(),
            Store::Sqlite(phones) => phones.calls.load(Ordering::Relaxed),
        }
    }

    // The in-memory arms stay synchronous; the SQLite futures are boxed so that their size
    // does not grow the handlers' futures on the in-memory path.

    /// VerifyMyPhone, after the request passed validation.
    pub async fn verify(&self, user: Option<&User>, code: &str) -> Result<Details, PhoneError> {
        match self {
            Store::Memory(phones) => phones.verify(user, code),
            Store::Sqlite(phones) => Box::pin(phones.verify(user, code)).await,
        }
    }

    /// GetMyPhone.
    pub async fn get(
        &self,
        user: Option<&User>,
    ) -> Result<(Details, Option<PhoneView>), PhoneError> {
        match self {
            Store::Memory(phones) => phones.get(user),
            Store::Sqlite(phones) => Box::pin(phones.get(user)).await,
        }
    }

    /// SetMyPhone, after validation.
    pub async fn set(&self, user: Option<&User>, phone: &str) -> Result<Details, PhoneError> {
        match self {
            Store::Memory(phones) => phones.set(user, phone),
            Store::Sqlite(phones) => Box::pin(phones.set(user, phone)).await,
        }
    }

    /// ResendMyPhoneVerification.
    pub async fn resend(&self, user: Option<&User>) -> Result<Details, PhoneError> {
        match self {
            Store::Memory(phones) => phones.resend(user),
            Store::Sqlite(phones) => Box::pin(phones.resend(user)).await,
        }
    }

    /// RemoveMyPhone.
    pub async fn remove(&self, user: Option<&User>) -> Result<Details, PhoneError> {
        match self {
            Store::Memory(phones) => phones.remove(user),
            Store::Sqlite(phones) => Box::pin(phones.remove(user)).await,
        }
    }
}

/// A directory of its own under the system's temporary directory, removed on drop.
#[derive(Debug)]
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Scratch> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "protogate-bench-sqlite-{}-{}-{}",
            std::process::id(),
            logic::now_micros(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let dir = std::env::temp_dir().join(name);
        // `create_dir`, not `create_dir_all`: it fails rather than reuse a directory.
        std::fs::create_dir(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// The users in a SQLite database, one row each, opened as the example opens its store: a
/// pool of 8 connections, WAL, `synchronous = FULL` (every acknowledged commit is on disk).
#[derive(Debug)]
pub struct SqlitePhones {
    pool: SqlitePool,
    calls: AtomicU64,
    scratch: Option<Scratch>,
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY NOT NULL,
    org TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    created INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    phone TEXT,
    verified INTEGER NOT NULL,
    code TEXT
)";

fn to_i64(value: u64) -> Result<i64, Failure> {
    i64::try_from(value).map_err(|_| format!("sequence {value} out of range").into())
}

fn bind_phone(state: &UserState) -> (Option<&str>, bool, Option<&str>) {
    match &state.phone {
        Some(p) => (Some(p.number.as_str()), p.verified, p.code.as_deref()),
        None => (None, false, None),
    }
}

fn read_row(row: &SqliteRow) -> Result<UserState, Failure> {
    let sequence: i64 = row.try_get("sequence")?;
    let number: Option<String> = row.try_get("phone")?;
    let verified: bool = row.try_get("verified")?;
    let code: Option<String> = row.try_get("code")?;
    Ok(UserState {
        org: row.try_get("org")?,
        sequence: u64::try_from(sequence).map_err(|_| format!("negative sequence {sequence}"))?,
        created: row.try_get("created")?,
        changed: row.try_get("changed")?,
        phone: number.map(|number| PhoneState {
            number,
            verified,
            code,
        }),
    })
}

impl SqlitePhones {
    /// Opens the database at `file` (created if missing) with the example's settings.
    pub async fn open(file: &Path) -> Result<SqlitePhones, Failure> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(file)
            .create_if_missing(true)
            // WAL lets readers run beside the one writer; FULL makes every acknowledged commit
            // survive a crash of the process or the machine (as generated-example/src/store).
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        sqlx::query(SCHEMA).execute(&pool).await?;
        Ok(SqlitePhones {
            pool,
            calls: AtomicU64::new(0),
            scratch: None,
        })
    }

    /// Opens `file` and seeds `users` users as [`Phones::seeded`] does, in one transaction.
    pub async fn create(file: &Path, users: usize) -> Result<SqlitePhones, Failure> {
        let phones = SqlitePhones::open(file).await?;
        let now = logic::now_micros();
        let mut tx = phones.pool.begin().await?;
        for i in 0..users {
            let state = UserState::seeded(i, now);
            let (phone, verified, code) = bind_phone(&state);
            sqlx::query(
                "INSERT INTO users (id, org, sequence, created, changed, phone, verified, code) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .bind(seed_user(i))
            .bind(state.org.as_str())
            .bind(to_i64(state.sequence)?)
            .bind(state.created)
            .bind(state.changed)
            .bind(phone)
            .bind(verified)
            .bind(code)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(phones)
    }

    /// Closes the pool (waits for its connections to close).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Runs `f` on the caller's row in a task of its own: a request cancelled halfway (its
    /// client gone) does not cancel the transaction, which ends with COMMIT either way. (A
    /// cancelled `begin_with` can leave a pooled sqlx connection inside a transaction that
    /// nobody ends, holding the write lock; the load tools cancel requests at every run's end.)
    async fn with_user<T: Send + 'static>(
        &self,
        user: Option<&User>,
        f: impl FnOnce(&mut UserState) -> Result<T, PhoneError> + Send + 'static,
    ) -> Result<T, PhoneError> {
        let user = logic::caller(user)?.clone();
        let pool = self.pool.clone();
        let done = tokio::spawn(async move { transact(&pool, &user, f).await });
        match done.await {
            Ok(Ok(result)) => result,
            Ok(Err(e)) => {
                eprintln!("sqlite store: {e}");
                Err(STORE_FAILED)
            }
            Err(e) => {
                eprintln!("sqlite store: {e}");
                Err(STORE_FAILED)
            }
        }
    }

    /// VerifyMyPhone, after the request passed validation.
    pub async fn verify(&self, user: Option<&User>, code: &str) -> Result<Details, PhoneError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        logic::check_verify(user, code)?;
        let code = code.to_string();
        self.with_user(user, move |state| logic::verify_state(state, &code))
            .await
    }

    /// GetMyPhone.
    pub async fn get(
        &self,
        user: Option<&User>,
    ) -> Result<(Details, Option<PhoneView>), PhoneError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.with_user(user, |state| Ok(logic::get_state(state)))
            .await
    }

    /// SetMyPhone, after validation.
    pub async fn set(&self, user: Option<&User>, phone: &str) -> Result<Details, PhoneError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        logic::check_set(phone)?;
        let phone = phone.to_string();
        self.with_user(user, move |state| logic::set_state(state, &phone))
            .await
    }

    /// ResendMyPhoneVerification.
    pub async fn resend(&self, user: Option<&User>) -> Result<Details, PhoneError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.with_user(user, logic::resend_state).await
    }

    /// RemoveMyPhone.
    pub async fn remove(&self, user: Option<&User>) -> Result<Details, PhoneError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.with_user(user, logic::remove_state).await
    }
}

/// Reads the caller's row, runs `f` on it and writes it back if `f` moved its sequence, in one
/// transaction.
async fn transact<T>(
    pool: &SqlitePool,
    user: &User,
    f: impl FnOnce(&mut UserState) -> Result<T, PhoneError>,
) -> Result<Result<T, PhoneError>, Failure> {
    // IMMEDIATE takes the write lock first, so SQLite's busy timeout covers the UPDATE
    // too (a deferred transaction that read first could fail with BUSY_SNAPSHOT); the
    // example gets the same by writing first.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let row = sqlx::query(
        "SELECT org, sequence, created, changed, phone, verified, code \
         FROM users WHERE id = ?1",
    )
    .bind(user.id.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let mut state = row.as_ref().map(read_row).transpose()?;
    let before = state.as_ref().map(|s| s.sequence);
    let result = logic::owned(state.as_mut(), user).and_then(f);
    if let Some(state) = state.as_ref().filter(|s| Some(s.sequence) != before) {
        let (phone, verified, code) = bind_phone(state);
        sqlx::query(
            "UPDATE users SET sequence = ?1, changed = ?2, phone = ?3, verified = ?4, \
             code = ?5 WHERE id = ?6",
        )
        .bind(to_i64(state.sequence)?)
        .bind(state.changed)
        .bind(phone)
        .bind(verified)
        .bind(code)
        .bind(user.id.as_str())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logic::{
        CODE_EMPTY, CODE_INVALID, CODE_NOT_FOUND, PHONE_INVALID, SEED_CODE, SEED_ORG,
        USER_ID_MISSING, USER_NOT_FOUND,
    };

    fn user(i: usize) -> User {
        User {
            id: seed_user(i),
            org: SEED_ORG.into(),
        }
    }

    /// Every test runs against both stores.
    async fn each_store(users: usize, test: impl AsyncFn(Store)) {
        for kind in [StoreKind::Memory, StoreKind::Sqlite] {
            let store = Store::seeded(kind, users).await.expect("store");
            test(store).await;
        }
    }

    #[tokio::test]
    async fn the_seeded_code_verifies_again_and_again() {
        each_store(2, async |phones| {
            let first = phones
                .verify(Some(&user(1)), SEED_CODE)
                .await
                .expect("verified");
            let second = phones
                .verify(Some(&user(1)), SEED_CODE)
                .await
                .expect("again");
            assert!(second.sequence > first.sequence);
            assert_eq!(first.resource_owner, SEED_ORG);
            assert!(first.creation.is_none());
        })
        .await;
    }

    #[tokio::test]
    async fn checks_keep_zitadels_order() {
        each_store(1, async |phones| {
            assert_eq!(phones.verify(None, "").await, Err(USER_ID_MISSING));
            assert_eq!(phones.verify(Some(&user(0)), "").await, Err(CODE_EMPTY));
            assert_eq!(
                phones.verify(Some(&user(7)), "X").await,
                Err(USER_NOT_FOUND)
            );
            assert_eq!(
                phones.verify(Some(&user(0)), "WRONG1").await,
                Err(CODE_INVALID)
            );
            phones.remove(Some(&user(0))).await.expect("removed");
            assert_eq!(
                phones.verify(Some(&user(0)), SEED_CODE).await,
                Err(CODE_NOT_FOUND)
            );
            let other_org = User {
                org: "elsewhere".into(),
                ..user(0)
            };
            assert_eq!(
                phones.get(Some(&other_org)).await.err(),
                Some(USER_NOT_FOUND)
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_set_phone_is_read_back() {
        each_store(1, async |phones| {
            phones
                .set(Some(&user(0)), "+41791112233")
                .await
                .expect("set");
            let (_, phone) = phones.get(Some(&user(0))).await.expect("get");
            assert_eq!(phone.expect("phone").phone, "+41791112233");
            assert_eq!(phones.set(Some(&user(0)), "+12").await, Err(PHONE_INVALID));
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_calls_cancelled_halfway_leave_no_transaction_open() {
        let store = Store::seeded(StoreKind::Sqlite, 4).await.expect("store");
        for round in 0..200u64 {
            // Dropped after 0–199 µs: before, during or after the transaction.
            let caller = user((round % 4) as usize);
            let call = store.verify(Some(&caller), SEED_CODE);
            let _ = tokio::time::timeout(Duration::from_micros(round), call).await;
        }
        let after = tokio::time::timeout(
            Duration::from_secs(10),
            store.verify(Some(&user(0)), SEED_CODE),
        )
        .await
        .expect("not stuck behind an open transaction");
        assert!(after.is_ok(), "{after:?}");
    }

    #[tokio::test]
    async fn sqlite_writes_reach_the_file() {
        let scratch = Scratch::new().expect("temporary directory");
        let file = scratch.0.join("phones.db");
        let writer = SqlitePhones::create(&file, 2).await.expect("created");
        writer
            .set(Some(&user(1)), "+41791112233")
            .await
            .expect("set");
        let wrong = writer.verify(Some(&user(0)), "WRONG1").await;
        assert_eq!(wrong, Err(CODE_INVALID));
        // A second pool on the same file, opened while the first one is still open, then
        // again after the first one closed: both read what the first one wrote.
        let reader = SqlitePhones::open(&file).await.expect("opened");
        let (details, phone) = reader.get(Some(&user(1))).await.expect("get");
        assert_eq!(phone.expect("phone").phone, "+41791112233");
        assert_eq!(details.sequence, 5);
        reader.close().await;
        writer.close().await;
        let reopened = SqlitePhones::open(&file).await.expect("reopened");
        let (details, _) = reopened.get(Some(&user(0))).await.expect("get");
        assert_eq!(
            details.sequence, 4,
            "the failed attempt's sequence was written"
        );
        let (_, phone) = reopened.get(Some(&user(1))).await.expect("get");
        assert_eq!(phone.expect("phone").phone, "+41791112233");
        reopened.close().await;
    }
}
