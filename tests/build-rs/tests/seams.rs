//! The seams an application shapes the server with, used as an application would, on a real
//! listener and over REST, gRPC and Connect: an authenticator that sees the method and
//! attaches its own data for the handler, the auth option's permission and
//! `check_field_name`, ordered interceptors (metadata, refusal, outcomes), and a tower layer
//! around the whole server.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use protogate::{AuthRequest, Call, Caller, Interceptor, Outcome, RequestContext, Status};
use protogate_build_rs_test::probe::v1 as probe;
use serde_json::{json, Value};

/// What the authenticator attaches to a caller, for the handler.
#[derive(Clone, Debug)]
struct Tenant(String);

/// Bearer tokens: `alice` holds `project.read` on p1 only, `root` holds `project.read` and
/// `project.delete` everywhere; both belong to tenant `acme`. Records the methods it is asked
/// about.
#[derive(Clone, Default)]
struct Tokens {
    seen: Arc<Mutex<Vec<String>>>,
}

impl protogate::Authenticator for Tokens {
    async fn authenticate(&self, request: &AuthRequest<'_>) -> Result<Option<Caller>, Status> {
        self.seen.lock().unwrap().push(format!(
            "{:?} {}",
            request.protocol, request.method.full_name
        ));
        let permissions: &[&str] = match protogate::bearer_token(request.headers)? {
            None => return Ok(None),
            Some("alice") => &["project.read:p1"],
            Some("root") => &["project.read", "project.delete"],
            Some(_) => return Err(Status::unauthenticated("unknown token")),
        };
        Ok(Some(Caller {
            permissions: permissions.iter().map(|p| p.to_string()).collect(),
            ..Caller::new("u-".to_string() + &permissions.len().to_string())
                .with_extension(Tenant("acme".into()))
        }))
    }
}

struct Projects;

impl probe::ProjectServiceHandler for Projects {
    async fn get_project(
        &self,
        _: &RequestContext,
        request: probe::GetProjectRequest,
    ) -> Result<probe::Project, Status> {
        Ok(probe::Project {
            name: format!("Project {}", request.project_id),
            id: request.project_id,
        })
    }

    async fn delete_project(
        &self,
        _: &RequestContext,
        request: probe::GetProjectRequest,
    ) -> Result<probe::Project, Status> {
        Ok(probe::Project {
            id: request.project_id,
            name: String::new(),
        })
    }

    async fn who_am_i(
        &self,
        ctx: &RequestContext,
        _: probe::WhoAmIRequest,
    ) -> Result<probe::WhoAmIResponse, Status> {
        Ok(probe::WhoAmIResponse {
            subject: ctx
                .caller
                .as_ref()
                .map(|c| c.subject.clone())
                .unwrap_or_default(),
            tenant: ctx
                .extension::<Tenant>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            stamped: ctx
                .headers
                .get("x-stamped")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string(),
        })
    }
}

/// Everything the interceptors saw, in order.
#[derive(Default)]
struct Log(Mutex<Vec<String>>);

