//! The REST edge on a real listener: a wrong method (405 with `Allow`, or grpc-gateway's 501),
//! `/healthz` following the health reporter, query-string errors naming the parameter, map
//! fields in the query string, `Grpc-Metadata-*` headers both ways, and unpopulated fields.

use std::net::SocketAddr;

use protogate::{HealthReporter, RequestContext, ServingStatus, Status, WrongMethod};
use protogate_build_rs_test::probe::v1 as probe;
use serde_json::{json, Value};

/// Echoes the request and the metadata it came with.
struct Echo;

impl probe::ProbeServiceHandler for Echo {
    async fn echo(
        &self,
        ctx: &RequestContext,
        request: probe::EchoRequest,
    ) -> Result<probe::EchoResponse, Status> {
        let mut metadata: Vec<String> = ctx
            .headers
            .iter()
            .filter(|(name, _)| {
                let name = name.as_str();
                // Only what the tests send, not what the client adds (Accept, Host).
                [
                    "foo",
                    "x-trace",
                    "grpcgateway-user-agent",
                    "grpcgateway-x-trace",
                ]
                .contains(&name)
            })
            .map(|(name, value)| format!("{name}={}", value.to_str().unwrap_or("?")))
            .collect();
        metadata.sort();
        let response = ctx.response();
        response.insert_header("x-served-by".parse().unwrap(), "echo".parse().unwrap());
        response.insert_trailer("x-rows".parse().unwrap(), "1".parse().unwrap());
        Ok(probe::EchoResponse {
            request: Some(request),
            metadata,
            ..Default::default()
        })
    }

    async fn echo_inner(
        &self,
        _: &RequestContext,
        request: probe::EchoRequest,
    ) -> Result<probe::EchoResponse, Status> {
        Ok(Echo::plain(request))
    }

    async fn echo_twice(
        &self,
        _: &RequestContext,
        request: probe::EchoRequest,
    ) -> Result<protogate::ResponseStream<probe::EchoResponse>, Status> {
        let answers = [Ok(Echo::plain(request.clone())), Ok(Echo::plain(request))];
        Ok(Box::pin(futures_util::stream::iter(answers)))
    }
}

impl Echo {
    fn plain(request: probe::EchoRequest) -> probe::EchoResponse {
        probe::EchoResponse {
            request: Some(request),
            inner: Some(probe::Inner::default()),
            ..Default::default()
        }
    }
}

struct Running {
    addr: SocketAddr,
    health: HealthReporter,
    http: reqwest::Client,
}

impl Running {
    async fn get(&self, path: &str) -> (u16, http::HeaderMap, Value) {
        self.call(self.http.get(format!("http://{}{path}", self.addr)))
            .await
    }

    async fn call(&self, request: reqwest::RequestBuilder) -> (u16, http::HeaderMap, Value) {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
        (status, headers, body)
    }
}

async fn start(configure: impl FnOnce(protogate::Server) -> protogate::Server) -> Running {
    let server = configure(protogate::Server::new().service(probe::ProbeService::new(Echo)));
    let health = server.health_reporter();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    Running {
        addr,
        health,
        http: reqwest::Client::new(),
    }
}

#[tokio::test]
async fn rest_known_path_with_the_wrong_method_is_405_with_allow() {
    let s = start(|server| server).await;
    let url = format!("http://{}/v1/probes/p1", s.addr);
    let (status, headers, body) = s.call(s.http.put(&url).json(&json!({}))).await;
    assert_eq!(status, 405, "{body}");
    assert_eq!(headers["allow"], "GET, DELETE");
    assert_eq!(
        body,
        json!({"code": 12, "message": "Method Not Allowed", "details": []})
    );
    let (status, _, body) = s.get("/v1/no/such/path").await;
    assert_eq!((status, body["code"].clone()), (404, json!(5)));
}

#[tokio::test]
async fn rest_wrong_method_can_answer_501_like_grpc_gateway() {
    let s = start(|server| server.rest_wrong_method(WrongMethod::Unimplemented)).await;
    let url = format!("http://{}/v1/probes/p1", s.addr);
    let (status, headers, body) = s.call(s.http.post(&url).json(&json!({}))).await;
    assert_eq!(status, 501, "{body}");
    assert_eq!(headers["allow"], "GET, DELETE");
    assert_eq!(
        body,
        json!({"code": 12, "message": "Method Not Allowed", "details": []})
    );
}

