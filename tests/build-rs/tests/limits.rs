//! The server's limits over real sockets: HTTP/1.1 head size and read timeout, the wait for
//! a connection's first bytes, the request body timeout, connection limits, load shedding
//! in each protocol's error format, and HTTP/2 settings (concurrent streams, rapid reset).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use prost::Message as _;
use protogate::{Http1Settings, Http2Settings, RequestContext, Server, Status};
use protogate_build_rs_test::library::v1 as lib;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Answers at once, except `authors/slow`, which says it has started and then waits to be
/// let go.
#[derive(Clone, Default)]
struct Authors(Arc<Gate>);

#[derive(Default)]
struct Gate {
    started: tokio::sync::Notify,
    release: tokio::sync::Notify,
}

impl lib::AuthorServiceHandler for Authors {
    async fn get_author(
        &self,
        _: &RequestContext,
        request: lib::GetAuthorRequest,
    ) -> Result<lib::Author, Status> {
        if request.name == "authors/slow" {
            self.0.started.notify_one();
            self.0.release.notified().await;
        }
        Ok(lib::Author {
            name: request.name,
            ..Default::default()
        })
    }
}

async fn start(server: Server, authors: Authors) -> SocketAddr {
    let server = server.service(lib::AuthorService::new(authors));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    addr
}

/// Reads until the server closes the connection (or resets it); what it sent, if anything.
async fn read_until_closed(tcp: &mut TcpStream) -> Vec<u8> {
    let mut read = Vec::new();
    let outcome = tokio::time::timeout(Duration::from_secs(20), tcp.read_to_end(&mut read)).await;
    assert!(outcome.is_ok(), "the server kept the connection open");
    read
}

/// One HTTP/1.1 exchange on `tcp`; the answer's head and body as text.
async fn exchange(tcp: &mut TcpStream, request: &str) -> String {
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = tcp.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed before an answer");
        answer.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&answer);
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if answer.len() >= end + 4 + length {
                return text.into_owned();
            }
        }
    }
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nhost: x\r\n\r\n")
}

