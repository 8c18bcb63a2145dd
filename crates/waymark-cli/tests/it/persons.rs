//! `person add/update/show/list/search/merge` and `note add/list`.

use serde_json::Value;

use crate::support::{Device, arr, assert_keys, assert_uuid, s};

const PERSON_FIELDS: &[&str] = &["id", "name", "aliases", "dob", "description", "status", "case_manager", "conflicts"];

fn add(device: &Device, args: &[&str]) -> Value {
    let mut full = vec!["person", "add"];
    full.extend_from_slice(args);
    let out = device.ok(&full);
    assert_keys(&out, &["id", "possible_duplicates"]);
    assert_uuid(s(&out, "id"));
    out
}

fn duplicate_ids(added: &Value) -> Vec<String> {
    arr(&added["possible_duplicates"], "possible_duplicates")
        .iter()
        .map(|d| {
            assert_uuid(s(d, "id"));
            let score = d["score"].as_f64().unwrap_or_else(|| panic!("score is a number: {d}"));
            assert!((0.0..=1.0).contains(&score), "score within 0..=1: {d}");
            s(d, "id").to_owned()
        })
        .collect()
}

/// Aliases in a stable order (the store keeps them as a set).
fn sorted(aliases: &Value) -> Vec<&str> {
    let mut out: Vec<&str> = arr(aliases, "aliases").iter().map(|a| a.as_str().expect("an alias is text")).collect();
    out.sort_unstable();
    out
}

#[test]
fn person_add_offers_the_earlier_person_as_a_likely_duplicate() {
    let device = Device::init("outreach", &[]);
    let robert = add(&device, &["--name", "Robert Johnson", "--dob", "1980-05-01"]);
    assert!(duplicate_ids(&robert).is_empty(), "nothing to offer on an empty roster: {robert}");
    let bobby = add(&device, &["--name", "Bobby Johnson", "--dob", "1980-05-01"]);
    assert_eq!(duplicate_ids(&bobby), [s(&robert, "id")], "Robert is offered for Bobby: {bobby}");
    assert_ne!(bobby["id"], robert["id"], "the worker still gets a new person");
    assert!(bobby["possible_duplicates"][0]["score"].as_f64() >= Some(0.6), "a likely match scores high: {bobby}");
    // Both are on the roster.
    assert_eq!(arr(&device.ok(&["person", "list"]), "person list").len(), 2);
}

#[test]
fn person_add_does_not_offer_an_unrelated_person() {
    let device = Device::init("outreach", &[]);
    add(&device, &["--name", "Robert Johnson", "--dob", "1980-05-01"]);
    let other = add(&device, &["--name", "Maria Garcia", "--dob", "1992-11-30"]);
    assert!(duplicate_ids(&other).is_empty(), "no false offer: {other}");
}

#[test]
fn person_known_only_by_an_alias_is_saved_and_shown_by_the_alias() {
    let device = Device::init("outreach", &[]);
    let added = add(&device, &["--alias", "Smokey"]);
    let shown = device.ok(&["person", "show", s(&added, "id")]);
    assert_keys(&shown, PERSON_FIELDS);
    assert!(shown["name"].is_null(), "no name was given: {shown}");
    assert_eq!(shown["aliases"], serde_json::json!(["Smokey"]));
    assert_eq!(shown["display_name"], "Smokey");
    // A later contact with the same street name is offered the first.
    let again = add(&device, &["--alias", "smokey"]);
    assert_eq!(duplicate_ids(&again), [s(&added, "id")]);
}

#[test]
fn person_known_only_by_a_description_is_saved() {
    let device = Device::init("outreach", &[]);
    let text = "red hoodie, tattoo of a rose on left hand, limps";
    let added = add(&device, &["--description", text]);
    let shown = device.ok(&["person", "show", s(&added, "id")]);
    assert_eq!(shown["description"], text);
    assert!(shown["name"].is_null() && shown["aliases"] == serde_json::json!([]), "{shown}");
    assert!(shown["dob"].is_null());
}

