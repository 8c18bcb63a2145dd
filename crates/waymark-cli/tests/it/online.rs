//! The online verbs (`enroll`, `device invite`, `device revoke`, `sync`) of the real
//! binary against a real relay: the relay library serving on 127.0.0.1 in this test
//! process, on its own runtime thread so it keeps answering while a test waits for a
//! `waymark` child process.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;

use serde_json::Value;
use tempfile::TempDir;
use tokio::sync::oneshot;
use waymark_relay::{AppState, Config, SqliteStore, admin, clock};

use crate::support::{Device, arr, assert_keys, assert_uuid, files_under, s};

/// A relay serving one data directory until stopped (or dropped).
struct Relay {
    url: String,
    addr: SocketAddr,
    store: Arc<SqliteStore>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Relay {
    /// A relay on a free port.
    fn start(dir: &Path) -> Self {
        Self::start_at(dir, "127.0.0.1:0")
    }

    /// A relay on `addr` (a stopped relay's address to bring it back).
    fn start_at(dir: &Path, addr: &str) -> Self {
        let store = Arc::new(SqliteStore::open(dir, 2).expect("open the relay store"));
        let listener = std::net::TcpListener::bind(addr).expect("bind the relay's port");
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
                waymark_relay::serve(listener, state, async move {
                    let _ = stopped.await;
                })
                .await
                .expect("the relay serves");
            });
        });
        Self { url: format!("http://{addr}"), addr, store, stop: Some(stop), thread: Some(thread) }
    }

    /// `waymark-relay team create`: the one-time code of the team's first supervisor.
    fn team_create(&self, name: &str) -> String {
        admin::create_team(self.store.as_ref(), name, clock::now()).expect("create a team").code
    }

    /// Stops serving and waits until the port is closed; returns the address it had.
    fn stop(mut self) -> SocketAddr {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the relay thread ends cleanly");
        }
        self.addr
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        // Not joined here: a failing test should not also hang on its relay.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A number field of a JSON object.
fn n(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("{key} is a count in {v}"))
}

/// `enroll` on a fresh data directory; checks the answer's shape.
fn enroll(url: &str, code: &str, role: &str) -> (Device, Value) {
    let device = Device::blank();
    let out = device.ok(&["enroll", "--relay", url, "--code", code]);
    assert_keys(&out, &["device_id", "team_id", "role"]);
    assert_uuid(s(&out, "device_id"));
    assert!(!s(&out, "team_id").is_empty(), "a team id: {out}");
    assert_eq!(out["role"], role, "enrolled with the invited role: {out}");
    (device, out)
}

/// `device invite` by `supervisor`; checks the answer's shape.
fn invite(supervisor: &Device, role: &str, label: &str) -> Value {
    let out = supervisor.ok(&["device", "invite", "--role", role, "--label", label]);
    assert_keys(&out, &["device_id", "code"]);
    assert_uuid(s(&out, "device_id"));
    assert!(s(&out, "code").len() > 20, "a code long enough to be unguessable: {out}");
    out
}

/// `sync` that succeeds with the contract's fields and nothing left to send.
fn sync(device: &Device) -> Value {
    let out = device.ok(&["sync"]);
    assert_keys(&out, &["pushed", "pulled", "documents", "pending"]);
    for key in ["pushed", "pulled", "documents"] {
        n(&out, key);
    }
    assert_eq!(n(&out, "pending"), 0, "everything local reached the relay: {out}");
    out
}

/// The first supervisor, plus an outreach and an officer device it invited.
struct Team {
    supervisor: Device,
    supervisor_id: String,
    outreach: Device,
    outreach_id: String,
    officer: Device,
    officer_id: String,
}

