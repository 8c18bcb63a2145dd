//! The HTTP side of sync: one small client per relay, mapping transport failures and
//! relay refusals to device errors. Retries transient failures (connection errors,
//! 429, 5xx) with backoff; everything else is final, a TLS failure included (an
//! untrusted certificate does not become trusted by retrying).
//!
//! TLS is rustls (aws-lc-rs). A device enrolled with a relay certificate (`--ca-cert`)
//! trusts only that certificate for its relay, not the system's roots: the team's
//! relay is pinned. Without one, the system's roots decide.

use std::time::Duration;

use reqwest::StatusCode;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde::Serialize;
use serde::de::DeserializeOwned;
use waymark_domain::ValidationError;
use waymark_sync_proto::session::backoff;
use waymark_sync_proto::wire::{ErrorBody, codes};

use crate::error::{DeviceError, Result};

/// Attempts per request before a transient failure becomes "unreachable".
const ATTEMPTS: u32 = 4;

#[derive(Debug, Clone)]
pub struct Relay {
    base: String,
    token: Option<String>,
    client: reqwest::Client,
    /// Whether TLS trusts only the certificate(s) given at enrollment.
    pinned: bool,
}

enum Failure {
    Transient(String),
    Final(DeviceError),
}

fn invalid_certificate(why: impl Into<String>) -> DeviceError {
    DeviceError::Invalid(ValidationError::UnknownValue {
        what: "relay certificate",
        value: why.into(),
        expected: "a PEM file holding the relay's certificate (-----BEGIN CERTIFICATE-----)".into(),
    })
}

/// The certificates in `pem`: at least one, each a well-formed PEM block.
fn certificates(pem: &str) -> Result<Vec<reqwest::Certificate>> {
    let mut found = 0;
    for block in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        block.map_err(|e| invalid_certificate(format!("not valid PEM: {e}")))?;
        found += 1;
    }
    if found == 0 {
        return Err(invalid_certificate("no certificate in it"));
    }
    reqwest::Certificate::from_pem_bundle(pem.as_bytes()).map_err(|e| invalid_certificate(e.to_string()))
}

impl Relay {
    /// A client for the relay at `base`; with `ca_pem`, TLS trusts only the
    /// certificates in it.
    pub fn new(base: &str, token: Option<String>, ca_pem: Option<&str>) -> Result<Self> {
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(DeviceError::Invalid(ValidationError::UnknownValue {
                what: "relay address",
                value: base,
                expected: "an http:// or https:// URL".into(),
            }));
        }
        let mut builder =
            reqwest::Client::builder().connect_timeout(Duration::from_secs(10)).timeout(Duration::from_secs(60));
        if let Some(pem) = ca_pem {
            if !base.starts_with("https://") {
                return Err(DeviceError::Invalid(ValidationError::UnknownValue {
                    what: "relay address",
                    value: base,
                    expected: "an https:// URL when a relay certificate is given".into(),
                }));
            }
            builder = builder.tls_certs_only(certificates(pem)?);
        }
        let client = builder.build().map_err(|e| match ca_pem {
            // The PEM blocks parsed but the certificate inside does not.
            Some(_) => invalid_certificate(describe(&e)),
            None => DeviceError::RelayUnreachable(describe(&e)),
        })?;
        Ok(Self { base, token, client, pinned: ca_pem.is_some() })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Reaches the relay's health route (no token): proves the address and TLS trust.
    pub async fn health(&self) -> Result<()> {
        let _: serde_json::Value = self.get("/v1/health").await?;
        Ok(())
    }

    pub async fn get<R: DeserializeOwned>(&self, path: &str) -> Result<R> {
        self.send(|| self.client.get(format!("{}{path}", self.base))).await
    }

    pub async fn post<B: Serialize, R: DeserializeOwned>(&self, path: &str, body: &B) -> Result<R> {
        self.send(|| self.client.post(format!("{}{path}", self.base)).json(body)).await
    }

    async fn send<R: DeserializeOwned>(&self, make: impl Fn() -> reqwest::RequestBuilder) -> Result<R> {
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                let jitter = f64::from(getrandom::u32().unwrap_or(0)) / f64::from(u32::MAX);
                tokio::time::sleep(backoff(attempt - 1, jitter)).await;
            }
            let mut request = make();
            if let Some(token) = &self.token {
                request = request.bearer_auth(token);
            }
            match self.once(request).await {
                Ok(value) => return Ok(value),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Transient(why)) => last = why,
            }
        }
        Err(DeviceError::RelayUnreachable(format!("{} ({last})", self.base)))
    }

    async fn once<R: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Result<R, Failure> {
        let response = request.send().await.map_err(|e| match tls_problem(&e, self.pinned) {
            Some(problem) => Failure::Final(DeviceError::RelayUnreachable(format!("{} ({problem})", self.base))),
            None => Failure::Transient(describe(&e)),
        })?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| Failure::Transient(describe(&e)))?;
        if status.is_success() {
            return serde_json::from_slice(&body)
                .map_err(|e| Failure::Final(DeviceError::RelayRefused(format!("unreadable answer: {e}"))));
        }
        let error: ErrorBody = serde_json::from_slice(&body)
            .unwrap_or_else(|_| ErrorBody { error: status.as_str().to_owned(), message: String::new() });
        if status == StatusCode::UNAUTHORIZED && error.error == codes::DEVICE_REVOKED {
            return Err(Failure::Final(DeviceError::DeviceRevoked));
        }
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Err(Failure::Transient(format!("{status}")));
        }
        let what = if error.message.is_empty() { error.error } else { format!("{}: {}", error.error, error.message) };
        Err(Failure::Final(DeviceError::RelayRefused(format!("{} ({what})", status.as_u16()))))
    }
}

/// rustls' error in `err`, also when it sits inside (nested) `io::Error`s, whose
/// `source` skips the error they wrap.
fn as_rustls<'a>(mut err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    loop {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        err = err.downcast_ref::<std::io::Error>()?.get_ref()?;
    }
}

/// What went wrong in TLS, if the failure was TLS's.
fn tls_problem(e: &reqwest::Error, pinned: bool) -> Option<String> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        if let Some(tls) = as_rustls(err) {
            return Some(match tls {
                rustls::Error::InvalidCertificate(_) if pinned => format!(
                    "its TLS certificate is not signed by the certificate this device was enrolled to trust ({tls})"
                ),
                rustls::Error::InvalidCertificate(_) => format!(
                    "its TLS certificate is not trusted ({tls}); a relay with its own certificate needs \
                     `waymark enroll --ca-cert FILE.pem`, and a device enrolled that way trusts only that certificate"
                ),
                other => format!("TLS failed: {other}"),
            });
        }
        next = err.source();
    }
    None
}

/// One line for a transport failure, with its cause (reqwest's own text stops short).
fn describe(e: &reqwest::Error) -> String {
    if e.is_connect() {
        "cannot connect".into()
    } else if e.is_timeout() {
        "timed out".into()
    } else {
        let mut text = e.to_string();
        let mut next = std::error::Error::source(e);
        while let Some(cause) = next {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            next = cause.source();
        }
        text
    }
}
