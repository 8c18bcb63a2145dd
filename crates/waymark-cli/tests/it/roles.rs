//! What each role may do: officers look up and refer, outreach works cases,
//! supervisors also merge and set team settings.

use crate::support::{Device, UNKNOWN_ID, arr, rfc3339_seconds, s};

const CARD_FIELDS: [&str; 6] =
    ["person_id", "display_name", "status", "case_manager", "case_manager_phone", "updated_at"];

#[test]
fn officer_can_refer_by_name_and_look_up_the_card() {
    let device = Device::init("officer", &[]);
    let r = device.ok(&[
        "referral",
        "create",
        "--pathway",
        "social_contact",
        "--name",
        "Dee Walker",
        "--description",
        "scar over left eye",
        "--narrative",
        "asked for help",
    ]);
    assert_eq!(r["status"], "new");
    let cards = device.ok(&["lookup", "walker", "--reason", "social contact on 3rd Ave"]);
    let cards = arr(&cards, "lookup");
    assert_eq!(cards.len(), 1, "{cards:?}");
    let card = &cards[0];
    let mut keys: Vec<&str> = card.as_object().expect("a card is an object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = CARD_FIELDS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected, "a card holds the card fields and nothing else: {card}");
    assert_eq!(card["person_id"], r["person_id"]);
    assert_eq!(card["display_name"], "Dee Walker");
    assert_eq!(card["status"], "referred");
    rfc3339_seconds(s(card, "updated_at"));

    // The officer sees its own referral and the card of the person it referred.
    let list = device.ok(&["referral", "list"]);
    assert_eq!(arr(&list, "referral list").len(), 1);
    assert_eq!(list[0]["id"], r["id"]);
    let shown = device.ok(&["person", "show", s(&r, "person_id")]);
    assert_eq!(shown["id"], r["person_id"]);
    assert_eq!(shown["display_name"], "Dee Walker");
    assert!(shown.get("description").is_none(), "no case detail on an officer's device: {shown}");

    assert_eq!(device.ok(&["lookup", "nobody-by-this-name"]), serde_json::json!([]));
}

#[test]
fn officer_gets_exit_3_for_case_work() {
    let device = Device::init("officer", &[]);
    let r = device.ok(&["referral", "create", "--pathway", "community", "--name", "Dee Walker"]);
    let p = s(&r, "person_id");
    let refused: &[&[&str]] = &[
        &["note", "add", "--person", p, "--text", "sleeping at the shelter"],
        &["note", "list", "--person", p],
        &["person", "list"],
        &["person", "search", "dee"],
        &["person", "add", "--name", "New Person"],
        &["person", "update", p, "--status", "inactive"],
        &["person", "merge", p, UNKNOWN_ID],
        &["encounter", "log", "--service", "naloxone"],
        &["encounter", "log", "--person", p],
        &["encounter", "list"],
        &["team", "set", "--intake-days", "14"],
        &["referral", "update", s(&r, "id"), "--status", "contacted"],
    ];
    for args in refused {
        let line = device.fails(args, 3);
        assert!(line.contains("not permitted"), "{args:?}: {line}");
    }
    // Nothing changed: the card and the referral are as they were.
    let list = device.ok(&["referral", "list"]);
    assert_eq!(list[0]["status"], "new");
    assert_eq!(device.ok(&["person", "show", p])["status"], "referred");
    assert_eq!(device.ok(&["team", "show"])["intake_days"], 30);
}

#[test]
fn officer_cannot_show_a_person_outside_its_cards() {
    let device = Device::init("officer", &[]);
    device.ok(&["referral", "create", "--pathway", "community", "--name", "Dee Walker"]);
    device.fails(&["person", "show", UNKNOWN_ID], 3);
}

#[test]
fn officer_lookup_without_a_name_in_the_query_is_bad_usage() {
    let device = Device::init("officer", &[]);
    device.ok(&["referral", "create", "--pathway", "community", "--name", "Dee Walker"]);
    device.fails(&["lookup", "  "], 2);
    device.fails(&["lookup"], 2);
    // Punctuation is no name: it must not list every card on the device.
    for wildcard in ["%", "_", ".", "*", "'-"] {
        device.fails(&["lookup", wildcard], 2);
    }
    assert_eq!(arr(&device.ok(&["lookup", "dee"]), "lookup").len(), 1, "a real name is still found");
}

#[test]
fn outreach_gets_exit_3_for_merge_and_team_settings() {
    let device = Device::init("outreach", &[]);
    let a = device.ok(&["person", "add", "--name", "Robert Johnson"]);
    let b = device.ok(&["person", "add", "--name", "Bobby Johnson"]);
    device.fails(&["person", "merge", s(&a, "id"), s(&b, "id")], 3);
    device.fails(&["team", "set", "--exclusion", "sex_offense=Registered sex offense"], 3);
    device.fails(&["team", "set", "--intake-days", "14"], 3);
    assert_eq!(arr(&device.ok(&["person", "list"]), "person list").len(), 2, "no merge happened");
    assert_eq!(device.ok(&["team", "show"])["intake_days"], 30);
}

#[test]
fn outreach_can_look_up_the_roster_too() {
    let device = Device::init("outreach", &[]);
    let a = device.ok(&["person", "add", "--name", "Robert Johnson", "--case-manager", "Casey Morgan"]);
    let cards = device.ok(&["lookup", "robert"]);
    assert_eq!(arr(&cards, "lookup").len(), 1);
    assert_eq!(cards[0]["person_id"], a["id"]);
    assert_eq!(cards[0]["status"], "active");
    assert_eq!(cards[0]["case_manager"], "Casey Morgan");
}

#[test]
fn the_audit_log_is_for_supervisors_and_holds_the_contracts_fields() {
    let officer = Device::init("officer", &[]);
    officer.ok(&["referral", "create", "--pathway", "social_contact", "--name", "Ines Park"]);
    officer.ok(&["lookup", "park", "--reason", "welfare check at the library"]);
    let line = officer.fails(&["audit"], 3);
    assert!(line.contains("audit"), "{line}");

    let sup = Device::init("supervisor", &[]);
    let added = sup.ok(&["person", "add", "--name", "Ines Park"]);
    let id = s(&added, "id");
    sup.ok(&["person", "show", id]);
    let dup = sup.ok(&["person", "add", "--name", "Ines P"]);
    sup.ok(&["person", "merge", id, s(&dup, "id")]);
    let log = sup.ok(&["audit"]);
    let log = arr(&log, "audit");
    for e in log {
        for key in ["at", "device_id", "role", "action", "record", "reason"] {
            assert!(e.get(key).is_some_and(|v| v.is_string()), "{key} in {e}");
        }
        assert_eq!(e["chain"], "ok", "{e}");
        rfc3339_seconds(s(e, "at"));
    }
    let actions: Vec<&str> = log.iter().map(|e| s(e, "action")).collect();
    assert_eq!(actions, ["enroll", "person_view", "merge"], "{log:?}");
    assert_eq!(log[1]["record"], id);
    assert_eq!(log[1]["role"], "supervisor");
    assert_eq!(log[2]["record"], dup["id"]);
    sup.ok(&["audit", "--verify"]);
}

#[test]
fn the_office_lists_are_for_supervisors() {
    let officer = Device::init("officer", &[]);
    for args in
        [&["office", "duplicates"][..], &["office", "followup"], &["office", "conference", "--party", "prosecutor"]]
    {
        officer.fails(args, 3);
    }
    let sup = Device::init("supervisor", &[]);
    let a = sup.ok(&["person", "add", "--name", "Robert Johnson"]);
    let b = sup.ok(&["person", "add", "--name", "Bobby Johnson"]);
    let pairs = sup.ok(&["office", "duplicates"]);
    let pairs = arr(&pairs, "duplicates");
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert!(pairs[0]["score"].as_f64().is_some_and(|s| (0.6..=1.0).contains(&s)));
    sup.ok(&["office", "not-duplicate", s(&a, "id"), s(&b, "id")]);
    assert!(arr(&sup.ok(&["office", "duplicates"]), "duplicates").is_empty());

    sup.ok(&["consent", "add", "--person", s(&a, "id"), "--party", "prosecutor"]);
    sup.ok(&["office", "mark", s(&a, "id")]);
    sup.ok(&["office", "mark", s(&b, "id")]);
    let room = sup.ok(&["office", "conference", "--party", "prosecutor"]);
    let persons = arr(&room["persons"], "conference persons");
    assert_eq!(persons.len(), 1, "{room}");
    assert_eq!(persons[0]["display_name"], "Robert Johnson");
    assert_eq!(room["left_out"], 1);
    sup.fails(&["office", "conference"], 2);
    let f = sup.ok(&["office", "followup"]);
    assert_eq!(f["inactive_days"], 90, "{f}");
}
