//! PostgreSQL stopped and started again, repeatedly, under clients running the phone flow over
//! REST and gRPC: no acknowledged write is lost, the server answers UNAVAILABLE (REST 503)
//! within a bound while the database is down, and serves again within 2 s of the database
//! accepting connections, without a restart of its own.
//!
//! The test runs its own PostgreSQL cluster (`initdb` and `pg_ctl` in a temporary directory),
//! so that stopping it disturbs no other test. Without the PostgreSQL binaries it passes as
//! skipped, like the other `postgres::` cases, unless TEST_DATABASE_URL is set (as
//! `scripts/test.sh` does, having installed PostgreSQL): then it fails.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::{Connection as _, PgConnection, Row as _};

use crate::common::pg_cluster::{PgCluster, StopMode};
use crate::common::{postgres_url, Call, Env, Failure, Protocol};

const UNAVAILABLE: i32 = 14;
/// The server's `--database-timeout`.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);
/// The longest any call may take, outage or not: a call that had its connection when the
/// database went away may wait for the database twice (its append, then the outbox) before
/// it answers.
const CALL_BOUND: Duration = Duration::from_secs(10);
/// How soon after the database accepts connections again the server must serve.
const RECOVERY_BOUND: Duration = Duration::from_secs(2);
const RESTARTS: usize = 4;

/// A write the server acknowledged: the user, the sequence it answered, and what it was.
#[derive(Clone, Debug)]
enum Acked {
    PhoneSet {
        user: String,
        phone: String,
        sequence: i64,
    },
    Verified {
        user: String,
        sequence: i64,
    },
}

