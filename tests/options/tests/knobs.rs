//! What the knobs of build.rs did to the generated code: field types, attributes, JSON of the
//! changed types, validators, the service filter served on a real socket, and the lean build.

use std::collections::BTreeMap;

use protogate::{RequestContext, Status, Validate};
use protogate_options_test::{lean, server, uses};

fn blob() -> server::Blob {
    server::Blob {
        name: "report".into(),
        // `bytes`: `bytes::Bytes`, not `Vec<u8>`.
        data: bytes::Bytes::from_static(b"\x00\x01hi"),
        // `btree_map`: ordered keys.
        labels: BTreeMap::from([
            ("z".to_string(), "last".to_string()),
            ("a".into(), "first".into()),
        ]),
        // `boxed`.
        origin: Some(Box::new(server::Origin {
            host: "example.com".into(),
            ..Default::default()
        })),
        tier: server::Tier::Cold as i32,
    }
}

#[test]
fn a_type_attribute_derives_ord_on_the_message() {
    let a = server::Origin {
        host: "a".into(),
        ..Default::default()
    };
    let b = server::Origin {
        host: "b".into(),
        ..Default::default()
    };
    assert!(a < b);
    let set = std::collections::BTreeSet::from([b.clone(), a.clone(), b]);
    assert_eq!(
        set.into_iter().collect::<Vec<_>>(),
        [
            a,
            server::Origin {
                host: "b".into(),
                ..Default::default()
            }
        ]
    );
}

#[test]
fn bytes_btree_map_and_boxed_fields_round_trip_through_protobuf_and_json() {
    use prost::Message as _;
    let blob = blob();
    let decoded = server::Blob::decode(blob.encode_to_vec().as_slice()).expect("decodes");
    assert_eq!(decoded, blob);

    let json = serde_json::to_string(&blob).expect("serializes");
    // Bytes as base64, labels in key order, the boxed origin as an object.
    assert!(json.contains("\"data\":\"AAFoaQ==\""), "{json}");
    let a = json.find("\"a\":\"first\"").expect("label a");
    let z = json.find("\"z\":\"last\"").expect("label z");
    assert!(a < z, "BTreeMap keeps key order: {json}");
    assert!(
        json.contains("\"origin\":{\"host\":\"example.com\"}"),
        "{json}"
    );
    let back: server::Blob = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, blob);
}

#[test]
fn validators_check_the_bytes_field_and_the_name() {
    assert!(blob().validate().is_ok());
    let mut long = blob();
    long.data = bytes::Bytes::from(vec![7u8; 17]);
    let violations = long.validate().expect_err("17 bytes is over max_len 16");
    assert!(violations.to_string().contains("Data"), "{violations}");
    let mut unnamed = blob();
    unnamed.name.clear();
    assert!(unnamed.validate().is_err());
}

/// The rules of deprecated fields still hold: a field's and a oneof member's (their validators
/// read them, and the crate compiles with warnings denied).
#[test]
#[expect(deprecated)] // the test sets the deprecated fields on purpose
fn deprecated_fields_are_still_validated() {
    let origin = server::Origin {
        host: "example.com".into(),
        region: "far-too-long".into(),
    };
    let violations = origin
        .validate()
        .expect_err("12 characters is over max_len 8");
    assert!(
        violations.to_string().contains("Origin.Region"),
        "{violations}"
    );
    let request = |revision| server::GetBlobRequest {
        name: "report".into(),
        version: Some(server::get_blob_request::Version::Revision(revision)),
    };
    assert!(request(3).validate().is_ok());
    let violations = request(0).validate().expect_err("revision must be > 0");
    assert!(
        violations.to_string().contains("GetBlobRequest.Revision"),
        "{violations}"
    );
}

#[test]
fn the_lean_build_has_plain_messages_without_json_or_validation() {
    use prost::Message as _;
    let blob = lean::Blob {
        name: String::new(),
        data: vec![0; 100],
        labels: Default::default(),
        origin: Some(lean::Origin {
            host: "h".into(),
            ..Default::default()
        }),
        tier: lean::Tier::Hot as i32,
    };
    // Nothing is checked: the rules broken here are not generated.
    assert!(blob.validate_all().is_ok());
    let decoded = lean::Blob::decode(blob.encode_to_vec().as_slice()).expect("decodes");
    assert_eq!(decoded, blob);
}

/// Echoes the blob it is sent.
struct Echo;

impl server::PingServiceHandler for Echo {
    async fn ping(
        &self,
        _: &RequestContext,
        request: server::Blob,
    ) -> Result<server::Blob, Status> {
        Ok(request)
    }
}

#[tokio::test]
async fn the_one_service_generated_serves_rest_with_the_changed_types() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("address");
    let server = protogate::Server::new().service(server::PingService::new(Echo));
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));

    let client = reqwest::Client::new();
    let sent = serde_json::to_value(blob()).expect("serializes");
    let response = client
        .post(format!("http://{addr}/v1/ping"))
        .json(&sent)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(answer, sent);

    // The validator runs before the handler: 17 bytes is refused.
    let mut long = blob();
    long.data = bytes::Bytes::from(vec![7u8; 17]);
    let response = client
        .post(format!("http://{addr}/v1/ping"))
        .json(&serde_json::to_value(long).expect("serializes"))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 400);
}

/// Implements nothing: the default stubs answer.
struct Nothing;

impl server::PingServiceHandler for Nothing {}

#[tokio::test]
async fn a_handler_that_implements_nothing_answers_unimplemented_from_the_default_stubs() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("address");
    let server = protogate::Server::new().service(server::PingService::new(Nothing));
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/v1/ping"))
        .json(&serde_json::to_value(blob()).expect("serializes"))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 501);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["code"], 12);
    assert_eq!(
        body["message"],
        "knobs.v1.PingService.Ping is not implemented"
    );
}

#[test]
fn an_extern_type_is_used_as_is_and_checked_by_its_own_validator() {
    let envelope = uses::Envelope {
        blob: Some(blob()),
        tier: server::Tier::Hot as i32,
        note: "kept".into(),
    };
    assert!(envelope.validate().is_ok());
    let json = serde_json::to_value(&envelope).expect("serializes");
    assert_eq!(json["blob"]["name"], "report");
    let back: uses::Envelope = serde_json::from_value(json).expect("deserializes");
    assert_eq!(back, envelope);

    let mut unnamed = envelope.clone();
    if let Some(blob) = unnamed.blob.as_mut() {
        blob.name.clear();
    }
    let violations = unnamed.validate().expect_err("server::Blob's own rule");
    assert!(violations.to_string().contains("Name"), "{violations}");
    let missing = uses::Envelope {
        blob: None,
        ..envelope
    };
    assert!(missing.validate().is_err(), "required");
}
