//! Bad input: the contract's exit code, one `error: ` line on stderr, no panic, and
//! nothing saved.

use crate::support::{Device, UNKNOWN_ID, arr, s};

#[test]
fn unknown_subcommand_is_bad_usage() {
    let device = Device::init("outreach", &[]);
    let line = device.fails(&["teleport"], 2);
    assert!(line.contains("teleport"), "names what was not understood: {line}");
    device.fails(&["person", "delete", UNKNOWN_ID], 2);
    // Before init too: usage is checked first.
    Device::blank().fails(&["frobnicate"], 2);
}

#[test]
fn missing_required_flag_is_bad_usage_naming_the_flag() {
    let device = Device::init("outreach", &[]);
    let line = device.fails(&["note", "add", "--person", UNKNOWN_ID], 2);
    assert!(line.contains("--text"), "names the missing flag: {line}");
    let line = device.fails(&["referral", "create", "--name", "X"], 2);
    assert!(line.contains("--pathway"), "names the missing flag: {line}");
    let line = Device::blank().fails(&["init"], 2);
    assert!(line.contains("--role"), "names the missing flag: {line}");
    device.fails(&["referral", "update", UNKNOWN_ID], 2);
    device.fails(&["person", "show"], 2);
}

#[test]
fn latitude_out_of_range_is_bad_usage() {
    let device = Device::init("outreach", &[]);
    for lat in ["90.5", "-91", "1000", "NaN"] {
        let line = device.fails(&["encounter", "log", "--lat", lat, "--lon", "-122.3"], 2);
        assert!(line.to_lowercase().contains("lat"), "{lat}: {line}");
        device.fails(&["referral", "create", "--pathway", "community", "--name", "X", "--lat", lat, "--lon", "0"], 2);
    }
    assert_nothing_saved(&device);
}

#[test]
fn longitude_out_of_range_is_bad_usage() {
    let device = Device::init("outreach", &[]);
    for lon in ["180.01", "-181", "inf"] {
        let line = device.fails(&["encounter", "log", "--lat", "47.6", "--lon", lon], 2);
        assert!(line.to_lowercase().contains("lon"), "{lon}: {line}");
        device.fails(&["referral", "create", "--pathway", "community", "--name", "X", "--lat", "0", "--lon", lon], 2);
    }
    assert_nothing_saved(&device);
}

#[test]
fn latitude_without_longitude_is_bad_usage() {
    let device = Device::init("outreach", &[]);
    device.fails(&["encounter", "log", "--lat", "47.6"], 2);
    device.fails(&["encounter", "log", "--lon", "-122.3"], 2);
    device.fails(&["referral", "create", "--pathway", "community", "--name", "X", "--lat", "47.6"], 2);
    device.fails(&["encounter", "log", "--lat", "north", "--lon", "-122.3"], 2);
    assert_nothing_saved(&device);
}

#[test]
fn impossible_date_of_birth_is_bad_usage() {
    let device = Device::init("outreach", &[]);
    for dob in
        ["2026-02-30", "1981-02-29", "1980-13-01", "1980-04-31", "80-01-01", "abcd", "1850", "2999-01-01", "2999"]
    {
        let line = device.fails(&["person", "add", "--name", "X", "--dob", dob], 2);
        assert!(line.contains(dob), "names the bad date: {line}");
    }
    let p = device.ok(&["person", "add", "--name", "Y", "--dob", "1980"]);
    device.fails(&["person", "update", s(&p, "id"), "--dob", "2026-02-30"], 2);
    assert_eq!(device.ok(&["person", "show", s(&p, "id")])["dob"], "1980");
    assert_eq!(device.ok(&["person", "list"]).as_array().map(Vec::len), Some(1), "only Y was saved");
}

#[test]
fn impossible_or_malformed_time_is_bad_usage() {
    let device = Device::init("outreach", &[]);
    for at in ["2026-02-30T10:00:00Z", "2024-03-10T25:00:00Z", "2024-03-10T10:00:00", "2024-03-10", "yesterday"] {
        device.fails(&["encounter", "log", "--at", at], 2);
    }
    assert_nothing_saved(&device);
}

#[test]
fn time_in_the_future_is_bad_usage() {
    let device = Device::init("outreach", &[]);
    let line = device.fails(&["encounter", "log", "--at", "2999-01-01T00:00:00Z"], 2);
    assert!(line.contains("future"), "says why: {line}");
    assert_nothing_saved(&device);
}

#[test]
fn unknown_service_is_bad_usage() {
    let device = Device::init("outreach", &[]);
    let line = device.fails(&["encounter", "log", "--service", "naloxone", "--service", "candy"], 2);
    assert!(line.contains("candy"), "names the service: {line}");
    assert_nothing_saved(&device);
}

#[test]
fn service_count_of_zero_or_not_a_number_is_bad_usage() {
    let device = Device::init("outreach", &[]);
    for item in ["naloxone=0", "naloxone=-1", "naloxone=two", "naloxone=10001"] {
        device.fails(&["encounter", "log", "--service", item], 2);
    }
    assert_nothing_saved(&device);
}

#[test]
fn unknown_exclusion_is_bad_usage() {
    let device = Device::init("outreach", &[]);
    let line = device.fails(&["referral", "create", "--pathway", "community", "--name", "X", "--exclusion", "typo"], 2);
    assert!(line.contains("typo"), "names the exclusion: {line}");
    assert_nothing_saved(&device);
}

#[test]
fn person_without_name_alias_or_description_is_bad_usage() {
    let device = Device::init("outreach", &[]);
    device.fails(&["person", "add"], 2);
    device.fails(&["person", "add", "--dob", "1970"], 2);
    device.fails(&["person", "add", "--name", "  ", "--alias", " ", "--description", ""], 2);
    device.fails(&["referral", "create", "--pathway", "community", "--name", " "], 2);
    assert_nothing_saved(&device);
}

