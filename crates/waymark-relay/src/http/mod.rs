//! The relay's HTTP side: the axum router (all routes under `/v1/`, plus `/metrics`),
//! its state, and (in `server.rs`) the connection loop with graceful shutdown.
//!
//! Layers, outermost first: every answer is counted for `/metrics`, bodiless errors
//! become `ErrorBody`s, a panic becomes a 500, a request taking longer than the
//! configured timeout (reading a trickled body included) becomes a 503.

mod handlers;
pub mod reply;
mod server;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use tokio::sync::watch;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

use crate::audit::AuditQueue;
use crate::clock;
use crate::error::{RelayError, Result};
use crate::limiter::RateLimiter;
use crate::metrics::{self, Metrics};
use crate::store::RelayStore;

pub use server::{serve, serve_tls};

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Requests per second each device (or, unauthenticated, each address) may make.
    /// 0 turns the limit off.
    pub rate_per_second: f64,
    /// How many requests a device may make at once before the rate applies.
    pub burst: f64,
    /// Longest a request may take before it is answered 503, reading its body included.
    pub request_timeout: Duration,
    /// Longest a client may take to send a request's headers (and, with TLS, to finish
    /// its handshake); a slower connection is closed without an answer. An idle
    /// keep-alive connection is closed after this long too.
    pub header_timeout: Duration,
    /// Whether `GET /metrics` is served (to clients on loopback addresses only).
    pub metrics: bool,
    /// After the shutdown signal, how long in-flight requests may still take.
    pub shutdown_grace: Duration,
    /// About how much ciphertext one pull page carries (at least one entry).
    pub pull_max_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            rate_per_second: 50.0,
            burst: 100.0,
            request_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            metrics: false,
            shutdown_grace: Duration::from_secs(10),
            pull_max_bytes: 8 * 1024 * 1024,
        }
    }
}

/// What every request handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    store: Arc<dyn RelayStore>,
    config: Config,
    limiter: RateLimiter,
    audit: AuditQueue,
    metrics: Metrics,
}

impl AppState {
    pub fn new(store: Arc<dyn RelayStore>, config: Config) -> Self {
        let limiter = RateLimiter::new(config.rate_per_second, config.burst);
        Self {
            inner: Arc::new(Shared {
                store,
                config,
                limiter,
                audit: AuditQueue::default(),
                metrics: Metrics::default(),
            }),
        }
    }

    pub fn store(&self) -> Arc<dyn RelayStore> {
        Arc::clone(&self.inner.store)
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The counters `GET /metrics` shows.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Runs blocking storage work off the async executor.
    async fn run<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&dyn RelayStore) -> Result<T> + Send + 'static,
    {
        let store = self.store();
        tokio::task::spawn_blocking(move || work(store.as_ref()))
            .await
            .map_err(|e| RelayError::Internal(format!("a storage task failed: {e}")))?
    }

    /// Writes queued refusals until `stop` turns true, then writes the rest.
    async fn audit_writer(self, mut stop: watch::Receiver<bool>) {
        loop {
            let stopping = tokio::select! {
                () = self.inner.audit.wait() => false,
                _ = stop.wait_for(|s| *s) => true,
            };
            let batch = self.inner.audit.drain(clock::now());
            if !batch.is_empty() {
                // A failed write loses only these refusal records; the relay serves on.
                let _ = self.run(move |s| s.record(&batch)).await;
            }
            if stopping {
                break;
            }
        }
    }
}

/// The relay's routes.
pub fn router(state: AppState) -> Router {
    let timeout = state.config().request_timeout;
    Router::new()
        .route("/v1/health", get(handlers::health))
        .route("/v1/enroll", post(handlers::enroll))
        .route("/v1/invitations", post(handlers::invite))
        .route("/v1/push", post(handlers::push))
        .route("/v1/pull", get(handlers::pull))
        .route("/v1/devices", get(handlers::devices))
        .route("/v1/devices/{id}/revoke", post(handlers::revoke))
        .route("/v1/keys", get(handlers::keys).post(handlers::put_keys))
        .route("/metrics", get(handlers::metrics))
        .fallback(handlers::not_found)
        .with_state(state.clone())
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, timeout))
        .layer(CatchPanicLayer::new())
        // Pull pages are JSON around base64 ciphertext; gzip takes back most of what
        // base64 adds (a fresh pull measured 1.86x the records' JSON size without it).
        .layer(CompressionLayer::new().gzip(true))
        .layer(axum::middleware::map_response(reply::json_errors))
        .layer(axum::middleware::from_fn_with_state(state, count))
}

/// Counts every answer by route name and status class, and error answers by code.
async fn count(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let route = metrics::route_name(req.method().as_str(), req.uri().path());
    let response = next.run(req).await;
    let refusal = response.extensions().get::<reply::Refusal>().map(|r| r.0);
    st.inner.metrics.request(route, response.status().as_u16(), refusal);
    response
}