#[test]
fn year_only_date_of_birth_is_kept_as_the_year() {
    let device = Device::init("outreach", &[]);
    let added = add(&device, &["--name", "Lee Park", "--dob", "1975"]);
    assert_eq!(device.ok(&["person", "show", s(&added, "id")])["dob"], "1975");
    let exact = add(&device, &["--name", "Kim Olsen", "--dob", "1980-02-29"]);
    assert_eq!(device.ok(&["person", "show", s(&exact, "id")])["dob"], "1980-02-29", "a leap day is a date");
}

#[test]
fn person_show_prints_every_contract_field() {
    let device = Device::init("outreach", &[]);
    let added = add(
        &device,
        &[
            "--name",
            "Dana White",
            "--alias",
            "D",
            "--alias",
            "Dee",
            "--dob",
            "1988-07-04",
            "--description",
            "tall, grey beanie",
        ],
    );
    let shown = device.ok(&["person", "show", s(&added, "id")]);
    assert_keys(&shown, PERSON_FIELDS);
    assert_eq!(shown["id"], added["id"]);
    assert_eq!(shown["name"], "Dana White");
    assert_eq!(sorted(&shown["aliases"]), ["D", "Dee"]);
    assert_eq!(shown["dob"], "1988-07-04");
    assert_eq!(shown["description"], "tall, grey beanie");
    assert_eq!(shown["status"], "active", "a person added by outreach is active");
    assert!(shown["case_manager"].is_null());
    assert!(shown["conflicts"].as_object().is_some_and(|c| c.is_empty()), "no conflicts on one device: {shown}");
}

#[test]
fn person_update_adds_aliases_and_changes_status() {
    let device = Device::init("outreach", &[]);
    let added = add(&device, &["--name", "Sam Reed", "--alias", "Sammy"]);
    let id = s(&added, "id");
    let updated = device.ok(&["person", "update", id, "--alias", "Red", "--alias", "sammy", "--status", "inactive"]);
    assert_keys(&updated, PERSON_FIELDS);
    assert_eq!(sorted(&updated["aliases"]), ["Red", "Sammy"], "aliases are added, not repeated: {updated}");
    assert_eq!(updated["status"], "inactive");
    assert_eq!(updated["name"], "Sam Reed", "fields not given stay");
    let shown = device.ok(&["person", "show", id]);
    assert_eq!(shown["aliases"], updated["aliases"], "the update is stored");
    assert_eq!(shown["status"], "inactive");
    let back = device.ok(&["person", "update", id, "--status", "active", "--dob", "1970"]);
    assert_eq!(back["status"], "active", "inactive people may come back");
    assert_eq!(back["dob"], "1970");
    assert_eq!(sorted(&back["aliases"]), ["Red", "Sammy"]);
}

#[test]
fn person_update_with_nothing_to_change_or_a_bad_status_is_refused() {
    let device = Device::init("outreach", &[]);
    let id = add(&device, &["--name", "Sam Reed"])["id"].as_str().expect("id").to_owned();
    device.fails(&["person", "update", &id], 2);
    device.fails(&["person", "update", &id, "--status", "expelled"], 2);
    assert_eq!(device.ok(&["person", "show", &id])["status"], "active");
}

#[test]
fn person_list_and_search_print_arrays_of_persons() {
    let device = Device::init("outreach", &[]);
    assert_eq!(device.ok(&["person", "list"]), serde_json::json!([]), "an empty roster is an empty array");
    let a = add(&device, &["--name", "Robert Johnson"]);
    let b = add(&device, &["--alias", "Tiny", "--description", "very tall"]);
    let list = device.ok(&["person", "list"]);
    let ids: Vec<&str> = arr(&list, "person list").iter().map(|p| s(p, "id")).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&s(&a, "id")) && ids.contains(&s(&b, "id")), "{list}");
    for p in arr(&list, "person list") {
        assert_keys(p, PERSON_FIELDS);
    }
    let found = device.ok(&["person", "search", "johns"]);
    let found = arr(&found, "person search");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["id"], a["id"]);
    let by_alias = device.ok(&["person", "search", "tiny"]);
    assert_eq!(arr(&by_alias, "person search").len(), 1, "an alias is found: {by_alias}");
    assert_eq!(by_alias[0]["id"], b["id"]);
    assert_eq!(device.ok(&["person", "search", "zzz"]), serde_json::json!([]));
}

