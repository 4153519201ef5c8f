//! TLS on `protogate::Server`: ALPN picks HTTP/2 or HTTP/1.1, every protocol is served over
//! either, and client certificates are checked when the server asks for them.

use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use prost::Message as _;
use protogate::{RequestContext, Status, TlsConfig};
use protogate_build_rs_test::library::v1 as lib;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};

struct Authors;

impl lib::AuthorServiceHandler for Authors {
    async fn get_author(
        &self,
        _: &RequestContext,
        request: lib::GetAuthorRequest,
    ) -> Result<lib::Author, Status> {
        Ok(lib::Author {
            display_name: format!("Author {}", request.name),
            name: request.name,
            ..Default::default()
        })
    }
}

/// A CA, a server certificate for `localhost` and a client certificate, both signed by it.
struct Pki {
    ca: rcgen::Certificate,
    server_cert: String,
    server_key: String,
    client_cert: CertificateDer<'static>,
    client_key: PrivateKeyDer<'static>,
}

fn pki() -> Pki {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::from_params(&ca_params, &ca_key);
    let server_key = rcgen::KeyPair::generate().unwrap();
    let server = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();
    let client_key = rcgen::KeyPair::generate().unwrap();
    let mut client_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    client_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    let client = client_params.signed_by(&client_key, &issuer).unwrap();
    Pki {
        server_cert: server.pem(),
        server_key: server_key.serialize_pem(),
        client_cert: client.der().clone(),
        client_key: PrivateKeyDer::try_from(client_key.serialize_der()).unwrap(),
        ca,
    }
}

async fn start(tls: TlsConfig) -> SocketAddr {
    let server = protogate::Server::new()
        .tls(tls)
        .service(lib::AuthorService::new(Authors));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    addr
}

/// A TLS connection offering `alpn`, with a client certificate when given.
async fn connect(
    addr: SocketAddr,
    pki: &Pki,
    alpn: &[u8],
    client_cert: bool,
) -> std::io::Result<tokio_rustls::client::TlsStream<tokio::net::TcpStream>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.ca.der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let mut config = if client_cert {
        builder
            .with_client_auth_cert(vec![pki.client_cert.clone()], pki.client_key.clone_key())
            .unwrap()
    } else {
        builder.with_no_client_auth()
    };
    config.alpn_protocols = vec![alpn.to_vec()];
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
}

fn envelope(payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0];
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// Sends `request` over a fresh connection of the ALPN's HTTP version; the answer's head,
/// body and trailers.
async fn send(
    stream: tokio_rustls::client::TlsStream<tokio::net::TcpStream>,
    request: http::Request<Full<Bytes>>,
) -> (http::response::Parts, Bytes, Option<http::HeaderMap>) {
    let h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2");
    let io = hyper_util::rt::TokioIo::new(stream);
    let response = if h2 {
        let (mut sender, connection) =
            hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), io)
                .await
                .unwrap();
        tokio::spawn(connection);
        sender.send_request(request).await.unwrap()
    } else {
        let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await.unwrap();
        tokio::spawn(connection);
        sender.send_request(request).await.unwrap()
    };
    let (parts, body) = response.into_parts();
    let collected = body.collect().await.unwrap();
    let trailers = collected.trailers().cloned();
    (parts, collected.to_bytes(), trailers)
}

#[tokio::test]
async fn alpn_chooses_http2_or_http1_and_every_protocol_is_served() {
    let pki = pki();
    let addr =
        start(TlsConfig::from_pem(pki.server_cert.as_bytes(), pki.server_key.as_bytes()).unwrap())
            .await;

    // gRPC over h2.
    let stream = connect(addr, &pki, b"h2", false).await.unwrap();
    assert_eq!(stream.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let message = lib::GetAuthorRequest {
        name: "authors/le-guin".into(),
    }
    .encode_to_vec();
    let request = http::Request::post(format!(
        "https://localhost:{}/library.v1.AuthorService/GetAuthor",
        addr.port()
    ))
    .header("content-type", "application/grpc")
    .header("te", "trailers")
    .body(Full::new(Bytes::from(envelope(&message))))
    .unwrap();
    let (parts, body, trailers) = send(stream, request).await;
    assert_eq!(parts.version, http::Version::HTTP_2);
    assert_eq!(trailers.unwrap()["grpc-status"], "0");
    let author = lib::Author::decode(&body[5..]).unwrap();
    assert_eq!(author.display_name, "Author authors/le-guin");

    // Connect and REST over HTTP/1.1.
    let stream = connect(addr, &pki, b"http/1.1", false).await.unwrap();
    assert_eq!(stream.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
    let request = http::Request::post("/library.v1.AuthorService/GetAuthor")
        .header("host", "localhost")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(
            br#"{"name":"authors/woolf"}"#,
        )))
        .unwrap();
    let (parts, body, _) = send(stream, request).await;
    assert_eq!(parts.version, http::Version::HTTP_11);
    assert_eq!(parts.status, 200);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["displayName"], "Author authors/woolf");

    let stream = connect(addr, &pki, b"http/1.1", false).await.unwrap();
    let request = http::Request::get("/v1/authors/austen")
        .header("host", "localhost")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let (parts, body, _) = send(stream, request).await;
    assert_eq!(parts.status, 200);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["name"], "authors/austen");
}

#[tokio::test]
async fn a_required_client_certificate_is_checked() {
    let pki = pki();
    let ca = pki.ca.pem();
    let config = TlsConfig::from_pem_with_client_ca(
        pki.server_cert.as_bytes(),
        pki.server_key.as_bytes(),
        ca.as_bytes(),
        true,
    )
    .unwrap();
    let addr = start(config).await;

    let stream = connect(addr, &pki, b"http/1.1", true).await.unwrap();
    let request = http::Request::get("/v1/authors/austen")
        .header("host", "localhost")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let (parts, _, _) = send(stream, request).await;
    assert_eq!(parts.status, 200);

    // Without a certificate the server ends the handshake (TLS 1.3 reports it on the first
    // read, after the client thinks it has connected).
    let refused = match connect(addr, &pki, b"http/1.1", false).await {
        Err(_) => true,
        Ok(stream) => {
            let io = hyper_util::rt::TokioIo::new(stream);
            match hyper::client::conn::http1::handshake::<_, Full<Bytes>>(io).await {
                Err(_) => true,
                Ok((mut sender, connection)) => {
                    tokio::spawn(connection);
                    let request = http::Request::get("/v1/authors/austen")
                        .header("host", "localhost")
                        .body(Full::new(Bytes::new()))
                        .unwrap();
                    sender.send_request(request).await.is_err()
                }
            }
        }
    };
    assert!(refused, "a client without a certificate was served");
}

#[test]
fn bad_pem_is_refused_saying_which_part() {
    let pki = pki();
    let err = TlsConfig::from_pem(b"not pem", pki.server_key.as_bytes()).unwrap_err();
    assert!(
        err.to_string().starts_with("the certificate chain"),
        "{err}"
    );
    let err = TlsConfig::from_pem(pki.server_cert.as_bytes(), b"").unwrap_err();
    assert!(err.to_string().starts_with("the private key"), "{err}");
    let other = rcgen::KeyPair::generate().unwrap().serialize_pem();
    let err = TlsConfig::from_pem(pki.server_cert.as_bytes(), other.as_bytes()).unwrap_err();
    assert!(err.to_string().starts_with("rustls"), "{err}");
}