#[tokio::test]
async fn healthz_follows_the_health_reporter() {
    let s = start(|server| server).await;
    let (status, _, body) = s.get("/healthz").await;
    assert_eq!((status, body), (200, json!({"status": "SERVING"})));

    s.health.set_not_serving("");
    let (status, _, body) = s.get("/healthz").await;
    assert_eq!(
        (status, body),
        (
            503,
            json!({"code": 14, "message": "status:NOT_SERVING", "details": []})
        )
    );
    let (status, _, body) = s.get("/healthz?service=probe.v1.ProbeService").await;
    assert_eq!((status, body), (200, json!({"status": "SERVING"})));

    s.health
        .set_service_status("probe.v1.ProbeService", ServingStatus::NotServing);
    let (status, _, body) = s.get("/healthz?service=probe.v1.ProbeService").await;
    assert_eq!((status, body["code"].clone()), (503, json!(14)));
    let (status, _, body) = s.get("/healthz?service=no.such.Service").await;
    assert_eq!((status, body["code"].clone()), (404, json!(5)));

    s.health.set_serving("");
    let (status, _, _) = s.get("/healthz").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn grpc_metadata_headers_reach_the_handler_and_come_back() {
    let s = start(|server| server).await;
    let url = format!("http://{}/v1/probes/p1", s.addr);
    let (status, headers, body) = s
        .call(
            s.http
                .get(&url)
                .header("Grpc-Metadata-Foo", "bar")
                .header("User-Agent", "probe/1")
                .header("X-Trace", "t1"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let metadata = body["metadata"].as_array().unwrap();
    for expected in ["foo=bar", "grpcgateway-user-agent=probe/1", "x-trace=t1"] {
        assert!(metadata.contains(&json!(expected)), "{expected}: {body}");
    }
    assert!(
        !metadata.contains(&json!("grpcgateway-x-trace=t1")),
        "only permanent headers get the grpcgateway- prefix: {body}"
    );
    assert_eq!(headers["x-served-by"], "echo");
    assert_eq!(headers["grpc-metadata-x-served-by"], "echo");
    assert_eq!(headers["grpc-trailer-x-rows"], "1");
}

#[tokio::test]
async fn a_bad_query_parameter_is_refused_naming_it() {
    let s = start(|server| server).await;
    let cases = [
        ("count=abc", "count", "a 32-bit integer"),
        ("big=1.5", "big", "a 64-bit integer"),
        ("small=-1", "small", "an unsigned 32-bit integer"),
        ("ratio=x", "ratio", "a floating-point number"),
        ("flag=maybe", "flag", "a boolean"),
        ("color=PINK", "color", "one of COLOR_UNSPECIFIED, RED, BLUE"),
        (
            "inner.serial=-3",
            "inner.serial",
            "an unsigned 64-bit integer",
        ),
        ("colorsBySlot[x]=RED", "colorsBySlot[x]", "invalid map key"),
        ("labels=plain", "labels", "labels[KEY]=VALUE"),
    ];
    for (query, parameter, expected) in cases {
        let (status, _, body) = s.get(&format!("/v1/probes/p1?{query}")).await;
        assert_eq!(
            (status, body["code"].clone()),
            (400, json!(3)),
            "{query}: {body}"
        );
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("query parameter `{parameter}`: ")),
            "{query}: {message}"
        );
        assert!(message.contains(expected), "{query}: {message}");
        assert_eq!(
            body["details"][0]["@type"],
            "type.googleapis.com/google.rpc.BadRequest"
        );
        assert_eq!(
            body["details"][0]["fieldViolations"][0]["field"], parameter,
            "{query}: {body}"
        );
    }
    let (status, _, body) = s.get("/v1/probes/p1?page_size=abc").await;
    assert_eq!(status, 200, "unknown parameters are still ignored: {body}");
}

#[tokio::test]
async fn map_fields_are_set_from_the_query_string() {
    let s = start(|server| server).await;
    let (status, _, body) = s
        .get(
            "/v1/probes/p1?labels[lang]=en&labels%5Bgenre%5D=sci%20fi&colors_by_slot[007]=RED\
             &colorsBySlot[2]=2&totals[true]=12&totals[0]=-4&inner.tags[k]=v&count=3&big=-9\
             &numbers=1&numbers=2&share=2.5",
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let request = &body["request"];
    assert_eq!(request["labels"], json!({"lang": "en", "genre": "sci fi"}));
    assert_eq!(request["colorsBySlot"], json!({"7": "RED", "2": "BLUE"}));
    assert_eq!(request["totals"], json!({"true": "12", "false": "-4"}));
    assert_eq!(request["inner"]["tags"], json!({"k": "v"}));
    assert_eq!(
        (
            request["count"].clone(),
            request["big"].clone(),
            request["numbers"].clone(),
            request["share"].clone()
        ),
        (json!(3), json!("-9"), json!([1, 2]), json!(2.5))
    );
}

#[tokio::test]
async fn unpopulated_fields_are_written_when_asked() {
    let s = start(|server| server).await;
    let (_, _, body) = s.get("/v1/probes/p1").await;
    assert_eq!(
        body,
        json!({"request": {"id": "p1"}}),
        "by default, canonical proto3 JSON"
    );

    let s = start(|server| server.rest_emit_unpopulated(true)).await;
    let url = format!("http://{}/v1/probes/p1?inner.serial=5", s.addr);
    let response = s.http.get(&url).send().await.unwrap();
    let text = response.text().await.unwrap();
    assert!(
        text.starts_with(r#"{"request":{"id":"p1","count":0,"big":"0","small":0,"#),
        "declaration order: {text}"
    );
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        body,
        json!({
            "request": {
                "id": "p1", "count": 0, "big": "0", "small": 0, "ratio": 0, "flag": false,
                "color": "COLOR_UNSPECIFIED", "labels": {}, "colorsBySlot": {}, "totals": {},
                "inner": {"tags": {}, "serial": "5"}, "numbers": [], "share": 0
            },
            "metadata": [], "total": "0", "color": "COLOR_UNSPECIFIED", "labels": {},
            "at": null, "inner": null, "blob": "", "inners": []
        }),
        "no oneof member, no proto3 optional field"
    );
}

#[tokio::test]
async fn unpopulated_fields_are_written_in_streams_and_response_bodies() {
    let s = start(|server| server.rest_emit_unpopulated(true)).await;
    let (status, _, body) = s.get("/v1/probes/p1/inner").await;
    assert_eq!(
        (status, body),
        (200, json!({"tags": {}, "serial": "0"})),
        "response_body: the field, filled"
    );
    let url = format!("http://{}/v1/twice/p1", s.addr);
    let text = s.http.get(&url).send().await.unwrap().text().await.unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    for line in lines {
        assert_eq!(line["result"]["inner"], json!({"tags": {}, "serial": "0"}));
        assert_eq!(line["result"]["total"], "0");
        assert_eq!(line["result"]["request"]["count"], 0);
    }
}
