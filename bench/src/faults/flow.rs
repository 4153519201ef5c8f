//! The load of the `pg-restarts` run: clients running the phone flow (set a new number, read
//! the code from the outbox, verify) against `verify-phone`, each answer recorded with its
//! times, each acknowledged write kept for the check that none was lost.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use prost::Message as _;
use sqlx::{AnyConnection, Connection as _, Row as _};
use verify_phone::api::zitadel::auth::v1 as pb;

use crate::client::{string_field_1, Connection, Outcome, Protocol, Rpc, SET, VERIFY};

/// One answer (or transport failure) as a client saw it.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The protocol it went over.
    pub protocol: Protocol,
    /// When the call was sent.
    pub started: Instant,
    /// When its answer was complete.
    pub finished: Instant,
    /// `(HTTP status, gRPC code)`, or `None` when the connection failed.
    pub status: Option<(u16, i32)>,
}

impl Answer {
    /// Whether the call succeeded.
    pub fn ok(&self) -> bool {
        self.status == Some((200, 0))
    }

    /// How the answer is shown in the report: protocol, then the status as it came.
    pub fn label(&self) -> String {
        let protocol = match self.protocol {
            Protocol::Grpc => "gRPC",
            _ => "REST",
        };
        match (self.protocol, self.status) {
            (_, Some((200, 0))) => format!("{protocol} OK"),
            (Protocol::Grpc, Some((_, code))) => format!("{protocol} status {code}"),
            (_, Some((http, code))) => format!("{protocol} HTTP {http} (code {code})"),
            (_, None) => format!("{protocol} connection failed"),
        }
    }
}

/// A write the server acknowledged, with the sequence it answered.
#[derive(Clone, Debug)]
pub enum Acked {
    /// SetMyPhone.
    PhoneSet {
        /// The user.
        user: String,
        /// The number, in E.164.
        phone: String,
        /// The answer's `details.sequence`.
        sequence: i64,
    },
    /// VerifyMyPhone.
    Verified {
        /// The user.
        user: String,
        /// The answer's `details.sequence`.
        sequence: i64,
    },
}

/// What every client records.
#[derive(Debug, Default)]
pub struct Journal {
    /// Every answer.
    pub answers: Vec<Answer>,
    /// Every acknowledged write.
    pub acked: Vec<Acked>,
}

/// One client: a user, its token and its protocol.
pub struct Client {
    /// The server.
    pub addr: SocketAddr,
    /// The user.
    pub user: String,
    /// Its bearer token.
    pub token: String,
    /// REST over HTTP/1.1 or gRPC.
    pub protocol: Protocol,
    /// Makes this client's numbers distinct.
    pub index: usize,
    /// The database, for reading codes from the outbox.
    pub database_url: String,
}

impl Client {
    /// Runs the flow until `stop`.
    pub async fn run(self, stop: Arc<AtomicBool>, journal: Arc<Mutex<Journal>>) {
        let mut connection = None;
        let mut n = 0u32;
        while !stop.load(Ordering::Relaxed) {
            n += 1;
            let phone = format!("+4179{:02}{n:06}", self.index);
            let json = format!(r#"{{"phone":"{phone}"}}"#);
            let set = self
                .call(&mut connection, SET, &phone, &json, &journal)
                .await;
            let Some(sequence) = set else {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            };
            record(
                &journal,
                Acked::PhoneSet {
                    user: self.user.clone(),
                    phone: phone.clone(),
                    sequence,
                },
            );
            let Some(code) = code_in_outbox(&self.database_url, &self.user, &phone).await else {
                continue;
            };
            let json = format!(r#"{{"code":"{code}"}}"#);
            if let Some(sequence) = self
                .call(&mut connection, VERIFY, &code, &json, &journal)
                .await
            {
                record(
                    &journal,
                    Acked::Verified {
                        user: self.user.clone(),
                        sequence,
                    },
                );
            }
        }
    }

    /// One call; records its answer and returns the sequence of a success.
    async fn call(
        &self,
        connection: &mut Option<Connection>,
        rpc: Rpc,
        field: &str,
        json: &str,
        journal: &Mutex<Journal>,
    ) -> Option<i64> {
        let started = Instant::now();
        let outcome = self.send(connection, rpc, field, json).await;
        let answer = Answer {
            protocol: self.protocol,
            started,
            finished: Instant::now(),
            status: outcome.as_ref().map(|o| (o.http, o.code)),
        };
        let ok = answer.ok();
        if let Ok(mut journal) = journal.lock() {
            journal.answers.push(answer);
        }
        match outcome {
            Some(outcome) if ok => sequence_of(self.protocol, &outcome),
            Some(_) => None,
            None => {
                *connection = None;
                None
            }
        }
    }

    async fn send(
        &self,
        connection: &mut Option<Connection>,
        rpc: Rpc,
        field: &str,
        json: &str,
    ) -> Option<Outcome> {
        if connection.is_none() {
            *connection = Connection::open(self.addr, self.protocol.is_h2())
                .await
                .ok();
        }
        let open = connection.as_mut()?;
        let proto = string_field_1(field);
        let call = open.call(self.protocol, rpc, Some(&self.token), &proto, json);
        tokio::time::timeout(Duration::from_secs(30), call)
            .await
            .ok()?
            .ok()
    }
}

fn record(journal: &Mutex<Journal>, acked: Acked) {
    if let Ok(mut journal) = journal.lock() {
        journal.acked.push(acked);
    }
}

/// The `details.sequence` of a SetMyPhone or VerifyMyPhone answer (the two share the shape).
fn sequence_of(protocol: Protocol, outcome: &Outcome) -> Option<i64> {
    if protocol == Protocol::Grpc {
        let answer = pb::SetMyPhoneResponse::decode(outcome.body.clone()).ok()?;
        return i64::try_from(answer.details?.sequence).ok();
    }
    let answer: serde_json::Value = serde_json::from_slice(&outcome.body).ok()?;
    let sequence = &answer["details"]["sequence"];
    sequence
        .as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| sequence.as_i64())
}

/// The code sent to `user` for `phone`, read from the database (PostgreSQL or SQLite) (retrying while it is down),
/// or `None` when none came within a few seconds (the database went away between the answer
/// and the SMS).
async fn code_in_outbox(url: &str, user: &str, phone: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(mut db) = AnyConnection::connect(url).await {
            let row = sqlx::query(
                "SELECT code FROM outbox WHERE user_id = $1 AND phone = $2 \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(user)
            .bind(phone)
            .fetch_optional(&mut db)
            .await;
            let _ = db.close().await;
            if let Ok(Some(row)) = row {
                return row.try_get(0).ok();
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

/// The acknowledged writes missing from the database (PostgreSQL or SQLite): an event at each answered sequence, of
/// the right kind.
pub async fn lost_writes(url: &str, acked: &[Acked]) -> Result<Vec<Acked>, sqlx::Error> {
    let mut db = AnyConnection::connect(url).await?;
    let mut lost = Vec::new();
    for write in acked {
        let (user, sequence) = match write {
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
        .await?;
        let top: Option<i64> = rows.first().map(|r| r.get(0));
        let found = top == Some(sequence)
            && match write {
                Acked::Verified { .. } => {
                    rows[0].get::<String, _>(1) == "user.human.phone.verified"
                }
                Acked::PhoneSet { phone, .. } => rows.iter().any(|r| {
                    r.get::<String, _>(1) == "user.human.phone.changed"
                        && r.get::<String, _>(2).contains(phone.as_str())
                }),
            };
        if !found {
            lost.push(write.clone());
        }
    }
    Ok(lost)
}
