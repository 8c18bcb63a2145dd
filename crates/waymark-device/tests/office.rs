//! The office's lists on real stores: duplicate review (blocked scoring over the
//! roster, "not a duplicate" answers that sync, merges with the reviewer's choices that
//! converge across offline devices), the case-conference list (only persons whose
//! consents cover every party present) and caseload follow-up.

mod common;

use common::deliver;
use jiff::Timestamp;
use waymark_device::*;
use waymark_domain::PersonId;
use waymark_domain::role::Role;

const PASS: &str = "correct horse battery staple";

fn device_at(role: Role, now: &str) -> (tempfile::TempDir, Device) {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let options = InitOptions { role: Some(role), time_zone: Some("UTC".into()), ..InitOptions::default() };
    let (device, _) = Device::init(dir.path(), PASS, options).expect("init");
    let now: Timestamp = now.parse().expect("timestamp");
    (dir, device.with_clock(Box::new(move || now)))
}

fn device(role: Role) -> (tempfile::TempDir, Device) {
    device_at(role, "2026-11-23T12:00:00Z")
}

fn person(d: &mut Device, name: &str, aliases: &[&str], dob: Option<&str>) -> PersonId {
    d.person_add(PersonInput {
        name: Some(name.into()),
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        dob: dob.map(str::to_owned),
        ..Default::default()
    })
    .expect("person")
    .id
}

fn pair_ids(pairs: &[office::DuplicatePair]) -> Vec<(PersonId, PersonId)> {
    pairs.iter().map(|p| (p.a.person.id.min(p.b.person.id), p.a.person.id.max(p.b.person.id))).collect()
}

fn both(a: PersonId, b: PersonId) -> (PersonId, PersonId) {
    (a.min(b), a.max(b))
}

#[test]
fn the_review_lists_likely_pairs_best_first_and_forgets_answered_ones_everywhere() {
    let (_a, mut sup) = device(Role::Supervisor);
    let (_b, mut sup2) = device(Role::Supervisor);
    let robert = person(&mut sup, "Robert Johnson", &[], Some("1980-04-02"));
    let bobby = person(&mut sup, "Bobby Johnson", &[], Some("1980-04-02"));
    let jon = person(&mut sup, "Jon Smith", &[], None);
    let john = person(&mut sup, "John Smith", &["Smitty"], None);
    let maria = person(&mut sup, "Maria Lopez", &[], None);
    sup.encounter_log(EncounterInput { person: Some(jon.to_string()), ..Default::default() }).expect("contact");

    let pairs = sup.duplicate_review().expect("review");
    let ids = pair_ids(&pairs);
    assert!(ids.contains(&both(robert, bobby)) && ids.contains(&both(jon, john)), "{ids:?}");
    assert!(!ids.iter().any(|(a, b)| *a == maria || *b == maria));
    assert!(pairs.windows(2).all(|w| w[0].score >= w[1].score), "best first");
    let jon_side = pairs.iter().flat_map(|p| [&p.a, &p.b]).find(|s| s.person.id == jon).expect("jon listed");
    assert_eq!(jon_side.contacts, 1, "side by side with what helps decide");

    // "Not a duplicate" hides the pair here and, once synced, on another supervisor's phone.
    deliver(&mut sup, &mut sup2);
    assert!(pair_ids(&sup2.duplicate_review().expect("review")).contains(&both(robert, bobby)));
    sup.not_duplicate(&robert.to_string(), &bobby.to_string()).expect("not a duplicate");
    assert!(!pair_ids(&sup.duplicate_review().expect("review")).contains(&both(robert, bobby)));
    deliver(&mut sup, &mut sup2);
    assert!(!pair_ids(&sup2.duplicate_review().expect("review")).contains(&both(robert, bobby)));
    assert!(pair_ids(&sup2.duplicate_review().expect("review")).contains(&both(jon, john)));

    // A merge where the reviewer takes the duplicate's name; the pair is gone after.
    let merged = sup.person_merge_choosing(&jon.to_string(), &john.to_string(), &["name".into()]).expect("merge");
    assert_eq!(merged.id, jon);
    let PersonShow::Person(kept) = sup.person_show(&jon.to_string()).expect("show") else { panic!("a person") };
    assert_eq!(kept.name.as_deref(), Some("John Smith"), "the reviewer's choice wins");
    assert!(kept.aliases.contains(&"Jon Smith".to_owned()) && kept.aliases.contains(&"Smitty".to_owned()));
    assert!(!pair_ids(&sup.duplicate_review().expect("review")).contains(&both(jon, john)));
    let bad = sup.person_merge_choosing(&robert.to_string(), &bobby.to_string(), &["ssn".into()]);
    assert_eq!(bad.expect_err("unknown field").code(), ErrorCode::Invalid);

    let (_c, mut outreach) = device(Role::Outreach);
    assert_eq!(outreach.duplicate_review().expect_err("supervisor only").code(), ErrorCode::NotPermitted);
}

