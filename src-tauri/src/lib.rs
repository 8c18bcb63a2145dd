//! The Waymark app's shell: Tauri commands that each call one device API function
//! (the same `waymark-device` the CLI uses), a background sync task, and nothing
//! else. Errors cross to the UI as `{ code, message }` with the device's stable code.

mod background;
mod commands;
mod exports;
mod state;

use std::path::PathBuf;

use tauri::Manager;

pub use state::AppState;

/// Where the device store lives: `WAYMARK_DATA` if set (the run script, tests),
/// else the platform's app-data folder.
fn data_dir(app: &tauri::App) -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("WAYMARK_DATA") {
        return Ok(PathBuf::from(dir));
    }
    app.path().app_data_dir().map(|d| d.join("store")).map_err(|e| format!("no app data folder: {e}"))
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let result = tauri::Builder::default()
        // The save dialog for copies of exports, used from Rust only (no webview
        // permission is granted for it).
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let dir = data_dir(app)?;
            let demo = std::env::var_os("WAYMARK_DEMO").is_some_and(|v| v == "1");
            let state = AppState::new(dir, demo);
            background::spawn(app.handle().clone(), state.shared.clone());
            app.manage(state);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::session,
            commands::start,
            commands::enroll,
            commands::unlock,
            commands::unlock_state,
            commands::lock,
            commands::status,
            commands::team,
            commands::team_set,
            commands::sync,
            commands::sync_state,
            commands::person_home,
            commands::person_search,
            commands::person_show,
            commands::person_list,
            commands::person_add,
            commands::person_update,
            commands::note_add,
            commands::notes,
            commands::encounter_log,
            commands::encounter_list,
            commands::referral_check,
            commands::referral_create,
            commands::referral_list,
            commands::referral_update,
            commands::lookup,
            commands::consent_add,
            commands::consent_revoke,
            commands::consent_list,
            commands::audit_log,
            commands::device_list,
            commands::device_invite,
            commands::device_revoke,
            commands::duplicate_review,
            commands::not_duplicate,
            commands::person_merge,
            commands::conference_mark,
            commands::conference_marked,
            commands::conference_list,
            commands::followup,
            commands::report,
            commands::export_hmis,
            commands::export_csv,
            commands::export_geojson,
            commands::export_save,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("waymark-app: {e}");
        std::process::exit(1);
    }
}
