//! The app-facing reads on a real device store: the status line, the outreach home
//! list (nearby by haversine distance, then recent), the referral preview, and a
//! second handle writing beside the first.

mod common;

use common::deliver;
use jiff::Timestamp;
use waymark_device::*;
use waymark_domain::role::Role;

const PASS: &str = "correct horse battery staple";
/// A square around downtown (lon -122.35..-122.30, lat 47.58..47.62).
const AREA: &str = r#"{"type":"Polygon","coordinates":[[[-122.35,47.58],[-122.30,47.58],[-122.30,47.62],[-122.35,47.62],[-122.35,47.58]]]}"#;

fn device(role: Role) -> (tempfile::TempDir, Device) {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let options = InitOptions {
        role: Some(role),
        catchment_geojson: Some(AREA.into()),
        intake_days: Some(30),
        time_zone: Some("America/Los_Angeles".into()),
        team_name: Some("Test team".into()),
        user_name: Some("Ana".into()),
        ..InitOptions::default()
    };
    let (device, _) = Device::init(&dir.path().join("store"), PASS, options).expect("init");
    (dir, device)
}

fn person(d: &mut Device, name: &str) -> String {
    d.person_add(PersonInput { name: Some(name.into()), ..PersonInput::default() }).expect("add").id.to_string()
}

fn contact(d: &mut Device, person: &str, at: &str, place: Option<(f64, f64)>) {
    d.encounter_log(EncounterInput {
        person: Some(person.into()),
        at: Some(at.into()),
        lat: place.map(|p| p.0),
        lon: place.map(|p| p.1),
        services: vec!["food".into()],
        ..EncounterInput::default()
    })
    .expect("log");
}

#[test]
fn home_lists_nearby_by_distance_and_recent_by_last_contact() {
    let (_dir, mut d) = device(Role::Outreach);
    let near = person(&mut d, "Near Person");
    let nearer = person(&mut d, "Nearest Person");
    let far = person(&mut d, "Far Person");
    let unseen = person(&mut d, "Never Seen");
    let here = (47.6000, -122.3300);
    // ~220 m north, ~50 m east, ~5 km south.
    contact(&mut d, &near, "2026-11-20T10:00:00-08:00", Some((47.6020, -122.3300)));
    contact(&mut d, &nearer, "2026-11-19T10:00:00-08:00", Some((47.6000, -122.3293)));
    contact(&mut d, &far, "2026-11-22T10:00:00-08:00", Some((47.5550, -122.3300)));
    // A later contact without a place keeps the last known place but moves "last seen".
    contact(&mut d, &near, "2026-11-21T09:00:00-08:00", None);

    let home = d.person_home(Some(here), Some(500.0)).expect("home");
    let nearby: Vec<_> = home.nearby.iter().map(|p| p.person.id.to_string()).collect();
    assert_eq!(nearby, vec![nearer.clone(), near.clone()]);
    let d0 = home.nearby[0].distance_m.expect("distance");
    let d1 = home.nearby[1].distance_m.expect("distance");
    assert!((40.0..65.0).contains(&d0), "{d0}");
    assert!((200.0..240.0).contains(&d1), "{d1}");
    assert_eq!(home.nearby[1].contacts, 2);

    let recent: Vec<_> = home.recent.iter().map(|p| p.person.id.to_string()).collect();
    assert_eq!(recent, vec![far.clone(), near.clone(), nearer, unseen]);
    let near_seen = &home.recent[1];
    assert_eq!(near_seen.last_seen_at, Some("2026-11-21T17:00:00Z".parse::<Timestamp>().expect("ts")));
    assert_eq!(near_seen.last_seen_lat, Some(47.6020));

    // No location: nothing is "nearby", the recent list still works.
    let home = d.person_home(None, None).expect("home");
    assert!(home.nearby.is_empty());
    assert_eq!(home.recent.len(), 4);
    assert_eq!(home.radius_m, DEFAULT_NEARBY_M);

    for bad in [0.0, -1.0, f64::NAN, 1e9] {
        let e = d.person_home(Some(here), Some(bad)).expect_err("bad radius");
        assert_eq!(e.code(), ErrorCode::Invalid, "{bad}");
    }
    let e = d.person_home(Some((91.0, 0.0)), None).expect_err("bad latitude");
    assert_eq!(e.code(), ErrorCode::Invalid);
}

#[test]
fn officers_get_no_home_list() {
    let (_dir, mut d) = device(Role::Officer);
    assert_eq!(d.person_home(None, None).expect_err("officer").code(), ErrorCode::NotPermitted);
}

