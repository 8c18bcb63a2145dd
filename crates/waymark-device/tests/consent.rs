//! Consent (release of information) rules on a real device store: who may record and
//! revoke consents, validation, and how a law-enforcement consent shares a person's
//! officer card (in force, expired at the relay's time, revoked).

mod common;

use common::deliver;
use jiff::Timestamp;
use waymark_device::*;
use waymark_domain::consent::Sharing;
use waymark_domain::role::{OfficerCard, Role};
use waymark_domain::{DeviceId, PersonId};
use waymark_store::{DocId, DocKind, codec};

const PASS: &str = "correct horse battery staple";

fn device(role: Role) -> (tempfile::TempDir, Device) {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let options = InitOptions { role: Some(role), time_zone: Some("UTC".into()), ..InitOptions::default() };
    let (device, _) = Device::init(dir.path(), PASS, options).expect("init");
    (dir, device)
}

fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn person(d: &mut Device, name: &str) -> PersonId {
    d.person_add(PersonInput { name: Some(name.into()), ..Default::default() }).expect("person").id
}

fn add(d: &mut Device, person: PersonId, party: &str, expires: Option<&str>) -> Result<IdView> {
    d.consent_add(ConsentInput {
        person: person.to_string(),
        parties: vec![party.into()],
        expires: expires.map(str::to_owned),
        ..Default::default()
    })
}

fn card_of(d: &mut Device, person: PersonId) -> Option<OfficerCard> {
    d.store().query().card(person).expect("query")
}

fn set_relay_time(d: &mut Device, at: &str) {
    d.store().set_local("sync.server_time", at).expect("set relay time");
}

#[test]
fn only_case_roles_record_consents_and_bad_input_is_invalid() {
    let (_dir, mut outreach) = device(Role::Outreach);
    let p = person(&mut outreach, "Dana");
    let (_odir, mut officer) = device(Role::Officer);
    let err = add(&mut officer, p, "law_enforcement", None).expect_err("officer refused");
    assert_eq!(err.code(), ErrorCode::NotPermitted);
    assert_eq!(officer.consent_revoke(&p.to_string()).expect_err("officer refused").code(), ErrorCode::NotPermitted);

    assert_eq!(add(&mut outreach, p, "fbi", None).expect_err("unknown party").code(), ErrorCode::Invalid);
    for bad in ["2026-02-30", "next week", "2026-1-1"] {
        assert_eq!(add(&mut outreach, p, "housing", Some(bad)).expect_err("bad date").code(), ErrorCode::Invalid);
    }
    let none = outreach.consent_add(ConsentInput { person: p.to_string(), ..Default::default() });
    assert_eq!(none.expect_err("no party").code(), ErrorCode::Invalid);
    let unknown = PersonId::from_random_bytes([9; 16]);
    assert_eq!(add(&mut outreach, unknown, "housing", None).expect_err("no person").code(), ErrorCode::NotFound);
    let unknown_consent = outreach.consent_revoke(&unknown.to_string()).expect_err("no consent");
    assert_eq!(unknown_consent.code(), ErrorCode::NotFound);
    assert!(outreach.consent_list(&p.to_string()).expect("list").is_empty(), "nothing recorded by failures");
}

#[test]
fn a_law_enforcement_consent_shares_the_card_until_revoked() {
    let (_dir, mut d) = device(Role::Supervisor);
    let p = person(&mut d, "Dana");
    assert_eq!(card_of(&mut d, p).expect("card").shared_with_officers_until, None);

    add(&mut d, p, "housing", None).expect("housing consent");
    assert_eq!(card_of(&mut d, p).expect("card").shared_with_officers_until, None, "housing does not reach officers");

    let id = add(&mut d, p, "law_enforcement", None).expect("consent").id;
    assert_eq!(card_of(&mut d, p).expect("card").shared_with_officers_until, Some(Sharing::NoExpiry));
    let list = d.consent_list(&p.to_string()).expect("list");
    assert_eq!(list.len(), 2);
    let le = list.iter().find(|c| c.id.to_string() == id).expect("recorded");
    assert!(!le.purpose.is_empty() && !le.description.is_empty(), "default 2.31 texts");

    let revoked = d.consent_revoke(&id).expect("revoke");
    assert_eq!(revoked.person_id, p.to_string());
    assert!(!revoked.revoked_at.is_empty());
    assert_eq!(card_of(&mut d, p).expect("card").shared_with_officers_until, None, "withdrawn");
    // Revoking again changes nothing.
    assert_eq!(d.consent_revoke(&id).expect("again").revoked_at, revoked.revoked_at);
    assert_eq!(card_of(&mut d, p).expect("card").display_name, "Dana", "the card itself stays for case roles");
}

#[test]
fn expiry_is_judged_with_the_relay_time_not_the_device_clock() {
    let (_dir, d) = device(Role::Outreach);
    // The device clock says the consent has long expired; the relay's time at the last
    // sync does not: the relay's time decides.
    let mut d = d.with_clock(Box::new(|| ts("2030-01-01T00:00:00Z")));
    let p = person(&mut d, "Dana");
    set_relay_time(&mut d, "2026-03-01T12:00:00Z");
    add(&mut d, p, "law_enforcement", Some("2026-03-10")).expect("consent");
    let until = Sharing::Until(ts("2026-03-11T00:00:00Z"));
    assert_eq!(card_of(&mut d, p).expect("card").shared_with_officers_until, Some(until));
    assert_eq!(d.apply_consent_expiry().expect("sweep"), 0, "still in force at the relay's time");

    // The last day covered is the whole of 2026-03-10.
    set_relay_time(&mut d, "2026-03-10T23:59:59Z");
    assert_eq!(d.apply_consent_expiry().expect("sweep"), 0);
    set_relay_time(&mut d, "2026-03-11T00:00:00Z");
    let pending_before = d.store().pending_changes().expect("pending");
    assert_eq!(d.apply_consent_expiry().expect("sweep"), 1, "the expired sharing is cleared");
    assert_eq!(card_of(&mut d, p).expect("card").shared_with_officers_until, None);
    assert!(d.store().pending_changes().expect("pending") > pending_before, "a card change to push");
    // A consent already expired at the relay's time shares nothing.
    add(&mut d, p, "law_enforcement", Some("2026-03-05")).expect("late entry");
    assert_eq!(card_of(&mut d, p).expect("card").shared_with_officers_until, None);
}

