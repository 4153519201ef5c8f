//! One handler served over REST, Connect, gRPC and gRPC-Web on one real listener, with the
//! library schema's HttpRule forms and the error model of each protocol.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use prost::Message as _;
use protogate::{Caller, RequestContext, Status};
use protogate_build_rs_test::library::v1 as lib;
use serde_json::{json, Value};

/// Records the last request as proto3 JSON and answers with canned books.
#[derive(Default)]
struct Books {
    last: Mutex<Value>,
}

impl Books {
    fn record<T: serde::Serialize>(&self, request: &T) {
        *self.last.lock().unwrap() = serde_json::to_value(request).unwrap();
    }
}

fn book(name: &str) -> lib::Book {
    lib::Book {
        name: name.into(),
        display_title: format!("Title of {name}"),
        ..Default::default()
    }
}

impl lib::BookServiceHandler for Books {
    async fn list_books(
        &self,
        _: &RequestContext,
        r: lib::ListBooksRequest,
    ) -> Result<lib::ListBooksResponse, Status> {
        self.record(&r);
        Ok(lib::ListBooksResponse {
            books: vec![book("shelves/s/books/1")],
            next_page_token: "next".into(),
            total_size: 1,
        })
    }
    async fn get_book(
        &self,
        _: &RequestContext,
        r: lib::GetBookRequest,
    ) -> Result<lib::Book, Status> {
        self.record(&r);
        if r.name.ends_with("/missing") {
            return Err(Status::not_found(format!("{} does not exist", r.name)));
        }
        Ok(book(&r.name))
    }
    async fn create_book(
        &self,
        _: &RequestContext,
        r: lib::CreateBookRequest,
    ) -> Result<lib::Book, Status> {
        self.record(&r);
        Ok(r.book.unwrap_or_default())
    }
    async fn update_book(
        &self,
        _: &RequestContext,
        r: lib::UpdateBookRequest,
    ) -> Result<lib::Book, Status> {
        self.record(&r);
        Ok(r.book.unwrap_or_default())
    }
    async fn delete_book(
        &self,
        _: &RequestContext,
        r: lib::DeleteBookRequest,
    ) -> Result<pbjson_types::Empty, Status> {
        self.record(&r);
        Ok(pbjson_types::Empty {})
    }
    async fn checkout_book(
        &self,
        ctx: &RequestContext,
        r: lib::CheckoutBookRequest,
    ) -> Result<lib::Loan, Status> {
        self.record(&r);
        let borrower = ctx
            .caller
            .as_ref()
            .map(|c| c.subject.clone())
            .unwrap_or_default();
        Ok(lib::Loan {
            name: format!("loans/{borrower}"),
            book: r.name,
            ..Default::default()
        })
    }
    async fn book_exists(
        &self,
        _: &RequestContext,
        r: lib::BookExistsRequest,
    ) -> Result<pbjson_types::Empty, Status> {
        self.record(&r);
        Ok(pbjson_types::Empty {})
    }
    async fn batch_get_books(
        &self,
        _: &RequestContext,
        r: lib::BatchGetBooksRequest,
    ) -> Result<lib::BatchGetBooksResponse, Status> {
        self.record(&r);
        Ok(lib::BatchGetBooksResponse {
            books: r.names.iter().map(|n| book(n)).collect(),
            missing_names: vec![],
        })
    }
    async fn watch_books(
        &self,
        _: &RequestContext,
        r: lib::WatchBooksRequest,
    ) -> Result<protogate::ResponseStream<lib::BookEvent>, Status> {
        if r.shelf == "endless" {
            // One event every 100 ms, for ever: only the call's deadline ends it.
            let events = futures_util::stream::unfold(0u64, |i| async move {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let event = lib::BookEvent {
                    resume_token: format!("endless-{i}"),
                    ..Default::default()
                };
                Some((Ok(event), i + 1))
            });
            return Ok(Box::pin(events));
        }
        let events = (0..2).map(move |i| {
            Ok(lib::BookEvent {
                resume_token: format!("{}-{i}", r.shelf),
                event: Some(lib::book_event::Event::DeletedName(format!(
                    "shelves/{}/books/{i}",
                    r.shelf
                ))),
                ..Default::default()
            })
        });
        Ok(Box::pin(futures_util::stream::iter(events)))
    }
}

