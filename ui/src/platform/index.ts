// The one typed interface the screens call. Only this folder imports @tauri-apps/*;
// everything else depends on `Platform`, so the UI also runs in a plain browser
// against the in-memory fake.
import type {
  AuditView,
  CardView,
  CaseNote,
  ConferenceView,
  Consent,
  ConsentInput,
  ConsentRevoked,
  CsvExportView,
  DeviceView,
  DuplicatePair,
  EncounterInput,
  EncounterView,
  ErrorCode,
  FollowupView,
  GeojsonExportView,
  HmisExportView,
  HomeView,
  IdView,
  InviteView,
  MarkView,
  MergeView,
  Party,
  PersonAdded,
  PersonInput,
  PersonShow,
  PersonView,
  ReferralCheck,
  ReferralCreated,
  ReferralInput,
  ReferralView,
  ReportView,
  RevokeView,
  SessionView,
  StartInput,
  EnrollInput,
  StatusView,
  SyncState,
  SyncView,
  TeamInput,
  TeamView,
  UnlockState,
} from './types';

export type * from './types';

/** Every `ErrorCode` of the device API (the type is generated; this list is checked against it). */
export const ERROR_CODES = [
  'not_permitted',
  'invalid',
  'not_found',
  'conflict',
  'wrong_passphrase',
  'not_initialized',
  'already_initialized',
  'storage',
  'relay_unreachable',
  'relay_refused',
  'device_revoked',
  'not_enrolled',
  'locked',
  'locked_out',
  'wiped',
] as const satisfies readonly ErrorCode[];

// Fails to compile when the generated `ErrorCode` gains a code the list lacks.
type Missing = Exclude<ErrorCode, (typeof ERROR_CODES)[number]>;
const everyCode: Missing extends never ? true : Missing = true;
void everyCode;

/** Who a consent may let the program disclose to, in the domain's order (consent.rs `Party::ALL`). */
export const PARTIES = ['law_enforcement', 'prosecutor', 'housing', 'medical', 'hmis'] as const satisfies readonly Party[];

// Fails to compile when the generated `Party` gains a party the list lacks.
type MissingParty = Exclude<Party, (typeof PARTIES)[number]>;
const everyParty: MissingParty extends never ? true : MissingParty = true;
void everyParty;

/**
 * The fields a merge may take from the duplicate instead of the kept record, in the
 * device's order (lib.rs `person_merge_choosing`). `case_manager` brings the phone too.
 */
export const MERGE_FIELDS = [
  'name',
  'dob',
  'description',
  'status',
  'case_manager',
  'gender',
  'race_ethnicity',
  'sex',
] as const;

export type MergeField = (typeof MERGE_FIELDS)[number];

/** What an audit entry says was done, in the domain's order (audit.rs `AuditAction::ALL`). */
export const AUDIT_ACTIONS = [
  'lookup',
  'person_view',
  'export',
  'merge',
  'consent_add',
  'consent_revoke',
  'enroll',
  'invite',
  'revoke',
  'rotate_keys',
  'trust_relay',
  'sync',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** A failure of the device API as it crosses the IPC boundary: `{ code, message }`. */
export class PlatformError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'PlatformError';
    this.code = code;
  }
}

export function isPlatformError(value: unknown): value is PlatformError {
  return value instanceof PlatformError;
}

export type Role = 'officer' | 'outreach' | 'supervisor';
export type Pathway = 'arrest_diversion' | 'social_contact' | 'community' | 'self';
export type ReferralStatus = 'new' | 'contacted' | 'intake_complete' | 'declined' | 'unable_to_locate' | 'expired';
export type EncounterKind = 'street' | 'office' | 'phone' | 'attempted';
export type PersonStatus = 'referred' | 'active' | 'inactive';

/**
 * How fine exported locations are, finest first (location.rs `Precision`): as
 * recorded, a ~100 m grid, a ~1 km grid. An export is never finer than the team's
 * `export_precision`.
 */
export const PRECISIONS = ['exact', '100m', '1km'] as const;

export type Precision = (typeof PRECISIONS)[number];

/**
 * One file an export made. In the app the device wrote it into the export's folder
 * (`path`, absolute); in the plain browser the fake hands over its text (`content`,
 * with its media `type`) for the screen to offer as a download.
 */
export interface ExportFile {
  name: string;
  path?: string | null;
  content?: string | null;
  type?: string | null;
}

/**
 * An export's files and the device's answer about them (`view`). `folder` is where the
 * app put the files (`<data folder>/exports/<UTC time>-<kind>/`, absolute); null in the
 * plain browser, where the files are downloads.
 */
