//! The commands the UI invokes. Each is one call into the device API; the shell adds
//! only the locked/unlocked state and waking the sync task after a write.

use tauri::{AppHandle, State};
use waymark_device::{
    AuditView, CardView, CaseNote, Consent, ConsentInput, ConsentRevoked, Device, DeviceError, DeviceView,
    EncounterInput, EncounterView, EnrollInput, HomeView, IdView, InviteView, MergeView, PersonAdded, PersonInput,
    PersonShow, PersonView, ReferralCheck, ReferralCreated, ReferralInput, ReferralView, RevokeView, SessionView,
    StartInput, StatusView, SyncState, SyncView, TeamInput, TeamView, Timestamp, UnlockState,
    export::{CsvExportView, GeojsonExportView, HmisExportView},
    office::{ConferenceView, DuplicatePair, FollowupView, MarkView},
    report::ReportView,
};

use crate::background;
use crate::exports::{self, ExportDone};
use crate::state::{ApiError, ApiResult, AppState};

#[tauri::command]
pub async fn session(state: State<'_, AppState>) -> ApiResult<SessionView> {
    let shared = &state.shared;
    let status = match shared.device.lock().await.as_mut() {
        Some(d) => Some(d.status()?),
        None => None,
    };
    let phase = match (&status, Device::exists(&shared.dir)) {
        (Some(_), _) => "unlocked",
        (None, true) => "locked",
        (None, false) => "new",
    };
    Ok(SessionView { phase: phase.into(), status, demo: shared.demo })
}

#[tauri::command]
pub async fn start(state: State<'_, AppState>, input: StartInput) -> ApiResult<StatusView> {
    let dir = state.shared.dir.clone();
    let mut device = blocking(move || Device::start(&dir, input)).await?;
    let status = device.status()?;
    state.open(device).await?;
    Ok(status)
}

#[tauri::command]
pub async fn enroll(state: State<'_, AppState>, input: EnrollInput) -> ApiResult<StatusView> {
    let (mut device, _) = Device::enroll(
        &state.shared.dir,
        &input.passphrase,
        &input.relay,
        &input.code,
        input.ca_cert.as_deref().map(str::trim).filter(|c| !c.is_empty()),
    )
    .await?;
    let status = device.status()?;
    state.open(device).await?;
    Ok(status)
}

/// One unlock at a time, so two attempts sent together are both counted.
static UNLOCKING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Unlocks with the passphrase, counting wrong ones: a growing lockout from the 5th,
/// the keys destroyed at the 10th (`Device::unlock`).
#[tauri::command]
pub async fn unlock(state: State<'_, AppState>, passphrase: String) -> ApiResult<StatusView> {
    let _one_at_a_time = UNLOCKING.lock().await;
    let dir = state.shared.dir.clone();
    let result = blocking(move || Device::unlock(&dir, &passphrase, Timestamp::now())).await;
    if matches!(&result, Err(e) if e.code == waymark_device::ErrorCode::Wiped) {
        // The store is erased: so are the files it exported.
        exports::erase_all(&state.shared.dir);
    }
    let mut device = result?;
    let status = device.status()?;
    state.open(device).await?;
    Ok(status)
}

/// Wrong passphrases so far and the lockout, for the unlock screen.
#[tauri::command]
pub async fn unlock_state(state: State<'_, AppState>) -> ApiResult<UnlockState> {
    Ok(Device::unlock_state(&state.shared.dir, Timestamp::now())?)
}

#[tauri::command]
pub async fn lock(state: State<'_, AppState>) -> ApiResult<()> {
    state.close().await;
    Ok(())
}

#[tauri::command]
pub async fn status(state: State<'_, AppState>) -> ApiResult<StatusView> {
    state.read(|d| d.status()).await
}

#[tauri::command]
pub async fn team(state: State<'_, AppState>) -> ApiResult<TeamView> {
    state.read(|d| d.team_view()).await
}

/// Changes the team's settings (supervisor): each field given is changed, and the
/// team document reaches every device at its next sync.
#[tauri::command]
pub async fn team_set(state: State<'_, AppState>, input: TeamInput) -> ApiResult<TeamView> {
    state.write(|d| d.team_set(input)).await
}

/// "Sync now": one sync on the sync handle, answered with its result.
#[tauri::command]
pub async fn sync(app: AppHandle, state: State<'_, AppState>) -> ApiResult<SyncView> {
    match background::run(&app, &state.shared).await {
        Some(result) => Ok(result?),
        None if state.shared.device.lock().await.is_none() => Err(DeviceError::Locked.into()),
        None => Err(DeviceError::NotEnrolled.into()),
    }
}

