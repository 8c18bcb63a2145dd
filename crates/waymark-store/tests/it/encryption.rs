//! Encryption at rest: no record text in any byte of the data directory, and a wrong
//! passphrase opens nothing.

use std::fs;
use std::path::Path;

use waymark_domain::role::Role;
use waymark_store::{Store, StoreError};

use crate::support::*;

fn all_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("read dir") {
        let entry = entry.expect("entry");
        let path = entry.path();
        if path.is_dir() {
            out.extend(all_bytes(&path));
        } else {
            out.push((path.display().to_string(), fs::read(&path).expect("read file")));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn no_canary_in_any_byte_of_the_data_directory() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let path = dir.path().join("device");
    let mut store = new_store(&path, Role::Outreach);
    let short = "CANARY-7f3a";
    let long = "KANARIE-".repeat(128);
    let id = add_person(&mut store, "Canary Person Qz");
    add_note(&mut store, id, &format!("{short} uses at the bridge"));
    add_note(&mut store, id, &long);
    add_encounter(&mut store, Some(id), 9_000, Some(short));
    edit_person(&mut store, id, |p| p.description = Some(format!("{short} {long}")));
    // The store reads them back: they are in the file, just not readable without the key.
    let notes = store.query().notes(id).expect("notes");
    assert!(notes.iter().any(|n| n.text.contains(short)));

    // While open (WAL present) and after closing.
    for phase in ["open", "closed"] {
        for (file, bytes) in all_bytes(&path) {
            for needle in [short.as_bytes(), b"KANARIE-KANARIE-", b"Canary Person Qz"] {
                assert!(!contains(&bytes, needle), "{phase}: {} found in {file}", String::from_utf8_lossy(needle));
            }
        }
        if phase == "open" {
            drop(std::mem::replace(&mut store, Store::open(&path, PASS).expect("reopen")));
        }
    }
    drop(store);
}

#[test]
fn a_wrong_passphrase_does_not_open_the_store() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let path = dir.path().join("device");
    let mut store = new_store(&path, Role::Supervisor);
    add_person(&mut store, "Someone");
    drop(store);
    match Store::open(&path, "not the passphrase") {
        Err(StoreError::WrongPassphrase(_)) => {}
        other => panic!("expected a wrong-passphrase error, got {other:?}"),
    }
    let mut again = Store::open(&path, PASS).expect("the right passphrase still opens it");
    assert_eq!(again.query().persons().expect("persons").len(), 1);
    again.check_integrity().expect("intact");
}

#[test]
fn a_store_cannot_be_created_twice_or_opened_before_it_exists() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let path = dir.path().join("device");
    assert!(matches!(Store::open(&path, PASS), Err(StoreError::NotInitialized(_))));
    let store = new_store(&path, Role::Officer);
    drop(store);
    let meta = waymark_store::DeviceMeta {
        device_id: waymark_domain::DeviceId::from_uuid(uuid::Uuid::new_v4()),
        role: Role::Officer,
        team_id: uuid::Uuid::nil(),
        user_name: None,
        user_phone: None,
        created_at: jiff::Timestamp::UNIX_EPOCH,
    };
    assert!(matches!(Store::create(&path, PASS, meta.clone()), Err(StoreError::AlreadyInitialized(_))));
    let short = dir.path().join("other");
    assert!(matches!(Store::create(&short, "abc", meta), Err(StoreError::WeakPassphrase(_))));
}
