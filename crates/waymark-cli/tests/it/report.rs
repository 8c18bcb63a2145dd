//! `report`: the contract's JSON field names and figures of a small fixture, the text
//! table, exit 3 for roles that may not run it and exit 2 for a bad period.

use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::support::{Device, PASSPHRASE, assert_keys, s};

const CONTRACT_FIELDS: [&str; 8] = [
    "contacts",
    "unique_persons",
    "anonymous_contacts",
    "supplies",
    "referrals",
    "median_days_to_first_contact",
    "median_days_to_intake",
    "intake_within_window_pct",
];

/// The UTC calendar day `offset` days from today, `YYYY-MM-DD`.
fn utc_day(offset: i64) -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs();
    let days = i64::try_from(secs / 86_400).expect("days fit") + offset;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A supervisor's device (team in UTC, so the test's days are the team's days).
fn supervisor() -> Device {
    Device::init("supervisor", &["--time-zone", "UTC", "--intake-days", "14", "--user-name", "Dee"])
}

#[test]
fn report_json_has_the_contract_fields_and_figures() {
    let d = supervisor();
    let ana = d.ok(&["person", "add", "--name", "Ana Reyes", "--case-manager", "Dee"]);
    let bo = d.ok(&["person", "add", "--name", "Bo Lindqvist"]);
    let (ana, bo) = (s(&ana, "id"), s(&bo, "id"));
    let at = |offset: i64| format!("{}T12:00:00Z", utc_day(offset));
    d.ok(&[
        "encounter",
        "log",
        "--person",
        ana,
        "--at",
        &at(-3),
        "--service",
        "naloxone=2",
        "--service",
        "fentanyl_test_strips=5",
    ]);
    d.ok(&["encounter", "log", "--at", &at(-2), "--service", "naloxone"]);
    d.ok(&["encounter", "log", "--person", bo, "--kind", "attempted", "--at", &at(-1), "--service", "water"]);
    // Before the period: not counted.
    d.ok(&["encounter", "log", "--person", ana, "--at", &at(-40), "--service", "naloxone=9"]);
    let referral = d.ok(&["referral", "create", "--pathway", "community", "--person", bo]);
    d.ok(&["referral", "update", s(&referral, "id"), "--status", "contacted"]);

    // To tomorrow, so a run at midnight still holds the referral made "now".
    let r = d.ok(&["report", "--from", &utc_day(-20), "--to", &utc_day(1)]);
    assert_keys(&r, &CONTRACT_FIELDS);
    assert_keys(&r["referrals"], &["by_pathway", "by_outcome", "by_officer"]);
    assert_eq!(r["period"]["from"], utc_day(-20));
    assert_eq!(r["period"]["days"], 22);
    assert_eq!(r["contacts"], 2, "Ana's and the anonymous one: {r}");
    assert_eq!(r["attempted"], 1);
    assert_eq!(r["unique_persons"], 1);
    assert_eq!(r["anonymous_contacts"], 1);
    assert_eq!(r["supplies"], json!({"naloxone": 3, "fentanyl_test_strips": 5}));
    assert_eq!(r["supplies_order"], json!(["naloxone", "fentanyl_test_strips"]));
    assert_eq!(
        r["referrals"]["by_pathway"],
        json!({"arrest_diversion": 0, "social_contact": 0, "community": 1, "self": 0})
    );
    assert_eq!(r["referrals"]["by_outcome"]["contacted"], 1);
    assert_eq!(r["referrals"]["by_outcome"].as_object().map(|o| o.len()), Some(6), "every status: {r}");
    assert_eq!(r["referrals"]["by_officer"], json!({}));
    assert_eq!(r["referrals"]["officer_concentration"]["warning"], false);
    // Contacted seconds after it was made.
    assert_eq!(r["median_days_to_first_contact"], 0.0);
    assert!(r["median_days_to_intake"].is_null(), "no intake: {r}");
    assert!(r["intake_within_window_pct"].is_null(), "no intake: {r}");
    assert_eq!(r["active_participants"], 2);
    assert_eq!(
        r["caseload"],
        json!({"by_case_manager": [{"case_manager": "Dee", "participants": 1}], "unassigned": 1})
    );
    let weeks = r["contacts_per_week"].as_array().expect("weeks");
    let total: u64 = weeks.iter().map(|w| w["contacts"].as_u64().expect("count")).sum();
    assert_eq!(total, 2, "every contact in a week: {weeks:?}");
    assert!(weeks.len() >= 4, "22 days touch at least 4 ISO weeks: {weeks:?}");
}

#[test]
fn report_text_is_a_short_table() {
    let d = supervisor();
    d.ok(&["encounter", "log", "--service", "naloxone=2"]);
    let out = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .arg("--data")
        .arg(d.data())
        .args(["report", "--from", &utc_day(-1), "--to", &utc_day(1)])
        .env_remove("WAYMARK_DATA")
        .env("WAYMARK_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::null())
        .output()
        .expect("run the waymark binary");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err(), "text, not JSON: {text}");
    for needle in ["contacts", "unique persons", "naloxone", "median days to intake", "caseload"] {
        assert!(text.contains(needle), "{needle:?} in {text}");
    }
    assert!(text.lines().any(|l| l.trim_start().starts_with("naloxone") && l.trim_end().ends_with(" 2")), "{text}");
}

#[test]
fn only_supervisors_run_reports() {
    for role in ["officer", "outreach"] {
        let d = Device::init(role, &[]);
        let line = d.fails(&["report", "--from", "2026-11-01", "--to", "2026-11-30"], 3);
        assert!(line.contains("not permitted"), "{role}: {line}");
    }
}

#[test]
fn a_bad_period_exits_2() {
    let d = supervisor();
    let bad: &[(&str, &str)] = &[
        ("2026-02-30", "2026-03-10"),
        ("2026-11-01", "30/11/2026"),
        ("yesterday", "2026-11-30"),
        ("2026-11-30", "2026-11-01"),
        ("2020-01-01", "2026-01-01"),
    ];
    for (from, to) in bad {
        let line = d.fails(&["report", "--from", from, "--to", to], 2);
        assert!(line.contains(from) || line.contains(to), "{from} {to}: {line}");
    }
    // A missing flag is bad usage too.
    d.fails(&["report", "--from", "2026-11-01"], 2);
}
