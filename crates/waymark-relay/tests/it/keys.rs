//! Device public keys at enrollment, key envelopes for the next team key epoch after a
//! revocation (`POST`/`GET /v1/keys`), the device list showing both, the gauges of
//! `/metrics`, and a schema-1 relay database gaining what they need.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use serde_json::{Value, json};
use waymark_relay::store::{DeviceAuth, RelayStore};
use waymark_relay::{Config, SqliteStore, clock};
use waymark_sync_proto::wire::{KeyEnvelope, KeysResponse, WireDeviceStatus, WireRole};

use crate::common::{Dev, Relay, text};

/// A device's X25519 public key as it sends it: 32 bytes, unpadded base64url.
fn public_key(n: u8) -> String {
    URL_SAFE_NO_PAD.encode([n; 32])
}

fn envelope(dev: &Dev, epoch: u32, sealed: &str) -> Value {
    json!({"device_id": dev.id, "epoch": epoch, "sealed": sealed})
}

async fn put_keys(relay: &Relay, by: &Dev, envelopes: &[Value]) -> (StatusCode, Value) {
    relay.post("/v1/keys", Some(&by.token), &json!({"v": 1, "envelopes": envelopes})).await
}

/// `GET /v1/keys` (with `?after=` when given), as (epoch, sealed) pairs; panics unless 200.
async fn keys(relay: &Relay, dev: &Dev, after: Option<u32>) -> Vec<(u32, String)> {
    let path = match after {
        Some(a) => format!("/v1/keys?after={a}"),
        None => "/v1/keys".to_owned(),
    };
    let (status, body) = relay.get(&path, Some(&dev.token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: KeysResponse = serde_json::from_value(body).expect("a keys response");
    assert_eq!(answer.v, 1);
    assert!(answer.envelopes.iter().all(|e| e.device_id == dev.id), "only envelopes sealed to this device");
    answer.envelopes.into_iter().map(|e| (e.epoch, e.sealed)).collect()
}

/// The supervisor's device list, by device id.
async fn listed(relay: &Relay, sup: &Dev, id: &str) -> Value {
    let (status, list) = relay.get("/v1/devices", Some(&sup.token)).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["devices"].as_array().expect("devices").iter().find(|d| d["device_id"] == id).cloned().expect("listed")
}

/// Every `keys` audit record so far.
fn key_records(relay: &Relay) -> Vec<Value> {
    relay
        .store
        .audit()
        .expect("audit")
        .iter()
        .filter(|r| r.action == "keys")
        .map(|r| serde_json::to_value(r).expect("json"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrollment_keeps_the_devices_public_key_and_the_list_shows_it() {
    let relay = Relay::start().await;
    let (_, code) = relay.create_team();
    let (status, body) = relay.enroll_with_key(&code, &public_key(1)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sup = Dev {
        id: text(&body["device_id"]),
        token: text(&body["token"]),
        team: text(&body["team_id"]),
        role: WireRole::Supervisor,
    };

    // A malformed key is a 400 and leaves the invitation usable.
    let (_, invited, code) = relay.invite_code(&sup, "outreach", "Ana's phone").await;
    for bad in [public_key(2)[..42].to_owned(), format!("{}=", &public_key(2)[..42]), "k".repeat(44), String::new()] {
        let (status, body) = relay.enroll_with_key(&code, &bad).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")), "{bad:?}");
    }
    let (status, body) = relay.enroll_with_key(&code, &public_key(2)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["device_id"], invited["device_id"]);
    // A device that sends none (an older app) enrolls as before.
    let officer = relay.member(&sup, "officer").await;

    let me = listed(&relay, &sup, &sup.id).await;
    assert_eq!(me["public_key"], public_key(1).as_str());
    let outreach = listed(&relay, &sup, &text(&invited["device_id"])).await;
    assert_eq!(outreach["public_key"], public_key(2).as_str());
    let old = listed(&relay, &sup, &officer.id).await;
    assert!(old.get("public_key").is_none(), "no key, no field: {old}");
    assert!(old.get("key_epoch").is_none(), "no envelope yet: {old}");

    let enrolled: Vec<Value> = relay
        .store
        .audit()
        .expect("audit")
        .iter()
        .filter(|r| r.action == "enroll")
        .map(|r| serde_json::to_value(r).expect("json"))
        .collect();
    assert_eq!(enrolled.iter().map(|r| r["public_key"].clone()).collect::<Vec<_>>(), [true, true, false]);
    assert!(
        !enrolled.iter().any(|r| r.to_string().contains(&public_key(1))),
        "the audit says whether a key came, not the key"
    );
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_seals_the_next_epoch_to_each_device_and_each_fetches_only_its_own() {
    let relay = Relay::start().await;
    let sup = relay.team().await;
    let outreach = relay.member(&sup, "outreach").await;
    let officer = relay.member(&sup, "officer").await;
    assert_eq!(relay.pull(&outreach, 0, 10).await.key_epoch, None, "no envelope yet");

    let (status, body) = put_keys(
        &relay,
        &sup,
        &[
            envelope(&outreach, 2, "b3V0cmVhY2gtMg"),
            envelope(&officer, 2, "b2ZmaWNlci0y"),
            envelope(&sup, 2, "c3VwLTI"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"v": 1, "stored": 3}));
    let (status, body) = put_keys(&relay, &sup, &[envelope(&outreach, 3, "b3V0cmVhY2gtMw")]).await;
    assert_eq!((status, &body["stored"]), (StatusCode::OK, &json!(1)), "{body}");

    // Each device gets only its own, oldest epoch first; `after` skips what it holds.
    assert_eq!(keys(&relay, &outreach, None).await, [(2, "b3V0cmVhY2gtMg".into()), (3, "b3V0cmVhY2gtMw".into())]);
    assert_eq!(keys(&relay, &outreach, Some(0)).await.len(), 2);
    assert_eq!(keys(&relay, &outreach, Some(2)).await, [(3, "b3V0cmVhY2gtMw".into())]);
    assert!(keys(&relay, &outreach, Some(3)).await.is_empty());
    assert!(keys(&relay, &outreach, Some(u32::MAX)).await.is_empty());
    assert_eq!(keys(&relay, &officer, None).await, [(2, "b2ZmaWNlci0y".into())]);
    assert_eq!(keys(&relay, &sup, Some(1)).await, [(2, "c3VwLTI".into())]);
    // Another team's devices have none, and a bad `after` is a 400.
    let stranger = relay.team().await;
    assert!(keys(&relay, &stranger, None).await.is_empty());
    for bad in ["/v1/keys?after=-1", "/v1/keys?after=two", "/v1/keys?after=4294967296"] {
        let (status, body) = relay.get(bad, Some(&outreach.token)).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")), "{bad}");
    }

    // Storing an epoch again replaces it.
    let (status, _) = put_keys(&relay, &sup, &[envelope(&officer, 2, "b2ZmaWNlci0yLWFnYWlu")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(keys(&relay, &officer, None).await, [(2, "b2ZmaWNlci0yLWFnYWlu".into())]);

    // Every pull names the device's highest epoch, so it knows to fetch the keys first.
    assert_eq!(relay.pull(&outreach, 0, 10).await.key_epoch, Some(3));
    assert_eq!(relay.pull(&officer, u64::MAX, 10).await.key_epoch, Some(2), "an idle pull too");
    assert_eq!(relay.pull(&stranger, 0, 10).await.key_epoch, None);

    // The device list shows each device's highest epoch.
    assert_eq!(listed(&relay, &sup, &outreach.id).await["key_epoch"], 3);
    assert_eq!(listed(&relay, &sup, &officer.id).await["key_epoch"], 2);
    assert_eq!(listed(&relay, &sup, &sup.id).await["key_epoch"], 2);

    // One audit record per store, with the epochs and the count, no sealed keys.
    let records = key_records(&relay);
    assert_eq!(records.len(), 3, "{records:?}");
    assert_eq!(records[0]["device_id"], sup.id.as_str());
    assert_eq!(records[0]["team_id"], sup.team.as_str());
    assert_eq!((&records[0]["epochs"], &records[0]["envelopes"]), (&json!([2]), &json!(3)));
    assert_eq!((&records[1]["epochs"], &records[1]["envelopes"]), (&json!([3]), &json!(1)));
    assert!(!records.iter().any(|r| r.to_string().contains("b3V0cmVhY2g")), "{records:?}");
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_supervisor_stores_keys_and_bad_bodies_are_400() {
    let relay = Relay::start().await;
    let sup = relay.team().await;
    let outreach = relay.member(&sup, "outreach").await;
    let officer = relay.member(&sup, "officer").await;

    for dev in [&outreach, &officer] {
        let (status, body) = put_keys(&relay, dev, &[envelope(dev, 2, "c2VhbGVk")]).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{body}");
    }
    let (status, body) =
        relay.post("/v1/keys", None, &json!({"v": 1, "envelopes": [envelope(&sup, 2, "c2VhbGVk")]})).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    let (status, body) = relay.get("/v1/keys", Some("not-a-device-token")).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));

    let bad_bodies = [
        json!({"v": 1, "envelopes": []}),
        json!({"v": 1, "envelopes": [envelope(&outreach, 1, "c2VhbGVk")]}),
        json!({"v": 1, "envelopes": [envelope(&outreach, 2, "not base64!")]}),
        json!({"v": 1, "envelopes": [{"device_id": "a b", "epoch": 2, "sealed": "c2VhbGVk"}]}),
        json!({"v": 2, "envelopes": [envelope(&outreach, 2, "c2VhbGVk")]}),
        json!({"v": 1, "envelopes": [{"device_id": outreach.id, "epoch": -2, "sealed": "c2VhbGVk"}]}),
        json!({"v": 1}),
        json!({"v": 1, "envelopes": (0..501).map(|_| envelope(&outreach, 2, "c2VhbGVk")).collect::<Vec<_>>()}),
    ];
    for body in &bad_bodies {
        let (status, answer) = relay.post("/v1/keys", Some(&sup.token), body).await;
        assert_eq!((status, answer["error"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")), "{body}");
    }
    assert!(keys(&relay, &outreach, None).await.is_empty());
    assert!(keys(&relay, &officer, None).await.is_empty());
    assert!(key_records(&relay).is_empty());
    relay
        .audit_until(|r| {
            r.iter().any(|e| {
                e["action"] == "refused"
                    && e["route"] == "put_keys"
                    && e["status"] == 403
                    && e["device_id"] == officer.id.as_str()
            }) && r.iter().filter(|e| e["route"] == "put_keys" && e["status"] == 400).count() == bad_bodies.len()
        })
        .await;
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn envelopes_for_revoked_pending_or_foreign_devices_refuse_the_whole_request() {
    let relay = Relay::start().await;
    let sup = relay.team().await;
    let kept = relay.member(&sup, "outreach").await;
    let gone = relay.member(&sup, "outreach").await;
    let second = relay.member(&sup, "supervisor").await;
    let (status, _) = relay.post(&format!("/v1/devices/{}/revoke", gone.id), Some(&sup.token), &json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, pending, _) = relay.invite_code(&sup, "officer", "not yet enrolled").await;
    let stranger = relay.team().await;
    let foreign = relay.member(&stranger, "outreach").await;

    let good = envelope(&kept, 2, "a2VwdA");
    let cases = [
        (envelope(&gone, 2, "Z29uZQ"), StatusCode::FORBIDDEN, "forbidden"),
        (
            json!({"device_id": text(&pending["device_id"]), "epoch": 2, "sealed": "cGVuZGluZw"}),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (envelope(&foreign, 2, "Zm9yZWlnbg"), StatusCode::NOT_FOUND, "not_found"),
        (json!({"device_id": "no-such-device", "epoch": 2, "sealed": "bm9uZQ"}), StatusCode::NOT_FOUND, "not_found"),
    ];
    for (bad, status, code) in &cases {
        // The refused envelope after a good one: the good one is not stored either.
        let (got, body) = put_keys(&relay, &sup, &[good.clone(), bad.clone()]).await;
        assert_eq!((got, body["error"].as_str()), (*status, Some(*code)), "{bad}: {body}");
    }
    assert!(keys(&relay, &kept, None).await.is_empty(), "all or none");
    assert!(keys(&relay, &foreign, None).await.is_empty());
    assert!(listed(&relay, &sup, &kept.id).await.get("key_epoch").is_none());
    assert!(listed(&relay, &sup, &gone.id).await.get("key_epoch").is_none());
    assert!(key_records(&relay).is_empty());

    // The revoked device cannot fetch keys, even ones stored before its revocation.
    let (status, _) = put_keys(&relay, &second, &[envelope(&kept, 2, "a2VwdA")]).await;
    assert_eq!(status, StatusCode::OK, "any supervisor of the team may store them");
    let (status, body) = relay.get("/v1/keys?after=0", Some(&gone.token)).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("device_revoked")));
    // A revoked supervisor can neither store nor fetch.
    let (status, _) = relay.post(&format!("/v1/devices/{}/revoke", second.id), Some(&sup.token), &json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = put_keys(&relay, &second, &[envelope(&kept, 3, "a2VwdC0z")]).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("device_revoked")));
    let (status, body) = relay.get("/v1/keys", Some(&second.token)).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("device_revoked")));
    assert_eq!(keys(&relay, &kept, None).await, [(2, "a2VwdA".into())]);
    relay
        .audit_until(|r| {
            r.iter().any(|e| e["action"] == "refused" && e["route"] == "keys" && e["error"] == "device_revoked")
                && r.iter().any(|e| e["route"] == "put_keys" && e["error"] == "device_revoked")
                && r.iter().filter(|e| e["route"] == "put_keys" && e["device_id"] == sup.id.as_str()).count() == 4
        })
        .await;
    relay.stop().await;
}

/// The value of the sample `series` in a scrape.
fn sample(text: &str, series: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
        .parse()
        .unwrap_or_else(|_| panic!("{series} is not a number"))
}

async fn scrape(relay: &Relay) -> String {
    let (status, body) = relay.get("/metrics", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_str().expect("text").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gauges_count_teams_and_devices_by_status_and_keys_routes_are_counted() {
    let relay = Relay::start_with(Config { metrics: true, ..Config::default() }).await;
    let text = scrape(&relay).await;
    assert_eq!(sample(&text, "waymark_relay_teams"), 0, "{text}");
    for status in ["pending", "active", "revoked"] {
        assert_eq!(sample(&text, &format!("waymark_relay_devices{{status=\"{status}\"}}")), 0, "{text}");
    }

    let sup = relay.team().await;
    let outreach = relay.member(&sup, "outreach").await;
    let officer = relay.member(&sup, "officer").await;
    relay.invite_code(&sup, "officer", "Officer Diaz").await;
    let (waiting_team, _) = relay.create_team();
    relay.post(&format!("/v1/devices/{}/revoke", officer.id), Some(&sup.token), &json!({})).await;
    put_keys(&relay, &sup, &[envelope(&outreach, 2, "c2VhbGVk")]).await;
    put_keys(&relay, &outreach, &[envelope(&outreach, 2, "c2VhbGVk")]).await;
    keys(&relay, &outreach, None).await;

    let text = scrape(&relay).await;
    assert!(text.contains("# TYPE waymark_relay_teams gauge\n"), "{text}");
    assert!(text.contains("# TYPE waymark_relay_devices gauge\n"), "{text}");
    assert_eq!(sample(&text, "waymark_relay_teams"), 2, "{text}");
    assert_eq!(sample(&text, "waymark_relay_devices{status=\"pending\"}"), 2, "an invitation and a new team's: {text}");
    assert_eq!(sample(&text, "waymark_relay_devices{status=\"active\"}"), 2, "{text}");
    assert_eq!(sample(&text, "waymark_relay_devices{status=\"revoked\"}"), 1, "{text}");
    assert_eq!(sample(&text, "waymark_relay_requests_total{route=\"put_keys\",status=\"2xx\"}"), 1, "{text}");
    assert_eq!(sample(&text, "waymark_relay_requests_total{route=\"put_keys\",status=\"4xx\"}"), 1, "{text}");
    assert_eq!(sample(&text, "waymark_relay_requests_total{route=\"keys\",status=\"2xx\"}"), 1, "{text}");
    // Exactly the three statuses, and nothing that names a team or device.
    let device_series: Vec<&str> = text.lines().filter(|l| l.starts_with("waymark_relay_devices")).collect();
    assert_eq!(device_series.len(), 3, "{text}");
    let names = [&sup.team, &waiting_team, &sup.id, &outreach.id, &officer.id, &sup.token];
    for secret in names.iter().map(|s| s.as_str()).chain(["Officer Diaz", "Test site"]) {
        assert!(!text.contains(secret), "{secret:?} in /metrics:\n{text}");
    }
    relay.stop().await;
}

/// The relay's schema 1, as the first relay made it.
const SCHEMA_1: &str = "
CREATE TABLE IF NOT EXISTS teams (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    role TEXT NOT NULL,
    label TEXT NOT NULL,
    status TEXT NOT NULL,
    token_hash TEXT UNIQUE,
    created_at INTEGER NOT NULL,
    enrolled_at INTEGER,
    last_sync_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS devices_team ON devices(team_id, created_at);
CREATE TABLE IF NOT EXISTS invitations (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    device_id TEXT NOT NULL REFERENCES devices(id),
    check_hash TEXT NOT NULL,
    sealed TEXT,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE TABLE IF NOT EXISTS documents (
    team_id TEXT NOT NULL,
    doc TEXT NOT NULL,
    roles INTEGER NOT NULL,
    devices TEXT NOT NULL,
    changed_seq INTEGER NOT NULL,
    PRIMARY KEY (team_id, doc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log (
    team_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    doc TEXT NOT NULL,
    author TEXT NOT NULL,
    hash TEXT NOT NULL,
    ciphertext TEXT,
    src_seq INTEGER,
    event_seq INTEGER,
    at INTEGER NOT NULL,
    PRIMARY KEY (team_id, seq)
);
CREATE UNIQUE INDEX IF NOT EXISTS log_entry ON log(team_id, doc, hash) WHERE src_seq IS NULL;
CREATE INDEX IF NOT EXISTS log_doc ON log(team_id, doc, seq) WHERE src_seq IS NULL;
CREATE TABLE IF NOT EXISTS audience_events (
    team_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    doc TEXT NOT NULL,
    old_roles INTEGER NOT NULL,
    old_devices TEXT NOT NULL,
    new_roles INTEGER NOT NULL,
    new_devices TEXT NOT NULL,
    PRIMARY KEY (team_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    team_id TEXT,
    device_id TEXT NOT NULL,
    action TEXT NOT NULL,
    status INTEGER,
    details TEXT NOT NULL DEFAULT '{}'
);
";

#[test]
fn a_schema_1_database_gains_public_keys_and_key_envelopes() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join(waymark_relay::store::sqlite::DB_FILE);
    {
        let old = rusqlite::Connection::open(&file).expect("create");
        old.execute_batch(SCHEMA_1).expect("schema 1");
        old.execute_batch(
            "INSERT INTO teams (id, name, created_at, seq) VALUES ('team-1', 'Old site', 0, 0);
             INSERT INTO devices (id, team_id, role, label, status, token_hash, created_at, enrolled_at)
                 VALUES ('sup-1', 'team-1', 'supervisor', 'first supervisor', 'active', 'hash-1', 0, 0),
                        ('out-1', 'team-1', 'outreach', 'Ana', 'active', 'hash-2', 1, 1);
             PRAGMA user_version = 1;",
        )
        .expect("a schema-1 team");
    }
    let store = SqliteStore::open(dir.path(), 1).expect("opens and migrates");
    let devices = store.devices("team-1").expect("devices");
    assert_eq!(devices.len(), 2);
    assert!(devices.iter().all(|d| d.public_key.is_none() && d.key_epoch.is_none()));
    let sup = store.authenticate("hash-1").expect("auth").expect("the old token still works");
    assert_eq!((sup.role, sup.status), (WireRole::Supervisor, WireDeviceStatus::Active));
    let stored = store
        .put_envelopes(
            &sup,
            &[KeyEnvelope { device_id: "out-1".into(), epoch: 2, sealed: "c2VhbGVk".into() }],
            clock::now(),
        )
        .expect("envelopes");
    assert_eq!(stored, 1);
    drop(store);

    // Opening it again is a no-op.
    let store = SqliteStore::open(dir.path(), 0).expect("opens again");
    let out = DeviceAuth {
        device_id: "out-1".into(),
        team_id: "team-1".into(),
        role: WireRole::Outreach,
        status: WireDeviceStatus::Active,
    };
    assert_eq!(store.envelopes(&out, 0).expect("envelopes").len(), 1);
    assert_eq!(store.devices("team-1").expect("devices")[1].key_epoch, Some(2));
    let census = store.census().expect("census");
    assert_eq!((census.teams, census.devices_active), (1, 2));
    drop(store);
    let check = rusqlite::Connection::open(&file).expect("open");
    let version: i64 = check.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
    assert_eq!(version, 2);
}
