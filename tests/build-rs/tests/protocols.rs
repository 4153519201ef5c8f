//! What the one pipeline gives every protocol, on a real listener: handler headers and
//! trailers, Connect GET and Connect streams (client and bidi, over HTTP/1.1), gzip
//! negotiated by each protocol's own headers, decompression limits, and deadlines over whole
//! streams.

use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use base64::Engine as _;
use prost::Message as _;
use protogate::{RequestContext, RequestStream, ResponseStream, Status};
use protogate_build_rs_test::library::v1 as lib;
use serde_json::{json, Value};

/// Answers authors, setting a header and a trailer on every answer, errors included.
struct Authors;

impl lib::AuthorServiceHandler for Authors {
    async fn get_author(
        &self,
        ctx: &RequestContext,
        request: lib::GetAuthorRequest,
    ) -> Result<lib::Author, Status> {
        let response = ctx.response();
        response.insert_header("x-author-source".parse().unwrap(), "shelf".parse().unwrap());
        response.insert_trailer("x-author-trailer".parse().unwrap(), "done".parse().unwrap());
        match request.name.as_str() {
            "authors/missing" => Err(Status::not_found("no such author")),
            "authors/prolific" => Ok(lib::Author {
                name: request.name,
                display_name: "a".repeat(5_000),
                ..Default::default()
            }),
            _ => Ok(lib::Author {
                display_name: format!("Author {}", request.name),
                name: request.name,
                ..Default::default()
            }),
        }
    }
}

/// A loan desk that answers each scanned barcode, slowly for `slow`.
struct Desk;

impl lib::LoanServiceHandler for Desk {
    async fn get_loan(
        &self,
        _: &RequestContext,
        request: lib::GetLoanRequest,
    ) -> Result<lib::Loan, Status> {
        Ok(lib::Loan {
            name: request.name,
            ..Default::default()
        })
    }

    async fn cancel_loan(
        &self,
        _: &RequestContext,
        request: lib::CancelLoanRequest,
    ) -> Result<lib::Loan, Status> {
        Ok(lib::Loan {
            name: request.name,
            ..Default::default()
        })
    }

