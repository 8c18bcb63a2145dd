//! Helpers: stores in temp dirs, and small record edits through the codec.

use std::path::Path;

use jiff::Timestamp;
use tempfile::TempDir;
use uuid::Uuid;
use waymark_domain::encounter::{Encounter, EncounterKind, Services};
use waymark_domain::note::CaseNote;
use waymark_domain::person::{Person, PersonStatus};
use waymark_domain::role::Role;
use waymark_domain::time::LocalInstant;
use waymark_domain::{DeviceId, EncounterId, NoteId, PersonId};
use waymark_store::{DeviceMeta, DocId, DocKind, Store, codec};

pub const PASS: &str = "test passphrase";

pub fn new_store(dir: &Path, role: Role) -> Store {
    let meta = DeviceMeta {
        device_id: DeviceId::from_uuid(Uuid::new_v4()),
        role,
        team_id: Uuid::nil(),
        user_name: None,
        user_phone: None,
        created_at: Timestamp::UNIX_EPOCH,
    };
    Store::create(dir, PASS, meta).expect("store is created")
}

pub fn temp_store() -> (TempDir, Store) {
    let dir = TempDir::new().expect("temp dir");
    let store = new_store(&dir.path().join("device"), Role::Outreach);
    (dir, store)
}

pub fn person_doc(id: PersonId) -> DocId {
    DocId::new(DocKind::Person, *id.as_uuid())
}

pub fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).expect("valid time")
}

pub fn add_person(store: &mut Store, name: &str) -> PersonId {
    let id = PersonId::from_uuid(Uuid::new_v4());
    let p = Person {
        id,
        name: Some(name.into()),
        aliases: vec![],
        dob: None,
        description: None,
        gender: vec![],
        race_ethnicity: vec![],
        sex: None,
        status: PersonStatus::Active,
        case_manager: None,
        case_manager_phone: None,
        merged_into: None,
        created_by: None,
        created_at: ts(1_000),
        updated_at: ts(1_000),
    };
    store.write(|w| w.update(person_doc(id), |d| codec::write_person(d, &p))).expect("person saved");
    id
}

/// Reads a person, changes it with `f`, writes it back: what a worker's edit does.
pub fn edit_person(store: &mut Store, id: PersonId, f: impl FnOnce(&mut Person)) {
    store
        .write(|w| {
            let mut p = w.read(person_doc(id), |d| codec::read_person(d, id))?.expect("person exists");
            f(&mut p);
            w.update(person_doc(id), |d| codec::write_person(d, &p))
        })
        .expect("edit saved");
}

pub fn add_encounter(store: &mut Store, person: Option<PersonId>, at_ms: i64, note: Option<&str>) -> EncounterId {
    let id = EncounterId::from_uuid(Uuid::new_v4());
    let e = Encounter {
        id,
        person_id: person,
        at: LocalInstant { utc: ts(at_ms), offset_seconds: -8 * 3600 },
        location: None,
        kind: EncounterKind::Street,
        services: Services::from([("naloxone".to_owned(), 2)]),
        living_situation: None,
        duration_minutes: None,
        note: note.map(str::to_owned),
        author: DeviceId::from_uuid(Uuid::nil()),
    };
    store
        .write(|w| w.update(DocId::new(DocKind::Encounter, *id.as_uuid()), |d| codec::write_encounter(d, &e)))
        .expect("encounter saved");
    id
}

pub fn add_note(store: &mut Store, person: PersonId, text: &str) -> NoteId {
    let id = NoteId::from_uuid(Uuid::new_v4());
    let n =
        CaseNote { id, person_id: person, text: text.into(), author: DeviceId::from_uuid(Uuid::nil()), at: ts(5_000) };
    store
        .write(|w| w.update(DocId::new(DocKind::Note, *id.as_uuid()), |d| codec::write_note(d, &n)))
        .expect("note saved");
    id
}

/// Hands every change `from` has to `to`, as a direct (no network) exchange.
pub fn send(from: &mut Store, to: &mut Store) {
    for (doc, bytes) in from.export_changes().expect("export") {
        to.apply_remote(doc, &bytes).expect("apply");
    }
}

/// Everything a user could see of a store, for comparing two stores.
pub fn snapshot(store: &mut Store) -> String {
    let q = store.query();
    let persons: Vec<_> = q.persons().expect("persons").into_iter().map(|r| (r.person, r.conflicts)).collect();
    let encounters = q.encounters(None).expect("encounters");
    format!("{persons:?}\n{encounters:?}")
}
