//! The server under test for the Connect conformance suite (`connectconformance --mode
//! server -- protogate-conformance-server`). The runner starts one process per server
//! configuration: it reads a `ServerCompatRequest` on stdin (4-byte big-endian length, then
//! protobuf), listens on an ephemeral port of 127.0.0.1, writes a `ServerCompatResponse`
//! (host and port) on stdout the same way, and serves until the runner stops it.

use std::process::ExitCode;

use protogate_conformance::connectrpc::conformance::v1 as pb;
use protogate_conformance::framing;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("protogate-conformance-server: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let request: pb::ServerCompatRequest = framing::read_message(&mut std::io::stdin().lock())
        .map_err(|e| format!("reading the ServerCompatRequest from stdin: {e}"))?;
    // Connect limits what it reads, not what it writes: an echo of a request at the receive
    // limit is larger than the limit.
    let mut limits = protogate::Limits {
        max_response_size: usize::MAX,
        ..protogate::Limits::default()
    };
    if request.message_receive_limit > 0 {
        limits.max_message_size =
            usize::try_from(request.message_receive_limit).unwrap_or(usize::MAX);
    }
    let mut server = protogate::Server::new()
        .limits(limits)
        .service(pb::ConformanceService::new(
            protogate_conformance::Conformance,
        ));
    let mut pem_cert = Vec::new();
    if request.use_tls {
        let creds = request
            .server_creds
            .ok_or("TLS was requested without server_creds")?;
        server = server.tls(tls(&creds, &request.client_tls_cert)?);
        pem_cert = creds.cert;
    }
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("no local address: {e}"))?;
    let response = pb::ServerCompatResponse {
        host: addr.ip().to_string(),
        port: u32::from(addr.port()),
        pem_cert,
    };
    framing::write_message(&mut std::io::stdout().lock(), &response)
        .map_err(|e| format!("writing the ServerCompatResponse to stdout: {e}"))?;
    server
        .serve_with_shutdown(listener, protogate::server::shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))
}

/// The runner's certificate for 127.0.0.1, which its clients trust; client certificates are
/// required, and checked against `client_ca`, when the runner sends one.
fn tls(creds: &pb::TlsCreds, client_ca: &[u8]) -> Result<protogate::TlsConfig, String> {
    if client_ca.is_empty() {
        protogate::TlsConfig::from_pem(&creds.cert, &creds.key)
    } else {
        protogate::TlsConfig::from_pem_with_client_ca(&creds.cert, &creds.key, client_ca, true)
    }
    .map_err(|e| format!("TLS configuration: {e}"))
}
