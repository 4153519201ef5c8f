//! Files without a `package` statement, served like tonic serves them: `/Pinger/Ping` on gRPC,
//! Connect and REST, listed by reflection, and mixed with packaged files both ways.

mod common;

use prost::Message as _;
use protogate_naming_test::api;
use serde_json::json;

#[tokio::test]
async fn packageless_ping_answers_over_grpc() {
    let s = common::start().await;
    let mut client = api::pinger_client::PingerClient::new(s.channel().await);
    let reply = client
        .ping(api::Ping { msg: "hi".into() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(reply.msg, "pong: hi");
}

#[tokio::test]
async fn packageless_ping_answers_over_connect_at_the_bare_service_path() {
    let s = common::start().await;
    let (status, body) = s
        .json("POST", "/Pinger/Ping", Some(&json!({"msg": "hi"})))
        .await;
    assert_eq!((status, body), (200, json!({"msg": "pong: hi"})));

    let response = s
        .http
        .post(s.url("/Pinger/Ping"))
        .header("content-type", "application/proto")
        .body(api::Ping { msg: "bin".into() }.encode_to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let reply = api::Ping::decode(response.bytes().await.unwrap()).unwrap();
    assert_eq!(reply.msg, "pong: bin");
}

#[tokio::test]
async fn packageless_ping_answers_over_rest() {
    let s = common::start().await;
    let (status, body) = s
        .json("POST", "/v1/ping", Some(&json!({"msg": "hi"})))
        .await;
    assert_eq!((status, body), (200, json!({"msg": "pong: hi"})));
}

#[tokio::test]
async fn packageless_and_packaged_types_refer_to_each_other() {
    let s = common::start().await;
    // Wallet (no package) holds naming.type.Money, which holds Ping (no package).
    let (status, body) = s
        .json("GET", "/v1/wallet/7?nanos=5&receipt.msg=r", None)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({
            "balance": {"units": "7", "nanos": 5, "receipt": {"msg": "r"}},
            "lastPing": {"msg": "kept"},
            "currencies": ["CURRENCY_EUR", "EUR", "CURRENCY_SELF"],
        })
    );

    let mut client = api::wallet_service_client::WalletServiceClient::new(s.channel().await);
    let wallet = client
        .fill(api::naming::r#type::Money {
            units: 3,
            receipt: Some(api::Ping { msg: "g".into() }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(wallet.balance.unwrap().receipt.unwrap().msg, "g");
}

#[tokio::test]
async fn reflection_lists_packageless_services_by_their_bare_names() {
    use tonic_reflection::pb::v1::{
        server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
        ServerReflectionRequest,
    };
    let s = common::start().await;
    let mut reflection = ServerReflectionClient::new(s.channel().await);
    let requests = [
        MessageRequest::ListServices(String::new()),
        MessageRequest::FileContainingSymbol("Pinger".into()),
    ]
    .map(|message| ServerReflectionRequest {
        host: String::new(),
        message_request: Some(message),
    });
    let mut responses = reflection
        .server_reflection_info(futures_util::stream::iter(requests))
        .await
        .unwrap()
        .into_inner();
    let list = responses.message().await.unwrap().unwrap().message_response;
    let Some(MessageResponse::ListServicesResponse(list)) = list else {
        panic!("{list:?}")
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for name in [
        "Pinger",
        "WalletService",
        "naming.match.Match",
        "naming.MixedCase.ShopV1.ShopService",
    ] {
        assert!(names.contains(&name.to_string()), "{name} in {names:?}");
    }
    let file = responses.message().await.unwrap().unwrap().message_response;
    let Some(MessageResponse::FileDescriptorResponse(file)) = file else {
        panic!("{file:?}")
    };
    let files: Vec<prost_types::FileDescriptorProto> = file
        .file_descriptor_proto
        .iter()
        .map(|bytes| prost_types::FileDescriptorProto::decode(bytes.as_slice()).unwrap())
        .collect();
    assert_eq!(files[0].name(), "ping.proto");
    assert_eq!(files[0].package(), "");
}
