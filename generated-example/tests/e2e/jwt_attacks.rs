//! The JWT attack matrix: forged, tampered, expired, misaddressed, oversized and malformed
//! bearer tokens sent to `SetMyPhone` over REST, gRPC, gRPC-Web and Connect. Each must answer
//! UNAUTHENTICATED (401 with `WWW-Authenticate` on REST and Connect) with the reason, and the
//! handler must never run: a run would set the phone and send an SMS to the outbox. A valid
//! token, sent last, is the control that does reach it.

use base64::Engine as _;
use hmac::{Hmac, Mac as _};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{json, Value};
use sha2::Sha256;
use verify_phone::token::MAX_TOKEN_BYTES;

use crate::common::api::ALL;
use crate::common::{claims, tokens, Backend, Call, Env, Protocol, TOKEN_KEY};

mod send;
use send::{describe, set_phone, Answer};

crate::on_both_databases!(only_valid_tokens_reach_the_handler);

const USER: &str = "victim";
const ORG: &str = "org";
const NOT_BEARER: &str = "authorization header must be `Bearer <token>`";

/// One attack: what the `authorization` header carries and the message it must be refused with.
struct Case {
    name: String,
    header: Vec<u8>,
    message: String,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn hs256(key: &[u8], input: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(input.as_bytes());
    b64(&mac.finalize().into_bytes())
}

/// A token assembled by hand: any header, any claims, signed with HMAC-SHA256 under `key`
/// whatever the header says (or unsigned when `key` is `None`).
fn forge(header: &Value, claims: &Value, key: Option<&[u8]>) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let signature = key.map(|k| hs256(k, &input)).unwrap_or_default();
    format!("{input}.{signature}")
}

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

/// The claims of a valid token for the victim, as JSON to be altered.
fn valid() -> Value {
    serde_json::to_value(claims(USER, ORG)).expect("claims JSON")
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

fn without(mut claims: Value, key: &str) -> Value {
    claims.as_object_mut().expect("object").remove(key);
    claims
}

/// The attacker's own asymmetric key and its public half: RFC 8032's first Ed25519 test
/// vector, the private key in PKCS#8 DER.
fn attacker_ed25519() -> (EncodingKey, Vec<u8>) {
    let hex = |s: &str| -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    };
    let mut der = hex("302e020100300506032b657004220420");
    der.extend(hex(
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    ));
    let public = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    (EncodingKey::from_ed_der(&der), public)
}