export interface ExportResult<V> {
  folder: string | null;
  files: ExportFile[];
  view: V;
}

/** Where `exportSave` put an export's copy: `path` is `null` when the user cancelled. */
export interface SavedCopy {
  path: string | null;
  files: number;
}

/** A point from the phone's location service. */
export interface Position {
  lat: number;
  lon: number;
  accuracy_m: number | null;
}

/**
 * The device API the screens call: the same verbs as the `waymark` CLI, through the
 * Tauri shell or the in-memory fake. Every method rejects with a `PlatformError`.
 */
export interface Platform {
  // --- Session -------------------------------------------------------------------
  session(): Promise<SessionView>;
  /** Makes a standalone device (first run without a relay) and unlocks it. */
  start(input: StartInput): Promise<StatusView>;
  /** Enrolls with a relay using an invitation code (first run) and unlocks. */
  enroll(input: EnrollInput): Promise<StatusView>;
  /**
   * Opens the store with the passphrase. Wrong ones are counted: from the 5th a growing
   * lockout (`locked_out`, the passphrase not even tried), at the 10th the keys are
   * destroyed (`wiped`; the session is `new` again).
   */
  unlock(passphrase: string): Promise<StatusView>;
  /** Wrong passphrases so far, attempts left before the data is erased, the lockout. */
  unlockState(): Promise<UnlockState>;
  /** Closes the store; the next call needs `unlock`. */
  lock(): Promise<void>;
  status(): Promise<StatusView>;
  team(): Promise<TeamView>;
  /**
   * Changes the team's settings (supervisor; others `not_permitted`): each field given
   * is changed, a bad value is `invalid` with the allowed range. The team document
   * reaches every device at its next sync.
   */
  teamSet(input: TeamInput): Promise<TeamView>;

  // --- Sync ----------------------------------------------------------------------
  /** Syncs now (the background task also syncs on change and every minute). */
  sync(): Promise<SyncView>;
  /** Subscribes to the background sync's state; returns the unsubscribe function. */
  onSyncState(listener: (state: SyncState) => void): () => void;

  // --- Outreach and office (case roles) -------------------------------------------
  /** Persons last seen near `near` (within `radiusM`, default 500 m), then recent ones. */
  personHome(near: Position | null, radiusM?: number | null): Promise<HomeView>;
  /** Persons whose name or alias contains `query`. */
  personSearch(query: string): Promise<PersonView[]>;
  /** A person page (case roles), or an officer's card of that person. */
  personShow(id: string): Promise<PersonShow>;
  /** The whole roster, most recently updated first. */
  personList(): Promise<PersonView[]>;
  /** Saves a new person; answers with likely duplicates already on the roster. */
  personAdd(input: PersonInput): Promise<PersonAdded>;
  personUpdate(id: string, input: PersonInput): Promise<PersonView>;
  noteAdd(personId: string, text: string): Promise<IdView>;
  notes(personId: string): Promise<CaseNote[]>;
  /** Logs a contact; no `person` is an anonymous contact (supplies only). */
  encounterLog(input: EncounterInput): Promise<IdView>;
  /** Contacts, newest first: of one person, or all. */
  encounterList(personId?: string | null): Promise<EncounterView[]>;

  // --- Referrals -----------------------------------------------------------------
  /** Eligibility and intake deadline a referral would get, without saving it. */
  referralCheck(input: ReferralInput): Promise<ReferralCheck>;
  referralCreate(input: ReferralInput): Promise<ReferralCreated>;
  /** All referrals for case roles; an officer's own referrals for officers. */
  referralList(): Promise<ReferralView[]>;
  referralUpdate(id: string, status: ReferralStatus): Promise<ReferralView>;

  // --- Consent (release of information; case roles) --------------------------------
  /**
   * Records a signed consent. One covering `law_enforcement` shares the person's officer
   * card with every officer while it is in force (not revoked, not past its last day).
   */
  consentAdd(input: ConsentInput): Promise<IdView>;
  /** Revokes a consent; a card it shared is withdrawn from officers at the next sync. */
  consentRevoke(id: string): Promise<ConsentRevoked>;
  /** A person's consents, oldest first. */
  consentList(personId: string): Promise<Consent[]>;

  // --- Officer -------------------------------------------------------------------
  /** Roster lookup: officer cards only. `reason` (why, ≤ 500 characters) is checked and kept in the audit trail with the query. */
  lookup(query: string, reason?: string | null): Promise<CardView[]>;

