//! TLS for [`super::Server`]: rustls with ALPN (`h2`, `http/1.1`), client certificates
//! optional or required, and an accept loop that shakes hands off the accepting task so a
//! slow client never holds up the next.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use http::Request;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use super::ServerService;

/// How long a client may take to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a TLS configuration could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The certificate chain PEM holds no certificate, or one that does not parse.
    #[error("the certificate chain: {0}")]
    Certificates(String),
    /// The private key PEM holds no key, or one that does not parse.
    #[error("the private key: {0}")]
    PrivateKey(String),
    /// The client CA PEM holds no certificate, or one that does not parse.
    #[error("the client CA certificates: {0}")]
    ClientCa(String),
    /// rustls refused the combination (e.g. a key that does not match the certificate).
    #[error("rustls: {0}")]
    Rustls(#[from] rustls::Error),
}

/// A server certificate and key, and optionally the CAs client certificates are checked
/// against.
#[derive(Clone, Debug)]
pub struct TlsConfig {
    config: Arc<rustls::ServerConfig>,
}

impl TlsConfig {
    /// From a PEM certificate chain (leaf first) and its PEM private key; no client
    /// certificates asked for.
    pub fn from_pem(cert_chain: &[u8], private_key: &[u8]) -> Result<TlsConfig, TlsError> {
        TlsConfig::build(cert_chain, private_key, None)
    }

    /// As [`TlsConfig::from_pem`], with client certificates checked against the PEM CAs in
    /// `client_ca`: required when `required`, otherwise checked only when a client sends one.
    pub fn from_pem_with_client_ca(
        cert_chain: &[u8],
        private_key: &[u8],
        client_ca: &[u8],
        required: bool,
    ) -> Result<TlsConfig, TlsError> {
        TlsConfig::build(cert_chain, private_key, Some((client_ca, required)))
    }

    /// A prepared rustls configuration; its ALPN protocols are replaced by `h2` and
    /// `http/1.1`, what the server speaks.
    pub fn from_rustls(mut config: rustls::ServerConfig) -> TlsConfig {
        config.alpn_protocols = alpn();
        TlsConfig {
            config: Arc::new(config),
        }
    }

    fn build(
        cert_chain: &[u8],
        private_key: &[u8],
        client_ca: Option<(&[u8], bool)>,
    ) -> Result<TlsConfig, TlsError> {
        let certs = pem_certificates(cert_chain).map_err(TlsError::Certificates)?;
        let key = PrivateKeyDer::from_pem_slice(private_key)
            .map_err(|e| TlsError::PrivateKey(e.to_string()))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()?;
        let config = match client_ca {
            None => builder.with_no_client_auth().with_single_cert(certs, key)?,
            Some((pem, required)) => {
                let mut roots = rustls::RootCertStore::empty();
                for ca in pem_certificates(pem).map_err(TlsError::ClientCa)? {
                    roots.add(ca)?;
                }
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider,
                );
                let verifier = if required {
                    verifier.build()
                } else {
                    verifier.allow_unauthenticated().build()
                }
                .map_err(|e| TlsError::ClientCa(e.to_string()))?;
                builder
                    .with_client_cert_verifier(verifier)
                    .with_single_cert(certs, key)?
            }
        };
        Ok(TlsConfig::from_rustls(config))
    }
}

fn alpn() -> Vec<Vec<u8>> {
    vec![b"h2".to_vec(), b"http/1.1".to_vec()]
}

fn pem_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    if certs.is_empty() {
        return Err("no CERTIFICATE block in the PEM".into());
    }
    Ok(certs)
}

/// Accepts TLS connections on `listener` and serves them until `signal`, then lets the
/// connections' in-flight requests finish.
pub(super) async fn serve(
    listener: tokio::net::TcpListener,
    tls: TlsConfig,
    service: ServerService,
    nodelay: bool,
    signal: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let acceptor = TlsAcceptor::from(tls.config);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut signal = std::pin::pin!(signal);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::debug!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        if let Err(e) = tcp.set_nodelay(nodelay) {
            tracing::debug!(error = %e, "TCP_NODELAY not set on an accepted connection");
        }
        let acceptor = acceptor.clone();
        let service = service.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let stream = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(stream)) => stream,
                Ok(Err(e)) => {
                    tracing::debug!(%peer, error = %e, "TLS handshake failed");
                    return;
                }
                Err(_) => {
                    tracing::debug!(%peer, "TLS handshake timed out");
                    return;
                }
            };
            let hyper_service =
                hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
                    let mut service = service.clone();
                    tower::Service::call(&mut service, request.map(Body::new))
                });
            let builder =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            let connection = builder.serve_connection_with_upgrades(
                hyper_util::rt::TokioIo::new(stream),
                hyper_service,
            );
            if let Err(e) = watcher.watch(connection.into_owned()).await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    graceful.shutdown().await;
    Ok(())
}