impl Log {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

/// Stamps the request metadata with the caller's subject; refuses calls that send
/// `x-refuse`. Logs `before` and `after` with its name.
struct Stamp(Arc<Log>, &'static str);

impl Interceptor for Stamp {
    async fn before(&self, call: &mut Call<'_>) -> Result<(), Status> {
        self.0
             .0
            .lock()
            .unwrap()
            .push(format!("{} before {}", self.1, call.method.name));
        if call.headers.contains_key("x-refuse") {
            return Err(Status::failed_precondition(format!("{} refused", self.1)));
        }
        let subject = call.caller.map_or("anonymous", |c| c.subject.as_str());
        let value = format!("{}:{subject}", self.1);
        call.headers
            .append("x-stamped", value.parse().expect("a header value"));
        call.response
            .insert_header("x-intercepted".parse().unwrap(), self.1.parse().unwrap());
        Ok(())
    }

    fn after(&self, outcome: &Outcome<'_>) {
        self.0 .0.lock().unwrap().push(format!(
            "{} after {} {:?} {:?} req={} resp={}",
            self.1,
            outcome.method.name,
            outcome.protocol,
            outcome.code(),
            outcome.request_bytes,
            outcome.response_bytes,
        ));
    }
}

struct Running {
    addr: SocketAddr,
    log: Arc<Log>,
    tokens: Tokens,
    layered: Arc<Mutex<Vec<String>>>,
    http: reqwest::Client,
}

async fn start() -> Running {
    let log = Arc::new(Log::default());
    let tokens = Tokens::default();
    let layered = Arc::new(Mutex::new(Vec::new()));
    let seen = layered.clone();
    // A plain tower layer: sees every HTTP request, adds a header to every answer.
    let layer = tower::layer::layer_fn(move |inner: protogate::server::layer::BoxedService| {
        let seen = seen.clone();
        tower::service_fn(move |request: http::Request<axum::body::Body>| {
            seen.lock().unwrap().push(request.uri().path().to_string());
            let mut inner = inner.clone();
            async move {
                let mut response = tower::Service::call(&mut inner, request).await?;
                response
                    .headers_mut()
                    .insert("x-layer", http::HeaderValue::from_static("outer"));
                Ok::<_, std::convert::Infallible>(response)
            }
        })
    });
    let server = protogate::Server::new()
        .authenticator(tokens.clone())
        .interceptor(Stamp(log.clone(), "first"))
        .interceptor(Stamp(log.clone(), "second"))
        .layer(layer)
        .service(probe::ProjectService::new(Projects));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    Running {
        addr,
        log,
        tokens,
        layered,
        http: reqwest::Client::new(),
    }
}

impl Running {
    async fn rest(&self, method: reqwest::Method, path: &str, token: &str) -> (u16, Value) {
        let response = self
            .http
            .request(method, format!("http://{}{path}", self.addr))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn connect(&self, method: &str, body: Value, token: &str) -> (u16, Value) {
        let response = self
            .http
            .post(format!(
                "http://{}/probe.v1.ProjectService/{method}",
                self.addr
            ))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    async fn grpc(
        &self,
    ) -> probe::project_service_client::ProjectServiceClient<tonic::transport::Channel> {
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", self.addr))
            .unwrap()
            .connect()
            .await
            .unwrap();
        probe::project_service_client::ProjectServiceClient::new(channel)
    }
}

fn with_token<T>(message: T, token: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    request
}

#[tokio::test]
async fn checked_field_admits_the_object_the_caller_holds_the_permission_on() {
    let s = start().await;
    // alice holds project.read on p1 only.
    let (status, body) = s
        .rest(reqwest::Method::GET, "/v1/projects/p1", "alice")
        .await;
    assert_eq!((status, body["id"].clone()), (200, json!("p1")), "{body}");
    let (status, body) = s
        .rest(reqwest::Method::GET, "/v1/projects/p2", "alice")
        .await;
    assert_eq!((status, body["code"].clone()), (403, json!(7)), "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("ProjectId"),
        "{body}"
    );
    // root holds it everywhere.
    let (status, _) = s
        .rest(reqwest::Method::GET, "/v1/projects/p2", "root")
        .await;
    assert_eq!(status, 200);
    // The same over Connect and gRPC.
    let (status, body) = s
        .connect("GetProject", json!({"projectId": "p2"}), "alice")
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("permission_denied"))
    );
    let mut grpc = s.grpc().await;
    let denied = grpc
        .get_project(with_token(
            probe::GetProjectRequest {
                project_id: "p2".into(),
            },
            "alice",
        ))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), tonic::Code::PermissionDenied);
    let project = grpc
        .get_project(with_token(
            probe::GetProjectRequest {
                project_id: "p1".into(),
            },
            "alice",
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(project.name, "Project p1");
    // Without a token: UNAUTHENTICATED, before the handler.
    let response = s
        .http
        .get(format!("http://{}/v1/projects/p1", s.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn permission_without_a_field_needs_the_permission() {
    let s = start().await;
    let (status, body) = s
        .rest(reqwest::Method::DELETE, "/v1/projects/p1", "alice")
        .await;
    assert_eq!((status, body["code"].clone()), (403, json!(7)), "{body}");
    let (status, body) = s
        .rest(reqwest::Method::DELETE, "/v1/projects/p1", "root")
        .await;
    assert_eq!((status, body["id"].clone()), (200, json!("p1")), "{body}");
}

#[tokio::test]
async fn authenticator_sees_the_method_and_its_data_reaches_the_handler() {
    let s = start().await;
    let (status, body) = s.rest(reqwest::Method::GET, "/v1/whoami", "alice").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["subject"], "u-1");
    assert_eq!(body["tenant"], "acme");
    let (_, body) = s.connect("WhoAmI", json!({}), "root").await;
    assert_eq!(body["tenant"], "acme");
    let seen = s.tokens.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "Rest probe.v1.ProjectService.WhoAmI",
            "Connect probe.v1.ProjectService.WhoAmI"
        ]
    );
}

#[tokio::test]
async fn interceptors_run_in_order_change_metadata_and_see_outcomes() {
    let s = start().await;
    let mut grpc = s.grpc().await;
    let response = grpc
        .who_am_i(with_token(probe::WhoAmIRequest {}, "alice"))
        .await
        .unwrap();
    assert_eq!(response.metadata().get("x-intercepted").unwrap(), "second");
    let answer = response.into_inner();
    // Both stamps reached the handler, first first.
    assert_eq!(answer.stamped, "first:u-1");
    let log = s.log.take();
    let response_bytes = prost::Message::encoded_len(&answer);
    assert_eq!(
        log,
        [
            "first before WhoAmI".to_string(),
            "second before WhoAmI".to_string(),
            format!("second after WhoAmI Grpc Ok req=0 resp={response_bytes}"),
            format!("first after WhoAmI Grpc Ok req=0 resp={response_bytes}"),
        ]
    );
    // A refused call: the handler never runs, the second interceptor's `before` neither, and
    // every `after` sees the refusal.
    let response = s
        .http
        .get(format!("http://{}/v1/whoami", s.addr))
        .bearer_auth("alice")
        .header("x-refuse", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["message"], "first refused");
    assert_eq!(
        s.log.take(),
        [
            "first before WhoAmI",
            "second after WhoAmI Rest FailedPrecondition req=0 resp=0",
            "first after WhoAmI Rest FailedPrecondition req=0 resp=0",
        ]
    );
    // The checked field refuses after decoding, so both `before`s ran; the request size is
    // the message as it arrived.
    let request = json!({"projectId": "p2"});
    let (status, _) = s.connect("GetProject", request.clone(), "alice").await;
    assert_eq!(status, 403);
    let sent = serde_json::to_vec(&request).unwrap().len();
    assert_eq!(
        s.log.take(),
        [
            "first before GetProject".to_string(),
            "second before GetProject".to_string(),
            format!("second after GetProject Connect PermissionDenied req={sent} resp=0"),
            format!("first after GetProject Connect PermissionDenied req={sent} resp=0"),
        ]
    );
    // The authenticator refuses before any `before`; every `after` still sees it.
    let (status, _) = s.rest(reqwest::Method::GET, "/v1/whoami", "mallory").await;
    assert_eq!(status, 401);
    assert_eq!(
        s.log.take(),
        [
            "second after WhoAmI Rest Unauthenticated req=0 resp=0",
            "first after WhoAmI Rest Unauthenticated req=0 resp=0",
        ]
    );
}

#[tokio::test]
async fn a_layer_sees_every_request_and_every_answer() {
    let s = start().await;
    for path in ["/v1/whoami", "/healthz", "/no/such/path"] {
        let response = s
            .http
            .get(format!("http://{}{path}", s.addr))
            .bearer_auth("root")
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["x-layer"], "outer", "{path}");
    }
    let mut grpc = s.grpc().await;
    let response = grpc
        .who_am_i(with_token(probe::WhoAmIRequest {}, "root"))
        .await
        .unwrap();
    assert_eq!(response.metadata().get("x-layer").unwrap(), "outer");
    assert_eq!(
        s.layered.lock().unwrap().clone(),
        [
            "/v1/whoami",
            "/healthz",
            "/no/such/path",
            "/probe.v1.ProjectService/WhoAmI"
        ]
    );
}