  // --- Audit (supervisor) ----------------------------------------------------------
  /**
   * Every audit entry this device holds, oldest first: on a supervisor's device, every
   * device's synced log. Each device's hash chain is verified: `chain` is `ok`, `gap`
   * (earlier entries of that device missing: not synced yet, or removed) or `broken`
   * (changed after it was written), with `problem` saying what. Other roles:
   * `not_permitted`.
   */
  auditLog(): Promise<AuditView[]>;

  // --- The team's devices (supervisor; other roles: `not_permitted`) ----------------
  // Each asks the relay: offline they fail with `relay_unreachable`, a standalone
  // device with `not_enrolled`.
  /** The team's devices as the relay lists them: invited, enrolled and revoked. */
  deviceList(): Promise<DeviceView[]>;
  /**
   * Invites a device for `role` (`outreach`, `officer` or `supervisor`) under `label`
   * (who carries it; required): the one-time code to enter on the new device, valid
   * until `expires_at`. Recorded in the audit trail.
   */
  deviceInvite(role: string, label: string): Promise<InviteView>;
  /**
   * Revokes a device: it can no longer sync and erases its data the next time it
   * reaches the relay. The team's next key epoch is then sealed to every remaining
   * device whose key this device can check (`rotation`); the rest get it at a later
   * sync. Recorded in the audit trail.
   */
  deviceRevoke(deviceId: string): Promise<RevokeView>;

  // --- Office lists (supervisor; other roles: `not_permitted`) -----------------------
  /**
   * Likely duplicate pairs over the roster, best first (at most 100); pairs a reviewer
   * said are not the same person are left out.
   */
  duplicateReview(): Promise<DuplicatePair[]>;
  /** "Not the same person": the pair is not offered again, here or on synced devices. */
  notDuplicate(a: string, b: string): Promise<MarkView>;
  /**
   * Merges `duplicate` into `keep`: the kept record wins, what it lacks comes from the
   * duplicate, the duplicate's names become aliases, its contacts, notes, referrals and
   * consents follow the kept person. `take` names fields whose value comes from the
   * duplicate instead. Recorded in the audit trail.
   */
  personMerge(keep: string, duplicate: string, take?: readonly MergeField[]): Promise<MergeView>;
  /** Puts a participant on (or takes them off) the next case conference's list. */
  conferenceMark(personId: string, on: boolean): Promise<MarkView>;
  /** The ids of the participants marked for the next case conference. */
  conferenceMarked(): Promise<MarkView>;
  /**
   * The case-conference list for the parties present (at least one, else `invalid`):
   * marked participants whose consents in force cover every party present, with
   * officer-safe fields only, and how many marked ones were left off.
   */
  conferenceList(parties: readonly Party[]): Promise<ConferenceView>;
  /** Participants not seen for the team's `inactive_days`, and expired referrals. */
  followup(): Promise<FollowupView>;

  // --- Reports and exports (supervisor; other roles: `not_permitted`) ----------------
  /**
   * The program's figures for the days `from` to `to` (`YYYY-MM-DD`, both included, in
   * the team's time zone), computed from the records this device holds (report.rs).
   * A bad date, `from` after `to` or more than three years: `invalid`.
   */
  report(from: string, to: string): Promise<ReportView>;
  /**
   * The HUD HMIS CSV files (FY2026): every participant, all time; one without a
   * consent covering HMIS in force is left out or de-identified as the team says.
   * Recorded in the audit trail.
   */
  exportHmis(): Promise<ExportResult<HmisExportView>>;
  /**
   * `contacts.csv` and `services.csv` for the days `from` to `to` (either open: all
   * time); no names, no notes, locations at the team's export precision. Audited.
   */
  exportCsv(from?: string | null, to?: string | null): Promise<ExportResult<CsvExportView>>;
  /**
   * The contacts of the period that have a place, as GeoJSON points no finer than the
   * team's export precision, whatever `precision` asks for. Audited.
   */
  exportGeojson(
    from?: string | null,
    to?: string | null,
    precision?: Precision | null,
  ): Promise<ExportResult<GeojsonExportView>>;

  /**
   * Saves a copy of an export (its `folder`, as the export answered) as one `.zip`
   * where the user chooses in the system's save dialog: how the files leave the app,
   * e.g. to the HMIS lead. `not_found` for any folder that is not one of this device's
   * exports (in the plain browser the files were downloaded: nothing to copy).
   */
  exportSave(folder: string): Promise<SavedCopy>;

  // --- The phone -----------------------------------------------------------------
  /** The phone's position, or `null` when location is off, denied or slow. */
  locate(): Promise<Position | null>;
}

/** Whether the UI runs inside the Tauri webview (else: plain browser, use the fake). */
export function insideTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}
