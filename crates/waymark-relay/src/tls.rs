//! The relay's TLS settings: a certificate chain and its private key read from PEM
//! files, served with rustls and its aws-lc-rs provider (no OpenSSL). It does not ask
//! devices for client certificates: they authenticate with their bearer token.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, RootCertStore, ServerConfig};
use thiserror::Error;

/// Why the certificate or key cannot be used.
#[derive(Debug, Error)]
pub enum TlsError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)", .0.display())]
    NoCertificate(PathBuf),
    #[error("{} holds no PEM private key (PKCS#8, PKCS#1 or SEC1)", .0.display())]
    NoKey(PathBuf),
    #[error("{} is not valid PEM: {why}", path.display())]
    Pem { path: PathBuf, why: String },
    #[error(
        "the certificate in {} is a CA certificate (basicConstraints CA:TRUE), which devices refuse as the relay's own: \
         make it with CA:FALSE (openssl req -x509 … -addext basicConstraints=critical,CA:FALSE) or sign a server \
         certificate with that CA",
        .0.display()
    )]
    CaAsServer(PathBuf),
    #[error("the certificate and key cannot be used together: {0}")]
    Unusable(#[from] rustls::Error),
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read { path: path.to_owned(), source })
}

/// The server's TLS settings from a PEM certificate chain (leaf first) and a PEM key.
pub fn server_config(cert_file: &Path, key_file: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    let pem = read(cert_file)?;
    let chain = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Pem { path: cert_file.to_owned(), why: e.to_string() })?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate(cert_file.to_owned()));
    }
    let pem = read(key_file)?;
    let key = PrivateKeyDer::from_pem_slice(&pem).map_err(|e| match e {
        rustls::pki_types::pem::Error::NoItemsFound => TlsError::NoKey(key_file.to_owned()),
        e => TlsError::Pem { path: key_file.to_owned(), why: e.to_string() },
    })?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    if ca_as_server(&chain, &provider) {
        return Err(TlsError::CaAsServer(cert_file.to_owned()));
    }
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    // The relay speaks HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Whether devices would refuse `chain` because its first certificate is a CA's: what
/// `openssl req -x509` makes unless told otherwise, and a mistake better reported once
/// at startup than by every device. Checked the way devices check (webpki), trusting
/// the chain's last certificate; any other verdict (the name, an unknown issuer) is
/// left to the devices, which know the address they dialled and what they trust.
fn ca_as_server(chain: &[CertificateDer<'static>], provider: &Arc<CryptoProvider>) -> bool {
    let (Some(leaf), Some(anchor)) = (chain.first(), chain.last()) else { return false };
    let mut roots = RootCertStore::empty();
    if roots.add(anchor.clone()).is_err() {
        return false;
    }
    let Ok(verifier) = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(provider)).build()
    else {
        return false;
    };
    let Ok(name) = ServerName::try_from("relay.invalid") else { return false };
    match verifier.verify_server_cert(leaf, &chain[1..], &name, &[], UnixTime::now()) {
        // webpki's `CaUsedAsEndEntity` has no variant of its own in rustls.
        Err(rustls::Error::InvalidCertificate(CertificateError::Other(e))) => {
            format!("{e:?}").contains("CaUsedAsEndEntity")
        }
        _ => false,
    }
}