#[test]
fn merge_moves_encounters_notes_and_referrals_to_the_kept_person() {
    let device = Device::init("supervisor", &[]);
    let keep = add(&device, &["--name", "Robert Johnson", "--dob", "1980-05-01"]);
    let dup = add(&device, &["--name", "Bobby Johnson", "--alias", "Bobcat", "--description", "limps"]);
    let (keep, dup) = (s(&keep, "id"), s(&dup, "id"));
    let kept_contact = device.ok(&["encounter", "log", "--person", keep, "--service", "water"]);
    let moved_contact = device.ok(&["encounter", "log", "--person", dup, "--service", "naloxone=2"]);
    let moved_note = device.ok(&["note", "add", "--person", dup, "--text", "prefers Bobby"]);
    let moved_referral = device.ok(&["referral", "create", "--pathway", "community", "--person", dup]);

    let merged = device.ok(&["person", "merge", keep, dup]);
    assert_eq!(merged["id"], keep, "merge answers with the kept id: {merged}");

    let contacts = device.ok(&["encounter", "list", "--person", keep]);
    let ids: Vec<&str> = arr(&contacts, "encounter list").iter().map(|e| s(e, "id")).collect();
    assert_eq!(ids.len(), 2, "both persons' contacts: {contacts}");
    for contact in arr(&contacts, "encounter list") {
        assert_eq!(contact["person_id"], keep, "a moved contact names the kept person: {contact}");
    }
    assert!(ids.contains(&s(&kept_contact, "id")) && ids.contains(&s(&moved_contact, "id")), "{contacts}");

    let notes = device.ok(&["note", "list", "--person", keep]);
    assert_eq!(arr(&notes, "note list").len(), 1);
    assert_eq!(notes[0]["id"], moved_note["id"]);

    let shown = device.ok(&["person", "show", dup]);
    assert_eq!(shown["id"], keep, "the duplicate's id resolves to the kept person: {shown}");
    assert_eq!(shown["name"], "Robert Johnson", "the kept record wins");
    let aliases = arr(&shown["aliases"], "aliases");
    for alias in ["Bobby Johnson", "Bobcat"] {
        assert!(aliases.iter().any(|a| a == alias), "the duplicate's name {alias} stays findable: {shown}");
    }
    assert_eq!(shown["dob"], "1980-05-01");
    assert_eq!(shown["description"], "limps", "what the kept record lacks comes from the duplicate");

    let list = device.ok(&["person", "list"]);
    let ids: Vec<&str> = arr(&list, "person list").iter().map(|p| s(p, "id")).collect();
    assert_eq!(ids, [keep], "the merged-away person leaves the roster");

    // New work for the old id lands on the kept person.
    device.ok(&["encounter", "log", "--person", dup]);
    assert_eq!(arr(&device.ok(&["encounter", "list", "--person", keep]), "encounter list").len(), 3);

    let referrals = device.ok(&["referral", "list"]);
    let r = arr(&referrals, "referral list")
        .iter()
        .find(|r| r["id"] == moved_referral["id"])
        .unwrap_or_else(|| panic!("the referral is still listed: {referrals}"));
    assert_eq!(r["display_name"], "Robert Johnson", "the referral follows the kept person: {r}");
}

#[test]
fn merging_an_already_merged_person_again_fails() {
    let device = Device::init("supervisor", &[]);
    let a = add(&device, &["--name", "Robert Johnson"]);
    let b = add(&device, &["--name", "Bobby Johnson"]);
    let (a, b) = (s(&a, "id"), s(&b, "id"));
    device.fails(&["person", "merge", a, a], 1);
    device.ok(&["person", "merge", a, b]);
    device.fails(&["person", "merge", a, b], 1);
    device.fails(&["person", "merge", b, a], 1);
    assert_eq!(arr(&device.ok(&["person", "list"]), "person list").len(), 1);
}

