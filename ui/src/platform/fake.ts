// An in-memory, typed fake of the whole device API, for unit tests and the
// plain-browser mode (`npm run dev`, the browser tests). It follows the device's rules
// where the screens depend on them (crates/waymark-device/src/lib.rs, overview.rs):
// role checks (`not_permitted`), validation (`invalid`), `not_found`, merged persons
// resolving, the intake clock in the team's time zone, eligibility against the
// catchment polygon and the exclusion checklist, "not yet synced" marks that a
// successful `sync()` clears, nearby/recent home lists and duplicate offers, and the
// office's lists (office.rs, supervisor only): likely pairs (a simpler scoring than
// duplicates.rs that finds the demo's pairs), "not the same person" answers and merges
// with the reviewer's choices, conference marks kept on the person and the list for
// the parties present, follow-up. A referral past its intake deadline reads as
// `expired` (referral.rs `effective_status`), as on the device. Reports and exports
// (supervisor only) follow report.rs, export.rs and hmis.rs (fake-report.ts,
// fake-export.ts); an export answers with the files' text for the browser to
// download instead of writing files, and is audited like the device's.
//
// Session: the store opens with the passphrase `demo passphrase` (DEMO_PASSPHRASE)
// until a first run (`start`/`enroll`) sets another. Every data method rejects with
// `locked` until the session is unlocked. Wrong passphrases are counted like the
// device's unlock (unlock.rs): a growing lockout from the 5th on the fake's clock, and
// at the 10th the store is erased (the session is `new` again). The fake never syncs by itself: only
// `sync()` clears the marks, so screens and tests can see them.
//
// An officer's fake holds officer cards and the officer's own referrals only — never a
// case field — like the real officer device: the cards of persons it referred, and of
// persons whose consent covering law enforcement is in force (consent.rs). `switchRole`
// lets one fake play the team's phones in turn (as if each synced), so a consent
// recorded as outreach shows up in the officer's lookup.
//
// The audit trail (audit.rs): the fake appends to its device's hash-chained log what
// the device would — a lookup with its reason, a person page opened, a consent
// recorded or revoked, an enrollment, a sync that moved records — and `auditLog`
// (supervisor only) verifies every chain. The demo seed brings the team's history.
// Since one fake plays the team's phones, it holds every device's entries; a device
// sees another's only once they were synced (`sync`, `switchRole`). `tamperAudit` and
// `removeAudit` change the stored log behind the device's back, as someone editing the
// database would, so tests can see the log report it.
import {
  DEMO_PASSPHRASE,
  DEMO_RELAY,
  DEMO_TEAM_ID,
  DEVICES,
  USERS,
  demoAudit,
  demoTeam,
  demoWorld,
  officerView,
  type World,
} from './demo-seed';
import {
  appendAudit,
  auditViews,
  findAudit,
  rewriteReason,
  type AuditDraft,
  type AuditMatch,
  type AuditRec,
} from './fake-audit';
import {
  DEFAULT_NEARBY_M,
  ENCOUNTER_KINDS,
  HMIS_GENDER_CODES,
  HMIS_LIVING_SITUATION_CODES,
  HMIS_RACE_CODES,
  HOME_LIMIT,
  MAX_DESCRIPTION,
  MAX_DUPLICATES,
  MAX_ENCOUNTER_NOTE,
  MAX_NAME,
  MAX_NARRATIVE,
  MAX_NEARBY_M,
  MAX_NOTE,
  MAX_REASON,
  MAX_RESULTS,
  MAX_SERVICE_COUNT,
  MIN_PASSPHRASE,
  OFFER_THRESHOLD,
  OPEN_STATUSES,
  PATHWAYS,
  REFERRAL_STATUSES,
  WIPED_MESSAGE,
  WIPE_AFTER,
  addLocalDays,
  assess,
  checkInviteCode,
  checkLen,
  checkLocation,
  checkPhone,
  cleanAliases,
  coarsen,
  displayName,
  distanceM,
  duplicateScore,
  effectiveStatus,
  mergeInto,
  fail,
  generator,
  hmisCodes,
  hmisSex,
  knownZone,
  localDate,
  lockedOutMessage,
  lockoutLeftMs,
  lockoutMs,
  newConsent,
  nonBlank,
  normalize,
  officerSharing,
  offsetMs,
  parseDob,
  parseId,
  parseLocalTime,
  parseWorkerStatus,
  consentInForce,
  sharingInForce,
  stamp,
  wholeDays,
  uuidFrom,
  withOffset,
  wrongPassphraseMessage,
  type CardRec,
  type ConsentRec,
  type EncounterRec,
  type NoteRec,
  type PersonRec,
  type ReferralRec,
  type TeamRec,
} from './fake-rules';
import { daysLeft } from '../lib/time';
import {
  buildHmis,
  contactRows,
  CONTACTS_HEADER,
  CSV_VERSION,
  csvText,
  effectivePrecision,
  geojson,
  parseExportPeriod,
  parsePrecision,
  SERVICES_HEADER,
  type HmisPerson,
} from './fake-export';
import { FakeDevices, demoDevices } from './fake-devices';
import { computeReport, parsePeriod } from './fake-report';
import { MERGE_FIELDS, PARTIES } from './index';
import type {
  AuditView,
  CardShow,
  CardView,
  CaseNote,
  ConferenceRow,
  ConferenceView,
  Consent,
  ConsentInput,
  ConsentRevoked,
  CsvExportView,
  DeviceView,
  DuplicatePair,
  DuplicateSide,
  EncounterInput,
  EncounterView,
  EnrollInput,
  ExportResult,
  FollowupView,
  GeojsonExportView,
  HmisExportView,
  HomeView,
  IdView,
  InviteView,
  InactiveRow,
  MarkView,
  MergeField,
  MergeView,
  Party,
  PersonAdded,
  PersonInput,
  PersonSeen,
  PersonShow,
  PersonStatus,
  PersonView,
  Platform,
  Position,
  Precision,
  ReferralCheck,
  ReferralCreated,
  ReferralInput,
  ReferralStatus,
  ReferralView,
  ReportView,
  RevokeView,
  SavedCopy,
  Role,
  SessionView,
  StartInput,
  StatusView,
  SyncState,
  SyncView,
  TeamInput,
  TeamView,
  UnlockState,
} from './index';

export { DEMO_PASSPHRASE } from './demo-seed';

export type Phase = SessionView['phase'];

/** Where the fake's exports go: the browser's downloads (the device names a folder). */
const DOWNLOAD = 'browser download';
const CSV_TYPE = 'text/csv';
/** The GeoJSON file's name (the app's, src-tauri/src/exports.rs `GEOJSON_FILE`). */
const GEOJSON_FILE = 'contacts.geojson';

/** The most pairs the duplicate review lists at once (office.rs `MAX_PAIRS`). */
const MAX_PAIRS = 100;
export type Seed = 'demo' | 'empty';

export interface FakeOptions {
  role?: Role;
  /** Where the session starts: first run, locked, or unlocked (default). */
  phase?: Phase;
  /** The clock; defaults to the system time. */
  now?: () => Date;
  /** When false, `sync` fails with `relay_unreachable` (default true). */
  online?: boolean;
  /** `demo` (default): the demo team's sample data; `empty`: the team with no records. */
  seed?: Seed;
  /** What `locate()` answers (default null: no location). */
  position?: Position | null;
}

/** Everything the fake holds, for tests and `window.__waymark` inspection. */
export interface FakeDump {
  team: TeamRec;
  persons: PersonRec[];
  cards: CardRec[];
  encounters: EncounterRec[];
  notes: NoteRec[];
  referrals: ReferralRec[];
  consents: ConsentRec[];
}

type Action =
  | 'lookup'
  | 'create_referral'
  | 'view_own_referrals'
  | 'view_case'
  | 'create_person'
  | 'update_person'
  | 'log_encounter'
  | 'add_note'
  | 'update_referral'
  | 'manage_consent'
  | 'read_audit'
  | 'merge_persons'
  | 'report'
  | 'export'
  | 'admin_devices'
  | 'team_settings';

const OFFICER_ACTIONS: readonly Action[] = ['lookup', 'create_referral', 'view_own_referrals'];

/** One microtask: every call is asynchronous like IPC, with no timer to wait for. */
function tick(): Promise<void> {
  return Promise.resolve();
}

export class FakePlatform implements Platform {
  /** When false, `sync` fails with `relay_unreachable`; tests may flip it. */
  online: boolean;
  /** What `locate()` answers; tests may change it. */
  position: Position | null;
  private roleNow: Role;
  private phaseNow: Phase;
  private readonly clock: () => Date;
  private readonly seed: Seed;
  private passphrase = DEMO_PASSPHRASE;
  /** Wrong passphrases in a row, and when the lockout ends (ms), as unlock.json holds them. */
  private failures = 0;
  private lockedUntil: number | null = null;
  private relay: string | null;
  private lastSync: string | null;
  private userName: string | null;
  private userPhone: string | null;
  private settings: TeamRec = demoTeam();
  private persons = new Map<string, PersonRec>();
  private cards = new Map<string, CardRec>();
  private encounters = new Map<string, EncounterRec>();
  private notesById = new Map<string, NoteRec>();
  private referrals = new Map<string, ReferralRec>();
  private consents = new Map<string, ConsentRec>();
  /** The team's devices as the relay lists them, and the team's key epoch. */
  private registry: FakeDevices = new FakeDevices([]);
  /** Every device's audit entries (the fake plays the team's phones). */
  private audit: AuditRec[] = [];
  /** The team's case records while this fake plays an officer's device (`switchRole`). */
  private teamCase: World | null = null;
  private readonly listeners = new Set<(state: SyncState) => void>();
  private syncState: SyncState;
  private readonly random = generator(0x5eed);
  /** Insertion order, so records made at the same (fixed) time still sort newest first. */
  private readonly order = new Map<string, number>();
  private sequence = 0;

