//! Reports on real device stores: the figures of a hand-computed fixture made through
//! the device API (an officer's referral handed to the supervisor's device, an outreach
//! worker's contacts, a merge, intake), over the end of daylight saving time in
//! America/Los_Angeles; and who may run a report.
//!
//! The period is Wednesday 2026-10-28 to Monday 2026-11-09: 13 days, from
//! 2026-10-28T07:00Z (00:00 PDT) to 2026-11-10T08:00Z (00:00 PST).

mod common;

use common::deliver;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use waymark_device::report::ReportView;
use waymark_device::*;
use waymark_domain::role::Role;

const PASS: &str = "correct horse battery staple";
const FROM: &str = "2026-10-28";
const TO: &str = "2026-11-09";

/// A clock the test moves by hand, shared by every device of a test.
#[derive(Clone)]
struct TestClock(Arc<Mutex<Timestamp>>);

impl TestClock {
    fn new() -> Self {
        Self(Arc::new(Mutex::new(ts("2026-10-20T12:00:00Z"))))
    }

    fn set(&self, at: &str) {
        *self.0.lock().expect("clock lock") = ts(at);
    }

    fn clock(&self) -> Clock {
        let shared = Arc::clone(&self.0);
        Box::new(move || *shared.lock().expect("clock lock"))
    }
}

fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn device(role: Role, user: &str, clock: &TestClock) -> (tempfile::TempDir, Device) {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let options = InitOptions {
        role: Some(role),
        intake_days: Some(7),
        time_zone: Some("America/Los_Angeles".into()),
        user_name: Some(user.into()),
        ..InitOptions::default()
    };
    let (device, _) = Device::init(&dir.path().join("store"), PASS, options).expect("init");
    (dir, device.with_clock(clock.clock()))
}

fn person(d: &mut Device, name: &str, case_manager: Option<&str>) -> String {
    let input = PersonInput {
        name: Some(name.into()),
        case_manager: case_manager.map(str::to_owned),
        ..PersonInput::default()
    };
    d.person_add(input).expect("add person").id.to_string()
}

fn contact(d: &mut Device, person: Option<&str>, at: &str, kind: &str, services: &[&str]) {
    d.encounter_log(EncounterInput {
        person: person.map(str::to_owned),
        at: Some(at.into()),
        kind: Some(kind.into()),
        services: services.iter().map(|s| (*s).to_owned()).collect(),
        ..EncounterInput::default()
    })
    .expect("log contact");
}

fn report(d: &mut Device) -> serde_json::Value {
    serde_json::to_value(d.report(FROM, TO).expect("report")).expect("json")
}

struct Fixture {
    _dirs: Vec<tempfile::TempDir>,
    sup: Device,
    officer_id: String,
    sup_id: String,
    outreach_id: String,
    cy: String,
    cy_dup: String,
}

