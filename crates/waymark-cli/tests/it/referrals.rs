//! `referral create/list/update`: eligibility, the intake clock and the status machine.

use serde_json::Value;

use crate::support::{CATCHMENT, Device, arr, assert_keys, assert_uuid, now_seconds, rfc3339_seconds, s};

const DAY: f64 = 86_400.0;

fn create(device: &Device, args: &[&str]) -> Value {
    let mut full = vec!["referral", "create"];
    full.extend_from_slice(args);
    let out = device.ok(&full);
    assert_keys(&out, &["id", "person_id", "eligibility", "intake_deadline", "status"]);
    assert_uuid(s(&out, "id"));
    assert_uuid(s(&out, "person_id"));
    assert_eq!(out["status"], "new", "a new referral is new: {out}");
    rfc3339_seconds(s(&out, "intake_deadline"));
    arr(&out["eligibility"]["reasons"], "eligibility.reasons");
    out
}

fn reasons(created: &Value) -> Vec<&str> {
    arr(&created["eligibility"]["reasons"], "reasons").iter().map(|r| r.as_str().expect("a reason is text")).collect()
}

fn with_catchment(role: &str) -> Device {
    let device = Device::blank();
    let file = device.file("area.geojson", CATCHMENT);
    device.ok(&["init", "--role", role, "--catchment", &file]);
    device
}

fn listed<'a>(list: &'a Value, id: &Value) -> &'a Value {
    arr(list, "referral list").iter().find(|r| &r["id"] == id).unwrap_or_else(|| panic!("{id} listed: {list}"))
}

#[test]
fn referral_for_an_existing_person_prints_the_contract_fields() {
    let device = Device::init("outreach", &[]);
    let person = device.ok(&["person", "add", "--name", "Ana Ruiz"]);
    let r = create(&device, &["--pathway", "social_contact", "--person", s(&person, "id")]);
    assert_eq!(r["person_id"], person["id"]);
    assert_eq!(r["eligibility"]["result"], "eligible", "no catchment, no exclusion: {r}");
    assert!(reasons(&r).is_empty());
    let list = device.ok(&["referral", "list"]);
    assert_eq!(arr(&list, "referral list").len(), 1);
    let listed = listed(&list, &r["id"]);
    assert_eq!(listed["status"], "new");
    assert_eq!(listed["pathway"], "social_contact");
    assert_eq!(listed["person_id"], person["id"]);
    assert_eq!(listed["intake_deadline"], r["intake_deadline"]);
}

#[test]
fn referral_for_a_new_name_puts_the_person_on_the_roster_as_referred() {
    let device = Device::init("outreach", &[]);
    let r = create(
        &device,
        &["--pathway", "arrest_diversion", "--name", "Jo Banks", "--description", "green jacket", "--narrative", "x"],
    );
    let shown = device.ok(&["person", "show", s(&r, "person_id")]);
    assert_eq!(shown["name"], "Jo Banks");
    assert_eq!(shown["description"], "green jacket");
    assert_eq!(shown["status"], "referred", "referred until intake: {shown}");
}

#[test]
fn referral_inside_the_catchment_area_is_eligible() {
    let device = with_catchment("outreach");
    let r =
        create(&device, &["--pathway", "social_contact", "--name", "Dee Walker", "--lat", "47.5", "--lon", "-122.5"]);
    assert_eq!(r["eligibility"]["result"], "eligible", "{r}");
    assert!(reasons(&r).is_empty(), "{r}");
}

#[test]
fn referral_outside_the_catchment_area_needs_review_but_is_saved() {
    let device = with_catchment("officer");
    let r =
        create(&device, &["--pathway", "social_contact", "--name", "Dee Walker", "--lat", "46.5", "--lon", "-122.5"]);
    assert_eq!(r["eligibility"]["result"], "needs_review", "{r}");
    assert_eq!(reasons(&r), ["outside catchment area"]);
    let list = device.ok(&["referral", "list"]);
    assert_eq!(listed(&list, &r["id"])["eligibility"]["result"], "needs_review", "warned, never blocked");
}

#[test]
fn referral_with_an_exclusion_needs_review_naming_its_label() {
    let device = with_catchment("outreach");
    let r = create(
        &device,
        &[
            "--pathway",
            "arrest_diversion",
            "--name",
            "Al Fry",
            "--lat",
            "47.5",
            "--lon",
            "-122.5",
            "--exclusion",
            "under_18",
            "--exclusion",
            "violent_history",
        ],
    );
    assert_eq!(r["eligibility"]["result"], "needs_review");
    let reasons = reasons(&r);
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons.iter().any(|x| x.contains("Under 18")), "{reasons:?}");
    assert!(reasons.iter().any(|x| x.contains("History of serious violence")), "{reasons:?}");
    assert!(!reasons.iter().any(|x| x.contains("catchment")), "inside the area: {reasons:?}");
}

