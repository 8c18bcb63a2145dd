//! Two stores edited offline, exchanging changes directly: they end identical, and a
//! field both changed shows both values.

use waymark_domain::person::PersonStatus;

use crate::support::*;

#[test]
fn concurrent_edits_of_one_field_converge_and_surface_the_conflict() {
    let (_a_dir, mut a) = temp_store();
    let (_b_dir, mut b) = temp_store();
    let id = add_person(&mut a, "Ana Lopez");
    send(&mut a, &mut b);
    assert_eq!(b.query().person(id).expect("query").map(|r| r.person.name), Some(Some("Ana Lopez".into())));

    // Offline on both phones: same field, different values; and different fields.
    edit_person(&mut a, id, |p| p.name = Some("Ana María López".into()));
    edit_person(&mut b, id, |p| p.name = Some("Anita Lopez".into()));
    edit_person(&mut a, id, |p| p.description = Some("green backpack".into()));
    edit_person(&mut b, id, |p| p.status = PersonStatus::Inactive);

    send(&mut a, &mut b);
    send(&mut b, &mut a);

    assert_eq!(snapshot(&mut a), snapshot(&mut b), "both stores show the same state");
    let row = a.query().person(id).expect("query").expect("person");
    assert_eq!(row.person.description.as_deref(), Some("green backpack"), "A's field survives");
    assert_eq!(row.person.status, PersonStatus::Inactive, "B's field survives");
    let names = row.conflicts.get("name").expect("name conflict is surfaced");
    assert_eq!(names.len(), 2);
    for v in ["Ana María López", "Anita Lopez"] {
        assert!(names.contains(&serde_json::json!(v)), "{v} kept in {names:?}");
    }
    assert!(!row.conflicts.contains_key("description"));
    assert!(!row.conflicts.contains_key("status"));

    // Writing the field again resolves the conflict everywhere.
    edit_person(&mut a, id, |p| p.name = Some("Ana María López".into()));
    send(&mut a, &mut b);
    let row = b.query().person(id).expect("query").expect("person");
    assert!(row.conflicts.is_empty(), "{:?}", row.conflicts);
}

#[test]
fn the_hmis_sex_code_is_stored_synced_and_its_concurrent_values_surface() {
    let (_a_dir, mut a) = temp_store();
    let (_b_dir, mut b) = temp_store();
    let id = add_person(&mut a, "Ana Lopez");
    assert_eq!(a.query().person(id).expect("query").map(|r| r.person.sex), Some(None), "none until recorded");
    edit_person(&mut a, id, |p| p.sex = Some(0));
    send(&mut a, &mut b);
    assert_eq!(b.query().person(id).expect("query").map(|r| r.person.sex), Some(Some(0)));

    edit_person(&mut a, id, |p| p.sex = Some(9));
    edit_person(&mut b, id, |p| p.sex = Some(99));
    send(&mut a, &mut b);
    send(&mut b, &mut a);
    assert_eq!(snapshot(&mut a), snapshot(&mut b));
    let row = a.query().person(id).expect("query").expect("person");
    let values = row.conflicts.get("sex").expect("sex conflict is surfaced");
    assert!(values.contains(&serde_json::json!(9)) && values.contains(&serde_json::json!(99)), "{values:?}");
}

#[test]
fn the_same_change_applied_twice_or_out_of_order_is_harmless() {
    let (_a_dir, mut a) = temp_store();
    let (_b_dir, mut b) = temp_store();
    let id = add_person(&mut a, "Luis");
    for i in 0..5 {
        edit_person(&mut a, id, |p| p.aliases.push(format!("alias{i}")));
    }
    let mut changes = a.export_changes().expect("export");
    changes.reverse();
    // Out of order: automerge queues a change until its dependencies arrive.
    for (doc, bytes) in &changes {
        b.apply_remote(*doc, bytes).expect("apply");
    }
    for (doc, bytes) in &changes {
        assert!(!b.apply_remote(*doc, bytes).expect("apply again"), "nothing new the second time");
    }
    assert_eq!(snapshot(&mut a), snapshot(&mut b));
    let row = b.query().person(id).expect("query").expect("person");
    assert_eq!(row.person.aliases.len(), 5);
}

#[test]
fn encounters_logged_on_two_phones_all_arrive() {
    let (_a_dir, mut a) = temp_store();
    let (_b_dir, mut b) = temp_store();
    let id = add_person(&mut a, "Marcus");
    send(&mut a, &mut b);
    for i in 0..3 {
        add_encounter(&mut a, Some(id), 10_000 + i, None);
        add_encounter(&mut b, Some(id), 20_000 + i, None);
    }
    add_encounter(&mut b, None, 30_000, None);
    send(&mut a, &mut b);
    send(&mut b, &mut a);
    assert_eq!(a.query().encounters(Some(&[id])).expect("list").len(), 6);
    assert_eq!(a.query().encounters(None).expect("list").len(), 7);
    assert_eq!(snapshot(&mut a), snapshot(&mut b));
}

#[test]
fn a_long_edited_document_is_compacted_and_still_loads_on_reopen() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let path = dir.path().join("device");
    let mut store = new_store(&path, waymark_domain::role::Role::Outreach);
    let id = add_person(&mut store, "Dee");
    for i in 0..80 {
        edit_person(&mut store, id, |p| p.description = Some(format!("seen at spot {i}")));
    }
    let outbox = store.pending_changes().expect("outbox");
    assert_eq!(outbox, 81, "every local change waits for the relay, compacted or not");
    drop(store);
    let mut store = waymark_store::Store::open(&path, PASS).expect("reopens");
    store.check_integrity().expect("intact");
    let row = store.query().person(id).expect("query").expect("person");
    assert_eq!(row.person.description.as_deref(), Some("seen at spot 79"));
    let doc = store.doc(person_doc(id)).expect("load").expect("exists");
    let loaded = waymark_store::codec::read_person(doc, id).expect("decodes");
    assert_eq!(loaded.description.as_deref(), Some("seen at spot 79"));
}

#[test]
fn a_change_that_arrives_before_its_dependencies_survives_a_restart() {
    let (_a_dir, mut a) = temp_store();
    let id = add_person(&mut a, "Early");
    edit_person(&mut a, id, |p| p.description = Some("late change".into()));
    let changes = a.export_changes().expect("export");
    assert_eq!(changes.len(), 2);
    let b_dir = tempfile::TempDir::new().expect("temp dir");
    let b_path = b_dir.path().join("device");
    let mut b = new_store(&b_path, waymark_domain::role::Role::Outreach);
    // Only the second change arrives, then the phone restarts.
    let (doc, late) = &changes[1];
    assert!(b.apply_remote(*doc, late).expect("kept"));
    assert!(b.query().person(id).expect("query").is_none(), "nothing to show yet");
    drop(b);
    let mut b = waymark_store::Store::open(&b_path, PASS).expect("reopen");
    let (doc, first) = &changes[0];
    b.apply_remote(*doc, first).expect("apply");
    let row = b.query().person(id).expect("query").expect("both changes applied");
    assert_eq!(row.person.description.as_deref(), Some("late change"));
    assert_eq!(snapshot(&mut a), snapshot(&mut b));
}