/// Builds the fixture up to (not including) the merge of Cy's duplicate.
fn fixture() -> Fixture {
    let clock = TestClock::new();
    let (d1, mut sup) = device(Role::Supervisor, "Dee", &clock);
    let (d2, mut officer) = device(Role::Officer, "Officer Lee", &clock);
    let (d3, mut outreach) = device(Role::Outreach, "Max", &clock);

    // 10-20: the roster. Cy and Cy's duplicate have no case manager yet.
    let ana = person(&mut sup, "Ana Reyes", Some("Dee"));
    let bo = person(&mut sup, "Bo Lindqvist", Some("Max"));
    let cy = person(&mut sup, "Cy Okafor", None);
    let cy_dup = person(&mut sup, "C. Okafor", None);
    deliver(&mut sup, &mut outreach);

    // R1: an officer's social-contact referral of someone new, Thu 10-29 16:00Z.
    clock.set("2026-10-29T16:00:00Z");
    let r1 = officer
        .referral_create(ReferralInput {
            pathway: "social_contact".into(),
            name: Some("Marcus".into()),
            ..ReferralInput::default()
        })
        .expect("officer refers");
    deliver(&mut officer, &mut sup);
    let marcus = r1.person_id.to_string();

    // R2: the supervisor's arrest-diversion referral of Cy, 11-01 06:00Z (Oct 31 23:00
    // PDT); the 7-day window ends Nov 7 23:00 PST = 11-08 07:00Z.
    clock.set("2026-11-01T06:00:00Z");
    let r2 = sup
        .referral_create(ReferralInput {
            pathway: "arrest_diversion".into(),
            person: Some(cy.clone()),
            ..ReferralInput::default()
        })
        .expect("supervisor refers");

    // Contacts, logged later with the time they happened.
    clock.set("2026-11-20T12:00:00Z");
    // E1 at the period's first instant: in.
    contact(&mut sup, Some(&ana), "2026-10-28T00:00:00-07:00", "street", &["naloxone=2"]);
    // E2 at the period's end: out.
    contact(&mut sup, Some(&ana), "2026-11-10T00:00:00-08:00", "street", &["naloxone=5"]);
    // E3 Marcus by phone, 10-30 16:00Z: R1's first contact, 1.0 day.
    contact(&mut sup, Some(&marcus), "2026-10-30T09:00:00-07:00", "phone", &[]);
    // E4 Cy 11-03 18:00Z: R2's first contact, 2.5 days.
    contact(&mut sup, Some(&cy), "2026-11-03T10:00:00-08:00", "street", &["naloxone"]);
    // E5 Cy's duplicate, 11-04.
    contact(&mut sup, Some(&cy_dup), "2026-11-04T10:00:00-08:00", "street", &["naloxone"]);
    // E7 an attempt to find Marcus, week 46: neither a contact nor supplies.
    contact(&mut sup, Some(&marcus), "2026-11-09T09:00:00-08:00", "attempted", &["water=4"]);
    // The outreach worker: E6 anonymous supplies in week 45, and E8 Bo on Sunday
    // 11-01 23:30 PST (08:30 Monday in UTC-7 terms, but still week 44 locally).
    contact(&mut outreach, None, "2026-11-05T12:00:00-08:00", "street", &["naloxone=3", "fentanyl_test_strips=20"]);
    contact(&mut outreach, Some(&bo), "2026-11-01T23:30:00-08:00", "office", &["fentanyl_test_strips=10"]);
    deliver(&mut outreach, &mut sup);

    // R1 marked contacted an hour after E3 (E3 stays the first contact).
    clock.set("2026-10-30T17:00:00Z");
    sup.referral_update(&r1.id, "contacted").expect("contacted");
    // R2's intake 11-05 18:00Z: 4.5 days, in the window; Cy becomes active with the
    // supervisor ("Dee") as case manager.
    clock.set("2026-11-05T18:00:00Z");
    sup.referral_update(&r2.id, "intake_complete").expect("intake");

    clock.set("2026-11-21T12:00:00Z");
    let officer_id = officer.device_id().to_string();
    let sup_id = sup.device_id().to_string();
    let outreach_id = outreach.device_id().to_string();
    Fixture { _dirs: vec![d1, d2, d3], sup, officer_id, sup_id, outreach_id, cy, cy_dup }
}

