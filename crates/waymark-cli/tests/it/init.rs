//! `init`, `team set` and `team show`.

use crate::support::{CATCHMENT, Device, arr, assert_keys, assert_uuid, s};

#[test]
fn init_prints_the_device_id_and_role_for_every_role() {
    let mut ids = Vec::new();
    for role in ["officer", "outreach", "supervisor"] {
        let device = Device::blank();
        let out = device.ok(&["init", "--role", role]);
        assert_keys(&out, &["device_id", "role"]);
        assert_eq!(s(&out, "role"), role);
        assert_uuid(s(&out, "device_id"));
        ids.push(s(&out, "device_id").to_owned());
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 3, "every device gets its own id: {ids:?}");
}

#[test]
fn init_twice_fails_and_keeps_the_first_store() {
    let device = Device::init("outreach", &[]);
    let person = device.ok(&["person", "add", "--name", "Ana Ruiz"]);
    let line = device.fails(&["init", "--role", "supervisor"], 1);
    assert!(line.contains("already"), "says the store exists: {line}");
    // The first store and its role are untouched: outreach still may not merge.
    let list = device.ok(&["person", "list"]);
    assert_eq!(arr(&list, "person list").len(), 1);
    assert_eq!(list[0]["id"], person["id"]);
    device.fails(&["person", "merge", s(&person, "id"), s(&person, "id")], 3);
}

#[test]
fn init_with_a_wrong_role_is_bad_usage_and_creates_nothing() {
    let device = Device::blank();
    device.fails(&["init", "--role", "admin"], 2);
    device.fails(&["person", "list"], 1);
    device.ok(&["init", "--role", "outreach"]);
}

#[test]
fn init_refuses_a_passphrase_shorter_than_four_characters() {
    let device = Device::blank();
    device.run_with(&["init", "--role", "outreach"], Some("abc")).error(2);
    device.fails(&["person", "list"], 1);
}

#[test]
fn intake_window_accepts_7_to_30_days_at_init_and_in_team_set() {
    let device = Device::init("supervisor", &["--intake-days", "7"]);
    assert_eq!(device.ok(&["team", "show"])["intake_days"], 7);
    let team = device.ok(&["team", "set", "--intake-days", "30"]);
    assert_eq!(team["intake_days"], 30);
    assert_eq!(device.ok(&["team", "show"])["intake_days"], 30);
}

#[test]
fn intake_window_of_6_or_31_days_is_refused_at_init_and_in_team_set() {
    for days in ["6", "31", "-14"] {
        let blank = Device::blank();
        let line = blank.fails(&["init", "--role", "supervisor", "--intake-days", days], 2);
        assert!(line.contains("7 and 30"), "says the allowed range: {line}");
        blank.fails(&["person", "list"], 1);
    }
    let device = Device::init("supervisor", &["--intake-days", "14"]);
    for days in ["6", "31"] {
        device.fails(&["team", "set", "--intake-days", days], 2);
    }
    assert_eq!(device.ok(&["team", "show"])["intake_days"], 14, "a refused change changes nothing");
}

#[test]
fn init_with_a_catchment_file_stores_the_area() {
    let device = Device::blank();
    let file = device.file("area.geojson", CATCHMENT);
    device.ok(&["init", "--role", "supervisor", "--catchment", &file]);
    let team = device.ok(&["team", "show"]);
    assert_eq!(team["catchment"]["type"], "FeatureCollection", "team show has the area: {team}");
}

#[test]
fn catchment_that_is_not_geojson_or_has_no_polygon_is_refused() {
    let cases = [
        ("not-json.geojson", "this is not json"),
        ("csv.geojson", "lat,lon\n47.5,-122.5\n"),
        ("point.geojson", r#"{"type":"Point","coordinates":[-122.5,47.5]}"#),
        ("empty.geojson", r#"{"type":"FeatureCollection","features":[]}"#),
        ("lines.geojson", r#"{"type":"LineString","coordinates":[[-122.5,47.5],[-122.4,47.6]]}"#),
    ];
    for (name, text) in cases {
        let device = Device::blank();
        let file = device.file(name, text);
        let line = device.fails(&["init", "--role", "supervisor", "--catchment", &file], 2);
        assert!(line.contains("catchment"), "{name}: says the catchment is the problem: {line}");
        // Nothing was created: a corrected init works.
        device.ok(&["init", "--role", "supervisor"]);
        device.fails(&["team", "set", "--catchment", &file], 2);
        assert!(device.ok(&["team", "show"])["catchment"].is_null(), "{name}: a refused area is not stored");
    }
    let device = Device::blank();
    let missing = device.data().with_file_name("missing.geojson");
    let missing = missing.to_str().expect("UTF-8 path");
    device.fails(&["init", "--role", "supervisor", "--catchment", missing], 2);
}

#[test]
fn team_set_adds_an_exclusion_and_team_show_lists_it() {
    let device = Device::init("supervisor", &[]);
    let out = device.ok(&["team", "set", "--exclusion", "sex_offense=Registered sex offense"]);
    let has = |team: &serde_json::Value| {
        arr(&team["exclusions"], "exclusions")
            .iter()
            .any(|e| e["key"] == "sex_offense" && e["label"] == "Registered sex offense")
    };
    assert!(has(&out), "team set answers with the new checklist: {out}");
    let shown = device.ok(&["team", "show"]);
    assert!(has(&shown), "the exclusion is kept: {shown}");
    // The defaults stay.
    let keys: Vec<&str> = arr(&shown["exclusions"], "exclusions").iter().filter_map(|e| e["key"].as_str()).collect();
    for key in ["violent_history", "exploits_minors", "promotes_prostitution", "dealing_for_profit", "under_18"] {
        assert!(keys.contains(&key), "default exclusion {key} kept: {keys:?}");
    }
    assert!(keys.contains(&"no_contact_order"));
}

#[test]
fn team_set_refuses_an_exclusion_without_a_label_or_with_a_bad_key() {
    let device = Device::init("supervisor", &[]);
    for bad in ["nolabel", "Bad Key=Label", "key="] {
        device.fails(&["team", "set", "--exclusion", bad], 2);
    }
}
