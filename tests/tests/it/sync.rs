//! Sync scenarios: a real relay on 127.0.0.1 (in this process, port 0) and real
//! encrypted device stores of every role, enrolled by invitation.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use automerge::ReadDoc;
use tempfile::TempDir;
use waymark_device::{Device, DeviceError, EncounterInput, PersonInput, PersonShow, ReferralInput};
use waymark_domain::role::Role;
use waymark_scenarios::PASSPHRASE;
use waymark_store::DocKind;

use crate::relay::TestRelay;

/// A team: a relay, a supervisor, two outreach workers and an officer.
struct Team {
    relay: TestRelay,
    dir: TempDir,
    sup: Device,
    a: Device,
    b: Device,
    officer: Device,
}

async fn team() -> Team {
    let dir = TempDir::new().expect("temp dir");
    let relay = TestRelay::start(&dir.path().join("relay")).await;
    let code = relay.team_create("Scenario team");
    let (mut sup, _) =
        Device::enroll(&dir.path().join("sup"), PASSPHRASE, &relay.url, &code, None).await.expect("supervisor enrolls");
    let mut enroll = async |role: &str, name: &str| {
        let invite = sup.device_invite(role, name).await.expect("invite");
        let (device, view) =
            Device::enroll(&dir.path().join(name), PASSPHRASE, &relay.url, &invite.code, None).await.expect("enrolls");
        assert_eq!(view.device_id.to_string(), invite.device_id);
        assert_eq!(view.role, role);
        device
    };
    let a = enroll("outreach", "outreach-a").await;
    let b = enroll("outreach", "outreach-b").await;
    let officer = enroll("officer", "officer-o").await;
    Team { relay, dir, sup, a, b, officer }
}

async fn sync(d: &mut Device) -> waymark_device::SyncView {
    let view = d.sync(|_| {}).await.expect("sync");
    assert_eq!(view.pending, 0, "everything pushed");
    view
}

async fn sync_all(t: &mut Team) {
    for _ in 0..2 {
        for d in [&mut t.sup, &mut t.a, &mut t.b, &mut t.officer] {
            sync(d).await;
        }
    }
}

fn person(name: &str, description: Option<&str>) -> PersonInput {
    PersonInput { name: Some(name.into()), description: description.map(str::to_owned), ..PersonInput::default() }
}

const SHORT: &str = "CANARY-q7w";

fn long_canary() -> String {
    "LONGCANARY".repeat(100)
}

/// Every byte of every file under `dir`.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Writes case material full of canaries on `d` (outreach), including a value that is
/// overwritten afterwards (it stays in automerge history).
fn write_canaries(d: &mut Device) -> String {
    let added = d.person_add(person("Canary Subject", Some(&format!("{SHORT} first description")))).expect("person");
    let id = added.id.to_string();
    d.person_update(&id, PersonInput { description: Some("plain description".into()), ..PersonInput::default() })
        .expect("overwrite");
    d.note_add(&id, &format!("{SHORT} {}", long_canary())).expect("note");
    d.encounter_log(EncounterInput {
        person: Some(id.clone()),
        note: Some(format!("{SHORT} at the bridge")),
        services: vec!["naloxone=2".into()],
        ..EncounterInput::default()
    })
    .expect("encounter");
    id
}

