//! A relay started in-process for one test, and small clients for its devices.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::StatusCode;
use serde::Serialize;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use waymark_relay::store::RelayStore;
use waymark_relay::{AppState, Config, SqliteStore, admin, clock};
use waymark_sync_proto::code::{InviteCode, base32};
use waymark_sync_proto::wire::{Audience, PushEntry, WireRole};

/// A running relay.
pub struct Relay {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Arc<SqliteStore>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    _dir: TempDir,
}

/// An enrolled device.
#[derive(Debug, Clone)]
pub struct Dev {
    pub id: String,
    pub token: String,
    pub team: String,
    pub role: WireRole,
}

static CHECKS: AtomicU32 = AtomicU32::new(0);

impl Relay {
    pub async fn start() -> Self {
        Self::start_with(Config::default()).await
    }

    pub async fn start_with(config: Config) -> Self {
        Self::start_on(config, None).await
    }

    /// A relay serving HTTPS with `cert`; its client trusts only that certificate.
    pub async fn start_tls(config: Config, cert: &SelfSigned) -> Self {
        Self::start_on(config, Some(cert)).await
    }

    async fn start_on(config: Config, tls: Option<&SelfSigned>) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Arc::new(SqliteStore::open(dir.path(), 2).expect("open store"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = oneshot::channel::<()>();
        let state = AppState::new(store.clone(), config);
        let stopped = async move {
            let _ = rx.await;
        };
        let (task, base, client) = match tls {
            None => {
                let task = tokio::spawn(waymark_relay::serve(listener, state, stopped));
                (task, format!("http://{addr}"), reqwest::Client::new())
            }
            Some(cert) => {
                let config = waymark_relay::tls::server_config(&cert.cert, &cert.key).expect("TLS config");
                let client = reqwest::Client::builder()
                    .tls_certs_only([reqwest::Certificate::from_pem(cert.pem.as_bytes()).expect("PEM")])
                    .build()
                    .expect("client");
                let task = tokio::spawn(waymark_relay::serve_tls(listener, state, config, stopped));
                (task, format!("https://{addr}"), client)
            }
        };
        Self { base, client, store, stop: Some(tx), task: Some(task), _dir: dir }
    }

    /// `host:port` of the listener.
    pub fn addr(&self) -> String {
        self.base.split_once("://").map(|(_, a)| a.to_owned()).expect("a URL")
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server result");
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        answer(req.send().await.expect("send")).await
    }

    pub async fn post<B: Serialize>(&self, path: &str, token: Option<&str>, body: &B) -> (StatusCode, Value) {
        let body = serde_json::to_vec(body).expect("encode");
        self.post_raw(path, token, body).await
    }

    pub async fn post_raw(&self, path: &str, token: Option<&str>, body: Vec<u8>) -> (StatusCode, Value) {
        let mut req =
            self.client.post(format!("{}{path}", self.base)).header("content-type", "application/json").body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        answer(req.send().await.expect("send")).await
    }

    /// A new team (as the admin verb makes it): its id and first code.
    pub fn create_team(&self) -> (String, String) {
        let team = admin::create_team(self.store.as_ref(), "Test site", clock::now()).expect("team");
        (team.team_id, team.code)
    }

    /// Enrolls with a code; panics unless it works.
    pub async fn enroll(&self, code: &str) -> Dev {
        let (status, body) = self.enroll_raw(code).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        Dev {
            id: text(&body["device_id"]),
            token: text(&body["token"]),
            team: text(&body["team_id"]),
            role: serde_json::from_value(body["role"].clone()).expect("role"),
        }
    }

    pub async fn enroll_raw(&self, code: &str) -> (StatusCode, Value) {
        let code: InviteCode = code.parse().expect("code");
        self.post("/v1/enroll", None, &json!({"v": 1, "invite": code.invite, "check": code.check})).await
    }

    /// Enrolls with a code, sending the device's public key.
    pub async fn enroll_with_key(&self, code: &str, public_key: &str) -> (StatusCode, Value) {
        let code: InviteCode = code.parse().expect("code");
        let body = json!({"v": 1, "invite": code.invite, "check": code.check, "public_key": public_key});
        self.post("/v1/enroll", None, &body).await
    }

    /// A team with an enrolled first supervisor.
    pub async fn team(&self) -> Dev {
        let (_, code) = self.create_team();
        self.enroll(&code).await
    }

    /// Has `sup` invite a device of `role`; returns the code as the device would hold it.
    pub async fn invite_code(&self, sup: &Dev, role: &str, label: &str) -> (StatusCode, Value, String) {
        let mut bytes = [7u8; 10];
        bytes[..4].copy_from_slice(&CHECKS.fetch_add(1, Ordering::Relaxed).to_be_bytes());
        let check = base32(&bytes);
        let body = json!({
            "v": 1, "role": role, "label": label,
            "check_hash": InviteCode::check_hash(&check),
            "sealed": "c2VhbGVkLWtleXM", "expires_in_days": null
        });
        let (status, answer) = self.post("/v1/invitations", Some(&sup.token), &body).await;
        let code = format!("{}.{}.{}", answer["invite"].as_str().unwrap_or("x"), check, "secretsecretsecret");
        (status, answer, code)
    }

    /// Invites and enrolls a device of `role` in `sup`'s team.
    pub async fn member(&self, sup: &Dev, role: &str) -> Dev {
        let (status, answer, code) = self.invite_code(sup, role, &format!("{role} phone")).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let dev = self.enroll(&code).await;
        assert_eq!(dev.id, text(&answer["device_id"]));
        assert_eq!(dev.team, sup.team);
        dev
    }

    pub async fn push(&self, dev: &Dev, entries: &[PushEntry]) -> (StatusCode, Value) {
        self.post("/v1/push", Some(&dev.token), &json!({"v": 1, "entries": entries})).await
    }

    /// Pushes and returns the seqs; panics unless accepted.
    pub async fn push_ok(&self, dev: &Dev, entries: &[PushEntry]) -> Vec<u64> {
        let (status, body) = self.push(dev, entries).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let accepted = body["accepted"].as_array().expect("accepted").clone();
        assert_eq!(accepted.len(), entries.len());
        accepted
            .iter()
            .zip(entries)
            .map(|(a, e)| {
                assert_eq!(a["hash"], e.hash.as_str());
                a["seq"].as_u64().expect("seq")
            })
            .collect()
    }

    pub async fn pull(&self, dev: &Dev, after: u64, limit: u32) -> Page {
        let (status, body) = self.get(&format!("/v1/pull?after={after}&limit={limit}"), Some(&dev.token)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).expect("pull response")
    }

    /// Pulls every page from `after`; returns the pages.
    pub async fn pull_all(&self, dev: &Dev, after: u64, limit: u32) -> Vec<Page> {
        let mut pages = Vec::new();
        let mut cursor = after;
        loop {
            let page = self.pull(dev, cursor, limit).await;
            assert!(page.next_after >= cursor, "the cursor never goes back");
            assert!(page.entries.len() <= limit as usize);
            assert!(page.entries.iter().all(|e| e.seq <= page.next_after));
            cursor = page.next_after;
            let more = page.more;
            pages.push(page);
            if !more {
                break pages;
            }
            assert!(pages.len() < 1000, "paging must end");
        }
    }

    /// Every audit record so far, waiting briefly for queued refusals.
    pub async fn audit_until(&self, what: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        for _ in 0..100 {
            let records: Vec<Value> =
                self.store.audit().expect("audit").iter().map(|r| serde_json::to_value(r).expect("json")).collect();
            if what(&records) {
                return records;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("the audit never showed what was expected");
    }
}

pub type Page = waymark_sync_proto::wire::PullResponse;

/// A self-signed certificate for 127.0.0.1 and localhost, written as PEM files.
pub struct SelfSigned {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub pem: String,
    _dir: TempDir,
}

pub fn self_signed() -> SelfSigned {
    make_self_signed(rcgen::IsCa::ExplicitNoCa)
}

/// A self-signed certificate marked as a CA's, as `openssl req -x509` makes by default.
pub fn self_signed_ca() -> SelfSigned {
    make_self_signed(rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained))
}

fn make_self_signed(is_ca: rcgen::IsCa) -> SelfSigned {
    let mut params =
        rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).expect("names");
    params.is_ca = is_ca;
    let key = rcgen::KeyPair::generate().expect("a key");
    let made = params.self_signed(&key).expect("a self-signed certificate");
    let dir = tempfile::tempdir().expect("temp dir");
    let cert = dir.path().join("cert.pem");
    let key_file = dir.path().join("key.pem");
    let pem = made.pem();
    std::fs::write(&cert, &pem).expect("write the certificate");
    std::fs::write(&key_file, key.serialize_pem()).expect("write the key");
    SelfSigned { cert, key: key_file, pem, _dir: dir }
}

pub async fn answer(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    let bytes = resp.bytes().await.expect("body");
    let value =
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, value)
}

pub fn text(v: &Value) -> String {
    v.as_str().expect("a string").to_owned()
}

pub fn audience(roles: &[WireRole], devices: &[&str]) -> Audience {
    Audience { roles: roles.to_vec(), devices: devices.iter().map(|d| (*d).to_owned()).collect() }
}

/// Case documents: outreach and supervisors only.
pub fn case() -> Audience {
    audience(&[WireRole::Outreach, WireRole::Supervisor], &[])
}

pub fn entry(doc: &str, audience: &Audience, n: u32) -> PushEntry {
    PushEntry {
        doc: doc.to_owned(),
        audience: audience.clone(),
        hash: format!("{doc}-h{n}"),
        ciphertext: format!("Y2lwaGVy-{doc}-{n}"),
    }
}
