//! Answer checks: the load tools count HTTP statuses only, so before and after every load run
//! the same requests go out through a client that reads grpc-status and the bodies.

use std::net::SocketAddr;
use std::time::Duration;

use crate::auth::Tokens;
use crate::client::{self, Connection, Outcome, Protocol, VERIFY};
use crate::logic::{seed_user, SEED_CODE, SEED_ORG};

use super::servers::Subject;

/// Whose token a case sends.
#[derive(Clone, Copy, Debug)]
enum Token {
    Valid,
    Missing,
    Forged,
    UnknownUser,
}

/// One request and the gRPC code it must get.
struct Case {
    name: &'static str,
    token: Token,
    code: &'static str,
    expect: i32,
}

const CASES: &[Case] = &[
    Case {
        name: "valid code (the measured request)",
        token: Token::Valid,
        code: SEED_CODE,
        expect: 0,
    },
    Case {
        name: "wrong code",
        token: Token::Valid,
        code: "WRONG1",
        expect: 3,
    },
    Case {
        name: "empty code (PGV)",
        token: Token::Valid,
        code: "",
        expect: 3,
    },
    Case {
        name: "no token",
        token: Token::Missing,
        code: SEED_CODE,
        expect: 16,
    },
    Case {
        name: "forged token",
        token: Token::Forged,
        code: SEED_CODE,
        expect: 16,
    },
    Case {
        name: "unknown user",
        token: Token::UnknownUser,
        code: SEED_CODE,
        expect: 9,
    },
];

/// One checked answer.
#[derive(Clone, Debug)]
pub struct Checked {
    /// The server.
    pub variant: Subject,
    /// The protocol.
    pub protocol: Protocol,
    /// The case.
    pub case: &'static str,
    /// The expected gRPC code.
    pub expect: i32,
    /// What came back, or why nothing did.
    pub outcome: Result<Outcome, String>,
    /// Why the answer is wrong, if it is.
    pub problem: Option<String>,
}

/// Sends every case over every protocol `variant` serves.
pub async fn check(variant: Subject, addr: SocketAddr) -> Vec<Checked> {
    let tokens = Tokens::default();
    let ttl = Duration::from_secs(3600);
    let valid = tokens.mint(&seed_user(0), SEED_ORG, ttl);
    let forged =
        Tokens::new(b"not the servers' key, 32 bytes long").mint(&seed_user(0), SEED_ORG, ttl);
    let unknown = tokens.mint("nobody", SEED_ORG, ttl);
    let mut out = Vec::new();
    for &protocol in variant.protocols() {
        let mut connection = match Connection::open(addr, protocol.is_h2()).await {
            Ok(c) => Some(c),
            Err(e) => {
                out.push(Checked {
                    variant,
                    protocol,
                    case: "connect",
                    expect: 0,
                    outcome: Err(e.to_string()),
                    problem: Some(format!("cannot connect: {e}")),
                });
                None
            }
        };
        let Some(connection) = connection.as_mut() else {
            continue;
        };
        for case in CASES {
            let token = match case.token {
                Token::Valid => Some(valid.as_str()),
                Token::Missing => None,
                Token::Forged => Some(forged.as_str()),
                Token::UnknownUser => Some(unknown.as_str()),
            };
            let proto = client::string_field_1(case.code);
            let json = format!("{{\"code\":{:?}}}", case.code);
            let outcome = connection
                .call(protocol, VERIFY, token, &proto, &json)
                .await
                .map_err(|e| e.to_string());
            let problem = match &outcome {
                Err(e) => Some(e.clone()),
                Ok(o) => judge(variant, protocol, case.expect, o),
            };
            out.push(Checked {
                variant,
                protocol,
                case: case.name,
                expect: case.expect,
                outcome,
                problem,
            });
        }
    }
    out
}

/// What is wrong with an answer, if anything.
fn judge(variant: Subject, protocol: Protocol, expect: i32, outcome: &Outcome) -> Option<String> {
    if outcome.code != expect {
        return Some(format!(
            "expected code {expect}, got {} (HTTP {}, {:?})",
            outcome.code, outcome.http, outcome.message
        ));
    }
    let rest = matches!(protocol, Protocol::RestH1 | Protocol::RestH2);
    let status = gateway_status(variant, expect);
    if rest && outcome.http != status {
        return Some(format!("expected HTTP {status}, got {}", outcome.http));
    }
    if expect != 0 {
        return None;
    }
    match protocol {
        Protocol::Grpc | Protocol::GrpcWeb => {
            use crate::baseline::pb::zitadel::auth::v1::VerifyMyPhoneResponse;
            match <VerifyMyPhoneResponse as prost::Message>::decode(outcome.body.clone()) {
                Ok(m) => match m.details {
                    Some(d)
                        if d.sequence > 0
                            && d.resource_owner == SEED_ORG
                            && d.change_date.is_some() =>
                    {
                        None
                    }
                    other => Some(format!("unexpected details {other:?}")),
                },
                Err(e) => Some(format!("the response does not decode: {e}")),
            }
        }
        _ => {
            let value: serde_json::Value = match serde_json::from_slice(&outcome.body) {
                Ok(v) => v,
                Err(e) => return Some(format!("the response is not JSON: {e}")),
            };
            let d = &value["details"];
            let sequence_ok = d["sequence"]
                .as_str()
                .and_then(|s| s.parse::<u64>().ok())
                .is_some_and(|s| s > 0);
            if sequence_ok && d["resourceOwner"] == SEED_ORG && d["changeDate"].is_string() {
                None
            } else {
                Some(format!("unexpected JSON {value}"))
            }
        }
    }
}

/// grpc-gateway's HTTP status for the codes the checks expect: v2's table, which the REST
/// servers of this crate follow; the grpc-gateway peer is v1, which answers FAILED_PRECONDITION
/// with 412.
pub fn gateway_status(variant: Subject, code: i32) -> u16 {
    match code {
        0 => 200,
        9 if variant == Subject::GrpcGateway => 412,
        3 | 9 | 11 => 400,
        5 => 404,
        16 => 401,
        7 => 403,
        8 => 429,
        12 => 501,
        14 => 503,
        _ => 500,
    }
}
