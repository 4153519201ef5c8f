//! The library test schema served by `protogate::Server` for the interop suites in
//! tests/interop: every service in memory, seeded with the same data on every start, so that
//! clients we did not write can check the same answers on every protocol.
//!
//! ```text
//! library-server --addr 127.0.0.1:0
//! listening on 127.0.0.1:43567
//! ```
//!
//! Tokens: `Bearer good` is the patron `u1`, `Bearer admin` the librarian `admin` (holding the
//! `admin` permission); any other bearer token is refused with UNAUTHENTICATED.

mod admin;
mod books;
mod catalog;
mod loans;
mod store;

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use protogate::{Caller, Status};
use protogate_build_rs_test::library::{admin::v1 as admin_pb, v1 as lib};

/// The command line: `--addr HOST:PORT` and an optional `--max-message-bytes N`.
struct Args {
    addr: SocketAddr,
    max_message_bytes: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut addr = None;
    let mut max_message_bytes = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--addr" => {
                let v = value("--addr")?;
                addr = Some(v.parse().map_err(|e| format!("--addr {v}: {e}"))?);
            }
            "--max-message-bytes" => {
                let v = value("--max-message-bytes")?;
                max_message_bytes = Some(
                    v.parse()
                        .map_err(|e| format!("--max-message-bytes {v}: {e}"))?,
                );
            }
            "-h" | "--help" => {
                return Err("usage: library-server --addr HOST:PORT [--max-message-bytes N]".into())
            }
            other => return Err(format!("unexpected argument `{other}`; see --help")),
        }
    }
    Ok(Args {
        addr: addr.ok_or("--addr HOST:PORT is required")?,
        max_message_bytes,
    })
}

/// `Bearer good` → patron u1, `Bearer admin` → a librarian with the `admin` permission.
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
                org: Some("springfield".into()),
                permissions: vec![],
                extensions: Default::default(),
            })),
            Some("admin") => Ok(Some(Caller {
                subject: "admin".into(),
                org: Some("springfield".into()),
                permissions: vec!["admin".into()],
                extensions: Default::default(),
            })),
            Some(_) => Err(Status::unauthenticated("invalid token")),
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut limits = protogate::Limits::default();
    if let Some(max) = args.max_message_bytes {
        limits.max_message_size = max;
        limits.max_response_size = max;
    }
    let library = Arc::new(store::Library::seeded());
    let server = protogate::Server::new()
        .limits(limits)
        .authenticator(Tokens)
        .cors_origins(["http://localhost:3000"])
        .service(lib::BookService::from_arc(library.clone()))
        .service(lib::ShelfService::from_arc(library.clone()))
        .service(lib::AuthorService::from_arc(library.clone()))
        .service(lib::LoanService::from_arc(library.clone()))
        .service(admin_pb::AdminService::from_arc(library));
    let listener = match tokio::net::TcpListener::bind(args.addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    let bound = listener.local_addr().unwrap_or(args.addr);
    // The first line is the contract with the scripts that start us on port 0.
    println!("listening on {bound}");
    let _ = std::io::stdout().flush();
    match server
        .serve_with_shutdown(listener, protogate::server::shutdown_signal())
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server error: {e}");
            ExitCode::FAILURE
        }
    }
}