  constructor(options: FakeOptions = {}) {
    this.roleNow = options.role ?? 'outreach';
    this.phaseNow = options.phase ?? 'unlocked';
    this.clock = options.now ?? (() => new Date());
    this.online = options.online ?? true;
    this.seed = options.seed ?? 'demo';
    this.position = options.position ?? null;
    const now = this.clock();
    // A device that has not had its first run has no relay and has never synced.
    const enrolled = this.phaseNow !== 'new';
    this.relay = enrolled ? DEMO_RELAY : null;
    this.lastSync = enrolled && this.seed === 'demo' ? stamp(new Date(now.getTime() - 2 * 3_600_000)) : null;
    this.userName = USERS[this.roleNow].name;
    this.userPhone = USERS[this.roleNow].phone;
    this.load(now);
    this.syncState = { syncing: false, online: null, last_sync: this.lastSync, pending: this.pending(), error: null };
  }

  /** The device's role (changes only at first run). */
  get role(): Role {
    return this.roleNow;
  }

  get phase(): Phase {
    return this.phaseNow;
  }

  get deviceId(): string {
    return DEVICES[this.roleNow];
  }

  /** Fills the store for the current role from the seed. */
  private load(now: Date): void {
    this.settings = demoTeam();
    this.clearRecords();
    this.teamCase = null;
    this.audit = [];
    this.registry = new FakeDevices(demoDevices(now));
    if (this.seed !== 'demo') return;
    const world = demoWorld(now, this.settings);
    this.audit = demoAudit(now, world);
    this.hold(world, now);
  }

  private clearRecords(): void {
    const maps = [this.persons, this.cards, this.encounters, this.notesById, this.referrals, this.consents];
    for (const map of maps) map.clear();
  }

  /** Holds what this device's role may hold of the team's case records `world`. */
  private hold(world: World, now: Date): void {
    if (this.roleNow === 'officer') {
      const held = officerView(world, this.deviceId, now);
      for (const c of held.cards) this.remember(this.cards, c.person_id, c);
      for (const r of held.referrals) this.remember(this.referrals, r.id, r);
      return;
    }
    for (const p of world.persons) this.remember(this.persons, p.id, p);
    for (const e of world.encounters) this.remember(this.encounters, e.id, e);
    for (const n of world.notes) this.remember(this.notesById, n.id, n);
    for (const r of world.referrals) this.remember(this.referrals, r.id, r);
    for (const c of world.consents) this.remember(this.consents, c.id, c);
  }

  /**
   * Becomes the team's device of `role` (a demo and test hook: one fake plays the team's
   * phones in turn), as if this device synced and then the other one did: the marks of
   * unsynced changes are cleared; a case role holds the team's case records; an
   * officer's device holds only what the relay would send it at the fake's time — the
   * cards of persons it referred or whose law-enforcement consent is in force, and its
   * own referrals. The screens see the new role at their next session read (lock and
   * unlock).
   */
  switchRole(role: Role): void {
    if (role === this.roleNow) return;
    const now = this.now();
    let world: World;
    if (this.caseRole) {
      world = structuredClone({
        persons: [...this.persons.values()],
        encounters: [...this.encounters.values()],
        notes: [...this.notesById.values()],
        referrals: [...this.referrals.values()],
        consents: [...this.consents.values()],
      });
    } else {
      world = this.teamCase ?? (this.seed === 'demo' ? demoWorld(now, this.settings) : emptyWorld());
      // The officer's referrals reach the case devices (a new person as the referral's stub).
      const known = new Set(world.referrals.map((r) => r.id));
      for (const r of this.referrals.values()) if (!known.has(r.id)) world.referrals.push(structuredClone(r));
    }
    for (const record of [...world.persons, ...world.encounters, ...world.notes, ...world.referrals]) {
      record.pending = false;
    }
    this.clearRecords();
    // Both devices synced: every audit entry so far is on the relay.
    for (const entry of this.audit) entry.synced = true;
    this.roleNow = role;
    this.userName = USERS[role].name;
    this.userPhone = USERS[role].phone;
    this.teamCase = role === 'officer' ? world : null;
    this.hold(world, now);
    if (this.relay !== null) this.lastSync = stamp(now);
    this.emit({ pending: this.pending(), last_sync: this.lastSync, error: null });
  }

  private now(): Date {
    return this.clock();
  }

  private newId(): string {
    return uuidFrom(this.random);
  }

  private remember<T>(map: Map<string, T>, id: string, record: T): void {
    map.set(id, record);
    this.order.set(id, this.sequence++);
  }

  /** Newer first: by time, then by insertion. */
  private newest(a: { id: string; at: string }, b: { id: string; at: string }): number {
    const byTime = Date.parse(b.at) - Date.parse(a.at);
    return byTime || (this.order.get(b.id) ?? 0) - (this.order.get(a.id) ?? 0);
  }

  // --- Guards -------------------------------------------------------------------------

  private async open(): Promise<void> {
    await tick();
    if (this.phaseNow !== 'unlocked') fail('locked', 'the app is locked: unlock it with the passphrase');
  }

  private require(action: Action, what: string): void {
    // Only a supervisor reads the audit log, merges (the office's lists), runs reports
    // and exports; outreach may do every other action in this list, an officer only
    // the officer's three.
    const may =
      action === 'read_audit' ||
      action === 'merge_persons' ||
      action === 'report' ||
      action === 'export' ||
      action === 'admin_devices' ||
      action === 'team_settings'
        ? this.roleNow === 'supervisor'
        : this.roleNow !== 'officer' || OFFICER_ACTIONS.includes(action);
    if (!may) fail('not_permitted', `not permitted: a device with the ${this.roleNow} role cannot ${what}`);
  }

  private get caseRole(): boolean {
    return this.roleNow !== 'officer';
  }

  // --- Persons and cards ------------------------------------------------------------

  /** The end of a person's `merged_into` chain (the id itself when not merged). */
  private resolve(id: string): string {
    let current = id;
    for (let i = 0; i < 32; i++) {
      const next = this.caseRole ? this.persons.get(current)?.merged_into : this.cards.get(current)?.merged_into;
      if (!next) return current;
      current = next;
    }
    return current;
  }

  /** `existing_person`: the id a person resolves to, or `not_found`. */
  private existing(id: string): PersonRec {
    const kept = this.resolve(id);
    const person = this.persons.get(kept);
    if (!person) fail('not_found', `person ${kept} not found`);
    return person;
  }

  private personView(p: PersonRec, resolvedFrom?: string): PersonView {
    const view: PersonView = {
      id: p.id,
      name: p.name,
      display_name: displayName(p.name, p.aliases),
      aliases: [...p.aliases],
      dob: p.dob,
      description: p.description,
      status: p.status,
      case_manager: p.case_manager,
      case_manager_phone: p.case_manager_phone,
      gender: [...p.gender],
      race_ethnicity: [...p.race_ethnicity],
      sex: p.sex,
      merged_into: p.merged_into,
      created_at: p.created_at,
      updated_at: p.updated_at,
      conflicts: structuredClone(p.conflicts),
      pending_sync: p.pending,
    };
    if (resolvedFrom) view.resolved_from = resolvedFrom;
    return view;
  }

  /** The officer card of a person: on a case device it follows the profile. */
  private cardOf(p: PersonRec): CardRec {
    return {
      person_id: p.id,
      display_name: displayName(p.name, p.aliases),
      status: p.status,
      case_manager: p.case_manager,
      case_manager_phone: p.case_manager_phone,
      updated_at: p.updated_at,
      merged_into: p.merged_into,
      referred_by: null,
      // A merged duplicate shares nothing of its own: its consents speak for the kept person.
      shared_with_officers_until: p.merged_into ? null : officerSharing(this.consentsOf(p.id), this.now()),
      pending: p.pending,
    };
  }

  /** A person's consents, with those of persons merged into them, oldest first (`gather`). */
  private consentsOf(personId: string): ConsentRec[] {
    return [...this.consents.values()]
      .filter((c) => this.resolve(c.person_id) === personId)
      .sort((a, b) => Date.parse(a.signed_at) - Date.parse(b.signed_at));
  }

  /** The cards this device holds. */
  private allCards(): CardRec[] {
    return this.caseRole ? [...this.persons.values()].map((p) => this.cardOf(p)) : [...this.cards.values()];
  }

  private cardView(c: CardRec): CardView {
    return {
      person_id: c.person_id,
      display_name: c.display_name,
      status: c.status,
      case_manager: c.case_manager,
      case_manager_phone: c.case_manager_phone,
      updated_at: c.updated_at,
    };
  }