/// Accepts `Bearer good` as user u1; any other bearer token is refused.
struct Tokens;

impl protogate::Authenticator for Tokens {
    async fn authenticate(
        &self,
        request: &protogate::AuthRequest<'_>,
    ) -> Result<Option<Caller>, Status> {
        match protogate::bearer_token(request.headers)? {
            None => Ok(None),
            Some("good") => Ok(Some(Caller {
                subject: "u1".into(),
                org: Some("o1".into()),
                permissions: vec![],
                extensions: Default::default(),
            })),
            Some(_) => Err(Status::unauthenticated("invalid token")),
        }
    }
}

struct Running {
    addr: SocketAddr,
    books: Arc<Books>,
    http: reqwest::Client,
}

impl Running {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
    fn last(&self) -> Value {
        self.books.last.lock().unwrap().clone()
    }
}

async fn start() -> Running {
    let books = Arc::new(Books::default());
    let server = protogate::Server::new()
        .authenticator(Tokens)
        .service(lib::BookService::from_arc(books.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    Running {
        addr,
        books,
        http: reqwest::Client::new(),
    }
}

async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
    )
}

#[tokio::test]
async fn rest_get_fills_the_request_from_path_and_query() {
    let s = start().await;
    let url = s.url("/v1/shelves/s1/books?page_size=10&authors=a&authors=b&format=HARDCOVER&published.start_year=1950&showOutOfPrint=true&unknown=1");
    let (status, body) = json_of(s.http.get(url).send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["nextPageToken"], "next");
    assert_eq!(
        body["books"][0]["displayName"],
        "Title of shelves/s/books/1"
    );
    let last = s.last();
    assert_eq!(last["shelf"], "s1");
    assert_eq!(last["pageSize"], 10);
    assert_eq!(last["authors"], json!(["a", "b"]));
    assert_eq!(last["format"], "HARDCOVER");
    assert_eq!(last["published"]["startYear"], 1950);
    assert_eq!(last["showOutOfPrint"], true);
}

