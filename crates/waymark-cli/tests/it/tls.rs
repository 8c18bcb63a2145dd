//! `waymark enroll --ca-cert` against a relay serving HTTPS with a self-signed
//! certificate made for the test: the relay library with real TLS on 127.0.0.1, on its
//! own runtime thread so it answers while the test waits for a `waymark` process.

use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;
use waymark_relay::store::RelayStore;
use waymark_relay::{AppState, Config, SqliteStore, admin, clock};

use crate::support::{Device, arr, s};

/// A relay serving HTTPS until dropped.
struct TlsRelay {
    url: String,
    store: Arc<SqliteStore>,
    stop: Option<oneshot::Sender<()>>,
    _thread: JoinHandle<()>,
}

impl TlsRelay {
    fn start(dir: &Path, cert: &str, key: &str) -> Self {
        Self::start_at(dir, cert, key, "127.0.0.1:0")
    }

    /// A relay on `addr` (a port a stopped relay used: bound again once it is free).
    fn start_at(dir: &Path, cert: &str, key: &str, addr: &str) -> Self {
        let tls = waymark_relay::tls::server_config(Path::new(cert), Path::new(key)).expect("the TLS settings");
        let store = Arc::new(SqliteStore::open(dir, 2).expect("open the relay store"));
        let mut tries = 0;
        let listener = loop {
            match std::net::TcpListener::bind(addr) {
                Ok(l) => break l,
                Err(e) if tries < 50 => {
                    tries += 1;
                    eprintln!("waiting for {addr}: {e}");
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(e) => panic!("bind the relay's port {addr}: {e}"),
            }
        };
        listener.set_nonblocking(true).expect("a non-blocking listener");
        let addr = listener.local_addr().expect("the relay's address");
        let (stop, stopped) = oneshot::channel::<()>();
        let state = AppState::new(store.clone(), Config::default());
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("the relay's runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
                waymark_relay::serve_tls(listener, state, tls, async move {
                    let _ = stopped.await;
                })
                .await
                .expect("the relay serves");
            });
        });
        Self { url: format!("https://{addr}"), store, stop: Some(stop), _thread: thread }
    }

    fn team_create(&self, name: &str) -> String {
        admin::create_team(self.store.as_ref(), name, clock::now()).expect("create a team").code
    }

    /// Entries the relay stored from pushes, by its audit.
    fn entries_pushed(&self) -> u64 {
        let audit = self.store.audit().expect("the relay's audit");
        audit.iter().filter(|r| r.action == "push").filter_map(|r| r.details["entries"].as_u64()).sum()
    }
}

