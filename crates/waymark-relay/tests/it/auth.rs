//! Health, enrollment, invitations, tokens, roles and revocation.

use reqwest::StatusCode;
use serde_json::json;
use waymark_sync_proto::code::InviteCode;
use waymark_sync_proto::wire::WireRole;

use crate::common::{Relay, case, entry, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_answers_without_a_token() {
    let relay = Relay::start().await;
    let (status, body) = relay.get("/v1/health", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    let (status, body) = relay.get("/v1/nothing-here", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "not_found");
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_team_code_enrolls_the_first_supervisor_once() {
    let relay = Relay::start().await;
    let (team_id, code) = relay.create_team();
    let parsed: InviteCode = code.parse().expect("INVITE.CHECK");
    assert!(parsed.secret.is_none());

    // A wrong check and an unknown invitation are refused without using the code up.
    let wrong = json!({"v": 1, "invite": parsed.invite, "check": "aaaaaaaaaaaaaaaa"});
    let (status, body) = relay.post("/v1/enroll", None, &wrong).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("invite_invalid")));
    let unknown = json!({"v": 1, "invite": "aaaaaaaaaaaaaaaa", "check": parsed.check});
    let (status, body) = relay.post("/v1/enroll", None, &unknown).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("invite_invalid")));

    let (status, body) = relay.enroll_raw(&code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["team_id"], team_id.as_str());
    assert_eq!(body["role"], "supervisor");
    assert!(body["sealed"].is_null(), "the first supervisor makes the team keys itself");
    assert_eq!(text(&body["token"]).len(), 43);

    let (status, body) = relay.enroll_raw(&code).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a replayed code is refused");
    assert_eq!(body["error"], "invite_invalid");

    // The token works; the relay stored only its hash.
    let sup = relay.enroll(&relay.create_team().1).await;
    assert_eq!(relay.get("/v1/pull?after=0", Some(&sup.token)).await.0, StatusCode::OK);
    let db = std::fs::read(relay.store.path()).unwrap_or_default();
    let wal = std::fs::read(relay.store.path().with_extension("db-wal")).unwrap_or_default();
    let needle = sup.token.as_bytes();
    for file in [db, wal] {
        assert!(!file.windows(needle.len()).any(|w| w == needle), "no token in the clear on disk");
    }
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_invites_an_outreach_worker_and_an_officer() {
    let relay = Relay::start().await;
    let sup = relay.team().await;
    let (status, invited, code) = relay.invite_code(&sup, "outreach", "Ana's phone").await;
    assert_eq!(status, StatusCode::OK, "{invited}");
    assert!(invited["expires_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    let code: InviteCode = code.parse().expect("code");
    let (status, body) =
        relay.post("/v1/enroll", None, &json!({"v": 1, "invite": code.invite, "check": code.check})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["role"], "outreach");
    assert_eq!(body["label"], "Ana's phone");
    assert_eq!(body["team_id"], sup.team.as_str());
    assert_eq!(body["sealed"], "c2VhbGVkLWtleXM", "the sealed invitation comes back as stored");
    let (status, _) =
        relay.post("/v1/enroll", None, &json!({"v": 1, "invite": code.invite, "check": code.check})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let officer = relay.member(&sup, "officer").await;
    assert_eq!(officer.role, WireRole::Officer);

    // The supervisor sees the devices, enrolled, with their last sync once they pulled.
    relay.pull(&officer, 0, 10).await;
    let (status, list) = relay.get("/v1/devices", Some(&sup.token)).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let devices = list["devices"].as_array().expect("devices");
    assert_eq!(devices.len(), 3);
    let me = devices.iter().find(|d| d["device_id"] == officer.id.as_str()).expect("officer listed");
    assert_eq!(me["role"], "officer");
    assert_eq!(me["status"], "active");
    assert!(me["enrolled_at"].is_string());
    assert!(me["last_sync_at"].is_string());
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_or_bad_tokens_are_401() {
    let relay = Relay::start().await;
    for token in [None, Some("not-a-token"), Some("x y z"), Some("")] {
        let (status, body) = relay.get("/v1/pull?after=0", token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(body["error"], "unauthorized");
    }
    let (status, body) = relay.post("/v1/push", None, &json!({"v": 1, "entries": []})).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    let resp = relay
        .client
        .get(format!("{}/v1/devices", relay.base))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_a_role_may_not_use_are_403() {
    let relay = Relay::start().await;
    let sup = relay.team().await;
    let outreach = relay.member(&sup, "outreach").await;
    let officer = relay.member(&sup, "officer").await;
    let (status, body, _) = relay.invite_code(&outreach, "officer", "sneaky").await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    let (status, _) = relay.get("/v1/devices", Some(&officer.token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = relay.post(&format!("/v1/devices/{}/revoke", sup.id), Some(&outreach.token), &json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    relay
        .audit_until(|r| {
            r.iter().any(|e| e["action"] == "refused" && e["status"] == 403 && e["device_id"] == outreach.id.as_str())
        })
        .await;
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_gets_device_revoked_and_others_keep_working() {
    let relay = Relay::start().await;
    let sup = relay.team().await;
    let outreach = relay.member(&sup, "outreach").await;
    let other = relay.member(&sup, "outreach").await;
    relay.push_ok(&outreach, &[entry("doc1", &case(), 1)]).await;

    // Another team's supervisor cannot revoke it: it does not exist for them.
    let stranger = relay.team().await;
    let (status, _) =
        relay.post(&format!("/v1/devices/{}/revoke", outreach.id), Some(&stranger.token), &json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = relay.post(&format!("/v1/devices/{}/revoke", sup.id), Some(&sup.token), &json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a supervisor does not revoke its own device");
    let (status, body) = relay.post("/v1/devices/no-such-device/revoke", Some(&sup.token), &json!({})).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

    let (status, body) = relay.post(&format!("/v1/devices/{}/revoke", outreach.id), Some(&sup.token), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"device_id": outreach.id, "revoked": true}));

    for path in ["/v1/pull?after=0"] {
        let (status, body) = relay.get(path, Some(&outreach.token)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"], "device_revoked");
    }
    let (status, body) = relay.push(&outreach, &[entry("doc1", &case(), 2)]).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("device_revoked")));

    let page = relay.pull(&other, 0, 100).await;
    assert_eq!(page.entries.len(), 1, "the revoked device's earlier entries stay");
    let (_, list) = relay.get("/v1/devices", Some(&sup.token)).await;
    let listed =
        list["devices"].as_array().expect("devices").iter().find(|d| d["device_id"] == outreach.id.as_str()).cloned();
    assert_eq!(listed.map(|d| d["status"].clone()), Some(json!("revoked")));

    // A revoked pending device's invitation no longer enrolls.
    let (_, invited, code) = relay.invite_code(&sup, "officer", "lost phone").await;
    relay.post(&format!("/v1/devices/{}/revoke", text(&invited["device_id"])), Some(&sup.token), &json!({})).await;
    assert_eq!(relay.enroll_raw(&code).await.0, StatusCode::FORBIDDEN);

    relay
        .audit_until(|r| {
            r.iter().any(|e| e["action"] == "revoke" && e["device_id"] == outreach.id.as_str())
                && r.iter().any(|e| e["action"] == "refused" && e["error"] == "device_revoked")
        })
        .await;
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_invitation_is_refused() {
    use waymark_relay::store::{NewTeam, RelayStore};
    let relay = Relay::start().await;
    let now = waymark_relay::clock::now();
    let code = InviteCode::from_random([1; 10], [2; 10], None);
    let team = NewTeam {
        team_id: "00000000-0000-4000-8000-000000000001".into(),
        name: "Old".into(),
        device_id: "00000000-0000-4000-8000-000000000002".into(),
        label: "first supervisor".into(),
        invite_id: code.invite.clone(),
        check_hash: InviteCode::check_hash(&code.check),
        expires_at: jiff::Timestamp::from_second(now.as_second() - 1).expect("time"),
    };
    relay.store.create_team(&team, now).expect("team");
    let (status, body) = relay.enroll_raw(&code.to_string()).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("invite_invalid")));
    relay.stop().await;
}