fn team(relay: &Relay) -> Team {
    let code = relay.team_create("Downtown LEAD");
    let (supervisor, sup) = enroll(&relay.url, &code, "supervisor");
    let team_id = s(&sup, "team_id").to_owned();
    let mut enrolled = Vec::new();
    for (role, label) in [("outreach", "Dee"), ("officer", "Oscar")] {
        let invited = invite(&supervisor, role, label);
        let (device, out) = enroll(&relay.url, s(&invited, "code"), role);
        assert_eq!(out["device_id"], invited["device_id"], "the invited device is the one enrolled: {out}");
        assert_eq!(out["team_id"], team_id.as_str(), "enrolled in the supervisor's team: {out}");
        enrolled.push((device, s(&out, "device_id").to_owned()));
    }
    let (officer, officer_id) = enrolled.pop().expect("an officer");
    let (outreach, outreach_id) = enrolled.pop().expect("an outreach worker");
    let supervisor_id = s(&sup, "device_id").to_owned();
    Team { supervisor, supervisor_id, outreach, outreach_id, officer, officer_id }
}

#[test]
fn enrolled_roles_sync_what_each_may_see() {
    let relay_dir = TempDir::new().expect("relay dir");
    let relay = Relay::start(relay_dir.path());
    let code = relay.team_create("Downtown LEAD");
    let (supervisor, sup) = enroll(&relay.url, &code, "supervisor");

    // The first supervisor's code works once; a replay makes no store.
    let thief = Device::blank();
    let line = thief.fails(&["enroll", "--relay", &relay.url, "--code", &code], 4);
    assert!(line.contains("refused"), "says the relay refused: {line}");
    assert!(!thief.data().join("waymark.db").exists(), "a refused enrollment leaves no store");

    // The team settings the first supervisor made go up with its first sync.
    let first = sync(&supervisor);
    assert!(n(&first, "pushed") > 0, "the team settings are pushed: {first}");

    let invited = invite(&supervisor, "outreach", "Dee");
    let (outreach, out) = enroll(&relay.url, s(&invited, "code"), "outreach");
    assert_eq!(out["device_id"], invited["device_id"], "the invited device is the one enrolled: {out}");
    assert_eq!(out["team_id"], sup["team_id"]);
    Device::blank().fails(&["enroll", "--relay", &relay.url, "--code", s(&invited, "code")], 4);

    let invited = invite(&supervisor, "officer", "Oscar");
    let (officer, out) = enroll(&relay.url, s(&invited, "code"), "officer");
    assert_eq!(out["device_id"], invited["device_id"]);
    assert_eq!(out["team_id"], sup["team_id"]);
    let officer_id = s(&out, "device_id").to_owned();

    // Only a supervisor manages devices; refused on the device, before the relay.
    for device in [&outreach, &officer] {
        device.fails(&["device", "invite", "--role", "officer", "--label", "Mallory"], 3);
    }
    outreach.fails(&["device", "revoke", &officer_id], 3);

    // Outreach's case work reaches the supervisor.
    let person = outreach.ok(&["person", "add", "--name", "Marisol Vega", "--alias", "Mari"]);
    let person_id = s(&person, "id");
    let pushed = sync(&outreach);
    assert!(n(&pushed, "pushed") > 0, "the new person is pushed: {pushed}");
    let pulled = sync(&supervisor);
    assert!(n(&pulled, "pulled") > 0, "the supervisor pulls the person: {pulled}");
    let persons = supervisor.ok(&["person", "list"]);
    let seen: Vec<&Value> = arr(&persons, "person list").iter().filter(|p| p["id"] == person_id).collect();
    assert_eq!(seen.len(), 1, "the supervisor holds the person once: {persons}");
    assert_eq!(seen[0]["name"], "Marisol Vega");

    // The officer gets no card of a person with no consent who was never referred
    // (though it does get what it may hold: the team's settings).
    let officer_sync = sync(&officer);
    assert!(n(&officer_sync, "pulled") > 0, "the officer pulls the team settings: {officer_sync}");
    for query in ["vega", "mari", "Marisol Vega"] {
        assert_eq!(officer.ok(&["lookup", query]), serde_json::json!([]), "no card for {query:?}");
    }

    // The officer's referral reaches outreach.
    let referral = officer.ok(&["referral", "create", "--pathway", "community", "--name", "Rafael Ortiz"]);
    let pushed = sync(&officer);
    assert!(n(&pushed, "pushed") > 0, "the referral is pushed: {pushed}");
    let pulled = sync(&outreach);
    assert!(n(&pulled, "pulled") > 0, "outreach pulls the referral: {pulled}");
    let list = outreach.ok(&["referral", "list"]);
    let seen: Vec<&Value> = arr(&list, "referral list").iter().filter(|r| r["id"] == referral["id"]).collect();
    assert_eq!(seen.len(), 1, "outreach sees the officer's referral: {list}");
    assert_eq!(seen[0]["person_id"], referral["person_id"]);

    // With nothing new anywhere, a sync moves nothing.
    let idle = sync(&outreach);
    assert_eq!((n(&idle, "pushed"), n(&idle, "pulled")), (0, 0), "an idle sync: {idle}");
    assert_eq!(idle["documents"], pulled["documents"], "an idle sync keeps every document: {idle}");
}

