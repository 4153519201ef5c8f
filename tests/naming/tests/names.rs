//! Keyword, mixed-case and prelude-shadowing names: every service answers over REST and gRPC,
//! and proto3 JSON keeps the schema's JSON names whatever Rust had to call the fields.

mod common;

use protogate_naming_test::api::naming::{clash, deep, mixed_case::shop_v1, prelude, r#match};
use serde_json::{json, Value};

#[tokio::test]
async fn keyword_fields_and_oneofs_round_trip_with_their_json_names() {
    let s = common::start().await;
    let body = json!({
        "type": "t",
        "ref": "r",
        "self": true,
        "async": 4,
        "fn": "f",
        "super": "s",
        "crate": "c",
        "useIt": "u",
        "selfType": "st",
        "money": {"units": "9", "currency": "EUR"},
        "where": "12",
        "dyn": "d",
        "in": ["a", "b"],
        "mod": {"k": 1},
    });
    let (status, reply) = s.json("POST", "/v1/match/t", Some(&body)).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply, body);

    // The same message through gRPC, then back to JSON.
    let request: r#match::Keywords = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(request.r#use, "u");
    assert!(request.self_);
    assert_eq!(request.r#match, Some(r#match::keywords::Match::Where(12)));
    let mut client = r#match::match_client::MatchClient::new(s.channel().await);
    let echoed = client.echo(request.clone()).await.unwrap().into_inner();
    assert_eq!(echoed, request);
    assert_eq!(serde_json::to_value(&echoed).unwrap(), reply);
}

#[tokio::test]
async fn a_mixed_case_package_serves_rest_and_grpc() {
    let s = common::start().await;
    let (status, reply) = s
        .json(
            "GET",
            "/v1/shop/prices/tea?amount.units=5&kind.as=cup",
            None,
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["displayName"], "tea");
    assert_eq!(reply["amount"]["units"], "5");
    assert_eq!(reply["kind"], json!({"as": "cup"}));

    let mut client = shop_v1::shop_service_client::ShopServiceClient::new(s.channel().await);
    let price = shop_v1::Price {
        display_name: "tea".into(),
        ..Default::default()
    };
    assert_eq!(
        client.get_price(price.clone()).await.unwrap().into_inner(),
        price
    );
}

#[tokio::test]
async fn messages_named_like_prelude_items_round_trip() {
    let s = common::start().await;
    let body = json!({
        "option": {"value": "o"},
        "result": {"ok": true, "errors": [{"text": "e1"}, {"text": "e2"}]},
        "strings": [{"text": "s"}],
        "vecs": {"v": {"items": ["1", "2"]}},
        "box": {"inner": {"label": "in"}, "label": "out"},
        "maybe": "m",
        "numbers": ["7", "8"],
        "blob": "AAEC",
    });
    let (status, reply) = s.json("POST", "/v1/prelude", Some(&body)).await;
    assert_eq!((status, &reply), (200, &body));

    let request: prelude::Prelude = serde_json::from_value(body).unwrap();
    assert_eq!(
        request
            .r#box
            .as_ref()
            .unwrap()
            .inner
            .as_ref()
            .unwrap()
            .label,
        "in"
    );
    let mut client = prelude::prelude_service_client::PreludeServiceClient::new(s.channel().await);
    assert_eq!(
        client.echo(request.clone()).await.unwrap().into_inner(),
        request
    );
}

#[tokio::test]
async fn colliding_enum_values_keep_distinct_variants_and_json_names() {
    use protogate_naming_test::api::naming::r#type::{Currency, Money};
    for (json_name, variant, number) in [
        ("CURRENCY_EUR", Currency::CurrencyEur, 1),
        ("EUR", Currency::Eur, 2),
        ("CURRENCY_SELF", Currency::CurrencySelf, 3),
        ("CURRENCY_USD", Currency::Usd, 4),
    ] {
        assert_eq!(variant as i32, number);
        assert_eq!(variant.as_str_name(), json_name);
        assert_eq!(Currency::from_str_name(json_name), Some(variant));
        let money: Money = serde_json::from_value(json!({"currency": json_name})).unwrap();
        assert_eq!(money.currency, number);
        assert_eq!(serde_json::to_value(&money).unwrap()["currency"], json_name);
    }
}

fn level1(leaf: &str) -> Value {
    json!({
        "level2": {"level3": {"level4": {"level5": {"leafName": leaf, "kind": "KIND_LEAF"}}}},
        "shortcut": {"leafName": "short", "kind": "KIND_LEAF"},
    })
}

#[tokio::test]
async fn methods_named_like_generated_items_reach_their_handlers() {
    let s = common::start().await;
    let (status, reply) = s.json("GET", "/v1/clash/x", None).await;
    assert_eq!((status, reply), (200, json!({"name": "info: x"})));
    let (status, reply) = s
        .json("POST", "/v1/clash/handler", Some(&json!({"name": "h"})))
        .await;
    assert_eq!((status, reply), (200, json!({"name": "handler: h"})));
    let (status, reply) = s
        .json("POST", "/v1/clash/deep", Some(&level1("leaf")))
        .await;
    assert_eq!((status, reply), (200, level1("leaf")));
    let (status, reply) = s
        .json(
            "POST",
            "/naming.clash.Clash/Clone",
            Some(&json!({"name": "c"})),
        )
        .await;
    assert_eq!((status, reply), (200, json!({"name": "clone: c"})));

    let channel = s.channel().await;
    let mut client = clash::clash_client::ClashClient::new(channel.clone());
    let c = |name: &str| clash::Clash { name: name.into() };
    let name =
        |r: Result<tonic::Response<clash::Clash>, tonic::Status>| r.unwrap().into_inner().name;
    assert_eq!(name(client.info(c("a")).await), "info: a");
    assert_eq!(name(client.into_grpc(c("a")).await), "into_grpc: a");
    assert_eq!(name(client.from_arc(c("a")).await), "from_arc: a");
    assert_eq!(name(client.call_unary(c("a")).await), "call_unary: a");
    assert_eq!(
        name(client.file_descriptor_set(c("a")).await),
        "file_descriptor_set: a"
    );
    assert_eq!(
        name(client.add_grpc_routes(c("a")).await),
        "add_grpc_routes: a"
    );
    // `client.clone(…)` would find `Clone::clone` first (it takes `&self`, the rpc `&mut self`).
    let cloned = clash::clash_client::ClashClient::clone(&mut client, c("a")).await;
    assert_eq!(name(cloned), "clone: a");
    let mut stream = client
        .call_server_streaming(c("s"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stream.message().await.unwrap().unwrap().name, "stream 1: s");
    assert_eq!(stream.message().await.unwrap().unwrap().name, "stream 2: s");
    let handled = client
        .handler(clash::ClashHandler { name: "h".into() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(handled.name, "handler: h");
    let deep: deep::Level1 = serde_json::from_value(level1("grpc")).unwrap();
    assert_eq!(client.deep(deep.clone()).await.unwrap().into_inner(), deep);

    let mut service = clash::service_client::ServiceClient::new(channel);
    assert_eq!(name(service.service(c("z")).await), "service: z");
    let info = service
        .info(clash::ClashHandler { name: "i".into() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(info.name, "service info: i");
}
