//! The HTTP side of sync: one small client per relay, mapping transport failures and
//! relay refusals to device errors. Retries transient failures (connection errors,
//! 429, 5xx) with backoff; everything else is final.

use std::time::Duration;

use reqwest::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
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
}

enum Failure {
    Transient(String),
    Final(DeviceError),
}

impl Relay {
    pub fn new(base: &str, token: Option<String>) -> Result<Self> {
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(DeviceError::Invalid(waymark_domain::ValidationError::UnknownValue {
                what: "relay address",
                value: base,
                expected: "an http:// or https:// URL".into(),
            }));
        }
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| DeviceError::RelayUnreachable(e.to_string()))?;
        Ok(Self { base, token, client })
    }

    pub fn base(&self) -> &str {
        &self.base
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
        let response = request.send().await.map_err(|e| Failure::Transient(describe(&e)))?;
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

fn describe(e: &reqwest::Error) -> String {
    if e.is_connect() {
        "cannot connect".into()
    } else if e.is_timeout() {
        "timed out".into()
    } else {
        e.to_string()
    }
}