  /** Roster order: most recently updated first. */
  private roster(): PersonRec[] {
    return [...this.persons.values()]
      .filter((p) => !p.merged_into)
      .sort((a, b) => this.newest({ id: a.id, at: a.updated_at }, { id: b.id, at: b.updated_at }));
  }

  private today(): string {
    return localDate(this.now(), this.settings.time_zone);
  }

  // --- Session --------------------------------------------------------------------

  async session(): Promise<SessionView> {
    await tick();
    return { phase: this.phaseNow, status: this.phaseNow === 'unlocked' ? this.statusView() : null, demo: true };
  }

  async start(input: StartInput): Promise<StatusView> {
    await tick();
    if (this.phaseNow !== 'new') fail('already_initialized', 'this device already has a store');
    const role = input.role as string;
    if (role !== 'officer' && role !== 'outreach' && role !== 'supervisor') {
      fail('invalid', `role "${role}" is not valid: expected officer, outreach, supervisor`);
    }
    const teamName = input.team_name == null ? null : input.team_name.trim();
    if (teamName === '') fail('invalid', 'team name must not be empty');
    const phone = input.user_phone ?? null;
    if (phone !== null) checkPhone(phone);
    this.checkNewPassphrase(input.passphrase);
    this.passphrase = input.passphrase;
    this.roleNow = role;
    this.userName = input.user_name ?? null;
    this.userPhone = phone;
    this.relay = null;
    this.load(this.now());
    if (teamName) this.settings.name = teamName;
    this.audited({ action: 'enroll', record: DEMO_TEAM_ID, detail: { standalone: true } });
    this.phaseNow = 'unlocked';
    this.syncState = { syncing: false, online: null, last_sync: null, pending: this.pending(), error: null };
    return this.statusView();
  }