#[tokio::test(flavor = "current_thread")]
async fn each_role_sees_what_it_may_after_sync() {
    let mut t = team().await;
    // Offline work on every phone.
    let p = t.a.person_add(person("Marcus Bell", Some("blue cap"))).expect("person").id.to_string();
    t.a.encounter_log(EncounterInput { person: Some(p.clone()), services: vec!["food".into()], ..Default::default() })
        .expect("contact");
    t.a.note_add(&p, "prefers mornings").expect("note");
    let q = t.b.person_add(person("Ana Ruiz", None)).expect("person").id.to_string();
    let referral = t
        .officer
        .referral_create(ReferralInput {
            pathway: "social_contact".into(),
            name: Some("Luz".into()),
            description: Some("green jacket".into()),
            ..ReferralInput::default()
        })
        .expect("referral");
    sync_all(&mut t).await;

    for d in [&mut t.sup, &mut t.a, &mut t.b] {
        let names: HashSet<String> = d.person_list().expect("list").into_iter().map(|p| p.display_name).collect();
        assert!(names.contains("Marcus Bell") && names.contains("Ana Ruiz"), "{names:?}");
        assert_eq!(d.encounter_list(Some(&p)).expect("contacts").len(), 1);
        assert_eq!(d.notes(&p).expect("notes").len(), 1);
        let referrals = d.referral_list().expect("referrals");
        assert!(referrals.iter().any(|r| r.id == referral.id), "outreach sees the officer's referral");
    }
    // The officer: its own referral and the card of the person it referred; nothing else.
    let mine = t.officer.referral_list().expect("referrals");
    assert_eq!(mine.len(), 1);
    assert!(t.officer.lookup("marcus", Some("test")).expect("lookup").is_empty(), "no consent, no card");
    assert!(t.officer.lookup("ana", Some("test")).expect("lookup").is_empty());
    assert!(matches!(t.officer.person_show(&q), Err(DeviceError::NotPermitted(_))));
    assert_eq!(t.officer.lookup("luz", Some("test")).expect("lookup").len(), 1);

    // Outreach works the referral; the officer sees the status and the case manager.
    t.a.referral_update(&referral.id, "contacted").expect("contacted");
    t.a.referral_update(&referral.id, "intake_complete").expect("intake");
    sync(&mut t.a).await;
    sync(&mut t.officer).await;
    let mine = t.officer.referral_list().expect("referrals");
    assert_eq!(mine[0].status, "intake_complete");
    let card = t.officer.lookup("luz", Some("follow-up")).expect("lookup");
    assert_eq!(card[0].status, "active");
    assert_eq!(card[0].case_manager.as_deref(), Some("outreach-a"));
    let PersonShow::Card(_) = t.officer.person_show(&referral.person_id.to_string()).expect("own card") else {
        panic!("an officer is shown a card, never a person record");
    };
    drop(t.relay);
}

#[tokio::test(flavor = "current_thread")]
async fn case_material_never_reaches_an_officer_or_the_relay_in_readable_form() {
    let mut t = team().await;
    let canary_person = write_canaries(&mut t.a);
    t.officer
        .referral_create(ReferralInput {
            pathway: "arrest_diversion".into(),
            name: Some("Kim".into()),
            ..Default::default()
        })
        .expect("referral");
    sync_all(&mut t).await;
    // Outreach B has the canaries (the data did travel) ...
    assert!(t.b.notes(&canary_person).expect("notes").iter().any(|n| n.text.contains(SHORT)));

    // ... but not one byte of the officer's documents, in their full history, holds one.
    let officer = &mut t.officer;
    let ids = officer.store().doc_ids().expect("ids");
    assert!(!ids.is_empty());
    for id in &ids {
        assert!(
            matches!(id.kind, DocKind::Team | DocKind::Card | DocKind::Referral),
            "an officer's device holds {id}, a document outside its audience"
        );
        let doc = officer.store().doc(*id).expect("load").expect("exists");
        let mut history = String::new();
        for change in doc.get_changes(&[]) {
            history.push_str(&format!("{:?}", change.decode()));
        }
        history.push_str(&format!("{:?}", doc.hydrate(automerge::ROOT, None)));
        for canary in [SHORT, "LONGCANARY", "Canary Subject", "prefers", "bridge"] {
            assert!(!history.contains(canary), "{canary} in the history of {id} on the officer's device");
        }
    }
    // What the relay served the officer: opened with the supervisor's keys, only its
    // team settings, its own referral and the card of the person it referred.
    let served = t.relay.pull_all_docs_as(&mut t.officer, &mut t.sup).await;
    assert!(!served.is_empty());
    for doc in &served {
        assert!(
            matches!(doc.kind, DocKind::Team | DocKind::Card | DocKind::Referral),
            "relay served {doc} to the officer"
        );
    }
    // Nothing readable on the relay's disk.
    for (path, bytes) in files(&t.relay.dir) {
        for canary in [SHORT.as_bytes(), b"LONGCANARYLONGCANARY", b"Canary Subject", b"Kim"] {
            assert!(!contains(&bytes, canary), "{} in {}", String::from_utf8_lossy(canary), path.display());
        }
    }
    let _ = &t.dir;
}

