//! The relay's HTTP side: the axum router (all routes under `/v1/`), its state and the
//! server loop with graceful shutdown.
//!
//! Layers, outermost first: bodiless errors become `ErrorBody`s, a panic becomes a
//! 500, a request taking longer than the configured timeout becomes a 503.

mod handlers;
pub mod reply;

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

use crate::audit::AuditQueue;
use crate::clock;
use crate::error::{RelayError, Result};
use crate::limiter::RateLimiter;
use crate::store::RelayStore;

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Requests per second each device (or, unauthenticated, each address) may make.
    /// 0 turns the limit off.
    pub rate_per_second: f64,
    /// How many requests a device may make at once before the rate applies.
    pub burst: f64,
    /// Longest a request may take before it is answered 503.
    pub request_timeout: Duration,
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
}

impl AppState {
    pub fn new(store: Arc<dyn RelayStore>, config: Config) -> Self {
        let limiter = RateLimiter::new(config.rate_per_second, config.burst);
        Self { inner: Arc::new(Shared { store, config, limiter, audit: AuditQueue::default() }) }
    }

    pub fn store(&self) -> Arc<dyn RelayStore> {
        Arc::clone(&self.inner.store)
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
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
        .fallback(handlers::not_found)
        .with_state(state)
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, timeout))
        .layer(CatchPanicLayer::new())
        // Pull pages are JSON around base64 ciphertext; gzip takes back most of what
        // base64 adds (a fresh pull measured 1.86x the records' JSON size without it).
        .layer(CompressionLayer::new().gzip(true))
        .layer(axum::middleware::map_response(reply::json_errors))
}

/// Serves `state` on `listener` until `shutdown` resolves, then lets in-flight
/// requests finish (for at most the configured grace) and writes the last audit
/// records. Every answered write was committed before its answer.
pub async fn serve<F>(listener: TcpListener, state: AppState, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let (stop_tx, stop_rx) = watch::channel(false);
    let writer = tokio::spawn(state.clone().audit_writer(stop_rx));
    let (signalled_tx, mut signalled_rx) = watch::channel(false);
    let signal = async move {
        shutdown.await;
        let _ = signalled_tx.send(true);
    };
    let server = axum::serve(listener, app).with_graceful_shutdown(signal).into_future();
    let grace = state.config().shutdown_grace;
    let deadline = async move {
        if signalled_rx.wait_for(|s| *s).await.is_err() {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(grace).await;
    };
    let result = tokio::select! {
        r = server => r,
        () = deadline => Ok(()),
    };
    let _ = stop_tx.send(true);
    let _ = writer.await;
    result
}