  async enroll(input: EnrollInput): Promise<StatusView> {
    await tick();
    checkInviteCode(input.code);
    if (this.phaseNow !== 'new') fail('already_initialized', 'this device already has a store');
    this.checkNewPassphrase(input.passphrase);
    const relay = input.relay.trim();
    if (!/^https?:\/\/[^\s/]+/i.test(relay)) {
      fail('invalid', `relay address "${input.relay}" is not valid: expected http:// or https://`);
    }
    // As the device: a given certificate must be PEM, and only for an https:// relay.
    const ca = input.ca_cert?.trim();
    if (ca) {
      if (!/^https:\/\//i.test(relay)) fail('invalid', 'a relay certificate needs an https:// relay address');
      if (!/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(ca)) {
        fail('invalid', 'the relay certificate is not a PEM certificate (-----BEGIN CERTIFICATE-----)');
      }
    }
    this.passphrase = input.passphrase;
    this.relay = relay.replace(/\/+$/, '');
    this.audited({ action: 'enroll', record: DEMO_TEAM_ID, detail: { relay: this.relay, key_epoch: 1 } });
    this.phaseNow = 'unlocked';
    this.syncState = { ...this.syncState, pending: this.pending() };
    return this.statusView();
  }

  private checkNewPassphrase(passphrase: string): void {
    if ([...passphrase].length < MIN_PASSPHRASE) {
      fail('invalid', `the passphrase is too short: at least ${MIN_PASSPHRASE} characters`);
    }
  }

  async unlock(passphrase: string): Promise<StatusView> {
    await tick();
    if (this.phaseNow === 'new') fail('not_initialized', 'no store yet: start or enroll first');
    const now = this.now().getTime();
    const wait = lockoutLeftMs(this.failures, this.lockedUntil, now);
    // During a lockout the passphrase is not even tried.
    if (wait > 0) fail('locked_out', lockedOutMessage(this.failures, Math.ceil(wait / 1000)));
    if (passphrase !== this.passphrase) {
      this.failures += 1;
      const period = lockoutMs(this.failures);
      this.lockedUntil = period > 0 ? now + period : null;
      if (this.failures >= WIPE_AFTER) {
        this.erase();
        fail('wiped', WIPED_MESSAGE);
      }
      fail('wrong_passphrase', wrongPassphraseMessage(this.failures));
    }
    this.failures = 0;
    this.lockedUntil = null;
    this.phaseNow = 'unlocked';
    return this.statusView();
  }

  async unlockState(): Promise<UnlockState> {
    await tick();
    const now = this.now().getTime();
    const wait = lockoutLeftMs(this.failures, this.lockedUntil, now);
    return {
      failures: this.failures,
      attempts_left: Math.max(WIPE_AFTER - this.failures, 0),
      locked_until: wait > 0 ? stamp(new Date(now + wait)) : null,
      wait_seconds: Math.ceil(wait / 1000),
    };
  }

  /** The keys destroyed: nothing is left, and the device needs a first run again. */
  private erase(): void {
    this.clearRecords();
    this.audit = [];
    this.teamCase = null;
    this.passphrase = DEMO_PASSPHRASE;
    this.failures = 0;
    this.lockedUntil = null;
    this.relay = null;
    this.lastSync = null;
    this.phaseNow = 'new';
    this.syncState = { syncing: false, online: null, last_sync: null, pending: 0, error: null };
  }

  async lock(): Promise<void> {
    await tick();
    if (this.phaseNow === 'unlocked') this.phaseNow = 'locked';
  }

  async status(): Promise<StatusView> {
    await this.open();
    return this.statusView();
  }

  private statusView(): StatusView {
    return {
      device_id: this.deviceId,
      role: this.roleNow,
      team_name: this.settings.name,
      user_name: this.userName,
      relay: this.relay,
      last_sync: this.lastSync,
      pending: this.pending(),
    };
  }

  async team(): Promise<TeamView> {
    await this.open();
    return structuredClone(this.settings);
  }

  /** `Device::team_set` for the settings the app edits (not the lists or the area). */
  async teamSet(input: TeamInput): Promise<TeamView> {
    await this.open();
    this.require('team_settings', 'change team settings');
    const next = structuredClone(this.settings);
    const within = (value: number, low: number, high: number) => Number.isInteger(value) && value >= low && value <= high;
    if (input.name != null) {
      const name = input.name.trim();
      if (!name) fail('invalid', 'team name must not be empty');
      next.name = name;
    }
    if (input.intake_days != null) {
      const d = input.intake_days;
      if (!within(d, 7, 30)) fail('invalid', `intake window of ${d} days is not allowed: it must be between 7 and 30 days`);
      next.intake_days = d;
    }
    if (input.time_zone != null) {
      if (!knownZone(input.time_zone)) {
        fail('invalid', `unknown time zone "${input.time_zone}": use an IANA name such as America/Los_Angeles`);
      }
      next.time_zone = input.time_zone;
    }
    if (input.location_precision != null) next.location_precision = parsePrecision(input.location_precision);
    if (input.lock_minutes != null) {
      const m = input.lock_minutes;
      if (!within(m, 1, 30)) fail('invalid', `idle lock of ${m} minutes is not allowed: it must be between 1 and 30 minutes`);
      next.lock_minutes = m;
    }
    if (input.export_precision != null) next.export_precision = parsePrecision(input.export_precision);
    if (input.hmis_without_consent != null) {
      const p = input.hmis_without_consent;
      if (p !== 'exclude' && p !== 'deidentify') {
        fail('invalid', `unknown HMIS policy for persons without consent "${p}": expected one of exclude, deidentify`);
      }
      next.hmis_without_consent = p;
    }
    if (input.inactive_days != null) {
      const d = input.inactive_days;
      if (!within(d, 14, 365)) {
        fail('invalid', `${d} days without contact is not allowed: it must be between 14 and 365 days`);
      }
      next.inactive_days = d;
    }
    const lists = [input.catchment_geojson, input.exclusions, input.remove_exclusions, input.services];
    if (lists.some((x) => x != null && (!Array.isArray(x) || x.length > 0))) {
      fail('invalid', 'the fake edits the settings the app shows, not the catchment area or the lists');
    }
    this.settings = next;
    return structuredClone(next);
  }

  // --- Sync -----------------------------------------------------------------------

  /** Local changes not yet on the relay. */
  pending(): number {
    const all = [
      ...this.persons.values(),
      ...this.cards.values(),
      ...this.encounters.values(),
      ...this.notesById.values(),
      ...this.referrals.values(),
    ];
    return all.filter((x) => x.pending).length;
  }

  private emit(change: Partial<SyncState>): void {
    this.syncState = { ...this.syncState, ...change };
    const state = { ...this.syncState };
    for (const listener of [...this.listeners]) listener(state);
  }

  /** After a local write: the count of unsynced changes moved. */
  private changed(): void {
    this.emit({ pending: this.pending() });
  }

  async sync(): Promise<SyncView> {
    await this.open();
    if (this.relay === null) {
      this.emit({ online: null, pending: this.pending() });
      fail('not_enrolled', 'this device is not enrolled with a relay');
    }
    this.emit({ syncing: true });
    await tick();
    if (!this.online) {
      const message = `relay unreachable: ${this.relay} (offline)`;
      const error = { code: 'relay_unreachable' as const, message };
      this.emit({ syncing: false, online: false, pending: this.pending(), error });
      fail('relay_unreachable', message);
    }
    const pushed = this.pending();
    const maps = [this.persons, this.cards, this.encounters, this.notesById, this.referrals];
    let documents = 0;
    for (const map of maps) {
      for (const record of map.values()) {
        record.pending = false;
        documents++;
      }
    }
    // An officer's device then drops the cards it may no longer hold: it did not refer
    // the person and no law-enforcement consent is in force (`apply_consent_expiry`).
    let purged = 0;
    if (!this.caseRole) {
      const now = this.now();
      for (const c of [...this.cards.values()]) {
        if (c.referred_by !== this.deviceId && !sharingInForce(c.shared_with_officers_until, now)) {
          this.cards.delete(c.person_id);
          purged++;
        }
      }
    }
    // This device's audit entries go out too; a sync that moved records is recorded,
    // and that entry goes out with the next sync.
    const ownAudit = this.audit.filter((e) => e.device_id === this.deviceId && !e.synced);
    for (const entry of ownAudit) entry.synced = true;
    if (pushed + purged > 0) {
      this.audited({ action: 'sync', record: this.relay, detail: { pushed, pulled: 0, purged } });
    }
    this.lastSync = stamp(this.now());
    this.emit({ syncing: false, online: true, last_sync: this.lastSync, pending: 0, error: null });
    return {
      pushed,
      pulled: 0,
      documents,
      pending: 0,
      purged,
      unreadable: 0,
      audit_pushed: ownAudit.length,
      key_epoch: 1,
      waiting_for_keys: false,
    };
  }

  onSyncState(listener: (state: SyncState) => void): () => void {
    let active = true;
    const wrapped = (state: SyncState) => {
      if (active) listener(state);
    };
    this.listeners.add(wrapped);
    // The current state once, asynchronously, like the shell's `sync_state`.
    void tick().then(() => wrapped({ ...this.syncState, pending: this.pending(), last_sync: this.lastSync }));
    return () => {
      active = false;
      this.listeners.delete(wrapped);
    };
  }

  // --- Outreach and office --------------------------------------------------------

  async personHome(near: Position | null, radiusM?: number | null): Promise<HomeView> {
    await this.open();
    this.require('view_case', 'list persons (use lookup)');
    const radius = radiusM ?? DEFAULT_NEARBY_M;
    if (!Number.isFinite(radius) || radius <= 0 || radius > MAX_NEARBY_M) {
      fail('invalid', `nearby radius ${radius} is not valid: metres, more than 0 and at most ${MAX_NEARBY_M}`);
    }
    const here = near ? checkLocation(near.lat, near.lon, null) : null;
    interface Seen {
      at: number;
      place: { lat: number; lon: number } | null;
      placeAt: number;
      contacts: number;
    }
    const seen = new Map<string, Seen>();
    for (const e of this.encounters.values()) {
      if (!e.person_id) continue;
      const id = this.resolve(e.person_id);
      const at = Date.parse(e.at_utc);
      const s = seen.get(id) ?? { at, place: null, placeAt: -Infinity, contacts: 0 };
      s.contacts += 1;
      s.at = Math.max(s.at, at);
      if (e.lat !== null && e.lon !== null && s.placeAt < at) {
        s.place = { lat: e.lat, lon: e.lon };
        s.placeAt = at;
      }
      seen.set(id, s);
    }
    const all: PersonSeen[] = this.roster().map((p) => {
      const s = seen.get(p.id);
      const place = s?.place ?? null;
      return {
        person: this.personView(p),
        last_seen_at: s ? stamp(new Date(s.at)) : null,
        last_seen_lat: place?.lat ?? null,
        last_seen_lon: place?.lon ?? null,
        distance_m: here && place ? distanceM(here, place) : null,
        contacts: s?.contacts ?? 0,
      };
    });
    const nearby = all
      .filter((p) => p.distance_m !== null && p.distance_m <= radius)
      .sort((a, b) => (a.distance_m ?? Infinity) - (b.distance_m ?? Infinity))
      .slice(0, HOME_LIMIT);
    const recent = [...all]
      .sort((a, b) => {
        const seenA = a.last_seen_at === null ? -Infinity : Date.parse(a.last_seen_at);
        const seenB = b.last_seen_at === null ? -Infinity : Date.parse(b.last_seen_at);
        if (seenA !== seenB) return seenB > seenA ? 1 : -1;
        return Date.parse(b.person.created_at) - Date.parse(a.person.created_at);
      })
      .slice(0, HOME_LIMIT);
    return { nearby, recent, radius_m: radius };
  }

  async personSearch(query: string): Promise<PersonView[]> {
    await this.open();
    this.require('view_case', 'search persons (use lookup)');
    const needle = normalize(query);
    if (!needle) fail('invalid', 'search query must not be empty');
    // As the device (store `search_persons`): name/alias matches first, then
    // descriptions containing the phrase as typed (ignoring case).
    const phrase = query.trim().toLowerCase();
    const byName = (p: { name: string | null; aliases: string[] }) =>
      [p.name, ...p.aliases].some((n) => n !== null && normalize(n).includes(needle));
    const roster = this.roster();
    const named = roster.filter(byName);
    const described = roster.filter((p) => !byName(p) && (p.description ?? '').toLowerCase().includes(phrase));
    return [...named, ...described].slice(0, MAX_RESULTS).map((p) => this.personView(p));
  }

  async personShow(id: string): Promise<PersonShow> {
    await this.open();
    const asked = parseId('person', id);
    const kept = this.resolve(asked);
    // A person page opened is on the record (with the id asked for, when merged away).
    const viewed = () => this.audited({ action: 'person_view', record: kept, detail: kept !== asked ? { asked } : {} });
    if (!this.caseRole) {
      const card = this.cards.get(kept);
      if (!card) fail('not_permitted', `not permitted: person ${asked} is not among this officer device's cards`);
      const show: CardShow = { id: card.person_id, ...this.cardView(card) };
      viewed();
      return show;
    }
    const person = this.persons.get(kept);
    if (!person) fail('not_found', `person ${kept} not found`);
    viewed();
    return this.personView(person, kept !== asked ? asked : undefined);
  }

  async personList(): Promise<PersonView[]> {
    await this.open();
    this.require('view_case', 'list persons (use lookup)');
    return this.roster().map((p) => this.personView(p));
  }

  async personAdd(input: PersonInput): Promise<PersonAdded> {
    await this.open();
    this.require('create_person', 'add persons');
    const fields = this.newPerson(input.name, input.aliases, input.description, input.dob);
    const status = parseWorkerStatus(input.status) ?? 'active';
    const { manager, phone } = this.manager(input.case_manager, input.case_manager_phone);
    const gender = hmisCodes('gender', HMIS_GENDER_CODES, input.gender);
    const race = hmisCodes('race and ethnicity', HMIS_RACE_CODES, input.race_ethnicity);
    const sex = hmisSex(input.sex);
    const possible_duplicates = this.roster()
      .map((p) => ({ p, score: duplicateScore(fields, p) }))
      .filter((d) => d.score >= OFFER_THRESHOLD)
      .sort((a, b) => b.score - a.score)
      .slice(0, MAX_DUPLICATES)
      .map(({ p, score }) => ({
        id: p.id,
        score: Math.round(score * 1000) / 1000,
        display_name: displayName(p.name, p.aliases),
      }));
    const at = stamp(this.now());
    const person: PersonRec = {
      id: this.newId(),
      ...fields,
      status,
      case_manager: manager,
      case_manager_phone: phone,
      gender,
      race_ethnicity: race,
      sex,
      merged_into: null,
      created_at: at,
      updated_at: at,
      conflicts: {},
      pending: true,
    };
    this.remember(this.persons, person.id, person);
    this.changed();
    return { id: person.id, possible_duplicates };
  }

  /** person.rs `NewPerson::parse`: a name, an alias or a description, within limits. */
  private newPerson(
    rawName: string | null | undefined,
    rawAliases: readonly string[] | undefined,
    rawDescription: string | null | undefined,
    rawDob: string | null | undefined,
  ): { name: string | null; aliases: string[]; description: string | null; dob: string | null } {
    const name = nonBlank(rawName);
    if (name) checkLen('name', name, MAX_NAME);
    const aliases = cleanAliases(rawAliases);
    const description = nonBlank(rawDescription);
    if (description) checkLen('description', description, MAX_DESCRIPTION);
    if (!name && aliases.length === 0 && !description) {
      fail('invalid', 'a person needs a name, an alias or a description');
    }
    const dobText = nonBlank(rawDob);
    const dob = dobText ? parseDob(dobText, this.today()) : null;
    return { name, aliases, description, dob };
  }

  private manager(
    rawManager: string | null | undefined,
    rawPhone: string | null | undefined,
  ): { manager: string | null; phone: string | null } {
    const manager = nonBlank(rawManager);
    if (manager) checkLen('case manager', manager, MAX_NAME);
    const phone = nonBlank(rawPhone);
    if (phone) checkPhone(phone);
    return { manager, phone };
  }

  async personUpdate(id: string, input: PersonInput): Promise<PersonView> {
    await this.open();
    this.require('update_person', 'change persons');
    const asked = parseId('person', id);
    const name = nonBlank(input.name);
    if (name) checkLen('name', name, MAX_NAME);
    const description = nonBlank(input.description);
    if (description) checkLen('description', description, MAX_DESCRIPTION);
    const dobText = nonBlank(input.dob);
    const dob = dobText ? parseDob(dobText, this.today()) : null;
    const status = parseWorkerStatus(input.status);
    const { manager, phone } = this.manager(input.case_manager, input.case_manager_phone);
    const aliases = cleanAliases(input.aliases);
    const gender = input.gender?.length ? hmisCodes('gender', HMIS_GENDER_CODES, input.gender) : null;
    const race = input.race_ethnicity?.length
      ? hmisCodes('race and ethnicity', HMIS_RACE_CODES, input.race_ethnicity)
      : null;
    const sex = hmisSex(input.sex);
    const given = [name, description, dob, status, manager, phone, gender, race, sex].some((v) => v !== null);
    if (!given && !aliases.length) fail('invalid', 'the update (give at least one field to change) must not be empty');
    const p = this.existing(asked);
    const before = JSON.stringify(p);
    // Writing a field settles its concurrent values: the new value wins.
    const set = <K extends keyof PersonRec>(key: K, value: PersonRec[K] | null) => {
      if (value === null) return;
      p[key] = value;
      delete p.conflicts[key];
    };
    set('name', name);
    for (const alias of aliases) {
      if (!p.aliases.some((a) => a.toLowerCase() === alias.toLowerCase())) p.aliases.push(alias);
    }
    set('dob', dob);
    set('description', description);
    set('status', status);
    set('case_manager', manager);
    set('case_manager_phone', phone);
    set('gender', gender);
    set('race_ethnicity', race);
    set('sex', sex);
    if (JSON.stringify(p) !== before) {
      p.updated_at = stamp(this.now());
      p.pending = true;
      this.order.set(p.id, this.sequence++);
      this.changed();
    }
    return this.personView(p);
  }

  async noteAdd(personId: string, text: string): Promise<IdView> {
    await this.open();
    this.require('add_note', 'add case notes');
    const asked = parseId('person', personId);
    const clean = text.trim();
    if (!clean) fail('invalid', 'note text must not be empty');
    checkLen('note text', clean, MAX_NOTE);
    const person = this.existing(asked);
    const note: NoteRec = {
      id: this.newId(),
      person_id: person.id,
      text: clean,
      author: this.deviceId,
      at: stamp(this.now()),
      pending: true,
    };
    this.remember(this.notesById, note.id, note);
    this.changed();
    return { id: note.id };
  }

  async notes(personId: string): Promise<CaseNote[]> {
    await this.open();
    this.require('view_case', 'read case notes');
    const person = this.existing(parseId('person', personId));
    return [...this.notesById.values()]
      .filter((n) => this.resolve(n.person_id) === person.id)
      .sort((a, b) => this.newest(a, b))
      .map(({ id, person_id, text, author, at }) => ({ id, person_id, text, author, at }));
  }

  async encounterLog(input: EncounterInput): Promise<IdView> {
    await this.open();
    this.require('log_encounter', 'log contacts');
    const now = this.now();
    const person = input.person ? this.existing(parseId('person', input.person)) : null;
    // Without a time: now, with the offset of the team's zone (the phone's, in the field).
    const when = input.at
      ? parseLocalTime(input.at, now)
      : { utc: now, offset: offsetMs(now, this.settings.time_zone) };
    const loc = checkLocation(input.lat, input.lon, input.accuracy_m);
    const place = loc ? coarsen(loc, this.settings.location_precision) : null;
    const kind = input.kind ?? 'street';
    if (!ENCOUNTER_KINDS.includes(kind)) {
      fail('invalid', `encounter kind "${kind}" is not valid: expected ${ENCOUNTER_KINDS.join(', ')}`);
    }
    const services = this.services(input.services ?? []);
    const note = nonBlank(input.note);
    if (note) checkLen('note', note, MAX_ENCOUNTER_NOTE);
    const living = input.living_situation ?? null;
    if (living !== null && !HMIS_LIVING_SITUATION_CODES.includes(living)) {
      fail('invalid', `living situation code ${living} is not an HMIS code`);
    }
    const duration = input.duration_minutes ?? null;
    if (duration !== null && (!Number.isInteger(duration) || duration < 0 || duration > 1440)) {
      fail('invalid', `duration of ${duration} minutes is not valid: at most a day (1440)`);
    }
    const encounter: EncounterRec = {
      id: this.newId(),
      person_id: person?.id ?? null,
      at: withOffset(when.utc, when.offset),
      at_utc: stamp(when.utc),
      lat: place?.lat ?? null,
      lon: place?.lon ?? null,
      accuracy_m: place?.accuracy_m ?? null,
      kind,
      services,
      living_situation: living,
      duration_minutes: duration,
      note,
      author: this.deviceId,
      pending: true,
    };
    this.remember(this.encounters, encounter.id, encounter);
    this.changed();
    return { id: encounter.id };
  }

  /** encounter.rs `parse_services`: `KEY` or `KEY=COUNT` from the team's catalog, repeats added. */
  private services(items: readonly string[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const item of items) {
      const [rawKey, rawCount] = item.includes('=') ? item.split('=', 2) : [item, '1'];
      const key = (rawKey ?? '').trim();
      const count = Number((rawCount ?? '').trim());
      if (!this.settings.services.some((s) => s.key === key)) {
        const keys = this.settings.services.map((s) => s.key).join(', ');
        fail('invalid', `unknown service "${key}"; expected one of: ${keys}`);
      }
      if (!Number.isInteger(count) || count <= 0 || count > MAX_SERVICE_COUNT) {
        fail('invalid', `count of service "${key}" is not valid`);
      }
      out[key] = Math.min((out[key] ?? 0) + count, MAX_SERVICE_COUNT);
    }
    return out;
  }

  async encounterList(personId?: string | null): Promise<EncounterView[]> {
    await this.open();
    this.require('view_case', 'read contacts');
    const person = personId ? this.existing(parseId('person', personId)) : null;
    return [...this.encounters.values()]
      .filter((e) => person === null || (e.person_id !== null && this.resolve(e.person_id) === person.id))
      .sort((a, b) => this.newest({ id: a.id, at: a.at_utc }, { id: b.id, at: b.at_utc }))
      .map(({ pending, ...e }) => ({
        ...e,
        person_id: e.person_id === null ? null : this.resolve(e.person_id),
        services: { ...e.services },
        pending_sync: pending,
      }));
  }

  // --- Referrals ------------------------------------------------------------------

  async referralCheck(input: ReferralInput): Promise<ReferralCheck> {
    await this.open();
    this.require('create_referral', 'make referrals');
    const now = this.now();
    const loc = checkLocation(input.lat, input.lon, input.accuracy_m);
    const eligibility = assess(this.settings, loc, input.exclusions ?? []);
    const deadline = addLocalDays(now, this.settings.intake_days, this.settings.time_zone);
    return {
      eligibility,
      intake_deadline: stamp(deadline),
      days_left: daysLeft(now, deadline),
      intake_days: this.settings.intake_days,
    };
  }

  async referralCreate(input: ReferralInput): Promise<ReferralCreated> {
    await this.open();
    this.require('create_referral', 'make referrals');
    if (!PATHWAYS.includes(input.pathway)) {
      fail('invalid', `pathway "${input.pathway}" is not valid: expected ${PATHWAYS.join(', ')}`);
    }
    const now = this.now();
    const loc = checkLocation(input.lat, input.lon, input.accuracy_m);
    const eligibility = assess(this.settings, loc, input.exclusions ?? []);
    const narrative = nonBlank(input.narrative);
    if (narrative) checkLen('narrative', narrative, MAX_NARRATIVE);
    const charge = nonBlank(input.charge_category);
    const deadline = addLocalDays(now, this.settings.intake_days, this.settings.time_zone);
    const stored = loc ? coarsen(loc, this.settings.location_precision) : null;
    const at = stamp(now);

    const hasDetails = input.name != null || input.description != null || (input.aliases ?? []).length > 0;
    let personId: string;
    let stub: { name: string | null; aliases: string[]; description: string | null } | null = null;
    if (input.person != null && !hasDetails) {
      personId = this.resolve(parseId('person', input.person));
      const known = this.caseRole ? this.persons.has(personId) : this.cards.has(personId);
      if (!known) fail('not_found', `person ${personId} not found`);
    } else if (input.person != null) {
      fail('invalid', 'referral subject: either an existing person or new-person details, not both');
    } else {
      stub = this.newPerson(input.name, input.aliases, input.description, null);
      personId = this.newId();
    }

    const referral: ReferralRec = {
      id: this.newId(),
      pathway: input.pathway,
      person_id: personId,
      stub_name: stub ? (stub.name ?? stub.aliases[0] ?? null) : null,
      stub_description: stub?.description ?? null,
      referred_by: this.deviceId,
      referrer_role: this.roleNow,
      eligibility,
      intake_deadline: stamp(deadline),
      status: 'new',
      status_at: at,
      created_at: at,
      lat: stored?.lat ?? null,
      lon: stored?.lon ?? null,
      exclusions: [...(input.exclusions ?? [])],
      narrative,
      charge_category: charge,
      pending: true,
    };
    if (stub) {
      if (this.caseRole) {
        this.remember(this.persons, personId, {
          id: personId,
          name: stub.name,
          aliases: stub.aliases,
          dob: null,
          description: stub.description,
          status: 'referred',
          case_manager: null,
          case_manager_phone: null,
          gender: [],
          race_ethnicity: [],
          sex: null,
          merged_into: null,
          created_at: at,
          updated_at: at,
          conflicts: {},
          pending: true,
        });
      } else {
        // An officer's device writes only the card: never a case document.
        this.remember(this.cards, personId, {
          person_id: personId,
          display_name: displayName(stub.name, stub.aliases),
          status: 'referred',
          case_manager: null,
          case_manager_phone: null,
          updated_at: at,
          merged_into: null,
          referred_by: this.deviceId,
          shared_with_officers_until: null,
          pending: true,
        });
      }
    }
    this.remember(this.referrals, referral.id, referral);
    this.changed();
    return {
      id: referral.id,
      person_id: personId,
      eligibility: structuredClone(eligibility),
      intake_deadline: referral.intake_deadline,
      days_left: daysLeft(now, deadline),
      status: 'new',
    };
  }

  private referralView(r: ReferralRec): ReferralView {
    const kept = this.resolve(r.person_id);
    const name = this.caseRole
      ? (() => {
          const p = this.persons.get(kept);
          return p ? displayName(p.name, p.aliases) : null;
        })()
      : (this.cards.get(kept)?.display_name ?? null);
    const { status, status_at } = effectiveStatus(r, this.now());
    return {
      id: r.id,
      pathway: r.pathway,
      person_id: r.person_id,
      display_name: name ?? r.stub_name,
      eligibility: structuredClone(r.eligibility),
      intake_deadline: r.intake_deadline,
      days_left: OPEN_STATUSES.includes(status) ? daysLeft(this.now(), new Date(r.intake_deadline)) : null,
      status,
      status_at,
      created_at: r.created_at,
      referred_by: r.referred_by,
      lat: r.lat,
      lon: r.lon,
      exclusions: [...r.exclusions],
      narrative: r.narrative,
      charge_category: r.charge_category,
      pending_sync: r.pending,
    };
  }

  async referralList(): Promise<ReferralView[]> {
    await this.open();
    this.require('view_own_referrals', 'list referrals');
    const open = (r: ReferralRec) => (OPEN_STATUSES.includes(r.status) ? 0 : 1);
    return [...this.referrals.values()]
      .filter((r) => this.caseRole || r.referred_by === this.deviceId)
      .sort(
        (a, b) =>
          open(a) - open(b) ||
          Date.parse(a.intake_deadline) - Date.parse(b.intake_deadline) ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      )
      .map((r) => this.referralView(r));
  }

  async referralUpdate(id: string, status: ReferralStatus): Promise<ReferralView> {
    await this.open();
    this.require('update_referral', "change a referral's status");
    const referralId = parseId('referral', id);
    if (!REFERRAL_STATUSES.includes(status)) {
      fail('invalid', `referral status "${status}" is not valid: expected ${REFERRAL_STATUSES.join(', ')}`);
    }
    const r = this.referrals.get(referralId);
    if (!r) fail('not_found', `referral ${referralId} not found`);
    if (!OPEN_STATUSES.includes(r.status) || status === 'new' || status === r.status) {
      fail('invalid', `a referral cannot go from ${r.status} to ${status}`);
    }
    const at = stamp(this.now());
    r.status = status;
    r.status_at = at;
    r.pending = true;
    if (status === 'intake_complete') {
      // Intake makes the person active (a referral's stub becomes a full person).
      const kept = this.resolve(r.person_id);
      const p = this.persons.get(kept) ?? this.personFromStub(r, kept);
      p.status = 'active' satisfies PersonStatus;
      if (p.case_manager === null) {
        p.case_manager = this.userName;
        p.case_manager_phone = this.userPhone;
      }
      p.updated_at = at;
      p.pending = true;
    }
    this.changed();
    return this.referralView(r);
  }

  /** lib.rs `person_from_stub`: the profile a case device makes from a referral's stub. */
  private personFromStub(r: ReferralRec, id: string): PersonRec {
    const at = stamp(this.now());
    const p: PersonRec = {
      id,
      name: r.stub_name,
      aliases: [],
      dob: null,
      description: r.stub_description,
      status: 'referred',
      case_manager: null,
      case_manager_phone: null,
      gender: [],
      race_ethnicity: [],
      sex: null,
      merged_into: null,
      created_at: at,
      updated_at: at,
      conflicts: {},
      pending: true,
    };
    this.remember(this.persons, id, p);
    return p;
  }

  /**
   * lib.rs `person_for_write`: the person an id resolves to; a person known only from
   * a referral's stub gets a profile made from it; else `not_found`.
   */
  private forWrite(id: string): PersonRec {
    const kept = this.resolve(id);
    const person = this.persons.get(kept);
    if (person) return person;
    const stub = [...this.referrals.values()]
      .filter((r) => r.person_id === kept)
      .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at))[0];
    if (!stub) fail('not_found', `person ${kept} not found`);
    return this.personFromStub(stub, kept);
  }

  // --- Consent --------------------------------------------------------------------

  async consentAdd(input: ConsentInput): Promise<IdView> {
    await this.open();
    this.require('manage_consent', 'record consents');
    const fields = newConsent(input, this.settings.time_zone);
    const person = this.forWrite(parseId('person', input.person));
    const consent: ConsentRec = {
      id: this.newId(),
      person_id: person.id,
      parties: fields.parties,
      purpose: fields.purpose,
      description: fields.description,
      signed_at: stamp(this.now()),
      created_by: this.deviceId,
    };
    if (fields.expires_on !== null && fields.expires_at !== null) {
      consent.expires_on = fields.expires_on;
      consent.expires_at = fields.expires_at;
    }
    if (fields.expiry_event !== null) consent.expiry_event = fields.expiry_event;
    this.remember(this.consents, consent.id, consent);
    // The consent is written into the person's document (and the card's sharing with it).
    person.pending = true;
    this.audited({ action: 'consent_add', record: consent.id, detail: { person: person.id, parties: consent.parties } });
    this.changed();
    return { id: consent.id };
  }

  async consentRevoke(id: string): Promise<ConsentRevoked> {
    await this.open();
    this.require('manage_consent', 'revoke consents');
    const consentId = parseId('consent', id);
    const consent = this.consents.get(consentId);
    if (!consent) fail('not_found', `consent ${consentId} not found`);
    if (!consent.revoked_at) {
      consent.revoked_at = stamp(this.now());
      const holder = this.persons.get(consent.person_id);
      if (holder) holder.pending = true;
      this.audited({ action: 'consent_revoke', record: consent.id, detail: { person: this.resolve(consent.person_id) } });
      this.changed();
    }
    // Recorded on a person since merged: it speaks for the kept person.
    return { id: consent.id, person_id: this.resolve(consent.person_id), revoked_at: consent.revoked_at };
  }

  async consentList(personId: string): Promise<Consent[]> {
    await this.open();
    this.require('manage_consent', 'read consents');
    const person = this.existing(parseId('person', personId));
    // As the device answers: the consent alone (the fake keeps whose document holds it).
    return this.consentsOf(person.id).map((c) => {
      const { person_id, ...view } = structuredClone(c);
      void person_id;
      return view;
    });
  }

  // --- Officer --------------------------------------------------------------------

  async lookup(query: string, reason?: string | null): Promise<CardView[]> {
    await this.open();
    this.require('lookup', 'look up the roster');
    const needle = normalize(query.trim());
    if (!needle) fail('invalid', 'lookup query (letters or digits of a name or alias) must not be empty');
    if (reason != null && [...reason].length > MAX_REASON) {
      fail('invalid', `reason is too long: at most ${MAX_REASON} characters`);
    }
    const found = this.allCards()
      .filter((c) => !c.merged_into && normalize(c.display_name).includes(needle))
      .sort((a, b) => this.newest({ id: a.person_id, at: a.updated_at }, { id: b.person_id, at: b.updated_at }))
      .slice(0, MAX_RESULTS)
      .map((c) => this.cardView(c));
    // On the record before the answer is shown: what was asked, why, and who was found.
    this.audited({
      action: 'lookup',
      record: query.trim(),
      reason: reason?.trim() ?? '',
      detail: { found: found.map((c) => c.person_id) },
    });
    return found;
  }

  // --- Audit ----------------------------------------------------------------------

  /** Appends to this device's own chain (audit.rs `audit_now`, or inside the write). */
  private audited(draft: Omit<AuditDraft, 'at'>): void {
    appendAudit(this.audit, this.deviceId, this.roleNow, { at: stamp(this.now()), ...draft });
  }

  async auditLog(): Promise<AuditView[]> {
    await this.open();
    this.require('read_audit', 'read the audit log');
    // This device's own entries, and the others' that reached it through the relay.
    return auditViews(this.audit.filter((e) => e.device_id === this.deviceId || e.synced));
  }

  // --- The team's devices (the relay's registry) -------------------------------------

  /** Asks the relay: only from an enrolled device, only online (sync.rs `relay`). */
  private async reachRelay(what: string): Promise<string> {
    await this.open();
    this.require('admin_devices', what);
    if (this.relay === null) fail('not_enrolled', 'this device is not enrolled with a relay');
    if (!this.online) fail('relay_unreachable', `relay unreachable: ${this.relay} (offline)`);
    return this.relay;
  }

  async deviceList(): Promise<DeviceView[]> {
    await this.reachRelay("list the team's devices");
    return this.registry.list(this.deviceId);
  }

  async deviceInvite(role: string, label: string): Promise<InviteView> {
    await this.reachRelay('invite devices');
    const view = this.registry.invite(role.trim(), label, this.now(), this.random);
    this.audited({ action: 'invite', record: view.device_id, detail: { role: role.trim() } });
    return view;
  }

  async deviceRevoke(deviceId: string): Promise<RevokeView> {
    const what = 'revoke devices';
    await this.open();
    this.require('admin_devices', what);
    const id = parseId('device', deviceId);
    await this.reachRelay(what);
    const view = this.registry.revoke(id, this.deviceId, this.now());
    this.audited({ action: 'revoke', record: id });
    const { key_epoch, rekeyed, not_rekeyed } = view.rotation;
    this.audited({ action: 'rotate_keys', record: String(key_epoch), detail: { rekeyed, not_rekeyed } });
    return view;
  }

  /**
   * Test hook: rewrites the stored text of the newest entry `match` names, keeping its
   * stored hash — someone editing the device's database. By default the reason (or the
   * record) gets " (edited)". Answers which entry was changed.
   */
  tamperAudit(match: AuditMatch, edit: (text: string) => string = rewriteReason): { device_id: string; seq: number } {
    const entry = findAudit(this.audit, match);
    if (!entry) throw new Error(`no audit entry matches ${JSON.stringify(match)}`);
    entry.text = edit(entry.text);
    return { device_id: entry.device_id, seq: entry.seq };
  }

  /** Test hook: deletes the newest entry `match` names (the next one then shows a gap). */
  removeAudit(match: AuditMatch): { device_id: string; seq: number } {
    const entry = findAudit(this.audit, match);
    if (!entry) throw new Error(`no audit entry matches ${JSON.stringify(match)}`);
    this.audit = this.audit.filter((e) => e !== entry);
    return { device_id: entry.device_id, seq: entry.seq };
  }

  /** A copy of the stored audit entries of every device (tests). */
  auditEntries(): AuditRec[] {
    return structuredClone(this.audit);
  }

  // --- Office lists (office.rs; supervisor) ----------------------------------------

  /** One side of a likely pair: the person, and what helps a reviewer decide. */
  private duplicateSide(p: PersonRec): DuplicateSide {
    const mine = (id: string | null) => id !== null && this.resolve(id) === p.id;
    const contacts = [...this.encounters.values()].filter((e) => e.kind !== 'attempted' && mine(e.person_id));
    const last = contacts.reduce<number | null>((max, e) => Math.max(max ?? -Infinity, Date.parse(e.at_utc)), null);
    return {
      person: this.personView(p),
      contacts: contacts.length,
      referrals: [...this.referrals.values()].filter((r) => mine(r.person_id)).length,
      last_contact: last === null ? null : stamp(new Date(last)),
    };
  }

  async duplicateReview(): Promise<DuplicatePair[]> {
    await this.open();
    this.require('merge_persons', 'review duplicates');
    const roster = [...this.persons.values()].filter((p) => !p.merged_into);
    const key = (a: string, b: string) => (a < b ? `${a}/${b}` : `${b}/${a}`);
    const answered = new Set<string>();
    for (const p of this.persons.values()) for (const other of p.not_duplicates ?? []) answered.add(key(p.id, other));
    const found: { a: PersonRec; b: PersonRec; score: number }[] = [];
    for (let i = 0; i < roster.length; i++) {
      for (let j = i + 1; j < roster.length; j++) {
        const [x, y] = [roster[i] as PersonRec, roster[j] as PersonRec];
        const score = duplicateScore(x, y);
        if (score < OFFER_THRESHOLD || answered.has(key(x.id, y.id))) continue;
        // Each pair once, the smaller id first (`likely_pairs`).
        found.push(x.id < y.id ? { a: x, b: y, score } : { a: y, b: x, score });
      }
    }
    found.sort((x, y) => y.score - x.score || byText(x.a.id, y.a.id) || byText(x.b.id, y.b.id));
    return found
      .slice(0, MAX_PAIRS)
      .map(({ a, b, score }) => ({ score, a: this.duplicateSide(a), b: this.duplicateSide(b) }));
  }

  async notDuplicate(a: string, b: string): Promise<MarkView> {
    await this.open();
    this.require('merge_persons', 'review duplicates');
    const first = this.existing(parseId('person', a));
    const second = this.existing(parseId('person', b));
    if (first.id === second.id) fail('conflict', `${first.id} and the other id are the same person (merged)`);
    for (const [p, other] of [
      [first, second],
      [second, first],
    ] as const) {
      const answers = (p.not_duplicates ??= []);
      if (!answers.includes(other.id)) answers.push(other.id);
      p.pending = true;
    }
    this.changed();
    return { ids: [first.id, second.id], marked: true };
  }

  async personMerge(keep: string, duplicate: string, take: readonly MergeField[] = []): Promise<MergeView> {
    await this.open();
    this.require('merge_persons', 'merge persons');
    for (const field of take) {
      if (!(MERGE_FIELDS as readonly string[]).includes(field)) {
        fail(
          'invalid',
          `unknown field to take from the duplicate "${field}": expected one of ${MERGE_FIELDS.join(', ')}`,
        );
      }
    }
    const keptId = this.resolve(parseId('person', keep));
    const dupId = parseId('person', duplicate);
    if (this.resolve(dupId) === keptId) fail('conflict', `${dupId} is already ${keptId} or merged into it`);
    const k = this.persons.get(keptId);
    if (!k) fail('not_found', `person ${keptId} not found`);
    const d = this.persons.get(dupId);
    if (!d) fail('not_found', `person ${dupId} not found`);
    if (d.merged_into) fail('conflict', `${dupId} was already merged into another person`);
    const at = stamp(this.now());
    mergeInto(k, d, take);
    k.updated_at = at;
    k.pending = true;
    d.merged_into = k.id;
    d.updated_at = at;
    d.pending = true;
    this.order.set(k.id, this.sequence++);
    this.audited({ action: 'merge', record: d.id, detail: { kept: k.id } });
    this.changed();
    const mine = (id: string | null) => id !== null && this.resolve(id) === k.id;
    return {
      id: k.id,
      merged: d.id,
      encounters: [...this.encounters.values()].filter((e) => mine(e.person_id)).length,
      referrals: [...this.referrals.values()].filter((r) => mine(r.person_id)).length,
    };
  }

  async conferenceMark(personId: string, on: boolean): Promise<MarkView> {
    await this.open();
    this.require('merge_persons', 'prepare the case conference');
    const p = this.existing(parseId('person', personId));
    // Taking someone off clears the marks of persons merged into them too.
    const targets = on
      ? [p]
      : [...this.persons.values()].filter((x) => x === p || (x.conference && this.resolve(x.id) === p.id));
    for (const t of targets) {
      t.conference = on;
      t.pending = true;
    }
    this.changed();
    return { ids: [p.id], marked: on };
  }

  /** Marked persons, each by the id they resolve to (`conference_marked`). */
  private marked(): string[] {
    const ids = new Set<string>();
    for (const p of this.persons.values()) {
      if (!p.conference) continue;
      const kept = this.resolve(p.id);
      if (this.persons.has(kept)) ids.add(kept);
    }
    return [...ids].sort();
  }

  async conferenceMarked(): Promise<MarkView> {
    await this.open();
    this.require('merge_persons', 'prepare the case conference');
    return { ids: this.marked(), marked: true };
  }

  async conferenceList(parties: readonly Party[]): Promise<ConferenceView> {
    await this.open();
    this.require('merge_persons', 'prepare the case conference');
    const present: Party[] = [];
    for (const raw of parties) {
      const party = PARTIES.find((p) => p === String(raw).trim());
      if (!party) fail('invalid', `unknown consent party "${raw}": expected one of ${PARTIES.join(', ')}`);
      if (!present.includes(party)) present.push(party);
    }
    if (present.length === 0) fail('invalid', 'party present (--party, e.g. law_enforcement) must not be empty');
    const at = this.now();
    const persons: ConferenceRow[] = [];
    let left_out = 0;
    for (const id of this.marked()) {
      const p = this.persons.get(id) as PersonRec;
      const covering = this.consentsOf(p.id).filter(
        (c) => consentInForce(c, at) && present.every((party) => c.parties.includes(party)),
      );
      if (covering.length === 0) {
        left_out += 1;
        continue;
      }
      persons.push({
        person_id: p.id,
        display_name: displayName(p.name, p.aliases),
        status: p.status,
        case_manager: p.case_manager,
        case_manager_phone: p.case_manager_phone,
        consents: covering.map((c) => c.id),
      });
    }
    persons.sort((a, b) => byText(a.display_name.toLowerCase(), b.display_name.toLowerCase()));
    return { parties: present, persons, left_out };
  }

  async followup(): Promise<FollowupView> {
    await this.open();
    this.require('merge_persons', 'review the caseload');
    const now = this.now();
    const last = new Map<string, number>();
    for (const e of this.encounters.values()) {
      if (e.kind === 'attempted' || e.person_id === null) continue;
      const id = this.resolve(e.person_id);
      last.set(id, Math.max(last.get(id) ?? -Infinity, Date.parse(e.at_utc)));
    }
    const limit = this.settings.inactive_days;
    const inactive: InactiveRow[] = [];
    for (const p of this.persons.values()) {
      if (p.merged_into || (p.status !== 'active' && p.status !== 'referred')) continue;
      const since = last.get(p.id);
      const days = wholeDays(new Date(since ?? Date.parse(p.created_at)), now);
      if (days < limit) continue;
      inactive.push({
        person_id: p.id,
        display_name: displayName(p.name, p.aliases),
        case_manager: p.case_manager,
        last_contact: since === undefined ? null : stamp(new Date(since)),
        days,
      });
    }
    inactive.sort((a, b) => b.days - a.days || byText(a.display_name, b.display_name));
    const expired_referrals = (await this.referralList()).filter((r) => r.status === 'expired');
    return { inactive_days: limit, inactive, expired_referrals };
  }

  // --- Reports and exports (report.rs, export.rs; supervisor) -----------------------

  async report(from: string, to: string): Promise<ReportView> {
    await this.open();
    this.require('report', 'run reports');
    const period = parsePeriod(from, to, this.settings.time_zone);
    const officers: readonly string[] = [DEVICES.officer, DEVICES.otherOfficer];
    return computeReport({
      period,
      teamName: this.settings.name,
      now: this.now(),
      encounters: [...this.encounters.values()],
      referrals: [...this.referrals.values()],
      // As the device's index lists them: merged-away persons are not persons.
      persons: [...this.persons.values()].filter((p) => !p.merged_into),
      resolve: (id) => this.resolve(id),
      referrerRole: (r) => r.referrer_role ?? (officers.includes(r.referred_by) ? 'officer' : 'outreach'),
    });
  }

  /** Every contact, each person id resolved through merges (export.rs `resolved_encounters`). */
  private resolvedEncounters(): EncounterRec[] {
    return [...this.encounters.values()].map((e) => ({
      ...structuredClone(e),
      person_id: e.person_id === null ? null : this.resolve(e.person_id),
    }));
  }

  async exportHmis(): Promise<ExportResult<HmisExportView>> {
    await this.open();
    this.require('export', 'export');
    const now = this.now();
    const byPerson = new Map<string, EncounterRec[]>();
    for (const e of this.resolvedEncounters()) {
      if (e.person_id !== null) byPerson.set(e.person_id, [...(byPerson.get(e.person_id) ?? []), e]);
    }
    const intakes = new Map<string, string[]>();
    for (const r of this.referrals.values()) {
      if (r.status !== 'intake_complete') continue;
      const kept = this.resolve(r.person_id);
      intakes.set(kept, [...(intakes.get(kept) ?? []), r.status_at]);
    }
    const persons: HmisPerson[] = [...this.persons.values()]
      .filter((p) => !p.merged_into)
      .map((p) => ({
        person: p,
        hmisConsent: this.consentsOf(p.id).some((c) => c.parties.includes('hmis') && consentInForce(c, now)),
        encounters: byPerson.get(p.id) ?? [],
        intakes: intakes.get(p.id) ?? [],
      }));
    const built = buildHmis({
      teamName: this.settings.name,
      timeZone: this.settings.time_zone,
      policy: this.settings.hmis_without_consent,
      teamId: DEMO_TEAM_ID,
      exportedBy: this.deviceId,
      now,
      persons,
    });
    const files = built.files.map((f) => f.name);
    const s = built.summary;
    this.audited({
      action: 'export',
      record: 'hmis',
      detail: {
        out: DOWNLOAD,
        files,
        csv_version: CSV_VERSION,
        export_id: built.exportId,
        clients: s.clients,
        enrollments: s.enrollments,
        exits: s.exits,
        living_situations: s.living_situations,
        services: s.services,
        policy_without_consent: this.settings.hmis_without_consent,
        excluded_without_consent: s.excluded_without_consent,
        deidentified: s.deidentified,
        not_enrolled: s.not_enrolled,
      },
    });
    return {
      folder: null,
      files: built.files.map((f) => ({ name: f.name, content: csvText(f.header, f.rows), type: CSV_TYPE })),
      view: { files, out: DOWNLOAD, csv_version: CSV_VERSION, export_id: built.exportId, ...s },
    };
  }

  async exportCsv(from?: string | null, to?: string | null): Promise<ExportResult<CsvExportView>> {
    await this.open();
    this.require('export', 'export');
    const period = parseExportPeriod(from, to);
    const precision = this.settings.export_precision;
    const rows = contactRows(this.resolvedEncounters(), this.settings.time_zone, period, precision);
    const files = ['contacts.csv', 'services.csv'];
    const view: CsvExportView = {
      files,
      out: DOWNLOAD,
      contacts: rows.contacts.length,
      services: rows.services.length,
      precision,
      from: period.from,
      to: period.to,
    };
    this.audited({
      action: 'export',
      record: 'csv',
      detail: { out: DOWNLOAD, files, contacts: view.contacts, services: view.services, precision, from: view.from, to: view.to },
    });
    return {
      folder: null,
      files: [
        { name: 'contacts.csv', content: csvText(CONTACTS_HEADER, rows.contacts), type: CSV_TYPE },
        { name: 'services.csv', content: csvText(SERVICES_HEADER, rows.services), type: CSV_TYPE },
      ],
      view,
    };
  }

  async exportSave(folder: string): Promise<SavedCopy> {
    await this.open();
    this.require('export', 'save exports');
    // The browser downloaded the files: there is no export folder to copy.
    fail('not_found', `${folder} is not one of this device's exports`);
  }

  async exportGeojson(
    from?: string | null,
    to?: string | null,
    precision?: Precision | null,
  ): Promise<ExportResult<GeojsonExportView>> {
    await this.open();
    this.require('export', 'export');
    const period = parseExportPeriod(from, to);
    const requested = precision == null ? null : parsePrecision(precision);
    const effective = effectivePrecision(this.settings.export_precision, requested);
    const collection = geojson(this.resolvedEncounters(), this.settings.time_zone, period, effective);
    const view: GeojsonExportView = {
      features: collection.features,
      out: DOWNLOAD,
      precision: effective,
      requested_precision: requested,
      from: period.from,
      to: period.to,
    };
    this.audited({
      action: 'export',
      record: 'geojson',
      detail: {
        out: DOWNLOAD,
        files: [GEOJSON_FILE],
        features: view.features,
        precision: effective,
        requested_precision: requested,
        from: view.from,
        to: view.to,
      },
    });
    return {
      folder: null,
      files: [{ name: GEOJSON_FILE, content: collection.text, type: 'application/geo+json' }],
      view,
    };
  }

  // --- The phone ------------------------------------------------------------------

  async locate(): Promise<Position | null> {
    await tick();
    return this.position ? { ...this.position } : null;
  }

  // --- Inspection -----------------------------------------------------------------

  /** A copy of everything the fake holds (what an officer's device holds, for one). */
  dump(): FakeDump {
    return structuredClone({
      team: this.settings,
      persons: [...this.persons.values()],
      cards: [...this.cards.values()],
      encounters: [...this.encounters.values()],
      notes: [...this.notesById.values()],
      referrals: [...this.referrals.values()],
      consents: [...this.consents.values()],
    });
  }
}