#[test]
fn revoked_device_is_cut_off_and_wiped_while_the_rest_sync_on() {
    let relay_dir = TempDir::new().expect("relay dir");
    let relay = Relay::start(relay_dir.path());
    let t = team(&relay);
    t.officer.ok(&["referral", "create", "--pathway", "social_contact", "--name", "Rafael Ortiz"]);
    sync(&t.officer);

    t.officer.fails(&["device", "revoke", &t.outreach_id], 3);
    t.officer.fails(&["device", "list"], 3);
    let before = t.supervisor.ok(&["device", "list"]);
    let status = |list: &Value, id: &str| {
        arr(list, "device list").iter().find(|d| d["device_id"] == id).map(|d| d["status"].clone())
    };
    assert_eq!(status(&before, &t.officer_id), Some(Value::from("active")), "{before}");
    let out = t.supervisor.ok(&["device", "revoke", &t.officer_id]);
    assert_keys(&out, &["device_id", "revoked"]);
    assert_eq!(out["device_id"], t.officer_id.as_str());
    assert_eq!(out["revoked"], true);
    assert_eq!(out["rotation"]["key_epoch"], 2, "the team's keys were rotated: {out}");
    // The supervisor has not yet seen the outreach device's own (sealed) record of its
    // key, so it does not take the relay's word for it: no keys for it yet.
    assert_eq!(out["rotation"]["rekeyed"], 0, "{out}");
    assert_eq!(out["rotation"]["not_rekeyed"][0], t.outreach_id.as_str(), "{out}");
    let after = t.supervisor.ok(&["device", "list"]);
    assert_eq!(status(&after, &t.officer_id), Some(Value::from("revoked")), "{after}");
    let me = arr(&after, "device list").iter().find(|d| d["this_device"] == true).cloned();
    assert_eq!(me.map(|d| d["device_id"].clone()), Some(Value::from(t.supervisor_id.as_str())));

    // Its next contact with the relay is refused, and it wipes its store.
    let line = t.officer.fails(&["sync"], 4);
    assert!(line.contains("revoked"), "says the device was revoked: {line}");
    for file in ["waymark.db", "key.json"] {
        assert!(!t.officer.data().join(file).exists(), "{file} is gone from the revoked device");
    }
    let left = files_under(&t.officer.data());
    assert!(left.is_empty(), "no store file (WAL, shared memory) survives the wipe: {left:?}");
    let line = t.officer.fails(&["lookup", "ortiz"], 1);
    assert!(line.contains("no device store"), "nothing is left to look up on a wiped device: {line}");

    // A supervisor cannot revoke itself (that would wipe its own device).
    let line = t.supervisor.fails(&["device", "revoke", &t.supervisor_id], 4);
    assert!(line.contains("refused"), "{line}");

    // Everyone else syncs on: once the outreach device's enrollment record reached the
    // supervisor, the supervisor's next sync hands it the new epoch.
    sync(&t.outreach);
    sync(&t.supervisor);
    let person = t.outreach.ok(&["person", "add", "--name", "Marisol Vega"]);
    let pushed = sync(&t.outreach);
    assert!(n(&pushed, "pushed") > 0, "{pushed}");
    sync(&t.supervisor);
    let persons = t.supervisor.ok(&["person", "list"]);
    assert!(arr(&persons, "person list").iter().any(|p| p["id"] == person["id"]), "{persons}");
    let idle = sync(&t.supervisor);
    assert_eq!((n(&idle, "pushed"), n(&idle, "pulled")), (0, 0), "an idle sync: {idle}");
    assert_eq!(n(&pushed, "key_epoch"), 2, "the outreach device sealed with the new epoch: {pushed}");
}