    async fn loan_desk(
        &self,
        ctx: &RequestContext,
        requests: RequestStream<lib::LoanDeskRequest>,
    ) -> Result<ResponseStream<lib::LoanDeskResponse>, Status> {
        use futures_util::StreamExt as _;
        ctx.response()
            .insert_trailer("x-desk".parse().unwrap(), "closed".parse().unwrap());
        Ok(Box::pin(requests.then(|request| async move {
            let barcode = match request?.action {
                Some(lib::loan_desk_request::Action::ScanBarcode(barcode)) => barcode,
                _ => String::new(),
            };
            if barcode == "slow" {
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
            Ok(lib::LoanDeskResponse {
                result: Some(lib::loan_desk_response::Result::ErrorMessage(format!(
                    "scanned {barcode}"
                ))),
            })
        })))
    }
}

async fn start(limits: protogate::Limits) -> SocketAddr {
    let server = protogate::Server::new()
        .limits(limits)
        .service(lib::AuthorService::new(Authors))
        .service(lib::LoanService::new(Desk));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    addr
}

fn envelope(flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![flags];
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// Splits a body into its envelopes: `(flags, payload)`.
fn envelopes(mut body: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    while body.len() >= 5 {
        let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
        out.push((body[0], body[5..5 + len].to_vec()));
        body = &body[5 + len..];
    }
    assert!(body.is_empty(), "trailing bytes {body:?}");
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .read_to_end(&mut out)
        .unwrap();
    out
}

async fn channel(addr: SocketAddr) -> tonic::transport::Channel {
    tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap()
}

#[tokio::test]
async fn handler_headers_and_trailers_reach_every_protocol() {
    let addr = start(protogate::Limits::default()).await;
    let http = reqwest::Client::new();

    // gRPC: the header in the headers, the trailer in the trailers (tonic merges them), on
    // success and in a trailers-only error.
    let mut client = lib::author_service_client::AuthorServiceClient::new(channel(addr).await);
    let answer = client
        .get_author(lib::GetAuthorRequest {
            name: "authors/le-guin".into(),
        })
        .await
        .unwrap();
    assert_eq!(answer.metadata().get("x-author-source").unwrap(), "shelf");
    assert_eq!(answer.metadata().get("x-author-trailer").unwrap(), "done");
    let err = client
        .get_author(lib::GetAuthorRequest {
            name: "authors/missing".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::NotFound);
    assert_eq!(err.metadata().get("x-author-source").unwrap(), "shelf");
    assert_eq!(err.metadata().get("x-author-trailer").unwrap(), "done");

    // gRPC-Web: the trailer in the trailer frame.
    let request = lib::GetAuthorRequest {
        name: "authors/le-guin".into(),
    }
    .encode_to_vec();
    let response = http
        .post(format!("http://{addr}/library.v1.AuthorService/GetAuthor"))
        .header("content-type", "application/grpc-web+proto")
        .body(envelope(0, &request))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-author-source"], "shelf");
    let frames = envelopes(&response.bytes().await.unwrap());
    assert_eq!(frames[0].0, 0);
    assert_eq!(frames[1].0, 0x80);
    let trailers = String::from_utf8(frames[1].1.clone()).unwrap();
    assert!(trailers.contains("x-author-trailer:done\r\n"), "{trailers}");
    assert!(trailers.contains("grpc-status:0\r\n"), "{trailers}");

    // Connect unary: trailers as `trailer-` headers, on success and on error.
    for (name, status) in [("authors/le-guin", 200), ("authors/missing", 404)] {
        let response = http
            .post(format!("http://{addr}/library.v1.AuthorService/GetAuthor"))
            .header("content-type", "application/json")
            .body(json!({ "name": name }).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status);
        assert_eq!(response.headers()["x-author-source"], "shelf");
        assert_eq!(response.headers()["trailer-x-author-trailer"], "done");
    }

    // REST: headers, and trailers as grpc-gateway forwards them.
    let response = http
        .get(format!("http://{addr}/v1/authors/le-guin"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-author-source"], "shelf");
    assert_eq!(response.headers()["grpc-trailer-x-author-trailer"], "done");
}

#[tokio::test]
async fn connect_get_serves_methods_without_side_effects() {
    let addr = start(protogate::Limits::default()).await;
    let http = reqwest::Client::new();
    let message = json!({"name": "authors/le-guin"}).to_string();
    let response = http
        .get(format!("http://{addr}/library.v1.AuthorService/GetAuthor"))
        .query(&[
            ("encoding", "json"),
            ("message", &message),
            ("connect", "v1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["displayName"], "Author authors/le-guin");

    // Protobuf, base64url in the query.
    let proto = lib::GetAuthorRequest {
        name: "authors/woolf".into(),
    }
    .encode_to_vec();
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(proto);
    let response = http
        .get(format!("http://{addr}/library.v1.AuthorService/GetAuthor"))
        .query(&[
            ("encoding", "proto"),
            ("base64", "1"),
            ("message", &encoded),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/proto");
    let author = lib::Author::decode(response.bytes().await.unwrap()).unwrap();
    assert_eq!(author.name, "authors/woolf");

    // A method that may have side effects is POST only.
    let response = http
        .get(format!("http://{addr}/library.v1.LoanService/GetLoan"))
        .query(&[("encoding", "json"), ("message", r#"{"name":"loans/1"}"#)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
}

#[tokio::test]
async fn connect_bidi_stream_over_http1_answers_every_message_then_ends_with_trailers() {
    let addr = start(protogate::Limits::default()).await;
    let mut body = Vec::new();
    for barcode in ["b1", "b2"] {
        body.extend(envelope(
            0,
            json!({"scanBarcode": barcode}).to_string().as_bytes(),
        ));
    }
    // The third message breaks the patron's rule: validated before the handler sees it.
    body.extend(envelope(
        0,
        json!({"identifyPatron": {"patronId": ""}})
            .to_string()
            .as_bytes(),
    ));
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/library.v1.LoanService/LoanDesk"))
        .header("content-type", "application/connect+json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), http::Version::HTTP_11);
    assert_eq!(
        response.headers()["content-type"],
        "application/connect+json"
    );
    let frames = envelopes(&response.bytes().await.unwrap());
    assert_eq!(frames.len(), 3, "{frames:?}");
    let first: Value = serde_json::from_slice(&frames[0].1).unwrap();
    assert_eq!(first, json!({"errorMessage": "scanned b1"}));
    let second: Value = serde_json::from_slice(&frames[1].1).unwrap();
    assert_eq!(second, json!({"errorMessage": "scanned b2"}));
    assert_eq!(frames[2].0, 0x02, "the end-of-stream message");
    let end: Value = serde_json::from_slice(&frames[2].1).unwrap();
    assert_eq!(end["error"]["code"], "invalid_argument", "{end}");
    assert_eq!(end["metadata"]["x-desk"], json!(["closed"]), "{end}");
}

#[tokio::test]
async fn grpc_bidi_stream_is_served_natively() {
    use futures_util::StreamExt as _;
    let addr = start(protogate::Limits::default()).await;
    let mut client = lib::loan_service_client::LoanServiceClient::new(channel(addr).await);
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let outgoing =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|m| (m, rx)) });
    let scan = |barcode: &str| lib::LoanDeskRequest {
        action: Some(lib::loan_desk_request::Action::ScanBarcode(barcode.into())),
    };
    tx.send(scan("one")).await.unwrap();
    let response = client.loan_desk(outgoing).await.unwrap();
    let mut incoming = response.into_inner();
    // Full duplex: the first answer arrives while the request stream is still open.
    let first = incoming.next().await.unwrap().unwrap();
    assert_eq!(
        first.result,
        Some(lib::loan_desk_response::Result::ErrorMessage(
            "scanned one".into()
        ))
    );
    tx.send(scan("two")).await.unwrap();
    drop(tx);
    let second = incoming.next().await.unwrap().unwrap();
    assert_eq!(
        second.result,
        Some(lib::loan_desk_response::Result::ErrorMessage(
            "scanned two".into()
        ))
    );
    assert!(incoming.next().await.is_none());
    let trailers = incoming.trailers().await.unwrap().unwrap();
    assert_eq!(trailers.get("x-desk").unwrap(), "closed");
}

#[tokio::test]
async fn gzip_is_negotiated_on_every_protocol() {
    let addr = start(protogate::Limits::default()).await;
    let http = reqwest::Client::new();

    // Connect unary: a gzip request body, and a gzip answer because the client accepts it.
    let response = http
        .post(format!("http://{addr}/library.v1.AuthorService/GetAuthor"))
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .header("accept-encoding", "gzip")
        .body(gzip(
            json!({"name": "authors/prolific"}).to_string().as_bytes(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let body: Value = serde_json::from_slice(&gunzip(&response.bytes().await.unwrap())).unwrap();
    assert_eq!(body["displayName"].as_str().unwrap().len(), 5_000);

    // REST: Accept-Encoding.
    let response = http
        .get(format!("http://{addr}/v1/authors/prolific"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let body: Value = serde_json::from_slice(&gunzip(&response.bytes().await.unwrap())).unwrap();
    assert_eq!(body["name"], "authors/prolific");

    // Connect streams: compressed envelopes both ways.
    let message = gzip(json!({"scanBarcode": "zipped"}).to_string().as_bytes());
    let response = http
        .post(format!("http://{addr}/library.v1.LoanService/LoanDesk"))
        .header("content-type", "application/connect+json")
        .header("connect-content-encoding", "gzip")
        .body(envelope(1, &message))
        .send()
        .await
        .unwrap();
    let frames = envelopes(&response.bytes().await.unwrap());
    let first: Value = serde_json::from_slice(&frames[0].1).unwrap();
    assert_eq!(first, json!({"errorMessage": "scanned zipped"}));

    // gRPC: tonic's gzip both ways.
    let mut client = lib::author_service_client::AuthorServiceClient::new(channel(addr).await)
        .send_compressed(tonic::codec::CompressionEncoding::Gzip)
        .accept_compressed(tonic::codec::CompressionEncoding::Gzip);
    let author = client
        .get_author(lib::GetAuthorRequest {
            name: "authors/prolific".into(),
        })
        .await
        .unwrap();
    assert_eq!(author.metadata().get("grpc-encoding").unwrap(), "gzip");
    assert_eq!(author.into_inner().display_name.len(), 5_000);

    // An encoding the server does not speak is refused, naming what it accepts.
    let response = http
        .post(format!("http://{addr}/library.v1.AuthorService/GetAuthor"))
        .header("content-type", "application/json")
        .header("content-encoding", "lzma")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 501);
    let accepted = response.headers()["accept-encoding"].to_str().unwrap();
    assert!(accepted.starts_with("gzip"), "{accepted}");
    assert!(accepted.contains("deflate"), "{accepted}");
}

#[tokio::test]
async fn a_small_compressed_bomb_is_resource_exhausted_on_every_protocol() {
    let addr = start(protogate::Limits {
        max_message_size: 64 * 1024,
        ..Default::default()
    })
    .await;
    let http = reqwest::Client::new();
    // 1 MiB of one name: a few KiB compressed, sixteen times the limit inflated.
    let inflated = json!({"name": format!("authors/{}", "x".repeat(1 << 20))}).to_string();
    let bomb = gzip(inflated.as_bytes());
    assert!(bomb.len() < 8 * 1024, "{}", bomb.len());

    let response = http
        .post(format!("http://{addr}/library.v1.AuthorService/GetAuthor"))
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(bomb.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "resource_exhausted");

    let response = http
        .post(format!("http://{addr}/library.v1.LoanService/LoanDesk"))
        .header("content-type", "application/connect+json")
        .header("connect-content-encoding", "gzip")
        .body(envelope(1, &bomb))
        .send()
        .await
        .unwrap();
    let frames = envelopes(&response.bytes().await.unwrap());
    let end: Value = serde_json::from_slice(&frames.last().unwrap().1).unwrap();
    assert_eq!(end["error"]["code"], "resource_exhausted", "{end}");

    let proto = lib::GetAuthorRequest {
        name: format!("authors/{}", "x".repeat(1 << 20)),
    }
    .encode_to_vec();
    let response = http
        .post(format!("http://{addr}/library.v1.AuthorService/GetAuthor"))
        .header("content-type", "application/grpc-web+proto")
        .header("grpc-encoding", "gzip")
        .body(envelope(1, &gzip(&proto)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["grpc-status"], "8");
}

#[tokio::test]
async fn a_connect_stream_ends_at_its_deadline() {
    let addr = start(protogate::Limits::default()).await;
    let mut body = envelope(0, json!({"scanBarcode": "quick"}).to_string().as_bytes());
    body.extend(envelope(
        0,
        json!({"scanBarcode": "slow"}).to_string().as_bytes(),
    ));
    let started = Instant::now();
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/library.v1.LoanService/LoanDesk"))
        .header("content-type", "application/connect+json")
        .header("connect-timeout-ms", "300")
        .body(body)
        .send()
        .await
        .unwrap();
    let frames = envelopes(&response.bytes().await.unwrap());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(frames.len(), 2, "{frames:?}");
    let first: Value = serde_json::from_slice(&frames[0].1).unwrap();
    assert_eq!(first, json!({"errorMessage": "scanned quick"}));
    let end: Value = serde_json::from_slice(&frames[1].1).unwrap();
    assert_eq!(end["error"]["code"], "deadline_exceeded", "{end}");
}

#[tokio::test]
async fn a_grpc_stream_that_fails_first_still_sends_its_headers_before_the_status() {
    use futures_util::StreamExt as _;
    let addr = start(protogate::Limits::default()).await;
    let mut client = lib::loan_service_client::LoanServiceClient::new(channel(addr).await);
    // The first message breaks the patron's rule: the handler's stream fails first.
    let bad = lib::LoanDeskRequest {
        action: Some(lib::loan_desk_request::Action::IdentifyPatron(
            lib::Patron::default(),
        )),
    };
    let response = client
        .loan_desk(futures_util::stream::iter([bad]))
        .await
        .expect("headers, not trailers-only: the handler set a trailer before failing");
    let mut incoming = response.into_inner();
    let err = incoming.next().await.unwrap().unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument, "{err:?}");
    assert_eq!(err.metadata().get("x-desk").unwrap(), "closed");
}