/** Rust's `String` order (code units, not the locale's collation). */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A team with no case records yet. */
function emptyWorld(): World {
  return { persons: [], encounters: [], notes: [], referrals: [], consents: [] };
}

/** A fake with the demo team's sample data. */
export function demoPlatform(options: FakeOptions = {}): FakePlatform {
  return new FakePlatform({ ...options, seed: 'demo' });
}

declare global {
  interface Window {
    /** The fake platform, in the plain-browser mode only (for browser tests). */
    __waymark: FakePlatform;
  }
}

/**
 * The fake configured from a page's query string: `role` (officer | outreach |
 * supervisor), `phase` (new | locked | unlocked), `now` (ISO time: a fixed clock),
 * `online` (0 | 1), `seed` (demo | empty), `geo` (`lat,lon` for `locate()`). Also
 * exposed as `window.__waymark` so browser tests can inspect what was saved.
 */
export function fakeFromParams(params: URLSearchParams): FakePlatform {
  const role = params.get('role');
  const phase = params.get('phase');
  const nowText = params.get('now');
  const fixed = nowText ? new Date(nowText) : null;
  const geo = params.get('geo')?.split(',').map((s) => Number(s.trim()));
  const position =
    geo && geo.length === 2 && geo.every((n) => Number.isFinite(n))
      ? { lat: geo[0] ?? 0, lon: geo[1] ?? 0, accuracy_m: 10 }
      : null;
  const fake = new FakePlatform({
    role: role === 'officer' || role === 'supervisor' ? role : 'outreach',
    phase: phase === 'new' || phase === 'locked' ? phase : 'unlocked',
    now: fixed && !Number.isNaN(fixed.getTime()) ? () => new Date(fixed) : undefined,
    online: params.get('online') !== '0',
    seed: params.get('seed') === 'empty' ? 'empty' : 'demo',
    position,
  });
  if (typeof window !== 'undefined') window.__waymark = fake;
  return fake;
}
