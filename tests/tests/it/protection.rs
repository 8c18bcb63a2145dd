//! The audit trail and key rotation over a real relay: audit entries of every device
//! reach supervisors only, sealed so no other device (nor the relay) reads them; a
//! tampered copy is reported; after a revocation and rotation the revoked device's keys
//! open nothing written afterwards, while the remaining devices sync on.

use waymark_device::{ConsentInput, Device, PersonInput, ReferralInput};
use waymark_domain::audit::{ChainState, verify};
use waymark_scenarios::PASSPHRASE;
use waymark_sync_proto::seal::Keyring;

use crate::audit::raw_db;
use crate::consent::{sync, sync_all, team};

fn own_entries_only(d: &mut Device) {
    let me = d.device_id().to_string();
    let entries = d.store().audit_entries().expect("entries");
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| e.device_id == me), "a non-supervisor device holds only its own entries");
}

/// Every byte of every file under `dir`, as text where it is text.
fn disk_contains(dir: &std::path::Path, needle: &str) -> bool {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path)
                && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
            {
                return true;
            }
        }
    }
    false
}

#[tokio::test(flavor = "current_thread")]
async fn audit_entries_reach_supervisors_only_and_tampering_is_reported() {
    let mut t = team().await;
    let referral = t
        .officer_a
        .referral_create(ReferralInput {
            pathway: "social_contact".into(),
            name: Some("Noor".into()),
            ..Default::default()
        })
        .expect("referral");
    t.officer_a.lookup("Noor", Some("stop on 3rd Ave, checking participation")).expect("lookup");
    let person =
        t.outreach.person_add(PersonInput { name: Some("Ramon Diaz".into()), ..Default::default() }).expect("person");
    t.outreach.person_show(&person.id.to_string()).expect("view");
    t.outreach
        .consent_add(ConsentInput {
            person: person.id.to_string(),
            parties: vec!["law_enforcement".into()],
            ..Default::default()
        })
        .expect("consent");
    sync_all(&mut t).await;

    let log = t.sup.audit_log().expect("a supervisor reads the log");
    let officer_a = t.officer_a.device_id().to_string();
    let outreach = t.outreach.device_id().to_string();
    let lookup = log
        .iter()
        .find(|e| e.device_id == officer_a && e.action == "lookup")
        .expect("the officer's lookup reached the supervisor");
    assert_eq!(lookup.reason, "stop on 3rd Ave, checking participation");
    assert_eq!(lookup.role, "officer");
    assert_eq!(lookup.record, "Noor");
    assert!(
        log.iter().any(|e| e.device_id == outreach && e.action == "person_view" && e.record == person.id.to_string())
    );
    assert!(log.iter().any(|e| e.device_id == outreach && e.action == "consent_add"));
    assert!(log.iter().any(|e| e.device_id == officer_a && e.action == "enroll"));
    assert!(log.iter().any(|e| e.action == "invite"), "the supervisor's own invitations");
    assert!(log.iter().all(|e| e.chain == "ok"), "{:?}", log.iter().filter(|e| e.chain != "ok").collect::<Vec<_>>());
    let _ = referral;

    // Nobody else reads it: no other device holds another's entries, the log is
    // refused to them, and neither the relay's disk nor theirs holds the reason.
    for d in [&mut t.outreach, &mut t.officer_a, &mut t.officer_b] {
        own_entries_only(d);
        assert!(d.audit_log().is_err(), "only a supervisor reads the audit log");
    }
    assert!(!disk_contains(&t.relay.dir, "3rd Ave"), "the relay stores no audit entry in the clear");
    assert!(!disk_contains(&t.dir.path().join("officer-b"), "3rd Ave"));

    // A second sync with nothing new moves no records and records no sync entry.
    sync(&mut t.sup).await;
    let idle = sync(&mut t.sup).await;
    assert_eq!((idle.pushed, idle.pulled, idle.audit_pushed), (0, 0, 0), "idle stays idle");

    // Someone with the supervisor's passphrase edits the officer's lookup reason.
    let sup_dir = t.dir.path().join("sup");
    let stored = t.sup.store().audit_entries().expect("entries");
    let victim = stored.iter().find(|e| e.text.contains("3rd Ave")).expect("the lookup entry").clone();
    drop(t.sup);
    let conn = raw_db(&sup_dir);
    conn.execute(
        "UPDATE audit SET entry = ?1 WHERE device_id = ?2 AND seq = ?3",
        rusqlite::params![victim.text.replace("3rd Ave", "nowhere"), victim.device_id, victim.seq as i64],
    )
    .expect("tamper");
    drop(conn);
    let mut sup = Device::open(&sup_dir, PASSPHRASE).expect("reopen");
    let log = sup.audit_log().expect("log");
    let broken: Vec<_> = log.iter().filter(|e| e.is_broken()).collect();
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!((broken[0].device_id.as_str(), broken[0].seq), (officer_a.as_str(), victim.seq));
    assert!(broken[0].problem.as_deref().is_some_and(|p| p.contains("changed")));
    let officer_entries: Vec<_> =
        sup.store().audit_entries().expect("entries").into_iter().filter(|e| e.device_id == officer_a).collect();
    assert!(verify(&officer_entries).iter().any(|s| matches!(s, ChainState::Broken { .. })));
}

