//! SQLite on a full disk and on a read-only store: writes are refused with a clear error
//! (RESOURCE_EXHAUSTED "STORE-Full", REST 429; UNAVAILABLE "STORE-RdOnl", REST 503) and a log
//! line, reads go on, nothing written before is lost, the file passes `PRAGMA integrity_check`,
//! and the server writes again once space or write access is back.
//!
//! The full disk is SQLite's own `max_page_count` (the server's `--sqlite-max-pages`): a write
//! past it fails with SQLITE_FULL, the very error a full file system gives, without needing
//! root for a small file system. Space comes back the way an operator frees it: a ballast
//! table, filled before the server started, is dropped, and SQLite reuses its pages.

use std::time::Duration;

use sqlx::{Connection as _, Executor as _, Row as _, SqliteConnection};

use crate::common::{path_str, Backend, Call, Env, Failure, Protocol};

const RESOURCE_EXHAUSTED: i32 = 8;
const UNAVAILABLE: i32 = 14;

async fn open(env: &Env, mode: &str) -> SqliteConnection {
    let file = env.data_dir().join("verify-phone.db");
    let url = format!("sqlite://{}?mode={mode}", path_str(&file));
    let mut db = SqliteConnection::connect(&url)
        .await
        .expect("open the file");
    db.execute("PRAGMA busy_timeout = 5000")
        .await
        .expect("busy timeout");
    db
}

async fn integrity(env: &Env) -> String {
    let mut db = open(env, "ro").await;
    let row = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await
        .expect("integrity_check");
    row.get(0)
}

async fn event_count(env: &Env, user: &str) -> i64 {
    let mut db = open(env, "ro").await;
    sqlx::query("SELECT count(*) FROM events WHERE aggregate_id = ?")
        .bind(user)
        .fetch_one(&mut db)
        .await
        .expect("count")
        .get(0)
}

fn refused(f: &Failure, code: i32, http: u16, id: &str) {
    assert_eq!(f.code, code, "{f:?}");
    if let Some(status) = f.http {
        assert_eq!(status, http, "{f:?}");
    }
    let (detail_id, text) = f.detail.clone().expect("an ErrorDetail");
    assert_eq!(detail_id, id, "{f:?}");
    assert_eq!(f.message, format!("{text} ({id})"));
}

/// `user` sets a number and verifies it with the code from the outbox.
async fn set_and_verify(env: &Env, api: &mut crate::common::Api, user: &str, phone: &str) {
    api.call(Call::Set(phone.into())).await.expect("set");
    let code = env.last_code(user).await;
    api.call(Call::Verify(code)).await.expect("verify");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_sqlite_disk_refuses_writes_keeps_the_data_and_recovers_when_space_is_freed() {
    let env = Env::new(Backend::Sqlite).await.expect("environment");
    let token = env.user("kept", "o").await;
    let filler = env.user("filler", "o").await;
    // The ballast an operator keeps to free in an emergency: 256 pages.
    let pages: i64 = {
        let mut db = open(&env, "rw").await;
        db.execute("CREATE TABLE ballast (b BLOB)")
            .await
            .expect("ballast");
        db.execute("INSERT INTO ballast VALUES (zeroblob(1024 * 1024))")
            .await
            .expect("ballast");
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .expect("checkpoint");
        sqlx::query("PRAGMA page_count")
            .fetch_one(&mut db)
            .await
            .expect("page_count")
            .get(0)
    };
    let limit = (pages + 16).to_string();
    let server = env.start(&["--sqlite-max-pages", &limit]).await;
    let mut kept = server.api(Protocol::Rest, Some(&token)).await;
    set_and_verify(&env, &mut kept, "kept", "+41791000001").await;
    let kept_events = event_count(&env, "kept").await;

    // Fill the rest of the file with phone changes until a write is refused.
    let mut rest = server.api(Protocol::Rest, Some(&filler)).await;
    let mut grpc = server.api(Protocol::Grpc, Some(&filler)).await;
    let mut n = 0;
    let full = loop {
        n += 1;
        assert!(n < 5000, "the database never filled up");
        match rest.call(Call::Set(format!("+4178{n:07}"))).await {
            Ok(_) => continue,
            Err(f) => break f,
        }
    };
    refused(&full, RESOURCE_EXHAUSTED, 429, "STORE-Full");
    let full = grpc
        .call(Call::Set("+41770000001".into()))
        .await
        .expect_err("still full");
    refused(&full, RESOURCE_EXHAUSTED, 429, "STORE-Full");
    let full = kept
        .call(Call::Set("+41791000002".into()))
        .await
        .expect_err("still full");
    refused(&full, RESOURCE_EXHAUSTED, 429, "STORE-Full");

    // Reads go on, and what was written before is intact.
    let phone = kept.call(Call::Get).await.expect("reads work when full");
    assert_eq!(phone["phone"]["phone"], "+41791000001");
    assert_eq!(phone["phone"]["isPhoneVerified"], true);
    assert_eq!(event_count(&env, "kept").await, kept_events);
    assert_eq!(integrity(&env).await, "ok");
    let log = server.log_text();
    assert!(
        log.contains("database fault") && log.contains("STORE-Full"),
        "a log line says the database is full; log:\n{log}"
    );

    // Space comes back: the ballast is dropped while the server runs, and it writes again.
    open(&env, "rw")
        .await
        .execute("DROP TABLE ballast")
        .await
        .expect("drop the ballast");
    set_and_verify(&env, &mut kept, "kept", "+41791000003").await;
    grpc.call(Call::Set("+41770000002".into()))
        .await
        .expect("writes work again");
    server.stop().await;
    assert_eq!(integrity(&env).await, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_sqlite_store_refuses_writes_serves_reads_and_recovers_when_writable() {
    let mut env = Env::new(Backend::Sqlite).await.expect("environment");
    let token = env.user("kept", "o").await;
    let server = env.start(&[]).await;
    let mut api = server.api(Protocol::Grpc, Some(&token)).await;
    set_and_verify(&env, &mut api, "kept", "+41791000001").await;
    server.stop().await;
    let kept_events = event_count(&env, "kept").await;

    // The same file, read-only, as on a file system remounted read-only. The server opens it
    // with mode=ro: file permissions would not hold against root, mode=ro holds for anyone.
    let file = env.data_dir().join("verify-phone.db");
    env.database_url = Some(format!("sqlite://{}?mode=ro", path_str(&file)));
    let server = env.start(&[]).await;
    for protocol in [Protocol::Rest, Protocol::Grpc] {
        let mut api = server.api(protocol, Some(&token)).await;
        let phone = api.call(Call::Get).await.expect("reads work");
        assert_eq!(phone["phone"]["isPhoneVerified"], true);
        let refusal = api
            .call(Call::Set("+41791000002".into()))
            .await
            .expect_err("read-only");
        refused(&refusal, UNAVAILABLE, 503, "STORE-RdOnl");
    }
    let log = server.log_text();
    assert!(
        log.contains("database fault") && log.contains("STORE-RdOnl"),
        "a log line says the database is read-only; log:\n{log}"
    );
    server.stop().await;
    assert_eq!(event_count(&env, "kept").await, kept_events);
    assert_eq!(integrity(&env).await, "ok");

    // Writable again: the server writes.
    env.database_url = None;
    let server = env.start(&[]).await;
    let mut api = server.api(Protocol::Rest, Some(&token)).await;
    tokio::time::timeout(
        Duration::from_secs(30),
        set_and_verify(&env, &mut api, "kept", "+41791000003"),
    )
    .await
    .expect("the flow finishes");
    server.stop().await;
    assert_eq!(integrity(&env).await, "ok");
}
