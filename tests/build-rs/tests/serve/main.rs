//! One handler served over REST, Connect, gRPC and gRPC-Web on one real listener, with the
//! library schema's HttpRule forms and the error model of each protocol: the shared server
//! here, the tests by concern in `rest`, `rpc` (Connect, gRPC, gRPC-Web) and `operations`
//! (health, reflection, CORS, shutdown, sockets).

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

mod operations;
mod rest;
mod rpc;
