//! The soak: mixed valid and invalid traffic over every protocol for a while, with the
//! server's memory sampled throughout and every acknowledged write read back at the end.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::servers::{self, Subject};
use crate::auth::Tokens;
use crate::client::{self, Connection, Outcome, Protocol, Rpc, GET, SET, VERIFY};
use crate::logic::{seed_user, SEED_CODE, SEED_ORG};

/// What a soak saw.
#[derive(Clone, Debug, Default)]
pub struct Soak {
    /// How long it ran.
    pub duration: Duration,
    /// Requests answered.
    pub requests: u64,
    /// Per kind of request: sent, and answered with another code than expected.
    pub kinds: BTreeMap<&'static str, (u64, u64)>,
    /// Answers with HTTP 5xx, or an unexpected UNKNOWN / INTERNAL / UNAVAILABLE / DATA_LOSS.
    pub server_errors: u64,
    /// Requests that got no answer (the connection failed).
    pub transport_errors: u64,
    /// The first few unexpected answers, described.
    pub examples: Vec<String>,
    /// Writes acknowledged.
    pub writes_acked: u64,
    /// Users whose last acknowledged phone was not read back.
    pub lost_writes: u64,
    /// (seconds since start, VmRSS KiB) every half second.
    pub rss: Vec<(f64, u64)>,
}

/// One kind of request in the mix.
struct Kind {
    name: &'static str,
    protocol: Protocol,
    rpc: Rpc,
    token: Auth,
    /// The request's string field 1, or raw protobuf bytes for the malformed case.
    value: Value,
    /// The expected code, per variant when they differ by design.
    expect: fn(Subject) -> i32,
}

#[derive(Clone, Copy)]
enum Auth {
    Own,
    Missing,
    Forged,
}