#[test]
fn a_merge_keeps_an_hmis_sex_code_and_takes_the_duplicates_when_asked() {
    let (_a, mut sup) = device(Role::Supervisor);
    let sex = |d: &mut Device, id: PersonId| match d.person_show(&id.to_string()).expect("show") {
        PersonShow::Person(p) => p.sex,
        PersonShow::Card(_) => panic!("a person"),
    };
    let set = |d: &mut Device, id: PersonId, code: i64| {
        d.person_update(&id.to_string(), PersonInput { sex: Some(code), ..Default::default() }).expect("sex");
    };
    // The kept record has none: the duplicate's fills the gap, like a date of birth.
    let keep = person(&mut sup, "Ida Marsh", &[], None);
    let dup = person(&mut sup, "Ida M", &[], None);
    set(&mut sup, dup, 0);
    sup.person_merge(&keep.to_string(), &dup.to_string()).expect("merge");
    assert_eq!(sex(&mut sup, keep), Some(0));
    // Both have one: the kept record's wins unless the reviewer takes the duplicate's.
    let keep = person(&mut sup, "Otto Venn", &[], None);
    let dup = person(&mut sup, "Otto V", &[], None);
    set(&mut sup, keep, 99);
    set(&mut sup, dup, 1);
    sup.person_merge_choosing(&keep.to_string(), &dup.to_string(), &["sex".into()]).expect("merge");
    assert_eq!(sex(&mut sup, keep), Some(1));
}

#[test]
fn a_merge_made_while_another_phone_logs_contacts_converges_with_no_orphaned_contact() {
    let (_a, mut sup) = device(Role::Supervisor);
    let (_b, mut outreach) = device(Role::Outreach);
    let keep = person(&mut sup, "Ray Okafor", &[], None);
    let dup = person(&mut sup, "Raymond Okafor", &[], None);
    deliver(&mut sup, &mut outreach);

    // Both offline: the supervisor merges, the outreach worker logs against the duplicate.
    sup.person_merge(&keep.to_string(), &dup.to_string()).expect("merge");
    let contact = outreach
        .encounter_log(EncounterInput {
            person: Some(dup.to_string()),
            services: vec!["food".into()],
            ..Default::default()
        })
        .expect("contact");

    deliver(&mut outreach, &mut sup);
    deliver(&mut sup, &mut outreach);
    for d in [&mut sup, &mut outreach] {
        let on_keep: Vec<String> =
            d.encounter_list(Some(&keep.to_string())).expect("timeline").into_iter().map(|e| e.id).collect();
        assert!(on_keep.contains(&contact.id), "the contact lands on the kept person");
        let PersonShow::Person(p) = d.person_show(&dup.to_string()).expect("show") else { panic!("a person") };
        assert_eq!(p.id, keep, "the old id resolves");
        let all = d.encounter_list(None).expect("all");
        for e in all {
            if let Some(pid) = e.person_id {
                assert!(d.person_show(&pid.to_string()).is_ok(), "no contact points at nobody");
            }
        }
    }
}