#[tokio::test]
async fn an_oversized_http1_head_is_answered_431() {
    let addr = start(
        Server::new().http1(Http1Settings {
            max_buf_size: 16 * 1024,
            ..Default::default()
        }),
        Authors::default(),
    )
    .await;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let big = "a".repeat(32 * 1024);
    let request = format!("GET /v1/authors/a HTTP/1.1\r\nhost: x\r\nx-big: {big}\r\n\r\n");
    // The server may close before it has read all of it.
    let _ = tcp.write_all(request.as_bytes()).await;
    let answer = String::from_utf8_lossy(&read_until_closed(&mut tcp).await).into_owned();
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    // A head within the limit is served.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    assert!(exchange(&mut tcp, &get("/v1/authors/a"))
        .await
        .starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn silent_and_slow_heads_are_cut_off() {
    let addr = start(
        Server::new().http1(Http1Settings {
            header_read_timeout: Duration::from_millis(300),
            ..Default::default()
        }),
        Authors::default(),
    )
    .await;
    // Nothing at all: not even the bytes that tell HTTP/1.1 from HTTP/2.
    let mut silent = TcpStream::connect(addr).await.unwrap();
    // Half the HTTP/2 preface, then nothing.
    let mut half_preface = TcpStream::connect(addr).await.unwrap();
    half_preface.write_all(b"PRI * HTTP/2").await.unwrap();
    // A request line and one header, one byte at a time, then nothing.
    let mut slow = TcpStream::connect(addr).await.unwrap();
    for byte in b"GET /v1/authors/a HTTP/1.1\r\nhost: x\r\n" {
        slow.write_all(&[*byte]).await.unwrap();
    }
    for tcp in [&mut silent, &mut half_preface, &mut slow] {
        let answer = read_until_closed(tcp).await;
        assert!(
            answer.is_empty() || answer.starts_with(b"HTTP/1.1 408"),
            "{answer:?}"
        );
    }
    // A client that sends its request in time is served.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    assert!(exchange(&mut tcp, &get("/v1/authors/a"))
        .await
        .starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn a_stalled_body_ends_the_call_with_deadline_exceeded() {
    let addr = start(
        Server::new().request_body_timeout(Duration::from_millis(300)),
        Authors::default(),
    )
    .await;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let head = "POST /library.v1.AuthorService/GetAuthor HTTP/1.1\r\nhost: x\r\n\
                content-type: application/json\r\ncontent-length: 40\r\n\r\n{\"name\":";
    let answer = exchange(&mut tcp, head).await;
    assert!(answer.starts_with("HTTP/1.1 504"), "{answer}");
    assert!(
        answer.contains("\"code\":\"deadline_exceeded\""),
        "{answer}"
    );
    // Without the stall, the same call is served.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let body = "{\"name\":\"authors/a\"}";
    let request = format!(
        "POST /library.v1.AuthorService/GetAuthor HTTP/1.1\r\nhost: x\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    assert!(exchange(&mut tcp, &request)
        .await
        .starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn connections_over_the_per_address_limit_are_closed_at_accept() {
    let server = Server::new().max_connections_per_ip(2);
    let stats = server.load_stats();
    let addr = start(server, Authors::default()).await;
    let mut first = TcpStream::connect(addr).await.unwrap();
    let mut second = TcpStream::connect(addr).await.unwrap();
    assert!(exchange(&mut first, &get("/v1/authors/a"))
        .await
        .starts_with("HTTP/1.1 200"));
    assert!(exchange(&mut second, &get("/v1/authors/b"))
        .await
        .starts_with("HTTP/1.1 200"));
    let mut third = TcpStream::connect(addr).await.unwrap();
    let _ = third.write_all(get("/v1/authors/c").as_bytes()).await;
    assert!(read_until_closed(&mut third).await.is_empty());
    assert_eq!(stats.refused_connections(), 1);
    assert_eq!(stats.open_connections(), 2);
    // A place freed is a place taken.
    drop(first);
    let mut fourth = loop {
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        tcp.write_all(get("/v1/authors/d").as_bytes())
            .await
            .unwrap();
        let mut byte = [0u8; 1];
        if matches!(tcp.peek(&mut byte).await, Ok(1)) {
            break tcp;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(exchange(&mut fourth, "").await.starts_with("HTTP/1.1 200"));
}

fn envelope(payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0];
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// Sends one gRPC request over a fresh h2c connection; the answer's headers.
async fn grpc_headers(addr: SocketAddr, path: &str, message: Vec<u8>) -> http::HeaderMap {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(tcp),
    )
    .await
    .unwrap();
    tokio::spawn(connection);
    let request = http::Request::post(format!("http://{addr}{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(Full::new(Bytes::from(envelope(&message))))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let collected = body.collect().await.unwrap();
    let mut headers = parts.headers;
    if let Some(trailers) = collected.trailers() {
        headers.extend(trailers.clone());
    }
    headers
}

#[tokio::test]
async fn calls_over_the_concurrency_limit_are_shed_in_each_protocol() {
    let server = Server::new().concurrency_limit(1);
    let stats = server.load_stats();
    let authors = Authors::default();
    let addr = start(server, authors.clone()).await;
    let started = authors.0.started.notified();
    let slow = tokio::spawn(async move {
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        exchange(&mut tcp, &get("/v1/authors/slow")).await
    });
    started.await;

    // REST: 503, Retry-After, grpc-gateway's error body with RetryInfo.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let rest = exchange(&mut tcp, &get("/v1/authors/a")).await;
    assert!(rest.starts_with("HTTP/1.1 503"), "{rest}");
    assert!(
        rest.to_ascii_lowercase().contains("retry-after: 1\r\n"),
        "{rest}"
    );
    assert!(rest.contains("\"code\":14"), "{rest}");
    assert!(
        rest.contains("google.rpc.RetryInfo") && rest.contains("\"retryDelay\":\"1s\""),
        "{rest}"
    );

    // Connect: 503 with its JSON error.
    let body = "{\"name\":\"authors/a\"}";
    let connect = format!(
        "POST /library.v1.AuthorService/GetAuthor HTTP/1.1\r\nhost: x\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let connect = exchange(&mut tcp, &connect).await;
    assert!(connect.starts_with("HTTP/1.1 503"), "{connect}");
    assert!(connect.contains("\"code\":\"unavailable\""), "{connect}");

    // gRPC: UNAVAILABLE with RetryInfo in grpc-status-details-bin.
    let request = lib::GetAuthorRequest {
        name: "authors/a".into(),
    }
    .encode_to_vec();
    let grpc = grpc_headers(addr, "/library.v1.AuthorService/GetAuthor", request).await;
    assert_eq!(grpc["grpc-status"], "14");
    assert!(grpc.contains_key("grpc-status-details-bin"));

    // Health checks are never shed.
    let health = grpc_headers(addr, "/grpc.health.v1.Health/Check", Vec::new()).await;
    assert_eq!(health["grpc-status"], "0");
    assert_eq!(stats.shed_calls(), 3);

    // Once the slow call is answered, its place is free again.
    authors.0.release.notify_one();
    assert!(slow.await.unwrap().starts_with("HTTP/1.1 200"));
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    assert!(exchange(&mut tcp, &get("/v1/authors/a"))
        .await
        .starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn http2_settings_reach_the_client_and_rapid_reset_is_refused() {
    let addr = start(
        Server::new().http2(Http2Settings {
            max_concurrent_streams: 7,
            ..Default::default()
        }),
        Authors::default(),
    )
    .await;
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (sender, connection) = h2::client::handshake(tcp).await.unwrap();
    let connection = tokio::spawn(connection);
    let mut sender = sender.ready().await.unwrap();
    let request = || {
        http::Request::get(format!("http://{addr}/v1/authors/a"))
            .body(())
            .unwrap()
    };
    let (response, _) = sender.send_request(request(), true).unwrap();
    assert_eq!(response.await.unwrap().status(), 200);
    assert_eq!(sender.current_max_send_streams(), 7);

    // Streams opened and reset at once, as fast as the client can: the server closes the
    // connection with GOAWAY ENHANCE_YOUR_CALM instead of working for each.
    for _ in 0..10_000 {
        let Ok(mut ready) = sender.clone().ready().await else {
            break;
        };
        let Ok((_, mut stream)) = ready.send_request(request(), false) else {
            break;
        };
        stream.send_reset(h2::Reason::CANCEL);
    }
    let ended = tokio::time::timeout(Duration::from_secs(20), connection)
        .await
        .expect("the connection outlived the flood")
        .unwrap();
    // GOAWAY ENHANCE_YOUR_CALM, or the reset of a socket the server closed with the flood's
    // frames still unread (then the GOAWAY is lost); without the bound the connection lives.
    let error = ended.expect_err("the connection ended cleanly");
    assert!(
        error.reason() == Some(h2::Reason::ENHANCE_YOUR_CALM) || error.is_io(),
        "{error}"
    );
    // The server still serves others.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    assert!(exchange(&mut tcp, &get("/v1/authors/a"))
        .await
        .starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn after_rapid_reset_the_address_cools_down_and_open_connections_stay() {
    let server = Server::new().abuse_cooldown(Duration::from_secs(60));
    let stats = server.load_stats();
    let addr = start(server, Authors::default()).await;
    let mut kept = TcpStream::connect(addr).await.unwrap();
    assert!(exchange(&mut kept, &get("/v1/authors/a"))
        .await
        .starts_with("HTTP/1.1 200"));

    let tcp = TcpStream::connect(addr).await.unwrap();
    let (sender, connection) = h2::client::handshake(tcp).await.unwrap();
    let connection = tokio::spawn(connection);
    for _ in 0..10_000 {
        let Ok(mut ready) = sender.clone().ready().await else {
            break;
        };
        let request = http::Request::get(format!("http://{addr}/v1/authors/a"))
            .body(())
            .unwrap();
        let Ok((_, mut stream)) = ready.send_request(request, false) else {
            break;
        };
        stream.send_reset(h2::Reason::CANCEL);
    }
    let ended = tokio::time::timeout(Duration::from_secs(20), connection)
        .await
        .expect("the connection outlived the flood")
        .unwrap();
    let error = ended.expect_err("the connection ended cleanly");
    assert!(
        error.reason() == Some(h2::Reason::ENHANCE_YOUR_CALM) || error.is_io(),
        "{error}"
    );

    // The server notes the abuse when the connection's task ends: wait for a refusal.
    let refused_before = stats.refused_connections();
    let mut refused = false;
    for _ in 0..200 {
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        let _ = tcp.write_all(get("/v1/authors/b").as_bytes()).await;
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut answer)).await;
        if answer.is_empty() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        refused,
        "new connections from the address were still served"
    );
    assert!(stats.refused_connections() > refused_before);
    // A connection opened before the abuse is still served.
    assert!(exchange(&mut kept, &get("/v1/authors/c"))
        .await
        .starts_with("HTTP/1.1 200"));
}