#[tauri::command]
pub async fn sync_state(state: State<'_, AppState>) -> ApiResult<SyncState> {
    let mut snapshot = state.shared.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    if let Some(d) = state.shared.device.lock().await.as_mut() {
        snapshot.pending = d.status()?.pending;
        snapshot.last_sync = d.last_sync()?;
    }
    Ok(snapshot)
}

#[tauri::command]
pub async fn person_home(
    state: State<'_, AppState>,
    lat: Option<f64>,
    lon: Option<f64>,
    radius_m: Option<f64>,
) -> ApiResult<HomeView> {
    state.read(|d| d.person_home(lat.zip(lon), radius_m)).await
}

#[tauri::command]
pub async fn person_search(state: State<'_, AppState>, query: String) -> ApiResult<Vec<PersonView>> {
    state.read(|d| d.person_search(&query)).await
}

#[tauri::command]
pub async fn person_show(state: State<'_, AppState>, id: String) -> ApiResult<PersonShow> {
    state.read(|d| d.person_show(&id)).await
}

#[tauri::command]
pub async fn person_list(state: State<'_, AppState>) -> ApiResult<Vec<PersonView>> {
    state.read(|d| d.person_list()).await
}

#[tauri::command]
pub async fn person_add(state: State<'_, AppState>, input: PersonInput) -> ApiResult<PersonAdded> {
    state.write(|d| d.person_add(input)).await
}

#[tauri::command]
pub async fn person_update(state: State<'_, AppState>, id: String, input: PersonInput) -> ApiResult<PersonView> {
    state.write(|d| d.person_update(&id, input)).await
}

#[tauri::command]
pub async fn note_add(state: State<'_, AppState>, person: String, text: String) -> ApiResult<IdView> {
    state.write(|d| d.note_add(&person, &text)).await
}

#[tauri::command]
pub async fn notes(state: State<'_, AppState>, person: String) -> ApiResult<Vec<CaseNote>> {
    state.read(|d| d.notes(&person)).await
}

#[tauri::command]
pub async fn encounter_log(state: State<'_, AppState>, input: EncounterInput) -> ApiResult<IdView> {
    state.write(|d| d.encounter_log(input)).await
}

#[tauri::command]
pub async fn encounter_list(state: State<'_, AppState>, person: Option<String>) -> ApiResult<Vec<EncounterView>> {
    state.read(|d| d.encounter_list(person.as_deref())).await
}

#[tauri::command]
pub async fn referral_check(state: State<'_, AppState>, input: ReferralInput) -> ApiResult<ReferralCheck> {
    state.read(|d| d.referral_check(&input)).await
}

#[tauri::command]
pub async fn referral_create(state: State<'_, AppState>, input: ReferralInput) -> ApiResult<ReferralCreated> {
    state.write(|d| d.referral_create(input)).await
}

#[tauri::command]
pub async fn referral_list(state: State<'_, AppState>) -> ApiResult<Vec<ReferralView>> {
    state.read(|d| d.referral_list()).await
}

#[tauri::command]
pub async fn referral_update(state: State<'_, AppState>, id: String, status: String) -> ApiResult<ReferralView> {
    state.write(|d| d.referral_update(&id, &status)).await
}

#[tauri::command]
pub async fn lookup(state: State<'_, AppState>, query: String, reason: Option<String>) -> ApiResult<Vec<CardView>> {
    state.read(|d| d.lookup(&query, reason.as_deref())).await
}

/// Records a release of information; one covering law enforcement shares the person's
/// card with every officer while it is in force.
#[tauri::command]
pub async fn consent_add(state: State<'_, AppState>, input: ConsentInput) -> ApiResult<IdView> {
    state.write(|d| d.consent_add(input)).await
}

/// Revokes a consent; a card it shared is withdrawn from officers at the next sync.
#[tauri::command]
pub async fn consent_revoke(state: State<'_, AppState>, id: String) -> ApiResult<ConsentRevoked> {
    state.write(|d| d.consent_revoke(&id)).await
}

#[tauri::command]
pub async fn consent_list(state: State<'_, AppState>, person: String) -> ApiResult<Vec<Consent>> {
    state.read(|d| d.consent_list(&person)).await
}

/// The audit trail (supervisor): every device's entries this device holds, oldest
/// first, each chain verified (`chain` says where one was changed or has a gap).
#[tauri::command]
pub async fn audit_log(state: State<'_, AppState>) -> ApiResult<Vec<AuditView>> {
    state.read(|d| d.audit_log()).await
}

