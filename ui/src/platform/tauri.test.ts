// The Tauri platform against the shell's real command list: each method must invoke a
// command that src-tauri/build.rs grants and pass exactly the parameters that
// src-tauri/src/commands.rs declares (camelCase on this side), so a renamed command
// or parameter fails here instead of at run time on a phone.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import buildRs from '../../../src-tauri/build.rs?raw';
import capabilityJson from '../../../src-tauri/capabilities/default.json?raw';
import commandsRs from '../../../src-tauri/src/commands.rs?raw';
import { PlatformError, type Platform, type SyncState } from './index';
import { LOCATE_TIMEOUT_MS, SYNC_EVENT, browserLocate, tauriPlatform, toPlatformError } from './tauri';

/** The commands build.rs makes permissions for: its list of command names. */
function grantedCommands(): string[] {
  const list = /\[\s*(?:"[a-z_]+"\s*,?\s*)+\]/.exec(buildRs)?.[0] ?? '';
  return [...list.matchAll(/"([a-z_]+)"/g)].map((m) => m[1] ?? '');
}

/** The permissions the app's capability gives the webview. */
function capabilityPermissions(): string[] {
  return (JSON.parse(capabilityJson) as { permissions: string[] }).permissions;
}

/** Each `#[tauri::command]` of commands.rs with its IPC parameters (state and app handle aside). */
function declaredCommands(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of commandsRs.matchAll(/#\[tauri::command\]\s*pub async fn (\w+)\(([^)]*)\)/g)) {
    const params = [...(m[2] ?? '').matchAll(/(\w+)\s*:/g)].map((p) => p[1] ?? '');
    out.set(
      m[1] ?? '',
      params.filter((p) => p !== 'state' && p !== 'app'),
    );
  }
  return out;
}

/** Tauri's default mapping of a Rust parameter name to the JS argument key. */
function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

let calls: Call[] = [];
let answer: (cmd: string, args: Record<string, unknown>) => unknown = () => null;

beforeEach(() => {
  // @tauri-apps/api reads `window.__TAURI_INTERNALS__`; in node the global object stands in.
  vi.stubGlobal('window', globalThis);
  calls = [];
  answer = () => null;
  mockIPC(
    (cmd, args) => {
      calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
      return answer(cmd, (args ?? {}) as Record<string, unknown>);
    },
    { shouldMockEvents: true },
  );
});