#[test]
fn note_add_prints_an_id_and_note_list_shows_the_text() {
    let device = Device::init("outreach", &[]);
    let person = add(&device, &["--alias", "Smokey"]);
    let id = s(&person, "id");
    assert_eq!(device.ok(&["note", "list", "--person", id]), serde_json::json!([]));
    let first = device.ok(&["note", "add", "--person", id, "--text", "asked about detox beds"]);
    assert_keys(&first, &["id"]);
    assert_uuid(s(&first, "id"));
    let second = device.ok(&["note", "add", "--person", id, "--text", "got ID appointment"]);
    let notes = device.ok(&["note", "list", "--person", id]);
    let notes = arr(&notes, "note list");
    assert_eq!(notes.len(), 2);
    let texts: Vec<&str> = notes.iter().map(|n| s(n, "text")).collect();
    assert!(texts.contains(&"asked about detox beds") && texts.contains(&"got ID appointment"), "{texts:?}");
    assert_ne!(first["id"], second["id"]);
    device.fails(&["note", "add", "--person", id, "--text", "   "], 2);
}

#[test]
fn a_person_known_by_aliases_keeps_the_first_alias_as_display_name() {
    let device = Device::init("outreach", &[]);
    let added = device.ok(&["person", "add", "--alias", "Smokey"]);
    let id = s(&added, "id");
    device.ok(&["person", "update", id, "--alias", "Ace", "--alias", "smokey"]);
    let shown = device.ok(&["person", "show", id]);
    assert_eq!(shown["display_name"], "Smokey", "{shown}");
    assert_eq!(shown["aliases"], serde_json::json!(["Smokey", "Ace"]), "in the order given, no repeats");
    let card = device.ok(&["lookup", "smok"]);
    assert_eq!(card[0]["display_name"], "Smokey");
}

#[test]
fn referred_is_not_a_status_a_worker_can_set() {
    let device = Device::init("outreach", &[]);
    let id = s(&device.ok(&["person", "add", "--name", "Ana"]), "id").to_owned();
    device.fails(&["person", "update", &id, "--status", "referred"], 2);
    assert_eq!(device.ok(&["person", "show", &id])["status"], "active");
}

#[test]
fn an_empty_search_is_refused_rather_than_listing_everyone() {
    let device = Device::init("outreach", &[]);
    device.ok(&["person", "add", "--name", "Ana"]);
    device.fails(&["person", "search", "%"], 2);
}

#[test]
fn person_sex_takes_one_hmis_code_on_add_and_update() {
    let device = Device::init("outreach", &[]);
    let added = add(&device, &["--name", "Rae Quinn", "--sex", "0"]);
    let id = s(&added, "id");
    assert_eq!(device.ok(&["person", "show", id])["sex"], 0, "female (4.21 code 0)");
    let updated = device.ok(&["person", "update", id, "--sex", "9"]);
    assert_eq!(updated["sex"], 9, "client prefers not to answer");
    assert_eq!(updated["name"], "Rae Quinn", "fields not given stay");
    let other = add(&device, &["--name", "Jo Park"]);
    assert!(device.ok(&["person", "show", s(&other, "id")])["sex"].is_null(), "none until recorded");
    // Gender (3.06) stays recordable beside it.
    let both = device.ok(&["person", "update", id, "--gender", "0", "--sex", "99"]);
    assert_eq!((both["sex"].clone(), both["gender"].clone()), (serde_json::json!(99), serde_json::json!([0])));

    for bad in ["2", "7", "98", "256"] {
        let line = device.fails(&["person", "update", id, "--sex", bad], 2);
        assert!(
            line.contains(bad) && line.contains("0 (female)") && line.contains("99 (data not collected)"),
            "{line}"
        );
    }
    let line = device.fails(&["person", "add", "--name", "Lee", "--sex", "3"], 2);
    assert!(line.contains("sex"), "{line}");
    assert_eq!(arr(&device.ok(&["person", "list"]), "person list").len(), 2, "the refused add saved nothing");
    assert_eq!(device.ok(&["person", "show", id])["sex"], 99, "a refused update changed nothing");
}
