//! TLS for [`super::Server`]: rustls with ALPN (`h2`, `http/1.1`), client certificates
//! optional or required. The accept loop ([`super::serve`]) shakes hands off the accepting
//! task, so a slow client never holds up the next.

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

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

impl TlsConfig {
    /// The acceptor the accept loop shakes hands with.
    pub(super) fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(self.config.clone())
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
