//! Every unary method of every ZITADEL service called over REST and gRPC on a real socket.
//!
//! `cargo xtask zitadel` copies this file into the generated crate (target/zitadel/api). Every
//! service is mounted with `Unimplemented`, which implements nothing: a call that reaches its
//! method's handler answers UNIMPLEMENTED naming that very method, so the answer proves the
//! route, the guard, decoding and validation ran for the method that was called. A method whose
//! empty request fails its validation answers INVALID_ARGUMENT and is counted; any other answer
//! (a route miss, another method's handler) is a failure, and every service must have at least
//! one method reached over each protocol (over gRPC only when it has no HTTP bindings). Over
//! gRPC an empty protobuf message is sent first, then, when it fails validation, the JSON of
//! the REST call's path variables with gRPC's JSON codec.

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use protogate::{
    AuthRequest, Authenticator, BodySpec, Caller, Guard, HttpMethod, MethodInfo, MethodKind,
    Segment, ServiceInfo, Status,
};

/// Lets every request in as a caller holding every permission the API names.
struct Everyone {
    permissions: Vec<String>,
}

impl Authenticator for Everyone {
    async fn authenticate(&self, _: &AuthRequest<'_>) -> Result<Option<Caller>, Status> {
        let mut caller = Caller::new("tester");
        caller.org = Some("org".to_string());
        caller.permissions = self.permissions.clone();
        Ok(Some(caller))
    }
}

fn permissions() -> Vec<String> {
    let mut all: Vec<String> = zitadel_api::SERVICES
        .iter()
        .flat_map(|s| s.methods.iter())
        .filter_map(|m| match m.guard {
            Guard::Permission { permission, .. } => Some(permission.to_string()),
            _ => None,
        })
        .collect();
    all.sort();
    all.dedup();
    all
}

async fn start() -> SocketAddr {
    let server = zitadel_api::mount(protogate::Server::new()).authenticator(Everyone {
        permissions: permissions(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    addr
}

/// What a call answered: the gRPC code and message.
#[derive(Debug)]
struct Answer {
    code: i64,
    message: String,
    detail: String,
}

/// What the handler of `method` answers.
fn reached(method: &MethodInfo, answer: &Answer) -> bool {
    answer.code == 12 && answer.message == format!("{} is not implemented", method.full_name)
}

/// The method's first route with every variable set to `1`.
fn rest_call(
    service: &ServiceInfo,
    method: &MethodInfo,
) -> Option<(reqwest::Method, String, bool)> {
    let route = method.routes.first()?;
    let mut path = service.rest_prefix.to_string();
    for segment in route.template.segments {
        path.push('/');
        match segment {
            Segment::Literal(literal) => path.push_str(literal),
            Segment::Single | Segment::Multi => path.push('1'),
        }
    }
    if route.template.segments.is_empty() {
        // The template `/`: the service's prefix and a slash.
        path.push('/');
    }
    if let Some(verb) = route.template.verb {
        path.push(':');
        path.push_str(verb);
    }
    let verb = match route.method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Delete => reqwest::Method::DELETE,
        HttpMethod::Patch => reqwest::Method::PATCH,
        HttpMethod::Custom(name) => reqwest::Method::from_bytes(name.as_bytes()).ok()?,
    };
    Some((verb, path, !matches!(route.body, BodySpec::None)))
}

async fn rest(
    client: &reqwest::Client,
    addr: SocketAddr,
    call: &(reqwest::Method, String, bool),
) -> Answer {
    let (verb, path, body) = call;
    let mut request = client.request(verb.clone(), format!("http://{addr}{path}"));
    if *body {
        request = request
            .header("content-type", "application/json")
            .body("{}");
    }
    let response = request.send().await.expect("REST answers");
    let status = response.status();
    let text = response.text().await.expect("REST body");
    let json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|_| serde_json::json!({"code": -1, "message": text}));
    Answer {
        code: json["code"].as_i64().unwrap_or(-1),
        message: json["message"].as_str().unwrap_or_default().to_string(),
        detail: format!("HTTP {status} {text}"),
    }
}

/// One HTTP/2 connection for every gRPC call.
async fn grpc_connection(addr: SocketAddr) -> hyper::client::conn::http2::SendRequest<Full<Bytes>> {
    let tcp = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let (sender, connection) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(tcp),
    )
    .await
    .expect("HTTP/2");
    tokio::spawn(connection);
    sender
}

/// The request of `method` with every variable of its first route set to `1`, as proto3 JSON.
fn variables_json(method: &MethodInfo) -> serde_json::Value {
    let mut json = serde_json::json!({});
    for variable in method
        .routes
        .first()
        .map_or(&[][..], |r| r.template.variables)
    {
        let mut at = &mut json;
        for (i, name) in variable.field_path.iter().enumerate() {
            let leaf = i + 1 == variable.field_path.len();
            let value = if leaf {
                serde_json::json!("1")
            } else {
                serde_json::json!({})
            };
            let Some(object) = at.as_object_mut() else {
                break;
            };
            at = object.entry(name.to_string()).or_insert(value);
        }
    }
    json
}