#[test]
fn team_exclusion_set_by_a_supervisor_can_be_answered_in_a_referral() {
    let device = Device::init("supervisor", &[]);
    device.fails(&["referral", "create", "--pathway", "community", "--name", "Cy", "--exclusion", "sex_offense"], 2);
    device.ok(&["team", "set", "--exclusion", "sex_offense=Registered sex offense"]);
    let r = create(&device, &["--pathway", "community", "--name", "Cy", "--exclusion", "sex_offense"]);
    assert_eq!(r["eligibility"]["result"], "needs_review");
    assert_eq!(reasons(&r).len(), 1);
    assert!(reasons(&r)[0].contains("Registered sex offense"), "{r}");
    // Relabelling a key changes the reason given from then on.
    device.ok(&["team", "set", "--exclusion", "sex_offense=Sex offense on record"]);
    let again = create(&device, &["--pathway", "community", "--name", "Cy", "--exclusion", "sex_offense"]);
    assert!(reasons(&again)[0].contains("Sex offense on record"), "{again}");
}

#[test]
fn intake_deadline_is_the_team_window_after_the_referral() {
    let device = Device::init("outreach", &["--intake-days", "14", "--time-zone", "UTC"]);
    let before = now_seconds();
    let r = create(&device, &["--pathway", "social_contact", "--name", "Ed Moss"]);
    let after = now_seconds();
    let deadline = rfc3339_seconds(s(&r, "intake_deadline"));
    assert!(
        deadline >= before + 14.0 * DAY - 1.0 && deadline <= after + 14.0 * DAY + 1.0,
        "deadline {deadline} is 14 days after {before}..{after}"
    );
    let list = device.ok(&["referral", "list"]);
    let listed = listed(&list, &r["id"]);
    let created = rfc3339_seconds(s(listed, "created_at"));
    assert!((deadline - created - 14.0 * DAY).abs() < 0.001, "exactly 14 days in a UTC team: {listed}");
}

#[test]
fn intake_deadline_defaults_to_30_days() {
    let device = Device::init("outreach", &[]);
    let before = now_seconds();
    let r = create(&device, &["--pathway", "community", "--alias", "Stretch"]);
    let deadline = rfc3339_seconds(s(&r, "intake_deadline"));
    // Within an hour either way: a daylight-saving change may fall inside the window.
    assert!((deadline - before - 30.0 * DAY).abs() < 3700.0, "deadline {deadline} about 30 days after {before}");
}

#[test]
fn intake_completion_after_contact_makes_the_person_active() {
    let device = Device::init("outreach", &["--user-name", "Casey Morgan", "--user-phone", "+1 206 555 0100"]);
    let r = create(&device, &["--pathway", "social_contact", "--name", "Jo Banks"]);
    let id = s(&r, "id");
    let person = s(&r, "person_id");
    assert_eq!(device.ok(&["person", "show", person])["status"], "referred");

    let contacted = device.ok(&["referral", "update", id, "--status", "contacted"]);
    assert_eq!(contacted["status"], "contacted", "{contacted}");
    assert_eq!(device.ok(&["person", "show", person])["status"], "referred", "contact is not intake");

    let done = device.ok(&["referral", "update", id, "--status", "intake_complete"]);
    assert_eq!(done["status"], "intake_complete", "{done}");
    let shown = device.ok(&["person", "show", person]);
    assert_eq!(shown["status"], "active", "intake makes the person active: {shown}");
    assert_eq!(shown["case_manager"], "Casey Morgan", "the worker who did intake manages the case: {shown}");

    let list = device.ok(&["referral", "list"]);
    assert_eq!(listed(&list, &r["id"])["status"], "intake_complete");
    // A completed referral is closed.
    device.fails(&["referral", "update", id, "--status", "contacted"], 2);
}

#[test]
fn closed_referral_cannot_be_reopened() {
    let device = Device::init("outreach", &[]);
    for closing in ["declined", "unable_to_locate"] {
        let r = create(&device, &["--pathway", "community", "--name", "Vi Tran"]);
        let id = s(&r, "id");
        assert_eq!(device.ok(&["referral", "update", id, "--status", closing])["status"], closing);
        for reopen in ["new", "contacted", "intake_complete"] {
            let line = device.fails(&["referral", "update", id, "--status", reopen], 2);
            assert!(line.contains(closing), "says where the referral is: {line}");
        }
        let list = device.ok(&["referral", "list"]);
        assert_eq!(listed(&list, &r["id"])["status"], closing, "a refused change changes nothing");
    }
}

#[test]
fn referral_status_cannot_go_back_to_new_or_repeat() {
    let device = Device::init("outreach", &[]);
    let r = create(&device, &["--pathway", "community", "--name", "Vi Tran"]);
    let id = s(&r, "id");
    device.fails(&["referral", "update", id, "--status", "new"], 2);
    device.ok(&["referral", "update", id, "--status", "contacted"]);
    device.fails(&["referral", "update", id, "--status", "contacted"], 2);
    device.fails(&["referral", "update", id, "--status", "bogus"], 2);
    assert_eq!(listed(&device.ok(&["referral", "list"]), &r["id"])["status"], "contacted");
}

#[test]
fn referral_needs_a_known_pathway_and_one_kind_of_subject() {
    let device = Device::init("outreach", &[]);
    let person = device.ok(&["person", "add", "--name", "Ana Ruiz"]);
    device.fails(&["referral", "create", "--pathway", "self_help", "--name", "X"], 2);
    device.fails(&["referral", "create", "--pathway", "community"], 2);
    device.fails(&["referral", "create", "--pathway", "community", "--person", s(&person, "id"), "--name", "X"], 2);
    device.fails(&["referral", "create", "--pathway", "community", "--person", crate::support::UNKNOWN_ID], 1);
    assert_eq!(device.ok(&["referral", "list"]), serde_json::json!([]), "nothing saved");
}