fn cases() -> Vec<Case> {
    let key = TOKEN_KEY.as_bytes();
    let hs = json!({"alg": "HS256", "typ": "JWT"});
    let good = forge(&hs, &valid(), Some(key));
    let parts: Vec<&str> = good.split('.').collect();
    let bearer = |token: &str| format!("Bearer {token}").into_bytes();
    let invalid = |why: &str| format!("invalid token: {why}");
    let mut cases = Vec::new();
    let mut case = |name: &str, header: Vec<u8>, message: String| {
        cases.push(Case {
            name: name.to_string(),
            header,
            message,
        })
    };

    // `alg: none` in its spellings: unsigned, or with our valid signature left on.
    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = json!({"alg": alg, "typ": "JWT"});
        case(
            &format!("alg {alg}, empty signature"),
            bearer(&forge(&header, &valid(), None)),
            invalid("wrong algorithm"),
        );
    }
    let none = json!({"alg": "none"});
    let unsigned = forge(&none, &valid(), None);
    case(
        "alg none, signature dropped",
        bearer(unsigned.trim_end_matches('.')),
        invalid("malformed token"),
    );
    case(
        "alg none, our signature kept",
        bearer(&format!("{}{}", unsigned, parts[2])),
        invalid("wrong algorithm"),
    );

    // Algorithm confusion. The server's one key is an HS256 secret and it never takes the
    // algorithm from the header: asymmetric algorithms (whose "public key" an attacker would
    // know) and other HMAC sizes are refused before any signature is checked.
    for alg in ["RS256", "ES256", "PS256", "EdDSA", "HS384", "HS512"] {
        let header = json!({"alg": alg, "typ": "JWT"});
        case(
            &format!("alg {alg}, HMAC-signed with our key"),
            bearer(&forge(&header, &valid(), Some(key))),
            invalid("wrong algorithm"),
        );
    }
    let (ed, public) = attacker_ed25519();
    let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&public)});
    let header = json!({"alg": "EdDSA", "typ": "JWT", "jwk": jwk});
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(valid().to_string().as_bytes())
    );
    let signature =
        jsonwebtoken::crypto::sign(input.as_bytes(), &ed, Algorithm::EdDSA).expect("EdDSA sign");
    case(
        "EdDSA signed by the attacker, its key embedded (jwk)",
        bearer(&format!("{input}.{signature}")),
        invalid("wrong algorithm"),
    );
    let public_x = b64(&public);
    let confused = json!({"alg": "HS256", "typ": "JWT", "jwk": jwk});
    case(
        "HS256 with the embedded public key as the HMAC secret",
        bearer(&forge(&confused, &valid(), Some(public_x.as_bytes()))),
        invalid("bad signature"),
    );
    case(
        "HS256 with the public key's raw bytes as the HMAC secret",
        bearer(&forge(&hs, &valid(), Some(&public))),
        invalid("bad signature"),
    );

    // Keys: an unknown key id (also one that would be a path), another key, an empty key.
    for kid in ["other-key", "../../../../dev/null", ""] {
        let header = json!({"alg": "HS256", "typ": "JWT", "kid": kid});
        case(
            &format!("kid {kid:?}"),
            bearer(&forge(&header, &valid(), Some(key))),
            invalid("unknown key"),
        );
    }
    let crit = json!({"alg": "HS256", "crit": ["exp"]});
    case(
        "crit header",
        bearer(&forge(&crit, &valid(), Some(key))),
        invalid("unsupported critical header"),
    );
    case(
        "signed with another key",
        bearer(&forge(
            &hs,
            &valid(),
            Some(b"another key, just as long as the server's"),
        )),
        invalid("bad signature"),
    );
    case(
        "signed with an empty key",
        bearer(&forge(&hs, &valid(), Some(b""))),
        invalid("bad signature"),
    );

    // Time: beyond the 5 s leeway.
    let t = now();
    let exp_past = with(with(valid(), "exp", json!(t - 60)), "iat", json!(t - 600));
    case(
        "expired",
        bearer(&forge(&hs, &exp_past, Some(key))),
        invalid("expired"),
    );
    let nbf = with(valid(), "nbf", json!(t + 600));
    case(
        "nbf in the future",
        bearer(&forge(&hs, &nbf, Some(key))),
        invalid("not valid yet"),
    );
    let iat = with(valid(), "iat", json!(t + 600));
    case(
        "iat in the future",
        bearer(&forge(&hs, &iat, Some(key))),
        invalid("issued in the future"),
    );
    let exp_text = with(valid(), "exp", json!((t + 600).to_string()));
    case(
        "exp as a string",
        bearer(&forge(&hs, &exp_text, Some(key))),
        invalid("malformed claims"),
    );

    // Addressed to someone else.
    let aud = with(valid(), "aud", json!("another-service"));
    case(
        "wrong aud",
        bearer(&forge(&hs, &aud, Some(key))),
        invalid("wrong audience"),
    );
    let iss = with(valid(), "iss", json!("https://evil.example"));
    case(
        "wrong iss",
        bearer(&forge(&hs, &iss, Some(key))),
        invalid("wrong issuer"),
    );
    let aud_list = with(valid(), "aud", json!(["verify-phone", "another-service"]));
    case(
        "aud as a list",
        bearer(&forge(&hs, &aud_list, Some(key))),
        invalid("malformed claims"),
    );

    // Claims missing.
    for claim in ["sub", "exp", "iss", "aud", "org", "iat"] {
        let missing = without(valid(), claim);
        case(
            &format!("missing {claim}"),
            bearer(&forge(&hs, &missing, Some(key))),
            format!("invalid token: missing claim `{claim}`"),
        );
    }

    // Tampering after signing: payload (another user, a longer life) and header.
    let other = forge(&hs, &with(valid(), "sub", json!("admin")), Some(key));
    let other_payload = other.split('.').nth(1).expect("payload");
    case(
        "payload swapped, signature kept",
        bearer(&format!("{}.{}.{}", parts[0], other_payload, parts[2])),
        invalid("bad signature"),
    );
    let longer = b64(with(valid(), "exp", json!(t + 10 * 365 * 86400))
        .to_string()
        .as_bytes());
    case(
        "exp raised, signature kept",
        bearer(&format!("{}.{longer}.{}", parts[0], parts[2])),
        invalid("bad signature"),
    );
    let hs512 = b64(json!({"alg": "HS512", "typ": "JWT"}).to_string().as_bytes());
    case(
        "alg raised, signature kept",
        bearer(&format!("{hs512}.{}.{}", parts[1], parts[2])),
        invalid("wrong algorithm"),
    );
    // The first character: it carries six bits of the signature. The last one carries only
    // four, and a stray low bit there makes the base64 non-canonical (a malformed token, not
    // a bad signature) whenever the signature happens to end in `A`.
    let mut flipped = parts[2].to_string();
    let first = if flipped.starts_with('A') { "B" } else { "A" };
    flipped.replace_range(..1, first);
    case(
        "one signature character changed",
        bearer(&format!("{}.{}.{flipped}", parts[0], parts[1])),
        invalid("bad signature"),
    );

    // Size: refused unread above the limit, even when validly signed.
    let big = tokens()
        .sign(&crate::common::Claims {
            org: "o".repeat(8 * 1024),
            ..claims(USER, ORG)
        })
        .expect("sign");
    assert!(big.len() > MAX_TOKEN_BYTES && big.len() < 12 * 1024);
    case(
        "validly signed, over the size limit (8 KiB+)",
        bearer(&big),
        invalid("too long"),
    );

    // Not a JWT, or not a bearer header at all.
    for (name, token) in [
        ("one part", "abc"),
        ("two parts", "abc.def"),
        ("four parts", "a.b.c.d"),
        ("empty parts", ".."),
        ("bad base64", "!!!.###.$$$"),
    ] {
        case(name, bearer(token), invalid("malformed token"));
    }
    case(
        "header not JSON",
        bearer(&format!("{}.{}.{}", b64(b"{not json"), parts[1], parts[2])),
        invalid("malformed token"),
    );
    case(
        "payload not JSON",
        bearer(&format!("{}.{}.{}", parts[0], b64(b"[1,2"), parts[2])),
        invalid("bad signature"),
    );
    for (name, header) in [
        ("Bearer without token", "Bearer"),
        ("Bearer and spaces", "Bearer    "),
        ("Basic scheme", "Basic dmljdGltOnBhc3N3b3Jk"),
        ("token without scheme", good.as_str()),
    ] {
        case(name, header.as_bytes().to_vec(), NOT_BEARER.to_string());
    }
    let mut binary = b"Bearer ".to_vec();
    binary.extend_from_slice(&[0xff, 0xfe, b'a']);
    case(
        "header not text",
        binary,
        "authorization header is not valid text".into(),
    );
    cases
}