#[test]
fn referral_check_previews_without_saving() {
    let (_dir, mut d) = device(Role::Officer);
    let inside = ReferralInput {
        pathway: "social_contact".into(),
        name: Some("J".into()),
        lat: Some(47.60),
        lon: Some(-122.33),
        ..ReferralInput::default()
    };
    let check = d.referral_check(&inside).expect("check");
    assert_eq!(check.eligibility.result, waymark_domain::eligibility::EligibilityResult::Eligible);
    assert_eq!(check.intake_days, 30);
    assert!((29..=30).contains(&check.days_left), "{}", check.days_left);

    let outside = ReferralInput { lat: Some(47.70), ..inside.clone() };
    let check = d.referral_check(&outside).expect("check");
    assert_ne!(check.eligibility.result, waymark_domain::eligibility::EligibilityResult::Eligible);
    assert!(check.eligibility.reasons.iter().any(|r| r.contains("catchment")), "{:?}", check.eligibility.reasons);

    let typo = ReferralInput { exclusions: vec!["no_such_exclusion".into()], ..inside };
    assert_eq!(d.referral_check(&typo).expect_err("unknown key").code(), ErrorCode::Invalid);
    assert!(d.referral_list().expect("list").is_empty(), "a check saves nothing");
    assert_eq!(d.status().expect("status").pending, 1, "only the team document is unsynced");
}

#[test]
fn status_and_a_second_handle() {
    let (_dir, mut d) = device(Role::Outreach);
    let s = d.status().expect("status");
    assert_eq!((s.role.as_str(), s.team_name.as_str(), s.user_name.as_deref()), ("outreach", "Test team", Some("Ana")));
    assert_eq!((s.relay, s.last_sync), (None, None));
    let before = s.pending;

    let mut second = d.reopen().expect("reopen");
    let id = person(&mut second, "Written Elsewhere");
    assert!(d.person_list().expect("list").iter().any(|p| p.id.to_string() == id), "the first handle sees it");
    assert!(d.status().expect("status").pending > before);
}

#[test]
fn an_officers_stub_becomes_a_referred_person_when_outreach_works_it() {
    let (_a, mut officer) = device(Role::Officer);
    let (_b, mut outreach) = device(Role::Outreach);
    let made = officer
        .referral_create(ReferralInput {
            pathway: "social_contact".into(),
            name: Some("Marcus".into()),
            description: Some("blue hoodie".into()),
            lat: Some(47.60),
            lon: Some(-122.33),
            ..ReferralInput::default()
        })
        .expect("refer");
    deliver(&mut officer, &mut outreach);
    let person = made.person_id.to_string();

    // Before anyone works it: the roster does not have them, the page shows the card.
    assert!(outreach.person_list().expect("list").is_empty());
    assert!(matches!(outreach.person_show(&person).expect("show"), PersonShow::Card(_)));
    let queue = outreach.referral_list().expect("queue");
    assert_eq!(queue[0].display_name.as_deref(), Some("Marcus"));

    // A first attempt is a contact with them: they join the roster as referred.
    outreach
        .encounter_log(EncounterInput {
            person: Some(person.clone()),
            kind: Some("attempted".into()),
            ..EncounterInput::default()
        })
        .expect("attempt");
    let PersonShow::Person(p) = outreach.person_show(&person).expect("show") else { panic!("a person now") };
    assert_eq!((p.display_name.as_str(), p.status.as_str()), ("Marcus", "referred"));
    assert_eq!(p.description.as_deref(), Some("blue hoodie"));
    assert!(p.pending_sync);
    assert!(outreach.person_search("marc").expect("search")[0].pending_sync, "search shows the unsynced mark");

    // Intake completes it as an active participant.
    outreach.referral_update(&made.id, "intake_complete").expect("intake");
    let PersonShow::Person(p) = outreach.person_show(&person).expect("show") else { panic!("a person") };
    assert_eq!(p.status, "active");
    assert_eq!(p.case_manager.as_deref(), Some("Ana"));
}

#[test]
fn a_status_change_alone_also_puts_the_stub_on_the_roster() {
    let (_a, mut officer) = device(Role::Officer);
    let (_b, mut outreach) = device(Role::Outreach);
    let made = officer
        .referral_create(ReferralInput {
            pathway: "arrest_diversion".into(),
            name: Some("Tina".into()),
            ..ReferralInput::default()
        })
        .expect("refer");
    deliver(&mut officer, &mut outreach);
    outreach.referral_update(&made.id, "contacted").expect("contacted");
    let roster = outreach.person_list().expect("list");
    assert_eq!(roster.len(), 1);
    assert_eq!((roster[0].display_name.as_str(), roster[0].status.as_str()), ("Tina", "referred"));
    let bad = ReferralInput { pathway: "no_such_pathway".into(), ..ReferralInput::default() };
    assert_eq!(officer.referral_check(&bad).expect_err("pathway").code(), ErrorCode::Invalid);
}

#[test]
fn search_finds_descriptions_after_names() {
    let (_dir, mut d) = device(Role::Outreach);
    let backpack = d
        .person_add(PersonInput {
            name: Some("Ruth".into()),
            description: Some("Tall, RED backpack, two dogs".into()),
            ..PersonInput::default()
        })
        .expect("add")
        .id
        .to_string();
    let named = person(&mut d, "Red Cloud");
    let hits: Vec<_> = d.person_search("red").expect("search").into_iter().map(|p| p.id.to_string()).collect();
    assert_eq!(hits, vec![named, backpack.clone()], "the name match first, then the description");
    let hits: Vec<_> = d.person_search("red backpack").expect("search").into_iter().map(|p| p.id.to_string()).collect();
    assert_eq!(hits, vec![backpack]);
    assert!(d.person_search("green jacket").expect("search").is_empty());
}