#[test]
fn unreachable_relay_exits_4_and_keeps_the_outbox() {
    let relay_dir = TempDir::new().expect("relay dir");
    let relay = Relay::start(relay_dir.path());
    let t = team(&relay);
    sync(&t.supervisor);
    let spare = invite(&t.supervisor, "outreach", "Eve");
    let addr = relay.stop();

    let person = t.outreach.ok(&["person", "add", "--name", "Marisol Vega"]);
    let line = t.outreach.fails(&["sync"], 4);
    assert!(line.contains("unreachable"), "says the relay cannot be reached: {line}");
    t.supervisor.fails(&["device", "invite", "--role", "officer", "--label", "Oscar"], 4);
    let offline = Device::blank();
    offline.fails(&["enroll", "--relay", &format!("http://{addr}"), "--code", s(&spare, "code")], 4);
    assert!(!offline.data().join("waymark.db").exists(), "a failed enrollment leaves no store");

    // Back on the same address with the same data: the kept change goes up.
    let relay = Relay::start_at(relay_dir.path(), &addr.to_string());
    let out = sync(&t.outreach);
    assert!(n(&out, "pushed") > 0, "the change made offline is pushed: {out}");
    sync(&t.supervisor);
    let persons = t.supervisor.ok(&["person", "list"]);
    assert!(arr(&persons, "person list").iter().any(|p| p["id"] == person["id"]), "{persons}");
    // An enrollment that could not reach the relay did not use up the code (and a
    // relay address typed with a trailing slash works).
    let (late, _) = enroll(&format!("{}/", relay.url), s(&spare, "code"), "outreach");
    let out = sync(&late);
    assert!(n(&out, "pulled") > 0, "the late device pulls the team's work: {out}");
    let persons = late.ok(&["person", "list"]);
    assert!(arr(&persons, "person list").iter().any(|p| p["id"] == person["id"]), "{persons}");
}

#[test]
fn enroll_refuses_malformed_and_unknown_codes() {
    let relay_dir = TempDir::new().expect("relay dir");
    let relay = Relay::start(relay_dir.path());
    let device = Device::blank();
    for code in ["not-a-code", "abc.def", "abcdefghijklmnop.qrstuvwxyz!@#$%^", "a.b.c.d"] {
        let line = device.fails(&["enroll", "--relay", &relay.url, "--code", code], 2);
        assert!(line.starts_with("error: the invitation code is not valid"), "{line}");
    }
    device.fails(&["enroll", "--relay", "ftp://example.org", "--code", "abcdefghijklmnop.qrstuvwxyz234567"], 2);
    for code in
        ["abcdefghijklmnop.qrstuvwxyz234567", "abcdefghijklmnop.qrstuvwxyz234567.abcdefghijklmnopqrstuvwxyz234567"]
    {
        let line = device.fails(&["enroll", "--relay", &relay.url, "--code", code], 4);
        assert!(line.contains("refused"), "{line}");
    }
    assert!(!device.data().join("waymark.db").exists(), "refused enrollments leave no store");
    // The same data directory then enrolls with a real code.
    let code = relay.team_create("Downtown LEAD");
    let out = device.ok(&["enroll", "--relay", &relay.url, "--code", &code]);
    assert_eq!(out["role"], "supervisor");
}

#[test]
fn sync_on_a_standalone_device_says_it_is_not_enrolled() {
    let device = Device::init("outreach", &[]);
    let line = device.fails(&["sync"], 3);
    assert!(line.contains("not enrolled"), "{line}");
    let supervisor = Device::init("supervisor", &[]);
    let line = supervisor.fails(&["device", "invite", "--role", "outreach", "--label", "Dee"], 3);
    assert!(line.contains("not enrolled"), "{line}");
}
