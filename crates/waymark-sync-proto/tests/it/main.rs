//! Golden fixtures: the wire format and the sealed-entry format are frozen in
//! `tests/fixtures/`, so a change of format shows up as a deliberate diff. Run with
//! `WAYMARK_BLESS=1` to rewrite the files after an intended change (and bump
//! `PROTOCOL_VERSION` if old peers cannot read the new form).

use std::path::PathBuf;

use serde::Serialize;
use serde::de::DeserializeOwned;
use waymark_sync_proto::code::InviteCode;
use waymark_sync_proto::seal::{InvitationPayload, KeyClass, TeamKeys, open_invitation, seal_invitation};
use waymark_sync_proto::wire::*;

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn golden<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(name: &str, value: &T) {
    let text = serde_json::to_string_pretty(value).expect("serializes") + "\n";
    let path = fixture_path(name);
    if std::env::var_os("WAYMARK_BLESS").is_some() {
        std::fs::write(&path, &text).expect("write fixture");
    }
    let stored = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (bless with WAYMARK_BLESS=1)", path.display()));
    assert_eq!(text, stored, "{name}: the wire format changed");
    let parsed: T = serde_json::from_str(&stored).expect("fixture parses");
    assert_eq!(&parsed, value, "{name}: the fixture reads back as the same value");
}

fn keys() -> TeamKeys {
    let mut bytes = [0u8; 128];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = (i * 7 % 256) as u8;
    }
    TeamKeys::from_random(&bytes)
}

#[test]
fn push_request_format_is_frozen() {
    let k = keys();
    let entry = PushEntry {
        doc: k.opaque_doc("referral:00000000-0000-4000-8000-000000000001"),
        audience: Audience {
            roles: vec![WireRole::Outreach, WireRole::Supervisor],
            devices: vec!["00000000-0000-4000-8000-0000000000aa".into()],
        },
        hash: k.opaque_hash("referral:00000000-0000-4000-8000-000000000001", &[1, 2, 3]),
        ciphertext: k
            .seal(KeyClass::Officer, [5; 24], "referral:00000000-0000-4000-8000-000000000001", b"automerge change")
            .expect("seal"),
    };
    golden("push_request.json", &PushRequest { v: PROTOCOL_VERSION, entries: vec![entry] });
}

#[test]
fn push_and_pull_responses_are_frozen() {
    golden("push_response.json", &PushResponse { v: 1, accepted: vec![Accepted { hash: "h1".into(), seq: 42 }] });
    golden(
        "pull_response.json",
        &PullResponse {
            v: 1,
            entries: vec![PullEntry {
                seq: 43,
                doc: "opaqueDoc".into(),
                author: "00000000-0000-4000-8000-0000000000aa".into(),
                hash: "h2".into(),
                ciphertext: "c2VhbGVk".into(),
            }],
            next_after: 50,
            more: true,
            purge: vec!["goneDoc".into()],
            server_time: "2026-11-23T12:00:00Z".into(),
            key_epoch: None,
        },
    );
}

#[test]
fn enrollment_and_invitation_formats_are_frozen() {
    golden(
        "enroll_request.json",
        &EnrollRequest { v: 1, invite: "aaaaaaaaaaaaaaaa".into(), check: "bbbbbbbbbbbbbbbb".into(), public_key: None },
    );
    golden(
        "enroll_response.json",
        &EnrollResponse {
            v: 1,
            device_id: "00000000-0000-4000-8000-0000000000bb".into(),
            token: "dG9rZW4".into(),
            team_id: "00000000-0000-4000-8000-0000000000cc".into(),
            role: WireRole::Officer,
            label: "Officer Diaz".into(),
            sealed: Some("c2VhbGVk".into()),
        },
    );
    golden(
        "invite_request.json",
        &InviteRequest {
            v: 1,
            role: WireRole::Outreach,
            label: "Dee".into(),
            check_hash: InviteCode::check_hash("bbbbbbbbbbbbbbbb"),
            sealed: "c2VhbGVk".into(),
            expires_in_days: Some(7),
        },
    );
    golden(
        "error_body.json",
        &ErrorBody { error: codes::DEVICE_REVOKED.into(), message: "this device was revoked".into() },
    );
}