/// Two workers edit one person offline (the same field differently, and different
/// fields), then sync with `first` going first.
async fn concurrent_offline_edits(b_first: bool) {
    let mut t = team().await;
    let id = t.a.person_add(person("Rosa Díaz", None)).expect("person").id.to_string();
    sync(&mut t.a).await;
    sync(&mut t.b).await;
    t.a.person_update(&id, PersonInput { name: Some("Rosa María Díaz".into()), ..Default::default() }).expect("a");
    t.b.person_update(&id, PersonInput { name: Some("Rosita Díaz".into()), ..Default::default() }).expect("b");
    t.a.person_update(&id, PersonInput { dob: Some("1988".into()), ..Default::default() }).expect("a dob");
    t.b.person_update(&id, PersonInput { description: Some("walks with a cane".into()), ..Default::default() })
        .expect("b description");
    let (first, second) = if b_first { (&mut t.b, &mut t.a) } else { (&mut t.a, &mut t.b) };
    sync(first).await;
    sync(second).await;
    sync(first).await;
    let show = |d: &mut Device| match d.person_show(&id).expect("show") {
        PersonShow::Person(p) => *p,
        PersonShow::Card(_) => panic!("outreach sees the person"),
    };
    let (pa, pb) = (show(&mut t.a), show(&mut t.b));
    assert_eq!(pa.name, pb.name, "both show the same value first");
    assert_eq!(pa.dob.as_deref(), Some("1988"));
    assert_eq!(pb.dob.as_deref(), Some("1988"));
    assert_eq!(pa.description.as_deref(), Some("walks with a cane"));
    assert_eq!(pa.conflicts, pb.conflicts);
    let names = pa.conflicts.get("name").expect("the name conflict is shown");
    assert_eq!(names.len(), 2);
    for v in ["Rosa María Díaz", "Rosita Díaz"] {
        assert!(names.contains(&serde_json::json!(v)), "{v} kept: {names:?}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn concurrent_offline_edits_converge_with_conflicts_shown_when_b_syncs_first() {
    concurrent_offline_edits(true).await;
}

#[tokio::test(flavor = "current_thread")]
async fn concurrent_offline_edits_converge_with_conflicts_shown_when_a_syncs_first() {
    concurrent_offline_edits(false).await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_revoked_device_cannot_sync_and_wipes_its_store() {
    let mut t = team().await;
    t.b.person_add(person("Someone", None)).expect("person");
    sync(&mut t.b).await;
    let b_dir = t.b.store().dir().to_path_buf();
    let b_id = t.b.device_id().to_string();
    let revoked = t.sup.device_revoke(&b_id).await.expect("revoke");
    assert!(revoked.revoked);
    match t.b.sync(|_| {}).await {
        Err(DeviceError::DeviceRevoked) => {}
        other => panic!("expected revocation, got {other:?}"),
    }
    assert!(!b_dir.join(waymark_store::DB_FILE).exists(), "the store is gone");
    assert!(!b_dir.join(waymark_store::KEY_FILE).exists());
    // Everyone else keeps working.
    t.a.person_add(person("Another", None)).expect("person");
    sync(&mut t.a).await;
    let _ = Role::Outreach;
}

#[tokio::test(flavor = "current_thread")]
async fn a_device_that_leaves_a_documents_audience_purges_it() {
    let mut t = team().await;
    let referral = t
        .officer
        .referral_create(ReferralInput {
            pathway: "social_contact".into(),
            name: Some("Noor".into()),
            ..Default::default()
        })
        .expect("referral");
    sync_all(&mut t).await;
    assert_eq!(t.officer.lookup("noor", Some("check")).expect("lookup").len(), 1);
    // The office takes the officer off the card (its audience shrinks to case roles).
    let person = referral.person_id;
    let card_doc = waymark_store::DocId::new(DocKind::Card, *person.as_uuid());
    t.sup
        .store()
        .write(|w| {
            let mut card = w.read(card_doc, |d| waymark_store::codec::read_card(d, person))?.expect("card synced");
            card.referred_by = None;
            w.update(card_doc, |d| waymark_store::codec::write_card(d, &card))
        })
        .expect("card changed");
    sync(&mut t.sup).await;
    let view = sync(&mut t.officer).await;
    assert_eq!(view.purged, 1, "the relay told the officer to purge the card");
    assert!(t.officer.lookup("noor", Some("check")).expect("lookup").is_empty());
    let ids = t.officer.store().doc_ids().expect("ids");
    assert!(!ids.contains(&card_doc), "the card document is gone from the officer's store");
    // Its own referral stays.
    assert_eq!(t.officer.referral_list().expect("referrals").len(), 1);
}
