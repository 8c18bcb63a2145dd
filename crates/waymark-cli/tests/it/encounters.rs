//! `encounter log` and `encounter list`.

use crate::support::{Device, arr, assert_keys, assert_uuid, now_seconds, rfc3339_seconds, s};

#[test]
fn anonymous_encounter_records_services_with_counts() {
    let device = Device::init("outreach", &[]);
    let logged = device.ok(&[
        "encounter",
        "log",
        "--service",
        "naloxone=3",
        "--service",
        "fentanyl_test_strips=10",
        "--service",
        "water",
        "--service",
        "naloxone",
        "--lat",
        "47.6062",
        "--lon",
        "-122.3321",
    ]);
    assert_keys(&logged, &["id"]);
    assert_uuid(s(&logged, "id"));
    let list = device.ok(&["encounter", "list"]);
    let list = arr(&list, "encounter list");
    assert_eq!(list.len(), 1);
    let e = &list[0];
    assert_eq!(e["id"], logged["id"]);
    assert!(e["person_id"].is_null(), "no person: {e}");
    assert_eq!(
        e["services"],
        serde_json::json!({"naloxone": 4, "fentanyl_test_strips": 10, "water": 1}),
        "counts add up, a bare service counts one"
    );
    assert!(e["lat"].as_f64().is_some_and(|l| (l - 47.6062).abs() < 0.01), "{e}");
    assert!(e["lon"].as_f64().is_some_and(|l| (l + 122.3321).abs() < 0.01), "{e}");
    // No person on the roster came out of it.
    assert_eq!(device.ok(&["person", "list"]), serde_json::json!([]));
}

#[test]
fn encounter_at_with_an_offset_keeps_the_local_time() {
    let device = Device::init("outreach", &[]);
    let person = device.ok(&["person", "add", "--alias", "Smokey"]);
    let at = "2024-03-10T10:30:00-08:00";
    device.ok(&["encounter", "log", "--person", s(&person, "id"), "--at", at, "--note", "by the library"]);
    let list = device.ok(&["encounter", "list", "--person", s(&person, "id")]);
    let e = &arr(&list, "encounter list")[0];
    assert_eq!(e["at"], at, "the local wall time and offset are kept: {e}");
    assert_eq!(rfc3339_seconds(s(e, "at")), rfc3339_seconds("2024-03-10T18:30:00Z"), "the same instant");
    assert_eq!(e["note"], "by the library");
    assert_eq!(e["person_id"], person["id"]);
}

#[test]
fn encounter_without_at_is_logged_now() {
    let device = Device::init("outreach", &[]);
    let before = now_seconds();
    device.ok(&["encounter", "log", "--service", "food"]);
    let after = now_seconds();
    let list = device.ok(&["encounter", "list"]);
    let at = rfc3339_seconds(s(&arr(&list, "encounter list")[0], "at"));
    assert!(at >= before - 1.0 && at <= after + 1.0, "logged at {at}, between {before} and {after}");
}

#[test]
fn encounter_list_for_a_person_shows_only_their_contacts_newest_first() {
    let device = Device::init("outreach", &[]);
    let a = device.ok(&["person", "add", "--name", "Ana Ruiz"]);
    let b = device.ok(&["person", "add", "--name", "Ben Ode"]);
    let old = device.ok(&["encounter", "log", "--person", s(&a, "id"), "--at", "2024-01-01T09:00:00Z"]);
    let new = device.ok(&["encounter", "log", "--person", s(&a, "id"), "--at", "2024-02-01T09:00:00Z"]);
    device.ok(&["encounter", "log", "--person", s(&b, "id")]);
    device.ok(&["encounter", "log", "--service", "water"]);
    let list = device.ok(&["encounter", "list", "--person", s(&a, "id")]);
    let ids: Vec<&str> = arr(&list, "encounter list").iter().map(|e| s(e, "id")).collect();
    assert_eq!(ids, [s(&new, "id"), s(&old, "id")], "{list}");
    assert_eq!(arr(&device.ok(&["encounter", "list"]), "encounter list").len(), 4);
    assert_eq!(device.ok(&["encounter", "list", "--person", s(&b, "id")]).as_array().map(Vec::len), Some(1));
}

#[test]
fn encounter_for_an_unknown_person_is_refused_and_not_logged() {
    let device = Device::init("outreach", &[]);
    device.fails(&["encounter", "log", "--person", crate::support::UNKNOWN_ID, "--service", "water"], 1);
    assert_eq!(device.ok(&["encounter", "list"]), serde_json::json!([]));
}