/// A distinct phone number per attempt, so a leak in the outbox names its case.
fn phone(n: usize) -> String {
    format!("+4179{n:07}")
}

async fn only_valid_tokens_reach_the_handler(backend: Backend) {
    let Some(mut env) = Env::new(backend).await else {
        return;
    };
    // Everything the server logs, to show that no token is in it.
    env.rust_log = "debug";
    let server = env.start(&[]).await;
    let valid_token = env.user(USER, ORG).await;
    let cases = cases();
    let mut attempts = Vec::new();
    for protocol in ALL {
        for case in &cases {
            let n = attempts.len();
            attempts.push((protocol, case.name.as_str()));
            let answer = set_phone(&server, protocol, &case.header, &phone(n)).await;
            let Answer::Refused {
                code,
                message,
                http,
                www_authenticate,
            } = &answer
            else {
                panic!("{protocol:?} {}: not refused: {answer:?}", case.name);
            };
            assert_eq!(
                (*code, message.as_str()),
                (16, case.message.as_str()),
                "{protocol:?} {}",
                case.name
            );
            if matches!(protocol, Protocol::Rest | Protocol::Connect) {
                assert_eq!(*http, Some(401), "{protocol:?} {}", case.name);
            }
            if protocol == Protocol::Rest {
                assert!(
                    www_authenticate,
                    "{}: 401 carries WWW-Authenticate",
                    case.name
                );
            }
        }
    }

    // The handler never ran: no SMS went out and the victim has no phone.
    let leaked: Vec<_> = env
        .outbox()
        .await
        .iter()
        .filter_map(|m| m["phone"].as_str().map(str::to_string))
        .filter_map(|p| {
            (0..attempts.len())
                .find(|&n| phone(n) == p)
                .map(|n| attempts[n])
        })
        .collect();
    assert!(leaked.is_empty(), "these reached the handler: {leaked:?}");
    let mut api = server.api(Protocol::Rest, Some(&valid_token)).await;
    let before = api.call(Call::Get).await.expect("get");
    assert!(before.get("phone").is_none(), "no phone was set: {before}");
    // The control: a valid token reaches the handler, on each protocol.
    let key = TOKEN_KEY.as_bytes();
    let hs = json!({"alg": "HS256", "typ": "JWT"});
    for (i, protocol) in ALL.into_iter().enumerate() {
        let header = format!("Bearer {}", forge(&hs, &valid(), Some(key)));
        let answer = set_phone(&server, protocol, header.as_bytes(), &phone(10_000 + i)).await;
        assert!(matches!(answer, Answer::Ok), "{protocol:?}: {answer:?}");
    }
    let sent = env.outbox().await;
    assert_eq!(sent.len(), ALL.len(), "one SMS per valid call: {sent:?}");
    let after = api.call(Call::Get).await.expect("get");
    assert_eq!(
        after["phone"]["phone"],
        phone(10_000 + ALL.len() - 1),
        "{after}"
    );

    // Refusals are logged (at debug), without the tokens.
    let log = server.log_text();
    assert!(
        log.contains("refused a bearer token"),
        "refusals are logged"
    );
    for case in &cases {
        let header = String::from_utf8_lossy(&case.header);
        if header.len() >= 24 {
            let tail = &header[header.len() - 16..];
            assert!(
                !log.contains(tail),
                "{}: the token is in the log",
                case.name
            );
        }
    }
}