/// Every log entry the relay stores after `after`, straight from its database.
fn relay_entries_after(relay_dir: &std::path::Path, after: i64) -> Vec<(i64, String)> {
    let db = std::fs::read_dir(relay_dir)
        .expect("relay dir")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "db" || x == "sqlite"))
        .expect("the relay's database");
    let conn = rusqlite::Connection::open(db).expect("open relay db");
    let mut stmt = conn
        .prepare("SELECT seq, ciphertext FROM log WHERE seq > ?1 AND ciphertext IS NOT NULL ORDER BY seq")
        .expect("query");
    stmt.query_map([after], |r| Ok((r.get(0)?, r.get(1)?))).expect("rows").map(|r| r.expect("row")).collect()
}

fn relay_last_seq(relay_dir: &std::path::Path) -> i64 {
    relay_entries_after(relay_dir, 0).last().map(|(s, _)| *s).unwrap_or(0)
}

#[tokio::test(flavor = "current_thread")]
async fn after_a_revocation_the_next_key_epoch_locks_the_revoked_devices_keys_out() {
    let mut t = team().await;
    let mut leaver = crate::consent::enroll(&t.relay, &t.dir, &mut t.sup, "outreach", "leaver").await;
    let person = t
        .outreach
        .person_add(PersonInput { name: Some("Before Rotation".into()), ..Default::default() })
        .expect("person");
    sync_all(&mut t).await;
    sync(&mut leaver).await;
    assert!(leaver.person_show(&person.id.to_string()).is_ok(), "the leaver read the team's records");

    // What a thief keeps from the leaver's phone: its keys (and, say, a relay dump).
    let stolen: Keyring =
        serde_json::from_str(&leaver.store().query().local("sync.keys").expect("query").expect("keys")).expect("keys");
    let before_rotation = relay_entries_after(&t.relay.dir, 0);
    assert!(
        before_rotation.iter().filter(|(_, c)| stolen.open(c).is_ok()).count() >= 3,
        "the stolen keys open the team settings, person and card written before (the test can tell)"
    );
    let last = relay_last_seq(&t.relay.dir);

    // A phone enrolled just now, whose own record of its key has not reached the
    // supervisor yet; and a relay that swaps officer B's public key for its own.
    let mut late = crate::consent::enroll(&t.relay, &t.dir, &mut t.sup, "outreach", "late").await;
    let officer_b = t.officer_b.device_id().to_string();
    let relay_key = waymark_sync_proto::seal::DeviceKeyPair::from_bytes([42; 32]).public();
    let conn = rusqlite::Connection::open(t.relay.dir.join("relay.db")).expect("relay db");
    let swapped = conn
        .execute("UPDATE devices SET public_key = ?1 WHERE id = ?2", rusqlite::params![relay_key, officer_b])
        .expect("swap the key");
    assert_eq!(swapped, 1);

    let revoked = t.sup.device_revoke(&leaver.device_id().to_string()).await.expect("revoke");
    assert!(revoked.revoked);
    assert_eq!(revoked.rotation.key_epoch, 2);
    assert_eq!(revoked.rotation.rekeyed, 2, "outreach and officer A get the new epoch: {:?}", revoked.rotation);
    let mut refused = revoked.rotation.not_rekeyed.clone();
    refused.sort();
    let mut expected = vec![officer_b.clone(), late.device_id().to_string()];
    expected.sort();
    assert_eq!(refused, expected, "a key the supervisor cannot check gets nothing");
    let envelopes: i64 = conn
        .query_row("SELECT count(*) FROM key_envelopes WHERE device_id = ?1", [&officer_b], |r| r.get(0))
        .expect("count");
    assert_eq!(envelopes, 0, "nothing was sealed to the relay's key");
    // Put officer B's real key back, as an honest relay would have it.
    let real = t.officer_b.store().query().local("sync.device_key").expect("query").expect("key");
    let real = {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(real).expect("b64");
        let arr: [u8; 32] = bytes.try_into().expect("32 bytes");
        waymark_sync_proto::seal::DeviceKeyPair::from_bytes(arr).public()
    };
    conn.execute("UPDATE devices SET public_key = ?1 WHERE id = ?2", rusqlite::params![real, officer_b])
        .expect("restore");
    drop(conn);

    // The remaining devices write and sync on.
    let after = t
        .outreach
        .person_add(PersonInput { name: Some("After Rotation".into()), ..Default::default() })
        .expect("person");
    t.outreach
        .consent_add(ConsentInput {
            person: after.id.to_string(),
            parties: vec!["law_enforcement".into()],
            ..Default::default()
        })
        .expect("consent");
    t.officer_a.lookup("After", Some("after the rotation")).expect("lookup");
    t.officer_b
        .referral_create(ReferralInput {
            pathway: "social_contact".into(),
            name: Some("Quinn".into()),
            ..Default::default()
        })
        .expect("referral");
    sync_all(&mut t).await;
    assert_eq!(t.outreach.sync(|_| {}).await.expect("sync").key_epoch, 2);
    assert!(t.sup.person_show(&after.id.to_string()).is_ok(), "the supervisor reads the new person");
    assert_eq!(t.officer_a.lookup("After", Some("check")).expect("lookup").len(), 1, "officers read new cards");
    assert!(t.outreach.referral_list().expect("list").iter().any(|r| r.display_name.as_deref() == Some("Quinn")));
    assert!(t.sup.audit_log().expect("log").iter().any(|e| e.reason == "after the rotation"), "audit of epoch 2");

    // Nothing written after the rotation opens with the leaver's keys.
    let written_after = relay_entries_after(&t.relay.dir, last);
    assert!(written_after.len() >= 6, "new records, cards, referral and audit entries: {}", written_after.len());
    let opened: Vec<i64> = written_after.iter().filter(|(_, c)| stolen.open(c).is_ok()).map(|(s, _)| *s).collect();
    assert!(opened.is_empty(), "entries {opened:?} open with the revoked device's keys");

    // The late phone first waits at the entries of the epoch it was not given (none
    // skipped); once its record reached the supervisor and the supervisor synced, it
    // gets the keys and reads everything.
    let first = late.sync(|_| {}).await.expect("sync");
    assert!(first.waiting_for_keys, "{first:?}");
    assert!(late.person_show(&after.id.to_string()).is_err(), "not readable yet");
    sync(&mut t.sup).await;
    let second = late.sync(|_| {}).await.expect("sync");
    assert!(!second.waiting_for_keys, "{second:?}");
    assert_eq!(second.key_epoch, 2);
    assert!(late.person_show(&after.id.to_string()).is_ok(), "nothing was skipped");

    // And the revoked device itself is shut out.
    assert!(leaver.sync(|_| {}).await.is_err(), "a revoked device cannot sync");
}

