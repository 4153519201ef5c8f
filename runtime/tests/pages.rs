//! The reference beside the API (`Server::openapi`, `Server::docs`) over a real socket: GET and
//! HEAD, content types, the Content-Security-Policy, and the API's own routes winning.

use std::net::SocketAddr;

use protogate::reference::{Page, CONTENT_SECURITY_POLICY};
use protogate::schema::MessageInfo;
use protogate::service::{BoxFuture, Requests, Responses};
use protogate::{
    BodySpec, Code, Guard, HttpMethod, HttpRoute, Idempotency, MethodInfo, MethodKind,
    PathTemplate, RequestContext, Segment, Server, Service, ServiceInfo, Status,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

static PAGES: &[Page] = &[
    Page {
        path: "/docs",
        content_type: "text/html; charset=utf-8",
        body: "<!DOCTYPE html><title>index</title>",
    },
    Page {
        path: "/docs/try-it.js",
        content_type: "text/javascript; charset=utf-8",
        body: "\"use strict\";",
    },
    Page {
        path: "/docs/claimed",
        content_type: "text/html; charset=utf-8",
        body: "<p>never served: the API routes this path</p>",
    },
];

const OPENAPI: &str = "{\"openapi\":\"3.1.0\"}";

static EMPTY: MessageInfo = MessageInfo {
    full_name: "test.Empty",
    fields: &[],
};

fn empty() -> &'static MessageInfo {
    &EMPTY
}

/// A service whose one method is bound to `GET /docs/claimed` and always answers NOT_FOUND
/// with its own message, so a test can tell its answer from a page.
static CLAIM: ServiceInfo = ServiceInfo {
    name: "test.Claim",
    rest_prefix: "",
    methods: &[MethodInfo {
        name: "Get",
        full_name: "test.Claim.Get",
        grpc_path: "/test.Claim/Get",
        kind: MethodKind::Unary,
        guard: Guard::Public,
        idempotency: Idempotency::Unknown,
        routes: &[HttpRoute {
            method: HttpMethod::Get,
            template: PathTemplate {
                source: "/docs/claimed",
                segments: &[Segment::Literal("docs"), Segment::Literal("claimed")],
                variables: &[],
                verb: None,
            },
            body: BodySpec::None,
            response_body: None,
            request_http_body: false,
            response_http_body: false,
        }],
        input: empty,
        output: empty,
    }],
};

struct Claim;

impl Service for Claim {
    fn info(&self) -> &'static ServiceInfo {
        &CLAIM
    }

    fn call(
        &self,
        _method: usize,
        _ctx: RequestContext,
        _requests: Requests,
    ) -> BoxFuture<Result<Responses, Status>> {
        Box::pin(async { Err(Status::new(Code::NotFound, "answered by the API")) })
    }
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Starts `server` on a free port of 127.0.0.1.
async fn start(server: Server) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    addr
}

/// One HTTP/1.1 request on its own connection, read to the end.
async fn send(addr: SocketAddr, method: &str, path: &str) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("writes");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("reads");
    let text = String::from_utf8(raw).expect("UTF-8 answer");
    let (head, body) = text.split_once("\r\n\r\n").expect("a header block");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

fn with_reference() -> Server {
    Server::new().service(Claim).openapi(OPENAPI).docs(PAGES)
}

#[tokio::test]
async fn pages_are_served_with_their_content_type_and_a_strict_policy() {
    let addr = start(with_reference()).await;
    for (path, content_type, body) in [
        ("/docs", "text/html; charset=utf-8", PAGES[0].body),
        ("/docs/", "text/html; charset=utf-8", PAGES[0].body),
        (
            "/docs/try-it.js",
            "text/javascript; charset=utf-8",
            PAGES[1].body,
        ),
        ("/openapi.json", "application/json", OPENAPI),
    ] {
        let answer = send(addr, "GET", path).await;
        assert_eq!(answer.status, 200, "{path}");
        assert_eq!(answer.header("content-type"), Some(content_type), "{path}");
        assert_eq!(answer.body, body, "{path}");
        assert_eq!(
            answer.header("content-security-policy"),
            Some(CONTENT_SECURITY_POLICY),
            "{path}"
        );
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
    }
}

#[tokio::test]
async fn head_answers_the_headers_of_get_without_a_body() {
    let addr = start(with_reference()).await;
    let answer = send(addr, "HEAD", "/docs").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, "");
    assert_eq!(
        answer.header("content-length"),
        Some(PAGES[0].body.len().to_string().as_str())
    );
    assert_eq!(
        answer.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(answer.header("content-security-policy").is_some());
    let answer = send(addr, "HEAD", "/openapi.json").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn the_apis_own_routes_win_over_the_pages() {
    let addr = start(with_reference()).await;
    let answer = send(addr, "GET", "/docs/claimed").await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert!(
        answer.body.contains("answered by the API"),
        "{}",
        answer.body
    );
    assert_eq!(answer.header("content-security-policy"), None);
}

#[tokio::test]
async fn other_methods_and_unknown_pages_go_to_the_api() {
    let addr = start(with_reference()).await;
    for (method, path) in [
        ("POST", "/docs"),
        ("DELETE", "/openapi.json"),
        ("GET", "/docs/nope"),
    ] {
        let answer = send(addr, method, path).await;
        assert_eq!(answer.status, 404, "{method} {path}");
        assert_eq!(
            answer.header("content-type"),
            Some("application/json"),
            "{method} {path}"
        );
        assert_eq!(answer.header("content-security-policy"), None);
    }
}

#[tokio::test]
async fn nothing_is_served_unless_asked_for() {
    let addr = start(Server::new().service(Claim)).await;
    for path in ["/docs", "/openapi.json"] {
        let answer = send(addr, "GET", path).await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.header("content-type"), Some("application/json"));
    }
}
