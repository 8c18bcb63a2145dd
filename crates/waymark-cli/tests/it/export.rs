//! `waymark export`: the contract's JSON (`files`, `features`), files on disk, the
//! team's export precision winning over a finer `--precision`, exit 3 for officers and
//! outreach, exit 2 for bad dates or precision, exit 1 for a path that cannot be
//! written, and an audit entry per export.

use std::path::Path;

use crate::support::{Device, arr, s};

const HMIS_FILES: [&str; 8] = [
    "Export.csv",
    "Organization.csv",
    "Project.csv",
    "Client.csv",
    "Enrollment.csv",
    "CurrentLivingSituation.csv",
    "Services.csv",
    "Exit.csv",
];

fn supervisor() -> Device {
    Device::init("supervisor", &["--time-zone", "America/Los_Angeles"])
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// A participant with an HMIS consent and two contacts, one with a location and a
/// note, and an anonymous contact; returns the person's id.
fn seed(device: &Device) -> String {
    let p = device.ok(&["person", "add", "--name", "Ines Marlowe", "--dob", "1977"]);
    let id = s(&p, "id").to_owned();
    device.ok(&["consent", "add", "--person", &id, "--party", "hmis"]);
    device.ok(&[
        "encounter",
        "log",
        "--person",
        &id,
        "--at",
        "2026-05-04T09:30:00-07:00",
        "--lat",
        "47.608123",
        "--lon",
        "-122.335987",
        "--service",
        "naloxone=2",
        "--service",
        "housing_referral",
        "--living-situation",
        "116",
        "--note",
        "NOTECANARY under the bridge",
    ]);
    device.ok(&["encounter", "log", "--person", &id, "--at", "2026-06-10T09:30:00-07:00", "--service", "food"]);
    device.ok(&["encounter", "log", "--at", "2026-05-05T12:00:00-07:00", "--lat", "47.6", "--lon", "-122.3"]);
    id
}

#[test]
fn hmis_export_answers_with_its_files() {
    let device = supervisor();
    let id = seed(&device);
    let out = device.data().with_file_name("hmis");
    let v = device.ok(&["export", "hmis", "--out", path(&out)]);
    let files: Vec<&str> = arr(&v["files"], "files").iter().map(|f| f.as_str().expect("a file name")).collect();
    assert_eq!(files, HMIS_FILES);
    for f in HMIS_FILES {
        let text = std::fs::read_to_string(out.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(text.ends_with("\r\n"), "{f}: whole lines");
        assert!(!text.contains("NOTECANARY"), "{f}: no note");
    }
    let client = std::fs::read_to_string(out.join("Client.csv")).expect("client");
    assert!(client.starts_with("PersonalID,FirstName,MiddleName,LastName,"), "{client}");
    assert!(client.contains(&id.replace('-', "")) && client.contains("Ines,,Marlowe"), "{client}");
    assert_eq!(v["clients"], 1);
    let log = device.ok(&["audit"]);
    let exports: Vec<_> = arr(&log, "audit").iter().filter(|e| e["action"] == "export").collect();
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0]["record"], "hmis");
}

#[test]
fn csv_export_answers_with_its_files_and_keeps_to_the_period() {
    let device = supervisor();
    seed(&device);
    let out = device.data().with_file_name("csv");
    let v = device.ok(&["export", "csv", "--out", path(&out), "--from", "2026-05-01", "--to", "2026-05-31"]);
    assert_eq!(v["files"], serde_json::json!(["contacts.csv", "services.csv"]));
    assert_eq!(v["contacts"], 2, "June is outside the period: {v}");
    let contacts = std::fs::read_to_string(out.join("contacts.csv")).expect("contacts");
    assert!(contacts.contains(",47.61,-122.34,"), "coarsened to the default 1 km: {contacts}");
    assert!(!contacts.contains("NOTECANARY") && !contacts.contains("Marlowe"));
    let all = device.ok(&["export", "csv", "--out", path(&out)]);
    assert_eq!(all["contacts"], 3);
}

#[test]
fn geojson_export_counts_features_and_is_never_finer_than_the_team_allows() {
    let device = supervisor();
    seed(&device);
    let file = device.data().with_file_name("map.geojson");
    let v = device.ok(&["export", "geojson", "--out", path(&file), "--precision", "exact"]);
    assert_eq!(v["features"], 2);
    assert_eq!(v["precision"], "1km", "the team's export precision wins: {v}");
    let text = std::fs::read_to_string(&file).expect("geojson");
    let fc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(fc["type"], "FeatureCollection");
    assert_eq!(fc["features"][0]["geometry"]["coordinates"], serde_json::json!([-122.34, 47.61]));
    assert!(!text.contains("47.608") && !text.contains("NOTECANARY"));

    device.ok(&["team", "set", "--export-precision", "100m"]);
    let v = device.ok(&["export", "geojson", "--out", path(&file), "--precision", "exact", "--from", "2026-05-05"]);
    assert_eq!((v["features"].as_u64(), v["precision"].as_str()), (Some(1), Some("100m")));
    let v = device.ok(&["export", "geojson", "--out", path(&file)]);
    assert_eq!(v["precision"], "100m");
    let fc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("geojson")).expect("JSON");
    assert_eq!(fc["features"][0]["geometry"]["coordinates"], serde_json::json!([-122.336, 47.608]));
}

#[test]
fn officers_and_outreach_get_exit_3() {
    for role in ["officer", "outreach"] {
        let device = Device::init(role, &[]);
        let out = device.data().with_file_name("out");
        let dir = path(&out);
        let file = out.join("map.geojson");
        for args in [
            vec!["export", "hmis", "--out", dir],
            vec!["export", "csv", "--out", dir],
            vec!["export", "geojson", "--out", path(&file)],
        ] {
            device.fails(&args, 3);
        }
        assert!(!out.exists(), "{role}: nothing written");
    }
}

#[test]
fn bad_dates_and_precision_exit_2_and_unwritable_paths_exit_1() {
    let device = supervisor();
    let out = device.data().with_file_name("out");
    let dir = path(&out);
    let file = out.join("map.geojson");
    let map = path(&file);
    for args in [
        vec!["export", "csv", "--out", dir, "--from", "2026-05-31", "--to", "2026-05-01"],
        vec!["export", "csv", "--out", dir, "--from", "2026-02-30"],
        vec!["export", "csv", "--out", dir, "--to", "yesterday"],
        vec!["export", "geojson", "--out", map, "--from", "05/01/2026"],
        vec!["export", "geojson", "--out", map, "--precision", "10m"],
        vec!["export", "geojson", "--out", map, "--precision", "1KM"],
    ] {
        device.fails(&args, 2);
    }
    assert!(!out.exists(), "nothing written for bad input");

    let blocker = device.file("blocker", "a file, not a folder");
    let line = device.fails(&["export", "hmis", "--out", &blocker], 1);
    assert!(line.contains("blocker"), "the error names the path: {line}");
    device.fails(&["export", "csv", "--out", &format!("{blocker}/sub")], 1);
    let log = device.ok(&["audit"]);
    assert!(arr(&log, "audit").iter().all(|e| e["action"] != "export"), "failed exports are not audited");
}