/// A gRPC call with one message: `message` is protobuf or, for `application/grpc+json`, JSON.
async fn grpc(
    sender: &mut hyper::client::conn::http2::SendRequest<Full<Bytes>>,
    addr: SocketAddr,
    path: &str,
    content_type: &str,
    message: &[u8],
) -> Answer {
    let mut frame = vec![0u8];
    frame.extend_from_slice(&u32::try_from(message.len()).expect("small").to_be_bytes());
    frame.extend_from_slice(message);
    let request = hyper::Request::post(format!("http://{addr}{path}"))
        .header("content-type", content_type)
        .header("te", "trailers")
        .body(Full::new(Bytes::from(frame)))
        .expect("request");
    let response = sender.send_request(request).await.expect("gRPC answers");
    let (parts, body) = response.into_parts();
    let trailers = body.collect().await.expect("body").trailers().cloned();
    let field = |name: &str| {
        trailers
            .as_ref()
            .and_then(|t| t.get(name))
            .or_else(|| parts.headers.get(name))
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    Answer {
        code: field("grpc-status").parse().unwrap_or(-1),
        message: field("grpc-message").replace("%20", " "),
        detail: format!("HTTP {} grpc-status {}", parts.status, field("grpc-status")),
    }
}

/// How the calls of one protocol went.
#[derive(Default)]
struct Tally {
    /// Methods whose handler answered.
    reached: usize,
    /// Methods whose empty request failed its validation.
    invalid: usize,
}

impl Tally {
    /// Counts `answer` of `method`; anything but its own handler or INVALID_ARGUMENT is a
    /// failure (another method's handler means the route went astray).
    fn count(
        &mut self,
        what: String,
        method: &MethodInfo,
        answer: &Answer,
        failures: &mut Vec<String>,
    ) -> bool {
        if reached(method, answer) {
            self.reached += 1;
            return true;
        }
        if answer.code == 3 {
            self.invalid += 1;
        } else {
            failures.push(format!(
                "{what} ({}): {} {}",
                method.full_name, answer.detail, answer.message
            ));
        }
        false
    }
}

#[tokio::test]
async fn every_unary_method_is_served_by_its_own_handler_over_rest_and_grpc() {
    assert!(!zitadel_api::SERVICES.is_empty());
    let addr = start().await;
    let client = reqwest::Client::new();
    let mut sender = grpc_connection(addr).await;
    let mut failures: Vec<String> = Vec::new();
    let (mut rest_tally, mut grpc_tally) = (Tally::default(), Tally::default());
    let mut served = 0;
    for service in zitadel_api::SERVICES {
        let (mut over_rest, mut over_grpc) = (false, false);
        for method in service
            .methods
            .iter()
            .filter(|m| m.kind == MethodKind::Unary)
        {
            if let Some(call) = rest_call(service, method) {
                let answer = rest(&client, addr, &call).await;
                let what = format!("REST {} {}", call.0, call.1);
                over_rest |= rest_tally.count(what, method, &answer, &mut failures);
            }
            // An empty protobuf message; when that fails validation, proto3 JSON (gRPC's JSON
            // codec) with the route's variables set, as the REST call sent them.
            let mut answer =
                grpc(&mut sender, addr, method.grpc_path, "application/grpc", &[]).await;
            if answer.code == 3 && !method.routes.is_empty() {
                let json = variables_json(method).to_string();
                answer = grpc(
                    &mut sender,
                    addr,
                    method.grpc_path,
                    "application/grpc+json",
                    json.as_bytes(),
                )
                .await;
            }
            let what = format!("gRPC {}", method.grpc_path);
            over_grpc |= grpc_tally.count(what, method, &answer, &mut failures);
        }
        // A service without HTTP bindings is served over gRPC only.
        let has_routes = service.methods.iter().any(|m| !m.routes.is_empty());
        if (over_rest || !has_routes) && over_grpc {
            served += 1;
        } else {
            failures.push(format!(
                "{}: no method reached over REST and gRPC both",
                service.name
            ));
        }
    }
    let methods: usize = zitadel_api::SERVICES.iter().map(|s| s.methods.len()).sum();
    eprintln!(
        "{served} of {} services served over REST and gRPC; of {methods} methods, REST reached {} handlers ({} empty requests refused by validation), gRPC {} ({} refused)",
        zitadel_api::SERVICES.len(),
        rest_tally.reached,
        rest_tally.invalid,
        grpc_tally.reached,
        grpc_tally.invalid,
    );
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(served, zitadel_api::SERVICES.len());
}