#[test]
fn sealed_formats_are_frozen_and_still_open() {
    let k = keys();
    let sealed =
        k.seal(KeyClass::Case, [9; 24], "person:00000000-0000-4000-8000-000000000002", b"change").expect("seal");
    let payload = InvitationPayload { team_id: "team".into(), keys: k.for_role(WireRole::Officer), earlier: vec![] };
    let invitation = seal_invitation(&payload, "secretsecret", "checkcheck", [3; 24]).expect("seal");
    #[derive(Debug, PartialEq, Serialize, serde::Deserialize)]
    struct Sealed {
        entry: String,
        invitation: String,
    }
    let value = Sealed { entry: sealed.clone(), invitation: invitation.clone() };
    golden("sealed.json", &value);
    assert_eq!(
        k.open(&sealed).expect("opens"),
        ("person:00000000-0000-4000-8000-000000000002".into(), b"change".to_vec())
    );
    assert_eq!(open_invitation(&invitation, "secretsecret", "checkcheck").expect("opens"), payload);
}

#[test]
fn key_envelope_formats_are_frozen() {
    let request = EnrollRequest {
        v: 1,
        invite: "aaaaaaaaaaaaaaaa".into(),
        check: "bbbbbbbbbbbbbbbb".into(),
        public_key: Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8".into()),
    };
    request.validate().expect("a valid enrollment with a public key");
    golden("enroll_request_public_key.json", &request);
    let envelopes = vec![
        KeyEnvelope {
            device_id: "00000000-0000-4000-8000-0000000000aa".into(),
            epoch: 2,
            sealed: "c2VhbGVkLWFh".into(),
        },
        KeyEnvelope {
            device_id: "00000000-0000-4000-8000-0000000000bb".into(),
            epoch: 2,
            sealed: "c2VhbGVkLWJi".into(),
        },
    ];
    let put = PutKeysRequest { v: 1, envelopes: envelopes.clone() };
    put.validate().expect("a valid key upload");
    golden("put_keys_request.json", &put);
    golden("put_keys_response.json", &PutKeysResponse { v: 1, stored: 2 });
    golden("keys_response.json", &KeysResponse { v: 1, envelopes: envelopes[..1].to_vec() });
}

#[test]
fn device_list_format_is_frozen() {
    let with_key = DeviceInfo {
        device_id: "00000000-0000-4000-8000-0000000000aa".into(),
        role: WireRole::Outreach,
        label: "Dee phone".into(),
        status: WireDeviceStatus::Active,
        created_at: "2026-11-23T12:00:00Z".into(),
        enrolled_at: Some("2026-11-23T12:05:00Z".into()),
        last_sync_at: Some("2026-11-23T13:00:00Z".into()),
        revoked_at: None,
        public_key: Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8".into()),
        key_epoch: Some(3),
    };
    // A device enrolled before public keys: neither field is written.
    let without = DeviceInfo {
        device_id: "00000000-0000-4000-8000-0000000000bb".into(),
        role: WireRole::Officer,
        label: "Officer Diaz".into(),
        status: WireDeviceStatus::Revoked,
        created_at: "2026-11-20T09:00:00Z".into(),
        enrolled_at: Some("2026-11-20T09:30:00Z".into()),
        last_sync_at: None,
        revoked_at: Some("2026-11-23T11:00:00Z".into()),
        public_key: None,
        key_epoch: None,
    };
    golden("device_list_response.json", &DeviceListResponse { v: 1, devices: vec![with_key, without] });
    // An older relay's list, without the new fields, still reads.
    let old = r#"{"v": 1, "devices": [{"device_id": "d", "role": "officer", "label": "x", "status": "active",
        "created_at": "2026-11-20T09:00:00Z", "enrolled_at": null, "last_sync_at": null, "revoked_at": null}]}"#;
    let parsed: DeviceListResponse = serde_json::from_str(old).expect("an older list parses");
    assert_eq!((parsed.devices[0].public_key.as_deref(), parsed.devices[0].key_epoch), (None, None));
}
