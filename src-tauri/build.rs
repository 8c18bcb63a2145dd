// Generates the app's permission manifest: each command gets an `allow-…` permission,
// and only the commands listed in capabilities/ may be invoked by the UI.
fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&COMMANDS)),
    )
    .unwrap_or_else(|e| panic!("tauri build script: {e:#}"));
}

/// Every command of src/commands.rs, in the order the file defines them.
const COMMANDS: [&str; 40] = [
    "session",
    "start",
    "enroll",
    "unlock",
    "unlock_state",
    "lock",
    "status",
    "team",
    "sync",
    "sync_state",
    "person_home",
    "person_search",
    "person_show",
    "person_list",
    "person_add",
    "person_update",
    "note_add",
    "notes",
    "encounter_log",
    "encounter_list",
    "referral_check",
    "referral_create",
    "referral_list",
    "referral_update",
    "lookup",
    "consent_add",
    "consent_revoke",
    "consent_list",
    "audit_log",
    "duplicate_review",
    "not_duplicate",
    "person_merge",
    "conference_mark",
    "conference_marked",
    "conference_list",
    "followup",
    "report",
    "export_hmis",
    "export_csv",
    "export_geojson",
];