#[tokio::test]
async fn rest_multi_segment_variables_and_additional_bindings() {
    let s = start().await;
    let (status, body) = json_of(
        s.http
            .get(s.url("/v1/shelves/s1/books/b%202%2Fx"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["name"], "shelves/s1/books/b 2%2Fx",
        "multi-segment variables keep only %2F escaped, like grpc-gateway"
    );
    let (status, body) = json_of(
        s.http
            .get(s.url("/v2/shelves/s1/books/b2"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["name"].clone()),
        (200, json!("shelves/s1/books/b2"))
    );
    let (status, body) = json_of(
        s.http
            .post(s.url("/v1/shelves/s1/books/b3:get"))
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["name"].clone()),
        (200, json!("shelves/s1/books/b3"))
    );
}

#[tokio::test]
async fn rest_body_on_one_field_with_query_parameters() {
    let s = start().await;
    let response = s
        .http
        .post(s.url("/v1/shelves/s1/books?book_id=abc"))
        .json(&json!({"name": "shelves/s1/books/abc", "title": "Dune", "displayName": "Dune", "isbn13": "9780441013593"}))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["displayName"], "Dune");
    let last = s.last();
    assert_eq!(last["shelf"], "s1");
    assert_eq!(last["bookId"], "abc");
    assert_eq!(last["book"]["isbn13"], "9780441013593");

    let (status, body) = json_of(
        s.http
            .patch(s.url("/v1/shelves/s1/books/b9"))
            .json(&json!({"title": "x"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        s.last()["book"]["name"],
        "shelves/s1/books/b9",
        "nested path variable book.name"
    );
}

#[tokio::test]
async fn rest_custom_verb_response_body_and_delete() {
    let s = start().await;
    let response = s
        .http
        .post(s.url("/v1/shelves/s1/books/b1:checkout"))
        .bearer_auth("good")
        .json(&json!({"patronId": "p1"}))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["name"], "loans/u1",
        "the handler sees the authenticated caller"
    );

    let (status, body) = json_of(
        s.http
            .get(s.url(
                "/v1/shelves/s1/books:batchGet?names=shelves/s1/books/x&names=shelves/s1/books/y",
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.is_array(),
        "response_body sends the field itself: {body}"
    );
    assert_eq!(body[1]["name"], "shelves/s1/books/y");

    let (status, body) = json_of(
        s.http
            .delete(s.url("/v1/shelves/s1/books/b1?etag=e"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body), (200, json!({})));
    assert_eq!(s.last()["etag"], "e");
}

#[tokio::test]
async fn rest_errors_follow_grpc_gateway() {
    let s = start().await;
    let (status, body) = json_of(s.http.get(s.url("/v1/nothing/here")).send().await.unwrap()).await;
    assert_eq!(
        (status, body["code"].clone(), body["details"].clone()),
        (404, json!(5), json!([]))
    );
    let (status, body) = json_of(
        s.http
            .put(s.url("/v1/shelves/s1/books/b1"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (405, json!(12)),
        "known path, wrong method: RFC 9110's 405 (grpc-gateway's 501 is an option)"
    );
    let (status, body) = json_of(
        s.http
            .post(s.url("/v1/shelves/s1/books"))
            .header("content-type", "text/plain")
            .body("hello")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 415, "{body}");
    let (status, body) = json_of(
        s.http
            .post(s.url("/v1/shelves/s1/books"))
            .header("content-type", "application/json")
            .body("{\"name\": ")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["code"].clone()), (400, json!(3)));
    assert!(
        body["message"].as_str().unwrap().contains("invalid JSON"),
        "{body}"
    );
    let (status, body) = json_of(
        s.http
            .get(s.url("/v1/shelves/s1/books/missing"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["message"].clone()),
        (404, json!("shelves/s1/books/missing does not exist"))
    );
    let (status, body) = json_of(
        s.http
            .get(s.url("/v1/shelves/s1/books?page_size=5000"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        "invalid ListBooksRequest.PageSize: value must be inside range [0, 1000]"
    );
    assert_eq!(
        body["details"][0]["@type"],
        "type.googleapis.com/google.rpc.BadRequest"
    );
    assert_eq!(
        body["details"][0]["fieldViolations"][0]["field"],
        "page_size"
    );
    let (status, body) = json_of(
        s.http
            .get(s.url("/v1/shelves/s1/books?page_size=abc"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["message"].clone()),
        (
            400,
            json!("query parameter `page_size`: invalid value \"abc\": expected a 32-bit integer")
        ),
        "a bad query parameter is named"
    );
    assert_eq!(
        body["details"][0]["fieldViolations"][0]["field"],
        "page_size"
    );
    let response = s
        .http
        .get(s.url("/v1/shelves/s1/books"))
        .bearer_auth("forged")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap()),
        Some("Bearer")
    );
    let (status, body) = json_of(response).await;
    assert_eq!((status, body["code"].clone()), (401, json!(16)));
    let big = "x".repeat(5 * 1024 * 1024);
    let (status, body) = json_of(
        s.http
            .post(s.url("/v1/shelves/s1/books"))
            .header("content-type", "application/json")
            .body(big)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (429, json!(8)),
        "oversized bodies are refused"
    );
    // Still serving.
    let (status, _) = json_of(
        s.http
            .get(s.url("/v1/shelves/s1/books/b1"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
}

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
async fn rest_server_streaming_is_newline_delimited_json() {
    let s = start().await;
    let response = s
        .http
        .get(s.url("/v1/shelves/s3/books:watch"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["result"]["resumeToken"], "s3-0");
    assert_eq!(lines[1]["result"]["deletedName"], "shelves/s3/books/1");
}

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

/// A handler that takes a while, to see shutdown wait for it.
struct Slow;

impl lib::AuthorServiceHandler for Slow {
    async fn get_author(
        &self,
        _: &RequestContext,
        r: lib::GetAuthorRequest,
    ) -> Result<lib::Author, Status> {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        Ok(lib::Author {
            name: r.name,
            ..Default::default()
        })
    }
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
