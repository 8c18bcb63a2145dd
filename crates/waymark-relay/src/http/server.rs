//! The connection loop: accepts TCP connections, optionally finishes a TLS handshake,
//! and serves HTTP/1.1 with hyper, with a deadline for each request's headers so a
//! client that trickles bytes (or never finishes its handshake) is dropped instead of
//! holding a connection forever. Shutdown is graceful: no new connections, in-flight
//! requests finish within the configured grace, then the last audit records are
//! written.
//!
//! It does not route or answer anything itself: every request goes to the axum router.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::{AppState, router};

/// Serves `state` over plain HTTP on `listener` until `shutdown` resolves, then lets
/// in-flight requests finish (for at most the configured grace) and writes the last
/// audit records. Every answered write was committed before its answer.
///
/// Plain HTTP belongs on loopback only; the binary refuses anything else.
pub async fn serve<F>(listener: TcpListener, state: AppState, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    run(listener, state, None, shutdown).await
}

/// Like [`serve`], over TLS with `tls` (see [`crate::tls::server_config`]).
pub async fn serve_tls<F>(
    listener: TcpListener,
    state: AppState,
    tls: Arc<rustls::ServerConfig>,
    shutdown: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    run(listener, state, Some(TlsAcceptor::from(tls)), shutdown).await
}

async fn run<F>(listener: TcpListener, state: AppState, tls: Option<TlsAcceptor>, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let app = router(state.clone());
    let (stop_tx, stop_rx) = watch::channel(false);
    let writer = tokio::spawn(state.clone().audit_writer(stop_rx));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => {
                    // A connection that failed before we took it, or no file
                    // descriptors left: wait a little rather than spin, then go on.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = tcp.set_nodelay(true);
        let watcher = graceful.watcher();
        let app = app.clone();
        let state = state.clone();
        match tls.clone() {
            None => {
                tokio::spawn(async move { connection(tcp, peer, app, watcher, &state).await });
            }
            Some(acceptor) => {
                tokio::spawn(async move {
                    let limit = state.config().header_timeout;
                    match tokio::time::timeout(limit, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => connection(stream, peer, app, watcher, &state).await,
                        Ok(Err(_)) => state.metrics().tls_failure(),
                        Err(_) => state.metrics().header_timeout(),
                    }
                });
            }
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(state.config().shutdown_grace, graceful.shutdown()).await;
    let _ = stop_tx.send(true);
    let _ = writer.await;
    Ok(())
}

/// Serves HTTP/1.1 on one connection until the client closes it, it times out, or the
/// server shuts down.
async fn connection<I>(io: I, peer: SocketAddr, app: Router, watcher: Watcher, state: &AppState)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        app.clone().oneshot(req)
    });
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(state.config().header_timeout);
    if let Err(e) = watcher.watch(http.serve_connection(TokioIo::new(io), service)).await
        && e.is_timeout()
    {
        state.metrics().header_timeout();
    }
}