afterEach(() => {
  clearMocks();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const person = { name: 'Rosa', aliases: ['Ro'] };
const encounter = { person: 'p-1', services: ['naloxone=2'], lat: 47.6, lon: -122.33 };
const referral = { pathway: 'social_contact', name: 'J', exclusions: ['under_18'] };
const first = { passphrase: 'pw pw', role: 'outreach' } as const;
const consent = { person: 'p-1', parties: ['law_enforcement'], expires: '2026-05-31', expiry_event: null };

/** Every Platform method (but `locate`), the command it must invoke and the arguments. */
const CASES: [keyof Platform, (p: Platform) => unknown, string, Record<string, unknown>][] = [
  ['session', (p) => p.session(), 'session', {}],
  ['start', (p) => p.start(first), 'start', { input: first }],
  [
    'enroll',
    (p) => p.enroll({ passphrase: 'pw pw', relay: 'https://r', code: 'a.b' }),
    'enroll',
    { input: { passphrase: 'pw pw', relay: 'https://r', code: 'a.b' } },
  ],
  ['unlock', (p) => p.unlock('secret words'), 'unlock', { passphrase: 'secret words' }],
  ['unlockState', (p) => p.unlockState(), 'unlock_state', {}],
  ['lock', (p) => p.lock(), 'lock', {}],
  ['status', (p) => p.status(), 'status', {}],
  ['team', (p) => p.team(), 'team', {}],
  ['teamSet', (p) => p.teamSet({ lock_minutes: 10 }), 'team_set', { input: { lock_minutes: 10 } }],
  ['sync', (p) => p.sync(), 'sync', {}],
  ['onSyncState', (p) => p.onSyncState(() => undefined)(), 'sync_state', {}],
  [
    'personHome',
    (p) => p.personHome({ lat: 47.6, lon: -122.33, accuracy_m: 9 }, 250),
    'person_home',
    { lat: 47.6, lon: -122.33, radiusM: 250 },
  ],
  ['personSearch', (p) => p.personSearch('ros'), 'person_search', { query: 'ros' }],
  ['personShow', (p) => p.personShow('p-1'), 'person_show', { id: 'p-1' }],
  ['personList', (p) => p.personList(), 'person_list', {}],
  ['personAdd', (p) => p.personAdd(person), 'person_add', { input: person }],
  ['personUpdate', (p) => p.personUpdate('p-1', person), 'person_update', { id: 'p-1', input: person }],
  ['noteAdd', (p) => p.noteAdd('p-1', 'text'), 'note_add', { person: 'p-1', text: 'text' }],
  ['notes', (p) => p.notes('p-1'), 'notes', { person: 'p-1' }],
  ['encounterLog', (p) => p.encounterLog(encounter), 'encounter_log', { input: encounter }],
  ['encounterList', (p) => p.encounterList('p-1'), 'encounter_list', { person: 'p-1' }],
  ['referralCheck', (p) => p.referralCheck(referral), 'referral_check', { input: referral }],
  ['referralCreate', (p) => p.referralCreate(referral), 'referral_create', { input: referral }],
  ['referralList', (p) => p.referralList(), 'referral_list', {}],
  [
    'referralUpdate',
    (p) => p.referralUpdate('r-1', 'contacted'),
    'referral_update',
    { id: 'r-1', status: 'contacted' },
  ],
  ['lookup', (p) => p.lookup('rosa', 'traffic stop'), 'lookup', { query: 'rosa', reason: 'traffic stop' }],
  ['consentAdd', (p) => p.consentAdd(consent), 'consent_add', { input: consent }],
  ['consentRevoke', (p) => p.consentRevoke('c-1'), 'consent_revoke', { id: 'c-1' }],
  ['consentList', (p) => p.consentList('p-1'), 'consent_list', { person: 'p-1' }],
  ['auditLog', (p) => p.auditLog(), 'audit_log', {}],
  ['deviceList', (p) => p.deviceList(), 'device_list', {}],
  [
    'deviceInvite',
    (p) => p.deviceInvite('officer', 'Officer Diaz'),
    'device_invite',
    { role: 'officer', label: 'Officer Diaz' },
  ],
  ['deviceRevoke', (p) => p.deviceRevoke('d-1'), 'device_revoke', { deviceId: 'd-1' }],
  ['duplicateReview', (p) => p.duplicateReview(), 'duplicate_review', {}],
  ['notDuplicate', (p) => p.notDuplicate('p-1', 'p-2'), 'not_duplicate', { a: 'p-1', b: 'p-2' }],
  [
    'personMerge',
    (p) => p.personMerge('p-1', 'p-2', ['name', 'dob']),
    'person_merge',
    { keep: 'p-1', duplicate: 'p-2', take: ['name', 'dob'] },
  ],
  ['conferenceMark', (p) => p.conferenceMark('p-1', true), 'conference_mark', { person: 'p-1', on: true }],
  ['conferenceMarked', (p) => p.conferenceMarked(), 'conference_marked', {}],
  [
    'conferenceList',
    (p) => p.conferenceList(['law_enforcement', 'prosecutor']),
    'conference_list',
    { parties: ['law_enforcement', 'prosecutor'] },
  ],
  ['followup', (p) => p.followup(), 'followup', {}],
  ['report', (p) => p.report('2026-02-01', '2026-02-28'), 'report', { from: '2026-02-01', to: '2026-02-28' }],
  ['exportHmis', (p) => p.exportHmis(), 'export_hmis', {}],
  [
    'exportCsv',
    (p) => p.exportCsv('2026-02-01', '2026-02-28'),
    'export_csv',
    { from: '2026-02-01', to: '2026-02-28' },
  ],
  [
    'exportGeojson',
    (p) => p.exportGeojson('2026-02-01', null, '100m'),
    'export_geojson',
    { from: '2026-02-01', to: null, precision: '100m' },
  ],
  ['exportSave', (p) => p.exportSave('/data/exports/x-hmis'), 'export_save', { folder: '/data/exports/x-hmis' }],
];

describe('tauriPlatform', () => {
  it('reads the same command list from build.rs and commands.rs', () => {
    const granted = grantedCommands();
    expect(granted.length).toBeGreaterThan(20);
    expect([...declaredCommands().keys()]).toEqual(granted);
  });

  it('calls each granted command with exactly its declared parameters', async () => {
    const declared = declaredCommands();
    const granted = grantedCommands();
    const platform = tauriPlatform();
    for (const [method, run, command, args] of CASES) {
      calls = [];
      await run(platform);
      await Promise.resolve();
      const call = calls.find((c) => c.cmd === command);
      expect(call, `${method} invokes ${command}`).toBeDefined();
      expect(granted, `${command} is granted in build.rs`).toContain(command);
      const keys = (declared.get(command) ?? []).map(camel).sort();
      expect(Object.keys(call?.args ?? {}).sort(), `${method}'s argument names`).toEqual(keys);
      expect(call?.args, `${method}'s arguments`).toEqual(args);
    }
    // Every method of the interface is covered (locate has no command), and every
    // granted command is used by some method.
    expect(Object.keys(platform).sort()).toEqual([...CASES.map((c) => c[0]), 'locate'].sort());
    expect(CASES.map((c) => c[2]).sort()).toEqual([...granted].sort());
  });

  it('may invoke every command it uses and listen to sync events (capabilities/default.json)', () => {
    const permissions = capabilityPermissions();
    for (const [, , command] of CASES) expect(permissions).toContain(`allow-${command.replace(/_/g, '-')}`);
    expect(permissions).toEqual(expect.arrayContaining(['core:event:allow-listen', 'core:event:allow-unlisten']));
  });

  it('passes absent optional arguments as null', async () => {
    const platform = tauriPlatform();
    await platform.personHome(null);
    await platform.encounterList();
    await platform.lookup('rosa');
    await platform.personMerge('p-1', 'p-2');
    await platform.exportCsv();
    await platform.exportGeojson();
    expect(calls).toEqual([
      { cmd: 'person_home', args: { lat: null, lon: null, radiusM: null } },
      { cmd: 'encounter_list', args: { person: null } },
      { cmd: 'lookup', args: { query: 'rosa', reason: null } },
      // No fields chosen: the kept record wins everything it has.
      { cmd: 'person_merge', args: { keep: 'p-1', duplicate: 'p-2', take: [] } },
      // No period: all time; no precision: the team's.
      { cmd: 'export_csv', args: { from: null, to: null } },
      { cmd: 'export_geojson', args: { from: null, to: null, precision: null } },
    ]);
  });

  it('rejects with the device error code', async () => {
    answer = (cmd) => {
      if (cmd === 'person_list') throw { code: 'locked', message: 'the app is locked' };
      throw new Error('ipc broke');
    };
    const platform = tauriPlatform();
    await expect(platform.personList()).rejects.toEqual(new PlatformError('locked', 'the app is locked'));
    await expect(platform.status()).rejects.toMatchObject({ code: 'storage', message: 'ipc broke' });
  });
});

describe('onSyncState', () => {
  const state = (pending: number): SyncState => ({
    syncing: false,
    online: true,
    last_sync: null,
    pending,
    error: null,
  });
  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };

  it('delivers the current state, then each sync-status event until unsubscribed', async () => {
    answer = (cmd) => (cmd === 'sync_state' ? state(4) : null);
    const seen: SyncState[] = [];
    const stop = tauriPlatform().onSyncState((s) => seen.push(s));
    await settle();
    expect(seen).toEqual([state(4)]);
    await emit(SYNC_EVENT, { ...state(0), syncing: true });
    expect(seen.at(-1)).toMatchObject({ syncing: true });
    stop();
    await emit(SYNC_EVENT, state(9));
    expect(seen).toHaveLength(2);
  });

  it('drops a snapshot older than an event, and unlistens when stopped early', async () => {
    let release: (s: SyncState) => void = () => undefined;
    answer = (cmd) => (cmd === 'sync_state' ? new Promise<SyncState>((r) => (release = r)) : null);
    const seen: SyncState[] = [];
    tauriPlatform().onSyncState((s) => seen.push(s));
    await settle();
    await emit(SYNC_EVENT, state(1));
    release(state(7));
    await settle();
    expect(seen).toEqual([state(1)]);

    type Internals = { __TAURI_EVENT_PLUGIN_INTERNALS__: { unregisterListener: () => void } };
    const internals = (globalThis as unknown as Internals).__TAURI_EVENT_PLUGIN_INTERNALS__;
    const unregister = vi.spyOn(internals, 'unregisterListener');
    const early: SyncState[] = [];
    // Unsubscribed before `listen` has answered: the listener is removed once it does.
    tauriPlatform().onSyncState((s) => early.push(s))();
    await settle();
    expect(unregister).toHaveBeenCalledTimes(1);
    await emit(SYNC_EVENT, state(2));
    expect(early).toEqual([]);
  });
});

describe('browserLocate', () => {
  const geo = (impl: Geolocation['getCurrentPosition']) => ({ getCurrentPosition: impl }) as unknown as Geolocation;

  it('answers the position, with a short timeout and a cached fix allowed', async () => {
    let options: PositionOptions | undefined;
    const found = await browserLocate(
      geo((ok, _error, o) => {
        options = o;
        ok({ coords: { latitude: 47.6, longitude: -122.33, accuracy: 14 } } as GeolocationPosition);
      }),
    );
    expect(found).toEqual({ lat: 47.6, lon: -122.33, accuracy_m: 14 });
    expect(options?.timeout).toBeLessThanOrEqual(5000);
    expect(options?.maximumAge).toBeGreaterThan(0);
  });

  it('answers null, never an error, when location is missing, denied, broken or silent', async () => {
    expect(await browserLocate(undefined)).toBeNull();
    expect(await browserLocate(geo((_ok, error) => error?.({ code: 1 } as GeolocationPositionError)))).toBeNull();
    expect(
      await browserLocate(
        geo(() => {
          throw new Error('insecure context');
        }),
      ),
    ).toBeNull();
    vi.useFakeTimers();
    const silent = browserLocate(geo(() => undefined));
    vi.advanceTimersByTime(LOCATE_TIMEOUT_MS + 1000);
    expect(await silent).toBeNull();
  });
});

describe('toPlatformError', () => {
  it('keeps stable codes from the device API', () => {
    const error = toPlatformError({ code: 'not_permitted', message: 'not permitted: search persons' });
    expect(error.code).toBe('not_permitted');
    expect(error.message).toBe('not permitted: search persons');
  });

  it('maps anything else to an internal failure with its text', () => {
    const error = toPlatformError('command lookup not found');
    expect(error).toMatchObject({ code: 'storage', message: 'command lookup not found' });
    expect(toPlatformError({ code: 'bogus' }).code).toBe('storage');
  });
});