impl Drop for TlsRelay {
    fn drop(&mut self) {
        // Not joined: a failing test should not also hang on its relay.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[test]
fn a_device_enrolled_with_the_relays_certificate_syncs_over_tls() {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .expect("a self-signed certificate");
    let pem = made.cert.pem();
    let operator = Device::blank();
    let cert = operator.file("relay-cert.pem", &pem);
    let key = operator.file("relay-key.pem", &made.signing_key.serialize_pem());
    let relay_dir = tempfile::tempdir().expect("a relay directory");
    let relay = TlsRelay::start(relay_dir.path(), &cert, &key);
    assert!(relay.url.starts_with("https://127.0.0.1:"), "{}", relay.url);
    let code = relay.team_create("Harbor Diversion Team");

    // The supervisor enrolls trusting the relay's certificate, adds a person, syncs.
    let sup = Device::blank();
    let ca = sup.file("relay.pem", &pem);
    let enrolled = sup.ok(&["enroll", "--relay", &relay.url, "--code", &code, "--ca-cert", &ca]);
    assert_eq!(enrolled["role"], "supervisor", "{enrolled}");
    let person = sup.ok(&["person", "add", "--name", "Marisol Quintanilla"]);
    let synced = sup.ok(&["sync"]);
    assert_eq!(synced["pending"], 0, "{synced}");
    let pushed = synced["pushed"].as_u64().expect("pushed");
    assert!(pushed >= 3, "team settings, profile and card: {synced}");
    let audit = synced["audit_pushed"].as_u64().expect("audit entries pushed");
    assert!(audit >= 1, "the enrollment's audit entry: {synced}");
    assert_eq!(relay.entries_pushed(), pushed + audit, "the relay has every entry");

    // Invited over TLS, a phone that was not given the certificate is refused (exit 4)
    // without its code being used up ...
    let invited = sup.ok(&["device", "invite", "--role", "outreach", "--label", "Dee"]);
    let code = s(&invited, "code");
    let dee = Device::blank();
    let line = dee.fails(&["enroll", "--relay", &relay.url, "--code", code], 4);
    assert!(line.contains("not trusted") && line.contains("--ca-cert"), "{line}");

    // ... a file that is not a certificate, or none, is bad input (exit 2) ...
    let not_pem = dee.file("notes.txt", "not a certificate");
    let not_der = dee.file("broken.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    let missing = dee.file("gone.pem", "");
    std::fs::remove_file(&missing).expect("remove");
    for (file, want) in [(&not_pem, "relay certificate"), (&not_der, "relay certificate"), (&missing, "cannot read")] {
        let line = dee.fails(&["enroll", "--relay", &relay.url, "--code", code, "--ca-cert", file], 2);
        assert!(line.contains(want), "{file}: {line}");
    }
    let ca = dee.file("relay.pem", &pem);
    let http = relay.url.replace("https://", "http://");
    let line = dee.fails(&["enroll", "--relay", &http, "--code", code, "--ca-cert", &ca], 2);
    assert!(line.contains("https://"), "{line}");

    // ... and with it, the phone enrolls and pulls what the supervisor pushed.
    let out = dee.ok(&["enroll", "--relay", &relay.url, "--code", code, "--ca-cert", &ca]);
    assert_eq!(out["role"], "outreach", "{out}");
    let pulled = dee.ok(&["sync"]);
    assert!(pulled["pulled"].as_u64().is_some_and(|n| n >= 3), "{pulled}");
    let persons = dee.ok(&["person", "list"]);
    assert!(arr(&persons, "person list").iter().any(|p| p["id"] == person["id"]), "{persons}");
}

#[test]
fn a_device_takes_the_relays_renewed_certificate_only_when_the_relay_answers_with_it() {
    let make = || {
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("a self-signed certificate")
    };
    let (old, new, stranger) = (make(), make(), make());
    let operator = Device::blank();
    let old_cert = operator.file("old-cert.pem", &old.cert.pem());
    let old_key = operator.file("old-key.pem", &old.signing_key.serialize_pem());
    let new_cert = operator.file("new-cert.pem", &new.cert.pem());
    let new_key = operator.file("new-key.pem", &new.signing_key.serialize_pem());
    let relay_dir = tempfile::tempdir().expect("a relay directory");
    let relay = TlsRelay::start(relay_dir.path(), &old_cert, &old_key);
    let code = relay.team_create("Renewal Team");
    let sup = Device::blank();
    let old_pin = sup.file("old.pem", &old.cert.pem());
    sup.ok(&["enroll", "--relay", &relay.url, "--code", &code, "--ca-cert", &old_pin]);
    sup.ok(&["sync"]);

    // The relay is restarted with a new certificate: the pinned device refuses it.
    let addr = relay.url.trim_start_matches("https://").to_owned();
    drop(relay);
    let relay = TlsRelay::start_at(relay_dir.path(), &new_cert, &new_key, &addr);
    let line = sup.fails(&["sync"], 4);
    assert!(line.contains("certificate"), "{line}");

    // A certificate the relay does not answer with changes nothing ...
    let wrong = sup.file("stranger.pem", &stranger.cert.pem());
    sup.fails(&["relay", "trust", "--ca-cert", &wrong], 4);
    sup.fails(&["sync"], 4);
    let bad = sup.file("bad.pem", "not a certificate");
    sup.fails(&["relay", "trust", "--ca-cert", &bad], 2);

    // ... the renewed one is taken, and sync works again, on the record.
    let renewed = sup.file("new.pem", &new.cert.pem());
    let out = sup.ok(&["relay", "trust", "--ca-cert", &renewed]);
    assert_eq!(out["pinned"], true, "{out}");
    assert_eq!(out["relay"], relay.url.as_str(), "{out}");
    let synced = sup.ok(&["sync"]);
    assert_eq!(synced["pending"], 0, "{synced}");
    let log = sup.ok(&["audit"]);
    assert!(arr(&log, "audit").iter().any(|e| e["action"] == "trust_relay"), "{log}");
}