fn consent(d: &mut Device, p: PersonId, parties: &[&str], expires: Option<&str>) -> IdView {
    d.consent_add(ConsentInput {
        person: p.to_string(),
        parties: parties.iter().map(|s| (*s).to_owned()).collect(),
        expires: expires.map(str::to_owned),
        ..Default::default()
    })
    .expect("consent")
}

#[test]
fn the_conference_list_shows_only_persons_whose_consent_covers_everyone_present() {
    let (_a, mut sup) = device(Role::Supervisor);
    let both_parties = person(&mut sup, "Ana Both", &[], None);
    let police_only = person(&mut sup, "Ben Police", &[], None);
    let none = person(&mut sup, "Cy Nothing", &[], None);
    let revoked = person(&mut sup, "Dee Revoked", &[], None);
    let expired = person(&mut sup, "Eve Expired", &[], None);
    let unmarked = person(&mut sup, "Fay Unmarked", &[], None);
    consent(&mut sup, both_parties, &["law_enforcement", "prosecutor"], None);
    consent(&mut sup, police_only, &["law_enforcement"], None);
    let r = consent(&mut sup, revoked, &["law_enforcement", "prosecutor"], None);
    sup.consent_revoke(&r.id).expect("revoke");
    consent(&mut sup, expired, &["law_enforcement", "prosecutor"], Some("2026-11-01"));
    consent(&mut sup, unmarked, &["law_enforcement", "prosecutor"], None);
    for p in [both_parties, police_only, none, revoked, expired] {
        sup.conference_mark(&p.to_string(), true).expect("mark");
    }

    let names = |v: &office::ConferenceView| v.persons.iter().map(|p| p.display_name.clone()).collect::<Vec<_>>();
    let room = sup.conference_list(&["law_enforcement".into(), "prosecutor".into()]).expect("list");
    assert_eq!(names(&room), ["Ana Both"]);
    assert_eq!(room.left_out, 4, "police-only, none, revoked and expired are left off");
    let police = sup.conference_list(&["law_enforcement".into()]).expect("list");
    assert_eq!(names(&police), ["Ana Both", "Ben Police"]);
    let json = serde_json::to_value(&police).expect("json");
    for row in json["persons"].as_array().expect("rows") {
        let mut keys: Vec<&str> = row.as_object().expect("object").keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["case_manager", "case_manager_phone", "consents", "display_name", "person_id", "status"],
            "officer-safe fields only"
        );
    }

    sup.conference_mark(&both_parties.to_string(), false).expect("unmark");
    assert_eq!(names(&sup.conference_list(&["law_enforcement".into()]).expect("list")), ["Ben Police"]);
    assert_eq!(sup.conference_list(&[]).expect_err("who is present?").code(), ErrorCode::Invalid);
    assert_eq!(sup.conference_list(&["fbi".into()]).expect_err("unknown party").code(), ErrorCode::Invalid);
}

