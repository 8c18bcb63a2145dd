// The one typed interface the screens call. Only this folder imports @tauri-apps/*;
// everything else depends on `Platform`, so the UI also runs in a plain browser
// against the in-memory fake.
import type {
  CardView,
  EncounterView,
  IdView,
  PersonAdded,
  PersonView,
  ReferralCreated,
  ReferralView,
  SyncView,
} from './types';

export type * from './types';

/** The stable error codes of crates/waymark-device/src/error.rs (`ErrorCode`). */
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
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

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

/** Fields of `person add`, as the user typed them (Rust `PersonInput`). */
export interface PersonInput {
  name?: string | null;
  aliases?: string[];
  dob?: string | null;
  description?: string | null;
  status?: string | null;
  case_manager?: string | null;
  case_manager_phone?: string | null;
  gender?: number[];
  race_ethnicity?: number[];
}

/** Fields of `encounter log` (Rust `EncounterInput`); time and place default to now/none. */
export interface EncounterInput {
  person?: string | null;
  lat?: number | null;
  lon?: number | null;
  accuracy_m?: number | null;
  /** Service keys, each counted once per entry (`"naloxone"` twice is 2). */
  services?: string[];
  note?: string | null;
  at?: string | null;
  kind?: EncounterKind | null;
  living_situation?: number | null;
  duration_minutes?: number | null;
}

/** Fields of `referral create` (Rust `ReferralInput`): an existing person or a new stub. */
export interface ReferralInput {
  pathway: Pathway;
  person?: string | null;
  name?: string | null;
  aliases?: string[];
  description?: string | null;
  lat?: number | null;
  lon?: number | null;
  accuracy_m?: number | null;
  /** Keys of the exclusions answered "yes". */
  exclusions?: string[];
  narrative?: string | null;
  charge_category?: string | null;
}

/**
 * The device API the app needs first. Every method rejects with a `PlatformError`.
 */
export interface Platform {
  /** Officer roster lookup: cards only. `reason` is kept in the audit log. */
  lookup(query: string, reason?: string | null): Promise<CardView[]>;
  /** Persons whose name or alias contains `query` (case roles). */
  personSearch(query: string): Promise<PersonView[]>;
  personAdd(input: PersonInput): Promise<PersonAdded>;
  encounterLog(input: EncounterInput): Promise<IdView>;
  encounterList(personId?: string | null): Promise<EncounterView[]>;
  referralCreate(input: ReferralInput): Promise<ReferralCreated>;
  /** All referrals for case roles; an officer's own referrals for officers. */
  referralList(): Promise<ReferralView[]>;
  referralUpdate(id: string, status: ReferralStatus): Promise<ReferralView>;
  sync(): Promise<SyncView>;
}

/** Whether the UI runs inside the Tauri webview (else: plain browser, use the fake). */
export function insideTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}
