//! A request broken under protovalidate's rules answers INVALID_ARGUMENT with two details on
//! every protocol: `google.rpc.BadRequest` and protovalidate's own `buf.validate.Violations`
//! (structured field and rule paths, rule ids, messages).

use std::net::SocketAddr;

use prost::Message as _;
use protogate::buf_validate::{FieldPath, FieldPathElement, Violation, Violations};
use protogate::{RequestContext, Status};
use protogate_build_rs_test::probe::v1 as probe;
use serde_json::{json, Value};

struct Checked;

impl probe::CheckedServiceHandler for Checked {
    async fn check(
        &self,
        _: &RequestContext,
        _: probe::CheckRequest,
    ) -> Result<probe::CheckResponse, Status> {
        Ok(probe::CheckResponse::default())
    }
}

async fn start() -> SocketAddr {
    let server = protogate::Server::new().service(probe::CheckedService::new(Checked));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    addr
}

/// The violation of `{"name": "abc", "counts": {"k": 0}}`, as protovalidate reports it in
/// proto3 JSON.
fn expected_json() -> Value {
    json!({"violations": [
        {
            "field": {"elements": [{
                "fieldNumber": 2, "fieldName": "counts", "fieldType": "TYPE_MESSAGE",
                "keyType": "TYPE_STRING", "valueType": "TYPE_INT32", "stringKey": "k"
            }]},
            "rule": {"elements": [
                {"fieldNumber": 19, "fieldName": "map", "fieldType": "TYPE_MESSAGE"},
                {"fieldNumber": 5, "fieldName": "values", "fieldType": "TYPE_MESSAGE"},
                {"fieldNumber": 3, "fieldName": "int32", "fieldType": "TYPE_MESSAGE"},
                {"fieldNumber": 4, "fieldName": "gt", "fieldType": "TYPE_INT32"}
            ]},
            "ruleId": "int32.gt",
            "message": "must be greater than 0"
        }
    ]})
}

#[tokio::test]
async fn rest_protovalidate_failure_carries_buf_validate_violations_beside_bad_request() {
    let addr = start().await;
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/v1/checked"))
        .json(&json!({"name": "abc", "counts": {"k": 0}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], 3, "{body}");
    let details = body["details"].as_array().unwrap();
    assert_eq!(details.len(), 2, "{body}");
    assert_eq!(
        details[0]["@type"],
        "type.googleapis.com/google.rpc.BadRequest"
    );
    assert_eq!(
        details[1]["@type"],
        "type.googleapis.com/buf.validate.Violations"
    );
    let mut violations = details[1].clone();
    violations.as_object_mut().unwrap().remove("@type");
    assert_eq!(violations, expected_json());
}

#[tokio::test]
async fn grpc_protovalidate_failure_carries_buf_validate_violations_beside_bad_request() {
    let addr = start().await;
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut client = probe::checked_service_client::CheckedServiceClient::new(channel);
    let request = probe::CheckRequest {
        name: "ab".into(),
        ..Default::default()
    };
    let err = client.check(request).await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    let status = protogate::rpc::Status::decode(err.details()).unwrap();
    let urls: Vec<&str> = status.details.iter().map(|d| d.type_url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "type.googleapis.com/google.rpc.BadRequest",
            "type.googleapis.com/buf.validate.Violations"
        ]
    );
    let violations = Violations::decode(status.details[1].value.as_slice()).unwrap();
    assert_eq!(
        violations,
        Violations {
            violations: vec![Violation {
                field: Some(FieldPath {
                    elements: vec![FieldPathElement {
                        field_number: Some(1),
                        field_name: Some("name".into()),
                        field_type: Some(9),
                        ..Default::default()
                    }],
                }),
                rule: Some(FieldPath {
                    elements: vec![
                        FieldPathElement {
                            field_number: Some(14),
                            field_name: Some("string".into()),
                            field_type: Some(11),
                            ..Default::default()
                        },
                        FieldPathElement {
                            field_number: Some(2),
                            field_name: Some("min_len".into()),
                            field_type: Some(4),
                            ..Default::default()
                        },
                    ],
                }),
                rule_id: Some("string.min_len".into()),
                message: Some("must be at least 3 characters".into()),
                for_key: None,
            }],
        }
    );
}

#[tokio::test]
async fn every_protovalidate_violation_is_reported_not_only_the_first() {
    let addr = start().await;
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/v1/checked"))
        // One broken map entry: map entries have no defined order.
        .json(&json!({"name": "ab", "counts": {"k": 0, "m": 2}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    let bad_request: Vec<(&str, &str)> = body["details"][0]["fieldViolations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["field"].as_str().unwrap(),
                v["description"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        bad_request,
        [
            ("name", "must be at least 3 characters"),
            ("counts[\"k\"]", "must be greater than 0"),
        ],
        "{body}"
    );
    let rule_ids: Vec<&str> = body["details"][1]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(rule_ids, ["string.min_len", "int32.gt"], "{body}");
    // The message as protovalidate words a validation error.
    assert_eq!(
        body["message"],
        "validation error:\n - name: must be at least 3 characters [string.min_len]\n \
         - counts[\"k\"]: must be greater than 0 [int32.gt]"
    );
}
