//! The audit trail survives crashes and shows tampering: an officer's device is driven
//! through lookups and card views by a process killed with SIGKILL at random moments;
//! every action it completed has its entry, the chain verifies, and an entry changed
//! in the database afterwards is reported as broken.

use std::process::Command;

use waymark_device::{Device, InitOptions, ReferralInput};
use waymark_domain::audit::{AuditEntry, ChainState, verify};
use waymark_domain::role::Role;
use waymark_scenarios::PASSPHRASE;

use crate::kill::{XorShift, run_killed};

fn kills() -> usize {
    std::env::var("WAYMARK_AUDIT_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(60)
}

/// The store's database opened raw, as someone holding the passphrase and a SQLite
/// shell could.
pub(crate) fn raw_db(dir: &std::path::Path) -> rusqlite::Connection {
    let key = waymark_store::KeyFile::read(&dir.join(waymark_store::KEY_FILE)).expect("key file").derive(PASSPHRASE);
    let key = key.expect("derive");
    let conn = rusqlite::Connection::open(dir.join(waymark_store::DB_FILE)).expect("open");
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\";")).expect("key");
    conn
}

#[test]
fn every_completed_lookup_and_view_is_audited_across_kill_9_and_tampering_shows() {
    let mut rng = XorShift::from_env("audit crash test");
    let dir = tempfile::TempDir::new().expect("temp dir");
    let data = dir.path().join("officer");
    let (mut officer, _) =
        Device::init(&data, PASSPHRASE, InitOptions { role: Some(Role::Officer), ..InitOptions::default() })
            .expect("init");
    let referred = officer
        .referral_create(ReferralInput {
            pathway: "social_contact".into(),
            name: Some("Ann Lee".into()),
            ..ReferralInput::default()
        })
        .expect("refer");
    assert!(officer.audit_log().is_err(), "an officer's device cannot read the audit log");
    drop(officer);

    let writer = env!("CARGO_BIN_EXE_audit-writer");
    let mut acknowledged: Vec<String> = Vec::new();
    let mut killed_mid_run = 0;
    for run in 0..kills() {
        let mut command = Command::new(writer);
        command.arg(&data).arg(referred.person_id.to_string()).arg(run.to_string());
        let killed = run_killed(command, &mut rng, 12);
        killed_mid_run += usize::from(killed.mid_run);
        acknowledged.extend(killed.acknowledged);
    }
    assert!(killed_mid_run > kills() / 2, "most kills should land while actions are being done");

    let mut device = Device::open(&data, PASSPHRASE).expect("the store opens after every crash");
    let stored = device.store().audit_entries().expect("entries");
    let states = verify(&stored);
    assert!(states.iter().all(|s| *s == ChainState::Ok), "the chain verifies after {} kills: {states:?}", kills());
    let entries: Vec<AuditEntry> = stored.iter().map(|e| AuditEntry::parse(&e.text).expect("an entry")).collect();
    let mut views_acked = 0;
    for action in &acknowledged {
        if let Some(reason) = action.strip_prefix("lookup ") {
            assert!(
                entries.iter().any(|e| e.action == "lookup" && e.reason == reason && e.record == "Ann"),
                "the completed lookup \"{reason}\" has no entry"
            );
        } else {
            views_acked += 1;
        }
    }
    let views =
        entries.iter().filter(|e| e.action == "person_view" && e.record == referred.person_id.to_string()).count();
    assert!(views >= views_acked, "{views_acked} completed views, {views} entries");
    assert!(acknowledged.len() > kills(), "the test did real work: {} actions", acknowledged.len());
    println!("{} kills, {} completed actions, {} entries", kills(), acknowledged.len(), entries.len());
    drop(device);

    // Someone with the passphrase changes a lookup's reason in the database.
    let conn = raw_db(&data);
    let victim = stored.iter().find(|e| e.text.contains("welfare check")).expect("a lookup entry");
    let forged = victim.text.replace("welfare check", "nothing to see");
    let changed = conn
        .execute(
            "UPDATE audit SET entry = ?1 WHERE device_id = ?2 AND seq = ?3",
            rusqlite::params![forged, victim.device_id, victim.seq as i64],
        )
        .expect("tamper");
    assert_eq!(changed, 1);
    drop(conn);
    let mut device = Device::open(&data, PASSPHRASE).expect("open");
    let states = verify(&device.store().audit_entries().expect("entries"));
    let broken: Vec<_> = states.iter().filter(|s| matches!(s, ChainState::Broken { .. })).collect();
    assert_eq!(broken.len(), 1, "exactly the changed entry is reported: {states:?}");
}
