//! One method of every ZITADEL service, served over REST and gRPC on a real socket.
//!
//! `cargo xtask zitadel` copies this file into the generated crate (target/zitadel/api). Every
//! service is mounted with `Unimplemented`, which implements nothing: a call that reaches its
//! method's handler answers UNIMPLEMENTED naming that very method, so the answer proves the
//! route, the guard, decoding and validation ran for the method that was called. A method whose
//! empty request fails its own validation (INVALID_ARGUMENT) is skipped for the next one; any
//! other answer is a failure.

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

async fn grpc(addr: SocketAddr, path: &str) -> Answer {
    let tcp = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let (mut sender, connection) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(tcp),
    )
    .await
    .expect("HTTP/2");
    tokio::spawn(connection);
    // One empty message: every field at its default.
    let request = hyper::Request::post(format!("http://{addr}{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(Full::new(Bytes::from_static(&[0, 0, 0, 0, 0])))
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

#[tokio::test]
async fn one_method_of_every_service_answers_over_rest_and_grpc() {
    assert!(!zitadel_api::SERVICES.is_empty());
    let addr = start().await;
    let client = reqwest::Client::new();
    let mut failures: Vec<String> = Vec::new();
    let mut served = 0;
    for service in zitadel_api::SERVICES {
        let unary = || {
            service
                .methods
                .iter()
                .filter(|m| m.kind == MethodKind::Unary)
        };
        let mut rest_method = None;
        for method in unary() {
            let Some(call) = rest_call(service, method) else {
                continue;
            };
            let answer = rest(&client, addr, &call).await;
            if reached(method, &answer) {
                rest_method = Some(method.name);
                break;
            }
            if answer.code != 3 {
                failures.push(format!(
                    "REST {} {} ({}): {}",
                    call.0, call.1, method.full_name, answer.detail
                ));
            }
        }
        let mut grpc_method = None;
        for method in unary() {
            let answer = grpc(addr, method.grpc_path).await;
            if reached(method, &answer) {
                grpc_method = Some(method.name);
                break;
            }
            if answer.code != 3 {
                failures.push(format!(
                    "gRPC {}: {} {}",
                    method.grpc_path, answer.detail, answer.message
                ));
            }
        }
        match (rest_method, grpc_method) {
            (Some(rest), Some(grpc)) => {
                served += 1;
                eprintln!("{}: REST {rest}, gRPC {grpc}", service.name);
            }
            _ => failures.push(format!(
                "{}: no method reached over {}",
                service.name,
                if rest_method.is_none() {
                    "REST"
                } else {
                    "gRPC"
                }
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{served} services served over REST and gRPC");
    assert_eq!(served, zitadel_api::SERVICES.len());
}