#[test]
fn follow_up_lists_participants_not_seen_for_the_teams_days_and_expired_referrals() {
    let (_a, mut sup) = device_at(Role::Supervisor, "2026-06-01T12:00:00Z");
    let seen = person(&mut sup, "Seen Recently", &[], None);
    let gone = person(&mut sup, "Long Gone", &[], None);
    let never = person(&mut sup, "Never Seen", &[], None);
    sup.person_update(&seen.to_string(), PersonInput { status: Some("active".into()), ..Default::default() })
        .expect("active");
    sup.person_update(&gone.to_string(), PersonInput { status: Some("active".into()), ..Default::default() })
        .expect("active");
    sup.encounter_log(EncounterInput {
        person: Some(gone.to_string()),
        at: Some("2026-06-01T10:00:00Z".into()),
        ..Default::default()
    })
    .expect("old contact");
    let referral = sup
        .referral_create(ReferralInput {
            pathway: "social_contact".into(),
            name: Some("Late Intake".into()),
            ..Default::default()
        })
        .expect("referral");
    let dir = sup.store().dir().to_path_buf();
    drop(sup);

    // Four months later.
    let later: Timestamp = "2026-10-01T12:00:00Z".parse().expect("time");
    let mut sup = Device::open(&dir, PASS).expect("open").with_clock(Box::new(move || later));
    sup.encounter_log(EncounterInput {
        person: Some(seen.to_string()),
        at: Some("2026-09-20T10:00:00Z".into()),
        ..Default::default()
    })
    .expect("recent contact");
    sup.team_set(TeamInput { inactive_days: Some(90), ..Default::default() }).expect("settings");
    let f = sup.followup().expect("follow-up");
    let listed: Vec<(String, i64)> = f.inactive.iter().map(|r| (r.display_name.clone(), r.days)).collect();
    // The referred person of the late referral was never contacted either.
    let mut names: Vec<&str> = listed.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["Late Intake", "Long Gone", "Never Seen"], "{listed:?}");
    assert!(listed.iter().all(|(_, d)| *d == 122), "whole days since the contact or the adding: {listed:?}");
    assert!(f.inactive.iter().any(|r| r.person_id == never && r.last_contact.is_none()));
    assert_eq!(f.expired_referrals.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), vec![referral.id.clone()]);
    assert_eq!(f.expired_referrals[0].status, "expired");
    assert_eq!(f.expired_referrals[0].days_left, None);

    // A late intake still closes it.
    let done = sup.referral_update(&referral.id, "intake_complete").expect("late intake");
    assert_eq!(done.status, "intake_complete");
    assert!(sup.followup().expect("follow-up").expired_referrals.is_empty());
    assert_eq!(
        sup.team_set(TeamInput { inactive_days: Some(5), ..Default::default() }).expect_err("too few").code(),
        ErrorCode::Invalid
    );
}

#[test]
fn conference_marks_read_back_and_unmarking_clears_a_merged_duplicates_mark() {
    let (_a, mut sup) = device(Role::Supervisor);
    let keep = person(&mut sup, "Ray Okafor", &[], None);
    let dup = person(&mut sup, "Raymond Okafor", &[], None);
    let other = person(&mut sup, "Ana Other", &[], None);
    consent(&mut sup, keep, &["law_enforcement"], None);
    assert!(sup.conference_marked().expect("marks").ids.is_empty());

    // The duplicate was marked before the merge: the mark now counts for the kept person.
    sup.conference_mark(&dup.to_string(), true).expect("mark");
    sup.conference_mark(&other.to_string(), true).expect("mark");
    sup.person_merge(&keep.to_string(), &dup.to_string()).expect("merge");
    let mut expected = vec![keep.to_string(), other.to_string()];
    expected.sort();
    assert_eq!(sup.conference_marked().expect("marks").ids, expected);
    let names = |v: &office::ConferenceView| v.persons.iter().map(|p| p.display_name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&sup.conference_list(&["law_enforcement".into()]).expect("list")), ["Ray Okafor"]);

    // Taking the kept person off takes them off the list, the duplicate's mark too.
    let off = sup.conference_mark(&keep.to_string(), false).expect("unmark");
    assert!(!off.marked);
    assert_eq!(sup.conference_marked().expect("marks").ids, [other.to_string()]);
    let list = sup.conference_list(&["law_enforcement".into()]).expect("list");
    assert!(list.persons.is_empty());
    assert_eq!(list.left_out, 1, "only Ana, who has no consent");

    let (_c, mut outreach) = device(Role::Outreach);
    assert_eq!(outreach.conference_marked().expect_err("supervisor only").code(), ErrorCode::NotPermitted);
}