#[derive(Clone, Copy)]
enum Value {
    Code(&'static str),
    /// A new phone number, recorded as a write.
    NewPhone,
    Phone(&'static str),
    Empty,
    /// Bytes that are no protobuf message; the JSON form is cut short.
    Garbage,
}

const OK: fn(Subject) -> i32 = |_| 0;
const INVALID: fn(Subject) -> i32 = |_| 3;
const UNAUTHENTICATED: fn(Subject) -> i32 = |_| 16;

fn kinds(variant: Subject) -> Vec<Kind> {
    let long_code: &'static str = Box::leak("X".repeat(201).into_boxed_str());
    let mut kinds = vec![
        Kind {
            name: "verify ok gRPC",
            protocol: Protocol::Grpc,
            rpc: VERIFY,
            token: Auth::Own,
            value: Value::Code(SEED_CODE),
            expect: OK,
        },
        Kind {
            name: "verify ok gRPC-Web",
            protocol: Protocol::GrpcWeb,
            rpc: VERIFY,
            token: Auth::Own,
            value: Value::Code(SEED_CODE),
            expect: OK,
        },
        Kind {
            name: "verify ok REST h2",
            protocol: Protocol::RestH2,
            rpc: VERIFY,
            token: Auth::Own,
            value: Value::Code(SEED_CODE),
            expect: OK,
        },
        Kind {
            name: "verify ok REST h1",
            protocol: Protocol::RestH1,
            rpc: VERIFY,
            token: Auth::Own,
            value: Value::Code(SEED_CODE),
            expect: OK,
        },
        Kind {
            name: "set phone gRPC",
            protocol: Protocol::Grpc,
            rpc: SET,
            token: Auth::Own,
            value: Value::NewPhone,
            expect: OK,
        },
        Kind {
            name: "set phone REST h1",
            protocol: Protocol::RestH1,
            rpc: SET,
            token: Auth::Own,
            value: Value::NewPhone,
            expect: OK,
        },
        Kind {
            name: "get phone REST h2",
            protocol: Protocol::RestH2,
            rpc: GET,
            token: Auth::Own,
            value: Value::Empty,
            expect: OK,
        },
        Kind {
            name: "wrong code gRPC",
            protocol: Protocol::Grpc,
            rpc: VERIFY,
            token: Auth::Own,
            value: Value::Code("WRONG1"),
            expect: INVALID,
        },
        Kind {
            name: "wrong code REST h1",
            protocol: Protocol::RestH1,
            rpc: VERIFY,
            token: Auth::Own,
            value: Value::Code("WRONG1"),
            expect: INVALID,
        },
        Kind {
            name: "empty code gRPC-Web",
            protocol: Protocol::GrpcWeb,
            rpc: VERIFY,
            token: Auth::Own,
            value: Value::Code(""),
            expect: INVALID,
        },
        Kind {
            name: "201-char code REST h2",
            protocol: Protocol::RestH2,
            rpc: VERIFY,
            token: Auth::Own,
            value: Value::Code(long_code),
            expect: INVALID,
        },
        Kind {
            name: "phone without + gRPC",
            protocol: Protocol::Grpc,
            rpc: SET,
            token: Auth::Own,
            value: Value::Phone("41791234567"),
            expect: INVALID,
        },
        Kind {
            name: "no token REST h2",
            protocol: Protocol::RestH2,
            rpc: VERIFY,
            token: Auth::Missing,
            value: Value::Code(SEED_CODE),
            expect: UNAUTHENTICATED,
        },
        Kind {
            name: "forged token gRPC",
            protocol: Protocol::Grpc,
            rpc: VERIFY,
            token: Auth::Forged,
            value: Value::Code(SEED_CODE),
            expect: UNAUTHENTICATED,
        },
        Kind {
            name: "forged token REST h1",
            protocol: Protocol::RestH1,
            rpc: VERIFY,
            token: Auth::Forged,
            value: Value::Code(SEED_CODE),
            expect: UNAUTHENTICATED,
        },
        Kind {
            name: "malformed JSON REST h1",
            protocol: Protocol::RestH1,
            rpc: VERIFY,
            token: Auth::Own,
            value: Value::Garbage,
            expect: INVALID,
        },
        // tonic's codec, grpc-go and connect-node answer INTERNAL to a message that does not
        // decode; protogate and connectrpc answer INVALID_ARGUMENT, as REST and Connect answer
        // the same input.
        Kind {
            name: "malformed protobuf gRPC",
            protocol: Protocol::Grpc,
            rpc: VERIFY,
            token: Auth::Own,
            value: Value::Garbage,
            expect: |v| match v {
                Subject::Baseline | Subject::ConnectNode | Subject::GrpcGateway => 13,
                Subject::Protogate | Subject::Connectrpc => 3,
            },
        },
        Kind {
            name: "verify ok Connect",
            protocol: Protocol::Connect,
            rpc: VERIFY,
            token: Auth::Own,
            value: Value::Code(SEED_CODE),
            expect: OK,
        },
        Kind {
            name: "malformed JSON Connect",
            protocol: Protocol::Connect,
            rpc: VERIFY,
            token: Auth::Own,
            value: Value::Garbage,
            expect: INVALID,
        },
    ];
    // Each server gets the kinds over the protocols it serves.
    kinds.retain(|k| variant.serves(k.protocol));
    kinds
}

/// Runs `workers` clients against `addr` for `duration`, sampling the memory of `pid`.
pub async fn soak(
    variant: Subject,
    addr: SocketAddr,
    pid: u32,
    duration: Duration,
    workers: usize,
) -> Soak {
    let result = Arc::new(Mutex::new(Soak::default()));
    let started = Instant::now();
    let deadline = started + duration;
    let sampler = {
        let result = result.clone();
        tokio::spawn(async move {
            while Instant::now() < deadline {
                if let Some(kib) = servers::rss_kib(pid) {
                    let at = started.elapsed().as_secs_f64();
                    result.lock().expect("lock").rss.push((at, kib));
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        })
    };
    let mut handles = Vec::new();
    for w in 0..workers {
        let result = result.clone();
        handles.push(tokio::spawn(async move {
            worker(variant, addr, w, deadline, result).await
        }));
    }
    let mut expected_phones = Vec::new();
    for handle in handles {
        if let Ok(phones) = handle.await {
            expected_phones.push(phones);
        }
    }
    let _ = sampler.await;
    let mut soak = result.lock().expect("lock").clone();
    soak.duration = started.elapsed();
    // Every acknowledged write must be what a later read sees.
    let tokens = Tokens::default();
    if let Ok(mut connection) = Connection::open(addr, true).await {
        for (user, accepted) in expected_phones {
            if accepted.is_empty() {
                continue;
            }
            let token = tokens.mint(&user, SEED_ORG, Duration::from_secs(600));
            let read = connection
                .call(Protocol::Grpc, GET, Some(&token), &[], "{}")
                .await;
            let phone = read.ok().and_then(|o| {
                use crate::baseline::pb::zitadel::auth::v1::GetMyPhoneResponse;
                <GetMyPhoneResponse as prost::Message>::decode(o.body)
                    .ok()?
                    .phone
            });
            if !phone.is_some_and(|p| accepted.contains(&p.phone)) {
                soak.lost_writes += 1;
            }
        }
    }
    soak
}

/// One client; returns its user and the phones a final read may show (the last acknowledged
/// one, and any sent after it whose answer was lost).
async fn worker(
    variant: Subject,
    addr: SocketAddr,
    index: usize,
    deadline: Instant,
    result: Arc<Mutex<Soak>>,
) -> (String, Vec<String>) {
    // Users from the upper half, one per worker: writes are ordered per user.
    let user = seed_user(servers::USERS / 2 + index);
    let tokens = Tokens::default();
    let own = tokens.mint(&user, SEED_ORG, Duration::from_secs(3600));
    let forged = Tokens::new(b"not the servers' key, 32 bytes long").mint(
        &user,
        SEED_ORG,
        Duration::from_secs(3600),
    );
    let kinds = kinds(variant);
    let mut h2 = None;
    let mut h1 = None;
    let mut accepted: Vec<String> = Vec::new();
    let mut writes = 0u64;
    'outer: while Instant::now() < deadline {
        for kind in &kinds {
            if Instant::now() >= deadline {
                break 'outer;
            }
            let slot = if kind.protocol.is_h2() {
                &mut h2
            } else {
                &mut h1
            };
            if slot.is_none() {
                *slot = Connection::open(addr, kind.protocol.is_h2()).await.ok();
            }
            let Some(connection) = slot.as_mut() else {
                result.lock().expect("lock").transport_errors += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            let token = match kind.token {
                Auth::Own => Some(own.as_str()),
                Auth::Missing => None,
                Auth::Forged => Some(forged.as_str()),
            };
            let mut phone = None;
            let (proto, json) = match kind.value {
                Value::Code(code) => (
                    client::string_field_1(code),
                    format!("{{\"code\":{code:?}}}"),
                ),
                Value::Phone(p) => (client::string_field_1(p), format!("{{\"phone\":{p:?}}}")),
                Value::NewPhone => {
                    writes += 1;
                    let p = format!("+4178{index:02}{writes:07}");
                    phone = Some(p.clone());
                    (client::string_field_1(&p), format!("{{\"phone\":{p:?}}}"))
                }
                Value::Empty => (Vec::new(), "{}".to_string()),
                Value::Garbage => (vec![0xff, 0xff, 0xff, 0xff], "{\"code\":".to_string()),
            };
            let answer = connection
                .call(kind.protocol, kind.rpc, token, &proto, &json)
                .await;
            let expect = (kind.expect)(variant);
            let mut r = result.lock().expect("lock");
            let entry = r.kinds.entry(kind.name).or_default();
            entry.0 += 1;
            match answer {
                Err(e) => {
                    r.transport_errors += 1;
                    if r.examples.len() < 8 {
                        r.examples.push(format!("{}: no answer: {e}", kind.name));
                    }
                    *slot = None;
                    if let Some(p) = phone {
                        // Unknown whether it was applied: a later read may show it.
                        accepted.push(p);
                    }
                }
                Ok(outcome) => {
                    r.requests += 1;
                    if server_error(&outcome, expect) {
                        r.server_errors += 1;
                    }
                    if outcome.code != expect {
                        r.kinds.entry(kind.name).or_default().1 += 1;
                        if r.examples.len() < 8 {
                            r.examples.push(describe(kind.name, expect, &outcome));
                        }
                    } else if let Some(p) = phone {
                        r.writes_acked += 1;
                        accepted.clear();
                        accepted.push(p);
                    }
                }
            }
        }
    }
    (user, accepted)
}

fn server_error(outcome: &Outcome, expect: i32) -> bool {
    outcome.http >= 500 || (matches!(outcome.code, 2 | 13 | 14 | 15) && outcome.code != expect)
}

fn describe(kind: &str, expect: i32, o: &Outcome) -> String {
    format!(
        "{kind}: expected code {expect}, got {} (HTTP {}, {:?})",
        o.code, o.http, o.message
    )
}

/// Median VmRSS (MiB) of the samples between `from` and `to` (fractions of the run).
pub fn rss_window(samples: &[(f64, u64)], total: f64, from: f64, to: f64) -> Option<f64> {
    let mut window: Vec<u64> = samples
        .iter()
        .filter(|(t, _)| *t >= total * from && *t <= total * to)
        .map(|s| s.1)
        .collect();
    if window.is_empty() {
        return None;
    }
    window.sort_unstable();
    Some(window[window.len() / 2] as f64 / 1024.0)
}
