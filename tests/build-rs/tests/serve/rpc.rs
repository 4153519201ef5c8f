//! Connect, gRPC and gRPC-Web: unary and streaming calls, deadlines, message limits, gzip.

use super::*;

#[tokio::test]
async fn connect_unary_json_and_proto() {
    let s = start().await;
    let response = s
        .http
        .post(s.url("/library.v1.BookService/GetBook"))
        .header("content-type", "application/json")
        .header("connect-protocol-version", "1")
        .body(r#"{"name":"shelves/s1/books/b1"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/json");
    let (status, body) = json_of(response).await;
    assert_eq!(
        (status, body["name"].clone()),
        (200, json!("shelves/s1/books/b1"))
    );

    let request = lib::GetBookRequest {
        name: "shelves/s1/books/b2".into(),
        ..Default::default()
    }
    .encode_to_vec();
    let response = s
        .http
        .post(s.url("/library.v1.BookService/GetBook"))
        .header("content-type", "application/proto")
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let book = lib::Book::decode(response.bytes().await.unwrap()).unwrap();
    assert_eq!(book.name, "shelves/s1/books/b2");

    let response = s
        .http
        .post(s.url("/library.v1.BookService/GetBook"))
        .header("content-type", "application/json")
        .body(r#"{"name":"nope"}"#)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "invalid_argument");
    assert_eq!(body["details"][0]["type"], "google.rpc.BadRequest");
    let value = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(body["details"][0]["value"].as_str().unwrap())
        .unwrap();
    assert!(!value.is_empty());
}

async fn grpc_client(
    s: &Running,
) -> lib::book_service_client::BookServiceClient<tonic::transport::Channel> {
    let channel = tonic::transport::Endpoint::from_shared(s.url(""))
        .unwrap()
        .connect()
        .await
        .unwrap();
    lib::book_service_client::BookServiceClient::new(channel)
}

#[tokio::test]
async fn grpc_unary_streaming_and_errors() {
    let s = start().await;
    let mut client = grpc_client(&s).await;
    let book = client
        .get_book(lib::GetBookRequest {
            name: "shelves/s1/books/b1".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(book.name, "shelves/s1/books/b1");

    let err = client
        .get_book(lib::GetBookRequest {
            name: "nope".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    assert!(
        err.message().starts_with("invalid GetBookRequest.Name:"),
        "{}",
        err.message()
    );
    let details = protogate::rpc::Status::decode(err.details()).unwrap();
    assert_eq!(
        details.details[0].type_url,
        "type.googleapis.com/google.rpc.BadRequest"
    );

    let mut stream = client
        .watch_books(lib::WatchBooksRequest {
            shelf: "s9".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut tokens = vec![];
    while let Some(event) = stream.message().await.unwrap() {
        tokens.push(event.resume_token);
    }
    assert_eq!(tokens, ["s9-0", "s9-1"]);

    let mut request = tonic::Request::new(lib::GetBookRequest {
        name: "shelves/s1/books/b1".into(),
        ..Default::default()
    });
    request
        .metadata_mut()
        .insert("authorization", "Bearer forged".parse().unwrap());
    assert_eq!(
        client.get_book(request).await.unwrap_err().code(),
        tonic::Code::Unauthenticated
    );
}

#[tokio::test]
async fn grpc_timeout_ends_a_server_stream_with_deadline_exceeded() {
    let s = start().await;
    let mut client = grpc_client(&s).await;
    let mut request = tonic::Request::new(lib::WatchBooksRequest {
        shelf: "endless".into(),
        ..Default::default()
    });
    request.set_timeout(Duration::from_millis(600));
    let started = std::time::Instant::now();
    let mut stream = client.watch_books(request).await.unwrap().into_inner();
    let mut received = 0;
    let status = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match stream.message().await {
                Ok(Some(_)) => received += 1,
                Ok(None) => panic!("the stream ended without a status after {received} events"),
                Err(status) => break status,
            }
        }
    })
    .await
    .expect("the server ends the stream at its deadline");
    assert_eq!(status.code(), tonic::Code::DeadlineExceeded, "{status:?}");
    assert!(received >= 2, "events before the deadline: {received}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "ended at the deadline, not later: {:?}",
        started.elapsed()
    );

    // gRPC-Web: the trailer frame carries the status.
    let body = frame(
        0,
        &lib::WatchBooksRequest {
            shelf: "endless".into(),
            ..Default::default()
        }
        .encode_to_vec(),
    );
    let response = s
        .http
        .post(s.url("/library.v1.BookService/WatchBooks"))
        .header("content-type", "application/grpc-web+proto")
        .header("grpc-timeout", "500m")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let bytes = tokio::time::timeout(Duration::from_secs(10), response.bytes())
        .await
        .expect("the server ends the gRPC-Web stream at its deadline")
        .unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("grpc-status:4"), "{text:?}");
}

/// gRPC-Web text bodies are base64 chunks, each padded on its own.
fn decode_text(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = match rest.find('=') {
            Some(i) => i + rest[i..].chars().take_while(|c| *c == '=').count(),
            None => rest.len(),
        };
        out.extend(
            base64::engine::general_purpose::STANDARD
                .decode(&rest[..end])
                .expect("base64 chunk"),
        );
        rest = &rest[end..];
    }
    out
}

/// One gRPC-Web frame: flag, length, payload.
fn frame(flag: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![flag];
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

#[tokio::test]
async fn grpc_web_binary_and_text_over_http1() {
    let s = start().await;
    let request = lib::GetBookRequest {
        name: "shelves/s1/books/web".into(),
        ..Default::default()
    }
    .encode_to_vec();
    let response = s
        .http
        .post(s.url("/library.v1.BookService/GetBook"))
        .header("content-type", "application/grpc-web+proto")
        .header("x-grpc-web", "1")
        .body(frame(0, &request))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), http::Version::HTTP_11);
    let body = response.bytes().await.unwrap();
    assert_eq!(body[0], 0, "first a data frame");
    let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
    let book = lib::Book::decode(&body[5..5 + len]).unwrap();
    assert_eq!(book.name, "shelves/s1/books/web");
    let trailer = &body[5 + len..];
    assert_eq!(trailer[0], 0x80, "then the trailers frame");
    assert!(String::from_utf8_lossy(&trailer[5..]).contains("grpc-status:0"));

    let text = base64::engine::general_purpose::STANDARD.encode(frame(0, &request));
    let response = s
        .http
        .post(s.url("/library.v1.BookService/GetBook"))
        .header("content-type", "application/grpc-web-text")
        .body(text)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/grpc-web-text+proto",
        "{:?}",
        response.headers()
    );
    let text = response.bytes().await.unwrap();
    let decoded = decode_text(&String::from_utf8_lossy(&text));
    assert_eq!(decoded.first(), Some(&0), "a data frame");
    assert!(
        String::from_utf8_lossy(&decoded).contains("grpc-status:0"),
        "and the trailers"
    );

    let bad = lib::GetBookRequest {
        name: "nope".into(),
        ..Default::default()
    }
    .encode_to_vec();
    let response = s
        .http
        .post(s.url("/library.v1.BookService/GetBook"))
        .header("content-type", "application/grpc-web+proto")
        .body(frame(0, &bad))
        .send()
        .await
        .unwrap();
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap();
    let all = format!("{headers:?} {}", String::from_utf8_lossy(&body));
    assert!(all.contains("grpc-status") && all.contains('3'), "{all}");
}

#[tokio::test]
async fn grpc_timeout_header_is_enforced_by_the_server() {
    let server = protogate::Server::new().service(lib::AuthorService::new(Slow));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    // gRPC-Web over HTTP/1.1 shares the gRPC path; a client that enforces deadlines itself
    // (tonic) would hide whether the server does.
    let request = lib::GetAuthorRequest {
        name: "authors/x".into(),
    }
    .encode_to_vec();
    let started = std::time::Instant::now();
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/library.v1.AuthorService/GetAuthor"))
        .header("content-type", "application/grpc-web+proto")
        .header("grpc-timeout", "50m")
        .body(frame(0, &request))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response
            .headers()
            .get("grpc-status")
            .map(|v| v.to_str().unwrap()),
        Some("4"),
        "{:?}",
        response.headers()
    );
    assert!(
        started.elapsed() < std::time::Duration::from_millis(280),
        "answered at the deadline, not after the handler"
    );
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/library.v1.AuthorService/GetAuthor"))
        .header("content-type", "application/grpc-web+proto")
        .header("grpc-timeout", "soon")
        .body(frame(0, &request))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response
            .headers()
            .get("grpc-status")
            .map(|v| v.to_str().unwrap()),
        Some("3")
    );
}

#[tokio::test]
async fn grpc_messages_over_the_limit_are_resource_exhausted_and_gzip_works() {
    let s = start().await;
    let channel = tonic::transport::Endpoint::from_shared(s.url(""))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut client = lib::book_service_client::BookServiceClient::new(channel.clone())
        .send_compressed(tonic::codec::CompressionEncoding::Gzip)
        .accept_compressed(tonic::codec::CompressionEncoding::Gzip);
    let book = client
        .get_book(lib::GetBookRequest {
            name: "shelves/s1/books/gz".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(book.name, "shelves/s1/books/gz");

    let mut client = lib::book_service_client::BookServiceClient::new(channel)
        .max_encoding_message_size(64 * 1024 * 1024);
    let huge = lib::CreateBookRequest {
        shelf: "s1".into(),
        book_id: "x".repeat(5 * 1024 * 1024),
        ..Default::default()
    };
    let err = client.create_book(huge).await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::ResourceExhausted, "{err:?}");
    // Still serving.
    assert!(client
        .get_book(lib::GetBookRequest {
            name: "shelves/s1/books/b".into(),
            ..Default::default()
        })
        .await
        .is_ok());
}