#[test]
fn malformed_id_is_bad_usage() {
    let device = Device::init("supervisor", &[]);
    let p = device.ok(&["person", "add", "--name", "Ana Ruiz"]);
    let line = device.fails(&["person", "show", "not-an-id"], 2);
    assert!(line.contains("not-an-id"), "names the id: {line}");
    device.fails(&["person", "update", "12345", "--status", "inactive"], 2);
    device.fails(&["person", "merge", s(&p, "id"), "xyz"], 2);
    device.fails(&["note", "add", "--person", "xyz", "--text", "hello"], 2);
    device.fails(&["note", "list", "--person", "xyz"], 2);
    device.fails(&["encounter", "log", "--person", "xyz"], 2);
    device.fails(&["encounter", "list", "--person", "xyz"], 2);
    device.fails(&["referral", "create", "--pathway", "community", "--person", "xyz"], 2);
    device.fails(&["referral", "update", "xyz", "--status", "contacted"], 2);
    assert_eq!(device.ok(&["encounter", "list"]), serde_json::json!([]));
}

#[test]
fn unknown_well_formed_id_is_an_error_with_exit_1() {
    let device = Device::init("supervisor", &[]);
    let p = device.ok(&["person", "add", "--name", "Ana Ruiz"]);
    let line = device.fails(&["person", "show", UNKNOWN_ID], 1);
    assert!(line.contains("not found"), "says it is not found: {line}");
    device.fails(&["person", "update", UNKNOWN_ID, "--status", "inactive"], 1);
    device.fails(&["person", "merge", s(&p, "id"), UNKNOWN_ID], 1);
    device.fails(&["person", "merge", UNKNOWN_ID, s(&p, "id")], 1);
    device.fails(&["note", "add", "--person", UNKNOWN_ID, "--text", "hello"], 1);
    device.fails(&["note", "list", "--person", UNKNOWN_ID], 1);
    device.fails(&["encounter", "list", "--person", UNKNOWN_ID], 1);
    device.fails(&["referral", "update", UNKNOWN_ID, "--status", "contacted"], 1);
    assert_eq!(device.ok(&["person", "show", s(&p, "id")])["status"], "active", "the real person is untouched");
}

#[test]
fn wrong_passphrase_is_refused_and_the_right_one_still_opens() {
    let device = Device::init("outreach", &[]);
    device.ok(&["person", "add", "--name", "Ana Ruiz"]);
    let line = device.run_with(&["person", "list"], Some("not the passphrase")).error(1);
    assert!(line.contains("passphrase"), "says why: {line}");
    device.run_with(&["person", "add", "--name", "Mallory"], Some("not the passphrase")).error(1);
    assert_eq!(device.ok(&["person", "list"]).as_array().map(Vec::len), Some(1));
}

#[test]
fn missing_passphrase_without_a_terminal_is_an_error() {
    let device = Device::init("outreach", &[]);
    let line = device.run_with(&["person", "list"], None).error(1);
    assert!(line.contains("WAYMARK_PASSPHRASE"), "says how to give it: {line}");
    Device::blank().run_with(&["init", "--role", "outreach"], None).error(1);
}

#[test]
fn commands_before_init_fail_with_exit_1() {
    let device = Device::blank();
    let line = device.fails(&["person", "list"], 1);
    assert!(line.contains("init"), "says to run init: {line}");
    device.fails(&["person", "add", "--name", "Ana Ruiz"], 1);
    device.fails(&["encounter", "log", "--service", "water"], 1);
    device.fails(&["referral", "list"], 1);
    device.fails(&["lookup", "ana"], 1);
    device.fails(&["team", "show"], 1);
    // The data directory exists but is empty.
    std::fs::create_dir_all(device.data()).expect("make an empty data dir");
    device.fails(&["person", "list"], 1);
    device.ok(&["init", "--role", "outreach"]);
}

#[test]
fn usage_errors_are_one_line_even_for_bad_values() {
    let device = Device::init("outreach", &[]);
    device.fails(&["init", "--role", "outreach", "--intake-days", "fourteen"], 2);
    device.fails(&["encounter", "log", "--minutes", "-5"], 2);
    device.fails(&["encounter", "log", "--kind", "teleport"], 2);
    device.fails(&["person", "add", "--name", "X", "--gender", "42"], 2);
    assert_nothing_saved(&device);
}

#[test]
fn closed_stdout_is_an_error_line_not_a_panic() {
    let device = Device::init("outreach", &[]);
    let run = device.run_with_closed_stdout(&["team", "show"]);
    let line = run.error(1);
    assert!(line.contains("output"), "says the output could not be written: {line}");
    // The write itself was durable before the output failed.
    device.run_with_closed_stdout(&["person", "add", "--name", "Ana Ruiz"]).error(1);
    assert_eq!(device.ok(&["person", "list"]).as_array().map(Vec::len), Some(1));
}

fn assert_nothing_saved(device: &Device) {
    assert_eq!(device.ok(&["encounter", "list"]), serde_json::json!([]), "no contact saved");
    assert_eq!(device.ok(&["referral", "list"]), serde_json::json!([]), "no referral saved");
    assert_eq!(device.ok(&["person", "list"]), serde_json::json!([]), "no person saved");
}

#[test]
fn accuracy_without_coordinates_is_bad_usage() {
    let device = Device::init("outreach", &[]);
    device.fails(&["encounter", "log", "--accuracy", "12"], 2);
    assert_eq!(arr(&device.ok(&["encounter", "list"]), "encounter list").len(), 0);
}