#[derive(Default)]
struct Record {
    acked: Vec<Acked>,
    unavailable: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_postgres_restarts_and_outages_answer_unavailable() {
    let Some(bin) = PgCluster::binaries() else {
        assert!(
            postgres_url().is_none(),
            "TEST_DATABASE_URL is set but initdb and pg_ctl were not found \
             (set PG_BIN_DIR or install PostgreSQL)"
        );
        eprintln!("skipped: no PostgreSQL binaries (initdb, pg_ctl)");
        return;
    };
    let cluster = Arc::new(PgCluster::start(&bin).expect("a private PostgreSQL cluster"));
    let mut env = Env::new(crate::common::Backend::Sqlite)
        .await
        .expect("environment");
    env.database_url = Some(cluster.url());

    let users: Vec<(String, Protocol)> = (0..4)
        .map(|i| {
            let protocol = if i % 2 == 0 {
                Protocol::Rest
            } else {
                Protocol::Grpc
            };
            (format!("worker{i}"), protocol)
        })
        .collect();
    let mut tokens = Vec::new();
    for (user, _) in &users {
        tokens.push(env.user(user, "o").await);
    }
    let probe_token = env.user("probe", "o").await;
    let server = env.start(&["--database-timeout", "2s"]).await;

    let stop = Arc::new(AtomicBool::new(false));
    let record = Arc::new(Mutex::new(Record::default()));
    let mut workers = Vec::new();
    for (i, ((user, protocol), token)) in users.iter().zip(&tokens).enumerate() {
        let api = server.api(*protocol, Some(token)).await;
        workers.push(tokio::spawn(run_flow(
            api,
            user.clone(),
            i,
            cluster.url(),
            stop.clone(),
            record.clone(),
        )));
    }
    let mut probes = [
        server.api(Protocol::Rest, Some(&probe_token)).await,
        server.api(Protocol::Grpc, Some(&probe_token)).await,
    ];

    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut probe_number = 0u32;
    for restart in 0..RESTARTS {
        let mode = if restart % 2 == 0 {
            StopMode::Fast
        } else {
            StopMode::Immediate
        };
        let c = cluster.clone();
        tokio::task::spawn_blocking(move || c.stop_server(mode))
            .await
            .expect("join")
            .expect("pg_ctl stop");

        // Down: every probe is refused with UNAVAILABLE, and promptly.
        for api in &mut probes {
            for _ in 0..2 {
                probe_number += 1;
                let started = Instant::now();
                let answer = bounded(api.call(Call::Set(number(9, probe_number)))).await;
                let failure = answer.expect_err("no write can succeed while the database is down");
                assert_unavailable(&failure);
                assert!(
                    started.elapsed() <= DATABASE_TIMEOUT + Duration::from_secs(3),
                    "refused after {:?}, later than the database timeout allows",
                    started.elapsed()
                );
            }
        }

        let c = cluster.clone();
        tokio::task::spawn_blocking(move || c.start_server())
            .await
            .expect("join")
            .expect("pg_ctl start");
        let back = Instant::now();
        // Up again: the server serves within RECOVERY_BOUND, without a restart.
        loop {
            probe_number += 1;
            match bounded(probes[restart % 2].call(Call::Set(number(9, probe_number)))).await {
                Ok(_) => break,
                Err(f) => assert_unavailable(&f),
            }
            assert!(
                back.elapsed() <= RECOVERY_BOUND,
                "restart {restart} ({mode:?}): still failing {:?} after the database came back",
                back.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    let before_end = record.lock().expect("record").acked.len();
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.expect("a worker failed");
    }

    let record = std::mem::take(&mut *record.lock().expect("record"));
    assert!(
        record.acked.len() > before_end,
        "the flow made progress after the last restart"
    );
    assert!(
        record
            .acked
            .iter()
            .any(|a| matches!(a, Acked::Verified { .. })),
        "some verifications were acknowledged"
    );
    eprintln!(
        "{} acknowledged writes, {} UNAVAILABLE answers to the workers",
        record.acked.len(),
        record.unavailable
    );

    // Every acknowledged write is in the database.
    let mut db = PgConnection::connect(&cluster.url())
        .await
        .expect("connect");
    for acked in &record.acked {
        let (user, sequence) = match acked {
            Acked::PhoneSet { user, sequence, .. } | Acked::Verified { user, sequence } => {
                (user, *sequence)
            }
        };
        let rows = sqlx::query(
            "SELECT sequence, event_type, payload FROM events \
             WHERE aggregate_id = $1 AND sequence <= $2 ORDER BY sequence DESC",
        )
        .bind(user)
        .bind(sequence)
        .fetch_all(&mut db)
        .await
        .expect("events");
        let top: i64 = rows.first().map_or(0, |r| r.get(0));
        assert_eq!(top, sequence, "acknowledged {acked:?} is missing");
        match acked {
            Acked::Verified { .. } => {
                let event: String = rows[0].get(1);
                assert_eq!(event, "user.human.phone.verified", "{acked:?}");
            }
            Acked::PhoneSet { phone, .. } => {
                let changed = rows
                    .iter()
                    .find(|r| r.get::<String, _>(1) == "user.human.phone.changed");
                let payload: String = changed.expect("a phone.changed event").get(2);
                assert!(payload.contains(phone.as_str()), "{acked:?}: {payload}");
            }
        }
    }
    let log = server.log_text();
    assert!(
        log.contains("STORE-Unavl"),
        "the outages are logged; log:\n{log}"
    );
    server.stop().await;
}

/// One user's flow until `stop`: set a new number, read the code from the outbox, verify.
/// Every answer is a success or UNAVAILABLE; successes are recorded.
async fn run_flow(
    mut api: crate::common::Api,
    user: String,
    worker: usize,
    url: String,
    stop: Arc<AtomicBool>,
    record: Arc<Mutex<Record>>,
) {
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let phone = number(worker, n);
        let set = match bounded(api.call(Call::Set(phone.clone()))).await {
            Ok(answer) => answer,
            Err(f) => {
                assert_unavailable(&f);
                record.lock().expect("record").unavailable += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        record.lock().expect("record").acked.push(Acked::PhoneSet {
            user: user.clone(),
            phone: phone.clone(),
            sequence: sequence_of(&set),
        });
        // The SMS is written after the answer's events; when the database went away in
        // between, there is none, and the next round sets another number.
        let Some(code) = code_in_outbox(&url, &user, &phone).await else {
            continue;
        };
        match bounded(api.call(Call::Verify(code))).await {
            Ok(verified) => record.lock().expect("record").acked.push(Acked::Verified {
                user: user.clone(),
                sequence: sequence_of(&verified),
            }),
            Err(f) => {
                assert_unavailable(&f);
                record.lock().expect("record").unavailable += 1;
            }
        }
    }
}

/// The code sent to `user` for `phone`, read straight from the database (retrying while it is
/// down), or `None` when none came within a few seconds.
async fn code_in_outbox(url: &str, user: &str, phone: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(mut db) = PgConnection::connect(url).await {
            let row = sqlx::query(
                "SELECT code FROM outbox WHERE user_id = $1 AND phone = $2 \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(user)
            .bind(phone)
            .fetch_optional(&mut db)
            .await;
            if let Ok(Some(row)) = row {
                return Some(row.get(0));
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// A call that must answer within [`CALL_BOUND`].
async fn bounded<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(CALL_BOUND, call)
        .await
        .unwrap_or_else(|_| panic!("a call hung for more than {CALL_BOUND:?}"))
}

fn assert_unavailable(f: &Failure) {
    assert_eq!(f.code, UNAVAILABLE, "expected UNAVAILABLE, got {f:?}");
    if let Some(http) = f.http {
        assert_eq!(http, 503, "{f:?}");
    }
    let (id, text) = f.detail.clone().expect("an ErrorDetail");
    assert_eq!(id, "STORE-Unavl", "{f:?}");
    assert_eq!(f.message, format!("{text} ({id})"));
}

fn sequence_of(answer: &serde_json::Value) -> i64 {
    let sequence = &answer["details"]["sequence"];
    sequence
        .as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| sequence.as_i64())
        .unwrap_or_else(|| panic!("no sequence in {answer}"))
}

/// A distinct E.164 number per worker and round.
fn number(worker: usize, n: u32) -> String {
    format!("+4179{worker}{n:06}")
}