/// The team's devices as the relay lists them (supervisor; needs the relay).
#[tauri::command]
pub async fn device_list(state: State<'_, AppState>) -> ApiResult<Vec<DeviceView>> {
    state.online(async |d| d.device_list().await).await
}

/// Invites a device for `role` (supervisor; needs the relay): the one-time code to
/// enter on the new device, and when it expires.
#[tauri::command]
pub async fn device_invite(state: State<'_, AppState>, role: String, label: String) -> ApiResult<InviteView> {
    state.online(async |d| d.device_invite(&role, &label).await).await
}

/// Revokes a device (supervisor; needs the relay): it can no longer sync and erases
/// its data at its next contact; the team's next key epoch goes to the others.
#[tauri::command]
pub async fn device_revoke(state: State<'_, AppState>, device_id: String) -> ApiResult<RevokeView> {
    state.online(async |d| d.device_revoke(&device_id).await).await
}

/// Likely duplicate pairs over the roster, best first (supervisor); pairs a reviewer
/// said are not the same person are left out.
#[tauri::command]
pub async fn duplicate_review(state: State<'_, AppState>) -> ApiResult<Vec<DuplicatePair>> {
    state.read(|d| d.duplicate_review()).await
}

/// "Not the same person": the pair is not offered again (supervisor).
#[tauri::command]
pub async fn not_duplicate(state: State<'_, AppState>, a: String, b: String) -> ApiResult<MarkView> {
    state.write(|d| d.not_duplicate(&a, &b)).await
}

/// Merges `duplicate` into `keep` (supervisor); `take` names the fields whose value
/// comes from the duplicate (the kept record wins the rest).
#[tauri::command]
pub async fn person_merge(
    state: State<'_, AppState>,
    keep: String,
    duplicate: String,
    take: Vec<String>,
) -> ApiResult<MergeView> {
    state.write(|d| d.person_merge_choosing(&keep, &duplicate, &take)).await
}

/// Puts a participant on (or takes them off) the next case conference's list.
#[tauri::command]
pub async fn conference_mark(state: State<'_, AppState>, person: String, on: bool) -> ApiResult<MarkView> {
    state.write(|d| d.conference_mark(&person, on)).await
}

/// Who is marked for the next case conference (for the person page's toggle).
#[tauri::command]
pub async fn conference_marked(state: State<'_, AppState>) -> ApiResult<MarkView> {
    state.read(|d| d.conference_marked()).await
}

/// The case-conference list for the parties present: marked participants whose
/// consents in force cover every one of them, officer-safe fields only.
#[tauri::command]
pub async fn conference_list(state: State<'_, AppState>, parties: Vec<String>) -> ApiResult<ConferenceView> {
    state.read(|d| d.conference_list(&parties)).await
}

/// Caseload follow-up: participants not seen for the team's days, expired referrals.
#[tauri::command]
pub async fn followup(state: State<'_, AppState>) -> ApiResult<FollowupView> {
    state.read(|d| d.followup()).await
}

/// The figures of the days `from` to `to` (`YYYY-MM-DD`, both included, in the
/// team's time zone; supervisor).
#[tauri::command]
pub async fn report(state: State<'_, AppState>, from: String, to: String) -> ApiResult<ReportView> {
    state.read(|d| d.report(&from, &to)).await
}

/// Runs one export of `kind` into a new folder under the data folder (see
/// `exports.rs`); a failed export leaves no empty folder behind. The export's audit
/// entry is a change to sync, hence `write`.
async fn export_into<T>(
    state: &AppState,
    kind: &str,
    run: impl FnOnce(&mut Device, &std::path::Path) -> Result<T, DeviceError>,
) -> ApiResult<(std::path::PathBuf, T)> {
    let folder = exports::new_folder(&state.shared.dir, kind, Timestamp::now()).map_err(|e| ApiError {
        code: waymark_device::ErrorCode::Storage,
        message: format!("cannot make a folder for the export under {}: {e}", state.shared.dir.display()),
    })?;
    match state.write(|d| run(d, &folder)).await {
        Ok(view) => Ok((folder, view)),
        Err(e) => {
            exports::discard_if_empty(&folder);
            Err(e)
        }
    }
}

/// Writes the HUD HMIS CSV files into a new export folder (supervisor).
#[tauri::command]
pub async fn export_hmis(state: State<'_, AppState>) -> ApiResult<ExportDone<HmisExportView>> {
    let (folder, view) = export_into(&state, "hmis", |d, dir| d.export_hmis(dir)).await?;
    Ok(ExportDone::new(&folder, &view.files.clone(), view))
}