#[test]
fn a_supervisors_report_has_the_hand_computed_figures() {
    let mut f = fixture();
    let before_merge = report(&mut f.sup);
    // Before the merge Cy and the duplicate are two persons (and two participants).
    assert_eq!(before_merge["unique_persons"], 5);
    assert_eq!(before_merge["active_participants"], 4);
    f.sup.person_merge(&f.cy, &f.cy_dup).expect("merge");

    let r = report(&mut f.sup);
    assert_eq!(r["period"]["start"], "2026-10-28T07:00:00Z");
    assert_eq!(r["period"]["end"], "2026-11-10T08:00:00Z");
    assert_eq!(r["period"]["days"], 13);
    assert_eq!(r["period"]["time_zone"], "America/Los_Angeles");
    assert_eq!(r["generated_at"], "2026-11-21T12:00:00Z");

    // Contacts E1, E3, E4, E5, E6, E8; the attempt E7 apart; E2 is at the end.
    assert_eq!(r["contacts"], 6);
    assert_eq!(r["attempted"], 1);
    // Ana, Marcus, Cy (E4 and the merged E5), Bo.
    assert_eq!(r["unique_persons"], 4);
    assert_eq!(r["anonymous_contacts"], 1);
    assert_eq!(
        r["contacts_per_week"],
        serde_json::json!([
            {"week": "2026-W44", "start": "2026-10-26", "contacts": 3},
            {"week": "2026-W45", "start": "2026-11-02", "contacts": 3},
            {"week": "2026-W46", "start": "2026-11-09", "contacts": 0},
        ])
    );
    assert_eq!(
        r["contacts_per_worker"],
        serde_json::json!([
            {"device_id": f.sup_id, "contacts": 4, "attempted": 1},
            {"device_id": f.outreach_id, "contacts": 2, "attempted": 0},
        ])
    );
    // naloxone 2 + 1 + 1 + 3; test strips 20 + 10; the attempt's water is not counted.
    assert_eq!(r["supplies"], serde_json::json!({"naloxone": 7, "fentanyl_test_strips": 30}));
    assert_eq!(r["supplies_order"], serde_json::json!(["naloxone", "fentanyl_test_strips"]));

    let refs = &r["referrals"];
    assert_eq!(refs["total"], 2);
    assert_eq!(
        refs["by_pathway"],
        serde_json::json!({"arrest_diversion": 1, "social_contact": 1, "community": 0, "self": 0})
    );
    assert_eq!(
        refs["by_outcome"],
        serde_json::json!({"new": 0, "contacted": 1, "intake_complete": 1, "declined": 0, "unable_to_locate": 0, "expired": 0})
    );
    assert_eq!(refs["by_officer"], serde_json::json!({ f.officer_id.clone(): 1 }));
    assert_eq!(
        refs["officer_concentration"],
        serde_json::json!({"officers": 1, "top_officer_share_pct": 100.0, "warning": false})
    );

    // First contacts 1.0 (R1) and 2.5 (R2) days: median 1.75. Intake 4.5 days, in time.
    assert_eq!(r["median_days_to_first_contact"], 1.75);
    assert_eq!(r["first_contacts"], 2);
    assert_eq!(r["median_days_to_intake"], 4.5);
    assert_eq!(r["intakes"], 1);
    assert_eq!(r["intake_within_window_pct"], 100.0);

    // Active: Ana (Dee), Bo (Max), Cy (Dee since intake); Marcus is referred, the
    // duplicate merged away. Their contacts: E1, E4, E5, E8 = 4.
    assert_eq!(r["active_participants"], 3);
    assert_eq!(r["active_participant_contacts"], 4);
    // 4 / 3 / (13 / 30.4375) = 3.1218 → 3.12.
    assert_eq!(r["contact_dose_per_active_participant_per_month"], 3.12);
    assert_eq!(
        r["caseload"],
        serde_json::json!({
            "by_case_manager": [{"case_manager": "Dee", "participants": 2}, {"case_manager": "Max", "participants": 1}],
            "unassigned": 0
        })
    );
}

#[test]
fn a_report_writes_nothing() {
    let mut f = fixture();
    let pending = f.sup.status().expect("status").pending;
    let audit = f.sup.audit_log().expect("audit").len();
    f.sup.report(FROM, TO).expect("report");
    assert_eq!(f.sup.status().expect("status").pending, pending, "nothing to sync");
    assert_eq!(f.sup.audit_log().expect("audit").len(), audit, "reports are not audited");
}

#[test]
fn only_supervisors_run_reports_and_periods_are_checked() {
    let clock = TestClock::new();
    for role in [Role::Officer, Role::Outreach] {
        let (_dir, mut d) = device(role, "W", &clock);
        let e = d.report(FROM, TO).expect_err("not a supervisor");
        assert_eq!(e.code(), ErrorCode::NotPermitted, "{role}");
        assert!(e.to_string().contains("run reports"), "{e}");
    }
    let (_dir, mut sup) = device(Role::Supervisor, "Dee", &clock);
    for (from, to) in [
        ("2026-11-09", "2026-10-28"),
        ("2026-02-30", "2026-03-01"),
        ("yesterday", TO),
        (FROM, ""),
        ("2020-01-01", "2026-01-01"),
    ] {
        let e = sup.report(from, to).expect_err("invalid period");
        assert_eq!(e.code(), ErrorCode::Invalid, "{from} {to}: {e}");
    }
    // An empty store has a report too: zeros and nulls.
    let view: ReportView = sup.report("2026-11-09", "2026-11-09").expect("one day");
    assert_eq!(view.report.contacts, 0);
    assert_eq!(view.report.median_days_to_intake, None);
    assert_eq!(view.report.contacts_per_week.len(), 1);
}
