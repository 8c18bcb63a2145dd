//! The `waymark-relay` command: `serve`, `team create`, `device revoke`, `audit`.
//! `--json` prints exactly one JSON document; a failure prints one `error: …` line on
//! stderr and exits 2 for bad usage, 1 for anything else.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use serde::Serialize;
use waymark_relay::store::RelayStore;
use waymark_relay::{AppState, Config, RelayError, SqliteStore, admin, clock};

#[derive(Debug, Parser)]
#[command(name = "waymark-relay", version, about = "The Waymark relay: an opaque, append-only change log per team")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the relay's HTTP API until SIGTERM or SIGINT.
    ///
    /// Without --tls-cert and --tls-key the relay serves plain HTTP, and only on a
    /// loopback address; with them it serves HTTPS (rustls) on any address, and the
    /// first line reads "listening on https://…".
    ///
    /// Authenticated requests are rate-limited per device, the others (enrollment, a
    /// bad token) per client address; over the limit the answer is 429.
    ///
    /// With --metrics, GET /metrics answers clients on loopback addresses (a scraper on
    /// the relay's own host) with Prometheus text: requests by route and status class,
    /// refusals by status and error code, pushes, pulls, entries and enrollments.
    /// It holds no personal data, ids, tokens or team names.
    Serve {
        /// The relay's data directory (created if missing).
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// Address to listen on, IP:PORT (0 picks a free port). Without TLS it must be
        /// a loopback address (127.0.0.1 or [::1]).
        #[arg(long, value_name = "ADDR")]
        listen: String,
        /// The relay's TLS certificate chain (PEM, leaf first); needs --tls-key. A
        /// self-signed one must say basicConstraints CA:FALSE (devices refuse a CA's
        /// certificate as the server's own).
        #[arg(long, value_name = "FILE.pem", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1); needs --tls-cert.
        #[arg(long, value_name = "FILE.pem", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Requests per second each device (unauthenticated: each client address) may
        /// make (0: no limit).
        #[arg(long, value_name = "N", default_value_t = 50.0)]
        rate_limit: f64,
        /// Requests a device (or address) may make at once before the rate applies.
        #[arg(long, value_name = "N", default_value_t = 100.0)]
        burst: f64,
        /// Longest a request may take, in seconds, reading its body included.
        #[arg(long, value_name = "SECS", default_value_t = 30)]
        request_timeout: u64,
        /// Longest a client may take to send a request's headers (and to finish its TLS
        /// handshake), in seconds; slower or idle connections are closed.
        #[arg(long, value_name = "SECS", default_value_t = 10)]
        header_timeout: u64,
        /// Serve GET /metrics (Prometheus text, no personal data) to loopback clients.
        #[arg(long)]
        metrics: bool,
        /// Accepted for symmetry with the other verbs; `serve` prints its listening line.
        #[arg(long)]
        json: bool,
    },
    /// Teams.
    Team {
        #[command(subcommand)]
        command: TeamCommand,
    },
    /// Devices.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// Print what the relay saw.
    Audit {
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum TeamCommand {
    /// Create a team and the one-time code that enrolls its first supervisor device.
    Create {
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        #[arg(long)]
        name: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum DeviceCommand {
    /// Revoke a device: its token stops working at once.
    Revoke {
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        #[arg(long, value_name = "DEVICE_ID")]
        device: String,
        #[arg(long)]
        json: bool,
    },
}

/// A failure with its exit code.
#[derive(Debug)]
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Self {
        Self { code: 2, message: message.into() }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        let code = match e.downcast_ref::<RelayError>() {
            Some(RelayError::BadRequest(_)) => 2,
            _ => 1,
        };
        Self { code, message: format!("{e:#}") }
    }
}

impl From<RelayError> for Failure {
    fn from(e: RelayError) -> Self {
        match e {
            RelayError::BadRequest(message) => Self { code: 2, message },
            RelayError::NotFound(message) => Self { code: 1, message },
            e => Self { code: 1, message: e.to_string() },
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // One line: clap's first paragraph reads "error: …" and its indented lines
            // name what is missing, so they join that line.
            let rendered = e.render().to_string();
            let first: Vec<&str> = rendered.lines().take_while(|l| !l.trim().is_empty()).map(str::trim).collect();
            let line = if first.is_empty() { "error: bad usage".to_owned() } else { first.join(" ") };
            eprintln!("{line}");
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message.replace('\n', " "));
            ExitCode::from(f.code)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Serve {
            data,
            listen,
            tls_cert,
            tls_key,
            rate_limit,
            burst,
            request_timeout,
            header_timeout,
            metrics,
            json: _,
        } => {
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(
                    waymark_relay::tls::server_config(&cert, &key)
                        .map_err(|e| Failure::usage(format!("cannot use --tls-cert/--tls-key: {e}")))?,
                ),
                (None, None) => None,
                _ => return Err(Failure::usage("--tls-cert and --tls-key go together")),
            };
            let addr = listen_address(&listen, tls.is_some())?;
            if !(rate_limit.is_finite() && rate_limit >= 0.0 && burst.is_finite() && burst >= 1.0) {
                return Err(Failure::usage("--rate-limit must be 0 or more and --burst at least 1"));
            }
            if request_timeout == 0 || header_timeout == 0 {
                return Err(Failure::usage("--request-timeout and --header-timeout must be at least 1 second"));
            }
            let config = Config {
                rate_per_second: rate_limit,
                burst,
                request_timeout: Duration::from_secs(request_timeout),
                header_timeout: Duration::from_secs(header_timeout),
                metrics,
                ..Config::default()
            };
            serve(&data, addr, tls, config)
        }
        Command::Team { command: TeamCommand::Create { data, name, json } } => {
            let store = SqliteStore::open(&data, 0).with_context(|| format!("cannot open {}", data.display()))?;
            let team = admin::create_team(&store, &name, clock::now())?;
            print(json, &team, |t| {
                format!(
                    "team {}\ncode {}\n(the code enrolls the team's first supervisor device once, until {})",
                    t.team_id, t.code, t.expires_at
                )
            })
        }
        Command::Device { command: DeviceCommand::Revoke { data, device, json } } => {
            let store = open_existing(&data)?;
            let revoked = admin::revoke_device(&store, &device, clock::now())?;
            print(json, &revoked, |r| format!("revoked {}", r.device_id))
        }
        Command::Audit { data, json } => {
            let store = open_existing(&data)?;
            let events = store.audit()?;
            print(json, &events, |events| {
                events
                    .iter()
                    .map(|e| {
                        let status = e.status.map(|s| format!(" {s}")).unwrap_or_default();
                        let device = if e.device_id.is_empty() { "-" } else { e.device_id.as_str() };
                        format!("{} {} {}{}", e.at, device, e.action, status)
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
    }
}

fn open_existing(dir: &Path) -> Result<SqliteStore, Failure> {
    SqliteStore::open_existing(dir, 0).map_err(|e| match e {
        RelayError::NotFound(m) => Failure { code: 1, message: m },
        e => Failure { code: 1, message: format!("cannot open {}: {e}", dir.display()) },
    })
}

/// The listen address: plain HTTP is served on loopback only; with TLS, anywhere.
fn listen_address(text: &str, tls: bool) -> Result<SocketAddr, Failure> {
    let addr: SocketAddr = match text.strip_prefix("localhost:") {
        Some(port) => format!("127.0.0.1:{port}").parse(),
        None => text.parse(),
    }
    .map_err(|_| Failure::usage(format!("--listen wants IP:PORT, e.g. 127.0.0.1:8080 (got {text:?})")))?;
    if !tls && !addr.ip().is_loopback() {
        return Err(Failure::usage(format!(
            "refusing to listen on {addr} without TLS: the relay serves plain HTTP only on a loopback address (127.0.0.1 or [::1]); give --tls-cert and --tls-key to serve HTTPS on other addresses"
        )));
    }
    Ok(addr)
}

fn print<T: Serialize>(json: bool, value: &T, text: impl FnOnce(&T) -> String) -> Result<(), Failure> {
    let out = if json { serde_json::to_string_pretty(value).context("cannot encode the answer")? } else { text(value) };
    let mut stdout = std::io::stdout().lock();
    // A closed stdout (e.g. `| head`) is not worth a failure after the work is done.
    let _ = writeln!(stdout, "{out}");
    let _ = stdout.flush();
    Ok(())
}

fn serve(data: &Path, addr: SocketAddr, tls: Option<Arc<rustls::ServerConfig>>, config: Config) -> Result<(), Failure> {
    let store = SqliteStore::open(data, 4).with_context(|| format!("cannot open {}", data.display()))?;
    let store: Arc<dyn RelayStore> = Arc::new(store);
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        // Listen for the signals before announcing the address, so a signal sent as
        // soon as the line appears is already handled.
        let shutdown = shutdown_signal().context("cannot listen for signals")?;
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
        let bound = listener.local_addr().context("cannot read the bound address")?;
        {
            let mut stdout = std::io::stdout().lock();
            let scheme = if tls.is_some() { "https" } else { "http" };
            let _ = writeln!(stdout, "listening on {scheme}://{bound}");
            let _ = stdout.flush();
        }
        let state = AppState::new(store, config);
        match tls {
            Some(tls) => waymark_relay::serve_tls(listener, state, tls, shutdown).await,
            None => waymark_relay::serve(listener, state, shutdown).await,
        }
        .context("the server failed")?;
        Ok::<(), Failure>(())
    })?;
    // Dropping the runtime waits for storage work still running; every answered
    // write was already committed.
    drop(runtime);
    Ok(())
}

/// Resolves on SIGTERM or SIGINT.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    })
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_listens_only_on_loopback_and_tls_anywhere() {
        for addr in ["127.0.0.1:0", "[::1]:8080", "localhost:7878"] {
            assert!(listen_address(addr, false).is_ok(), "{addr}");
        }
        for addr in ["0.0.0.0:0", "192.0.2.10:443", "[::]:443"] {
            let refused = listen_address(addr, false).expect_err(addr);
            assert_eq!(refused.code, 2);
            assert!(refused.message.contains("--tls-cert"), "{}", refused.message);
            assert!(listen_address(addr, true).is_ok(), "{addr} with TLS");
        }
        assert_eq!(listen_address("nonsense", true).map_err(|f| f.code).err(), Some(2));
    }
}