/// Writes `contacts.csv` and `services.csv` of the days `from` to `to` (either open)
/// into a new export folder (supervisor).
#[tauri::command]
pub async fn export_csv(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
) -> ApiResult<ExportDone<CsvExportView>> {
    let (folder, view) = export_into(&state, "csv", |d, dir| d.export_csv(dir, from.as_deref(), to.as_deref())).await?;
    Ok(ExportDone::new(&folder, &view.files.clone(), view))
}

/// Writes the contacts of the days `from` to `to` as GeoJSON points, no finer than the
/// team's export precision, into a new export folder (supervisor).
#[tauri::command]
pub async fn export_geojson(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
    precision: Option<String>,
) -> ApiResult<ExportDone<GeojsonExportView>> {
    let (folder, view) = export_into(&state, "geojson", |d, dir| {
        d.export_geojson(&dir.join(exports::GEOJSON_FILE), from.as_deref(), to.as_deref(), precision.as_deref())
    })
    .await?;
    Ok(ExportDone::new(&folder, &[exports::GEOJSON_FILE.to_owned()], view))
}

/// Where `export_save` put the copy: `path` is `None` when the user cancelled.
#[derive(Debug, serde::Serialize)]
pub struct SavedCopy {
    pub path: Option<String>,
    pub files: usize,
}

/// Saves a copy of one of this device's exports (`folder`, as an export answered it)
/// as one `.zip` where the user chooses in the system's save dialog: how an HMIS
/// export reaches the HMIS lead. With `WAYMARK_SAVE_DIR` set (the end-to-end tests:
/// the native dialog is the edge of the OS), the copy goes into that folder instead.
#[tauri::command]
pub async fn export_save(app: AppHandle, state: State<'_, AppState>, folder: String) -> ApiResult<SavedCopy> {
    if state.shared.device.lock().await.is_none() {
        return Err(DeviceError::Locked.into());
    }
    let folder = exports::export_folder(&state.shared.dir, &folder)
        .map_err(|e| ApiError { code: waymark_device::ErrorCode::NotFound, message: e.to_string() })?;
    let name = exports::zip_name(&folder);
    let dest = match std::env::var_os("WAYMARK_SAVE_DIR") {
        Some(dir) => Some(std::path::PathBuf::from(dir).join(&name)),
        None => choose_destination(&app, &name).await?,
    };
    let Some(dest) = dest else {
        return Ok(SavedCopy { path: None, files: 0 });
    };
    // The dialog may have stayed open past the idle lock: a locked app copies nothing.
    if state.shared.device.lock().await.is_none() {
        return Err(DeviceError::Locked.into());
    }
    let shown = dest.display().to_string();
    let written = tauri::async_runtime::spawn_blocking(move || exports::zip_folder(&folder, &dest)).await;
    match written {
        Ok(Ok(files)) => Ok(SavedCopy { path: Some(shown), files }),
        Ok(Err(e)) => {
            Err(ApiError { code: waymark_device::ErrorCode::Storage, message: format!("cannot save {shown}: {e}") })
        }
        Err(e) => Err(ApiError { code: waymark_device::ErrorCode::Storage, message: format!("background task: {e}") }),
    }
}

/// The system's save dialog, offering `name`; `None` when the user cancelled.
async fn choose_destination(app: &AppHandle, name: &str) -> ApiResult<Option<std::path::PathBuf>> {
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().set_file_name(name).add_filter("ZIP", &["zip"]).save_file(move |chosen| {
        let _ = tx.send(chosen);
    });
    let chosen = rx.await.map_err(|_| ApiError {
        code: waymark_device::ErrorCode::Storage,
        message: "the save dialog closed without an answer".to_owned(),
    })?;
    match chosen.map(|p| p.into_path()) {
        None => Ok(None),
        Some(Ok(path)) => Ok(Some(path)),
        // A phone's document picker answers with a content URI, which this build
        // cannot write to yet.
        Some(Err(_)) => Err(ApiError {
            code: waymark_device::ErrorCode::Invalid,
            message: "saving to that place is not supported on this device yet: choose a folder on this computer"
                .to_owned(),
        }),
    }
}

/// Runs CPU-heavy work (the passphrase's Argon2id) off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, DeviceError> + Send + 'static) -> ApiResult<T> {
    match tauri::async_runtime::spawn_blocking(f).await {
        Ok(result) => Ok(result?),
        Err(e) => Err(ApiError { code: waymark_device::ErrorCode::Storage, message: format!("background task: {e}") }),
    }
}