/// A revocation the relay refused rotates nothing; one it never answered (a dropped
/// connection, or the app locked while waiting) may have happened all the same, so the
/// supervisor's next sync makes the next key epoch anyway.
#[tokio::test(flavor = "current_thread")]
async fn an_unanswered_revocation_still_rotates_and_a_refused_one_does_not() {
    let mut t = team().await;
    sync_all(&mut t).await;
    let rotation_due =
        |d: &mut Device| d.store().query().local("sync.rotate_next").expect("query").is_some_and(|v| !v.is_empty());

    let me = t.sup.device_id().to_string();
    let itself = t.sup.device_revoke(&me).await.expect_err("the relay refuses a device revoking itself");
    assert_eq!(itself.code(), waymark_device::ErrorCode::RelayRefused, "{itself}");
    assert!(!rotation_due(&mut t.sup));

    let unknown = "6d1f0c1e-0000-4000-8000-00000000abcd".to_owned();
    let refused = t.sup.device_revoke(&unknown).await.expect_err("no such device");
    assert_ne!(refused.code(), waymark_device::ErrorCode::RelayUnreachable, "{refused}");
    assert!(!rotation_due(&mut t.sup), "a refusal leaves nothing to rotate");
    assert_eq!(sync(&mut t.sup).await.key_epoch, 1, "no rotation after a refused revocation");

    // The relay does not answer: the request may have reached it before the line went.
    let relay = t.sup.store().query().local("sync.relay").expect("query").expect("relay");
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let dead_url = format!("http://{}", dead.local_addr().expect("address"));
    drop(dead);
    t.sup.store().set_local("sync.relay", &dead_url).expect("point at a closed port");
    let officer = t.officer_b.device_id().to_string();
    let lost = t.sup.device_revoke(&officer).await.expect_err("unreachable");
    assert_eq!(lost.code(), waymark_device::ErrorCode::RelayUnreachable, "{lost}");
    assert!(rotation_due(&mut t.sup), "an unanswered revocation leaves the rotation due");
    t.sup.store().set_local("sync.relay", &relay).expect("restore");
    let view = sync(&mut t.sup).await;
    assert_eq!(view.key_epoch, 2, "the next sync rotates");
    assert!(!rotation_due(&mut t.sup));
    // Everyone still enrolled gets the epoch and syncs on.
    for d in [&mut t.outreach, &mut t.officer_a, &mut t.officer_b] {
        assert_eq!(sync(d).await.key_epoch, 2);
    }
}
