// The Tauri implementation of `Platform`: each method is one `invoke` of the shell
// command of the same name in snake_case (src-tauri/src/commands.rs). Tauri maps
// camelCase argument keys to the commands' snake_case parameters (`radiusM` →
// `radius_m`); input structs go as `{ input }` with their Rust field names.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { isErrorCode, PlatformError, type Platform, type Position, type SyncState } from './index';

/** The event the shell's background sync emits (src-tauri/src/background.rs `EVENT`). */
export const SYNC_EVENT = 'sync-status';

/** Turns whatever a command rejected with into a `PlatformError`. */
export function toPlatformError(error: unknown): PlatformError {
  if (error instanceof PlatformError) return error;
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code, message } = error as { code: unknown; message?: unknown };
    if (isErrorCode(code)) return new PlatformError(code, typeof message === 'string' ? message : code);
  }
  // Not from the device API (e.g. an IPC failure): no stable code, report it as internal.
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  return new PlatformError('storage', message);
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toPlatformError(error);
  }
}

/** How long `locate` waits for a fix, and how old a cached fix may be. */
export const LOCATE_TIMEOUT_MS = 5000;
export const LOCATE_MAX_AGE_MS = 60_000;

/**
 * The phone's position from the webview's geolocation, or `null` when there is none:
 * unavailable, denied, or no fix within the timeout. Never rejects, so a save is never
 * held up by location.
 */
export function browserLocate(
  geolocation: Geolocation | undefined = globalThis.navigator?.geolocation,
): Promise<Position | null> {
  return new Promise((resolve) => {
    if (!geolocation) {
      resolve(null);
      return;
    }
    let done = false;
    const finish = (position: Position | null) => {
      if (done) return;
      done = true;
      clearTimeout(guard);
      resolve(position);
    };
    // Some webviews never call back when permission is pending: give up a bit later.
    const guard = setTimeout(() => finish(null), LOCATE_TIMEOUT_MS + 1000);
    try {
      geolocation.getCurrentPosition(
        ({ coords }) => {
          const valid = Number.isFinite(coords.latitude) && Number.isFinite(coords.longitude);
          const accuracy = Number.isFinite(coords.accuracy) && coords.accuracy > 0 ? coords.accuracy : null;
          finish(valid ? { lat: coords.latitude, lon: coords.longitude, accuracy_m: accuracy } : null);
        },
        () => finish(null),
        { enableHighAccuracy: true, timeout: LOCATE_TIMEOUT_MS, maximumAge: LOCATE_MAX_AGE_MS },
      );
    } catch {
      finish(null);
    }
  });
}

/**
 * Subscribes `listener` to the shell's sync state: the current state once (the
 * `sync_state` command), then every `sync-status` event until unsubscribed. Safe to
 * unsubscribe before the event subscription has been set up.
 */
function onSyncState(listener: (state: SyncState) => void): () => void {
  let active = true;
  let heard = false;
  let unlisten: UnlistenFn | null = null;
  listen<SyncState>(SYNC_EVENT, (event) => {
    if (!active) return;
    heard = true;
    listener(event.payload);
  }).then(
    (stop) => {
      if (active) unlisten = stop;
      else void stop();
    },
    // No event channel (should not happen inside the shell): the status line still shows
    // the unsynced count from `status`.
    () => undefined,
  );
  call<SyncState>('sync_state').then(
    // An event that arrived first is newer than this snapshot.
    (state) => {
      if (active && !heard) listener(state);
    },
    // Locked or not yet started: the next event brings the state.
    () => undefined,
  );
  return () => {
    active = false;
    const stop = unlisten;
    unlisten = null;
    if (stop) void stop();
  };
}

export function tauriPlatform(): Platform {
  return {
    session: () => call('session'),
    start: (input) => call('start', { input }),
    enroll: (input) => call('enroll', { input }),
    unlock: (passphrase) => call('unlock', { passphrase }),
    unlockState: () => call('unlock_state'),
    lock: () => call('lock'),
    status: () => call('status'),
    team: () => call('team'),
    teamSet: (input) => call('team_set', { input }),

    sync: () => call('sync'),
    onSyncState,

    personHome: (near, radiusM) =>
      call('person_home', { lat: near?.lat ?? null, lon: near?.lon ?? null, radiusM: radiusM ?? null }),
    personSearch: (query) => call('person_search', { query }),
    personShow: (id) => call('person_show', { id }),
    personList: () => call('person_list'),
    personAdd: (input) => call('person_add', { input }),
    personUpdate: (id, input) => call('person_update', { id, input }),
    noteAdd: (personId, text) => call('note_add', { person: personId, text }),
    notes: (personId) => call('notes', { person: personId }),
    encounterLog: (input) => call('encounter_log', { input }),
    encounterList: (personId) => call('encounter_list', { person: personId ?? null }),

    referralCheck: (input) => call('referral_check', { input }),
    referralCreate: (input) => call('referral_create', { input }),
    referralList: () => call('referral_list'),
    referralUpdate: (id, status) => call('referral_update', { id, status }),

    consentAdd: (input) => call('consent_add', { input }),
    consentRevoke: (id) => call('consent_revoke', { id }),
    consentList: (personId) => call('consent_list', { person: personId }),

    lookup: (query, reason) => call('lookup', { query, reason: reason ?? null }),

    auditLog: () => call('audit_log'),

    deviceList: () => call('device_list'),
    deviceInvite: (role, label) => call('device_invite', { role, label }),
    deviceRevoke: (deviceId) => call('device_revoke', { deviceId }),

    duplicateReview: () => call('duplicate_review'),
    notDuplicate: (a, b) => call('not_duplicate', { a, b }),
    personMerge: (keep, duplicate, take) => call('person_merge', { keep, duplicate, take: [...(take ?? [])] }),
    conferenceMark: (personId, on) => call('conference_mark', { person: personId, on }),
    conferenceMarked: () => call('conference_marked'),
    conferenceList: (parties) => call('conference_list', { parties: [...parties] }),
    followup: () => call('followup'),

    report: (from, to) => call('report', { from, to }),
    exportHmis: () => call('export_hmis'),
    exportCsv: (from, to) => call('export_csv', { from: from ?? null, to: to ?? null }),
    exportGeojson: (from, to, precision) =>
      call('export_geojson', { from: from ?? null, to: to ?? null, precision: precision ?? null }),
    exportSave: (folder) => call('export_save', { folder }),

    locate: () => browserLocate(),
  };
}