#[test]
fn an_officer_device_drops_cards_it_may_no_longer_hold() {
    let (_dir, mut officer) = device(Role::Officer);
    let me = officer.device_id();
    let other = DeviceId::from_random_bytes([3; 16]);
    let mk = |n: u8, referred_by: Option<DeviceId>, sharing: Option<Sharing>| OfficerCard {
        person_id: PersonId::from_random_bytes([n; 16]),
        display_name: format!("Person {n}"),
        status: waymark_domain::person::PersonStatus::Active,
        case_manager: None,
        case_manager_phone: None,
        updated_at: ts("2026-01-01T00:00:00Z"),
        merged_into: None,
        referred_by,
        shared_with_officers_until: sharing,
    };
    let cards = [
        mk(1, None, Some(Sharing::Until(ts("2026-03-01T00:00:00Z")))), // expired: dropped
        mk(2, None, Some(Sharing::Until(ts("2026-04-01T00:00:00Z")))), // in force: kept
        mk(3, None, Some(Sharing::NoExpiry)),                          // kept
        mk(4, Some(me), Some(Sharing::Until(ts("2026-03-01T00:00:00Z")))), // own referral: kept
        mk(5, Some(other), None),                                      // no consent: dropped
    ];
    officer
        .store()
        .write(|w| {
            for c in &cards {
                w.update(DocId::new(DocKind::Card, *c.person_id.as_uuid()), |d| codec::write_card(d, c))?;
            }
            Ok::<_, waymark_store::StoreError>(())
        })
        .expect("cards written");
    set_relay_time(&mut officer, "2026-03-15T00:00:00Z");
    assert_eq!(officer.apply_consent_expiry().expect("sweep"), 2);
    let ids = officer.store().doc_ids().expect("ids");
    let held: Vec<bool> =
        cards.iter().map(|c| ids.contains(&DocId::new(DocKind::Card, *c.person_id.as_uuid()))).collect();
    assert_eq!(held, [false, true, true, true, false], "dropped from the store entirely");
    assert_eq!(officer.lookup("person", Some("check")).expect("lookup").len(), 3);
}

fn shared(d: &mut Device, p: PersonId) -> bool {
    card_of(d, p).and_then(|c| c.shared_with_officers_until).is_some()
}

#[test]
fn a_duplicates_consents_speak_for_the_kept_person_after_a_merge() {
    let (_dir, mut sup) = device(Role::Supervisor);
    let keep = person(&mut sup, "Dana Whitfield");
    let dup = person(&mut sup, "Dana W");
    let consent = add(&mut sup, dup, "law_enforcement", None).expect("consent on the duplicate");
    assert!(shared(&mut sup, dup) && !shared(&mut sup, keep));

    sup.person_merge(&keep.to_string(), &dup.to_string()).expect("merge");
    assert!(shared(&mut sup, keep), "the kept person's card is shared under the duplicate's consent");
    assert!(!shared(&mut sup, dup), "the merged-away card shares nothing of its own");
    let listed = sup.consent_list(&keep.to_string()).expect("list");
    assert_eq!(listed.iter().map(|c| c.id.to_string()).collect::<Vec<_>>(), vec![consent.id.clone()]);

    let revoked = sup.consent_revoke(&consent.id).expect("revoke");
    assert_eq!(revoked.person_id, keep.to_string(), "reported on the kept person");
    assert!(!shared(&mut sup, keep), "revoking it withdraws the kept person's card");
    assert!(sup.consent_list(&keep.to_string()).expect("list")[0].revoked_at.is_some());
}

#[test]
fn a_revocation_made_offline_before_hearing_of_the_merge_still_withdraws_the_card() {
    let (_a, mut sup) = device(Role::Supervisor);
    let (_b, mut outreach) = device(Role::Outreach);
    let keep = person(&mut sup, "Ray Okafor");
    let dup = person(&mut sup, "Raymond O");
    let consent = add(&mut sup, dup, "law_enforcement", None).expect("consent");
    deliver(&mut sup, &mut outreach);

    // Offline, at the same time: the supervisor merges, the outreach worker revokes.
    sup.person_merge(&keep.to_string(), &dup.to_string()).expect("merge");
    outreach.consent_revoke(&consent.id).expect("revoke on the duplicate");
    assert!(shared(&mut sup, keep));

    // Both sync; the next consent check on either case device withdraws the card.
    deliver(&mut outreach, &mut sup);
    deliver(&mut sup, &mut outreach);
    assert_eq!(sup.apply_consent_expiry().expect("check"), 1);
    assert!(!shared(&mut sup, keep), "no consent is in force for the merged person any more");
    outreach.apply_consent_expiry().expect("check");
    assert!(!shared(&mut outreach, keep));
}
