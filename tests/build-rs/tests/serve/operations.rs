//! Operations: health and reflection, CORS preflight, graceful shutdown, TCP_NODELAY.

use super::*;

#[tokio::test]
async fn health_and_reflection_are_served() {
    let s = start().await;
    let channel = tonic::transport::Endpoint::from_shared(s.url(""))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "library.v1.BookService".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        status.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );

    use tonic_reflection::pb::v1::{
        server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
        ServerReflectionRequest,
    };
    let mut reflection = ServerReflectionClient::new(channel);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = reflection
        .server_reflection_info(futures_util::stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let response = responses.message().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("{response:?}")
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    assert!(
        names.contains(&"library.v1.BookService".to_string()),
        "{names:?}"
    );

    let (status, body) = json_of(s.http.get(s.url("/healthz")).send().await.unwrap()).await;
    assert_eq!((status, body), (200, json!({"status": "SERVING"})));
}

#[tokio::test]
async fn cors_preflight_exposes_the_grpc_headers() {
    let books = Arc::new(Books::default());
    let server = protogate::Server::new()
        .cors_origins(["https://app.example"])
        .service(lib::BookService::from_arc(books));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    let http = reqwest::Client::new();
    let response = http
        .request(
            reqwest::Method::OPTIONS,
            format!("http://{addr}/library.v1.BookService/GetBook"),
        )
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,x-grpc-web")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    let response = http
        .get(format!("http://{addr}/v1/shelves/s1/books/b1"))
        .header("origin", "https://app.example")
        .send()
        .await
        .unwrap();
    let exposed = response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        exposed.contains("grpc-status") && exposed.contains("grpc-status-details-bin"),
        "{exposed}"
    );
}

#[tokio::test]
async fn graceful_shutdown_lets_in_flight_requests_finish() {
    let server = protogate::Server::new().service(lib::AuthorService::new(Slow));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server.serve_with_shutdown(listener, async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();
    let in_flight = tokio::spawn(async move {
        http.get(format!("http://{addr}/v1/authors/orwell"))
            .send()
            .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let response = in_flight
        .await
        .unwrap()
        .expect("the in-flight request completes");
    assert_eq!(response.status(), 200);
    tokio::time::timeout(std::time::Duration::from_secs(5), server)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
}

/// The server side of the connection from `client` to `server`, found among this process's
/// descriptors, and whether it has `TCP_NODELAY`.
#[cfg(target_os = "linux")]
fn accepted_nodelay(server: std::net::SocketAddr, client: std::net::SocketAddr) -> Option<bool> {
    use std::os::fd::BorrowedFd;
    for entry in std::fs::read_dir("/proc/self/fd").ok()?.flatten() {
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        // SAFETY: the descriptor stays open while the connection does, which the caller
        // holds; the borrow ends with this iteration.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        let socket = socket2::SockRef::from(&fd);
        let here = socket.local_addr().ok().and_then(|a| a.as_socket());
        let there = socket.peer_addr().ok().and_then(|a| a.as_socket());
        if here == Some(server) && there == Some(client) {
            return socket.tcp_nodelay().ok();
        }
    }
    None
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn accepted_connections_get_tcp_nodelay_unless_turned_off() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    for (server, expected) in [
        (protogate::Server::new(), true),
        (protogate::Server::new().tcp_nodelay(false), false),
    ] {
        let server = server.service(lib::BookService::from_arc(Arc::new(Books::default())));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
        let mut client = tokio::net::TcpStream::connect(addr).await.unwrap();
        client
            .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
            .await
            .unwrap();
        let mut answer = [0u8; 12];
        client.read_exact(&mut answer).await.unwrap();
        assert_eq!(&answer, b"HTTP/1.1 200");
        let nodelay = accepted_nodelay(addr, client.local_addr().unwrap());
        assert_eq!(nodelay, Some(expected), "server {addr}");
    }
}