/// Past the token limit, the transport's header limits may answer first: hyper allows a 16 KiB
/// header list on HTTP/2 (gRPC) and about 400 KiB of head on HTTP/1.1 (REST, Connect and
/// gRPC-Web). Below
/// them the server answers 401 "too long"; above them the request is refused before any of
/// the server's code runs (HTTP/1.1: 431 or a closed connection; gRPC: 431 or a failed stream). Either way the
/// handler never runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_tokens_never_reach_the_handler() {
    let Some(env) = Env::new(Backend::Sqlite).await else {
        return;
    };
    let server = env.start(&[]).await;
    let valid_token = env.user(USER, ORG).await;
    for size in [
        MAX_TOKEN_BYTES + 1,
        15 * 1024,
        20 * 1024,
        64 * 1024,
        1024 * 1024,
    ] {
        let header = format!("Bearer {}", "a".repeat(size));
        for protocol in ALL {
            let answer = set_phone(&server, protocol, header.as_bytes(), &phone(size)).await;
            let seen = describe(&answer);
            let h2_limit = protocol == Protocol::Grpc && size > 16 * 1024;
            // protogate's HTTP/1.1 head limit (`Http1Settings::max_head_size`, 64 KiB).
            let h1_limit = protocol != Protocol::Grpc && size >= 64 * 1024;
            if h1_limit {
                // 431, or the connection closed before a client still sending reads it.
                assert!(
                    seen.starts_with("transport: HTTP 431")
                        || seen.starts_with("transport: error sending request"),
                    "{size} {protocol:?}: {seen}"
                );
            } else if h2_limit {
                assert!(
                    seen.starts_with("transport: "),
                    "{size} {protocol:?}: {seen}"
                );
            } else {
                let too_long = if matches!(protocol, Protocol::Grpc | Protocol::GrpcWeb) {
                    "None 16 invalid token: too long"
                } else {
                    "Some(401) 16 invalid token: too long"
                };
                assert_eq!(seen, too_long, "{size} {protocol:?}");
            }
        }
    }
    assert!(env.outbox().await.is_empty(), "no SMS was sent");
    let mut api = server.api(Protocol::Rest, Some(&valid_token)).await;
    let phone = api.call(Call::Get).await.expect("get");
    assert!(phone.get("phone").is_none(), "no phone was set: {phone}");
    // The server lives on, on every protocol.
    let fine = format!("Bearer {valid_token}");
    for (i, protocol) in ALL.into_iter().enumerate() {
        let answer = set_phone(&server, protocol, fine.as_bytes(), &self::phone(20_000 + i)).await;
        assert!(matches!(answer, Answer::Ok), "{protocol:?}: {answer:?}");
    }
}
