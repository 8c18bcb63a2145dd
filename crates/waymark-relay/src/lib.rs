//! The Waymark relay: stores each team's opaque, append-only change log and routes it
//! to devices by audience. It never decodes automerge nor record content and never
//! holds team keys; what it reads is routing metadata only (opaque document ids,
//! audiences, content hashes, sequence numbers, authors).
//!
//! Layout: [`store`] is the narrow storage trait and its SQLite backend, [`http`] the
//! axum router and server, [`tls`] its certificate and key, [`admin`] the operator's
//! verbs shared with the binary, [`audit`] what the relay saw, [`limiter`] the
//! per-device (per-address before authentication) rate limit, [`metrics`] the counters
//! of `GET /metrics`.

pub mod admin;
pub mod audit;
pub mod clock;
pub mod error;
pub mod http;
pub mod limiter;
pub mod metrics;
pub mod secrets;
pub mod store;
pub mod tls;

pub use error::{RelayError, Result};
pub use http::{AppState, Config, router, serve, serve_tls};
pub use store::RelayStore;
pub use store::sqlite::SqliteStore;
