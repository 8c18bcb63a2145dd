// The device's rules that the in-memory fake (fake.ts) and its demo seed
// (demo-seed.ts) follow: validation, name normalization, the duplicate score, the
// catchment test, distances and the intake clock in the team's time zone. Pure
// functions; each names the Rust it mirrors so the two can be compared.
import { PARTIES, PlatformError, type Consent, type ErrorCode, type Entry, type Party, type PersonStatus } from './index';
import type { JsonValue } from '../generated/serde_json/JsonValue';

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

/** Throws the device's `{code, message}` failure. */
export function fail(code: ErrorCode, message: string): never {
  throw new PlatformError(code, message);
}

// --- Records the fake stores ---------------------------------------------------------

/** A person's case profile (crates/waymark-domain/src/person.rs `Person`). */
export interface PersonRec {
  id: string;
  name: string | null;
  aliases: string[];
  dob: string | null;
  description: string | null;
  status: PersonStatus;
  case_manager: string | null;
  case_manager_phone: string | null;
  gender: number[];
  race_ethnicity: number[];
  /** HMIS sex (4.21), one of `HMIS_SEX_CODES`; null until recorded. */
  sex: number | null;
  merged_into: string | null;
  created_at: string;
  updated_at: string;
  /** Fields with concurrent values (every value), as synced documents report them. */
  conflicts: Record<string, JsonValue[]>;
  pending: boolean;
  /**
   * The office's marks, kept in the person's case document (codec.rs `Marks`): on the
   * next case conference's list, and the persons a reviewer said are not this one.
   */
  conference?: boolean;
  not_duplicates?: string[];
}

/** The officer card (role.rs `OfficerCard`): all an officer's device ever holds of a person. */
export interface CardRec {
  person_id: string;
  display_name: string;
  status: PersonStatus;
  case_manager: string | null;
  case_manager_phone: string | null;
  updated_at: string;
  merged_into: string | null;
  referred_by: string | null;
  /**
   * Until when every officer may hold the card (`shared_with_officers_until`):
   * `no_expiry`, an instant, or null (not shared), from the person's consents.
   */
  shared_with_officers_until: string | null;
  pending: boolean;
}

/** A consent (consent.rs `Consent`) and the person whose document holds it. */
export interface ConsentRec extends Consent {
  person_id: string;
}

export interface EncounterRec {
  id: string;
  person_id: string | null;
  /** Local time with its offset (RFC 3339). */
  at: string;
  at_utc: string;
  lat: number | null;
  lon: number | null;
  accuracy_m: number | null;
  kind: string;
  services: Record<string, number>;
  living_situation: number | null;
  duration_minutes: number | null;
  note: string | null;
  author: string;
  pending: boolean;
}

export interface NoteRec {
  id: string;
  person_id: string;
  text: string;
  author: string;
  at: string;
  pending: boolean;
}

export interface ReferralRec {
  id: string;
  pathway: string;
  person_id: string;
  stub_name: string | null;
  stub_description: string | null;
  referred_by: string;
  /** The role of the referring device (referral.rs `referrer_role`): `officer` referrals count per officer. */
  referrer_role?: string;
  eligibility: { result: 'eligible' | 'needs_review'; reasons: string[] };
  intake_deadline: string;
  status: string;
  status_at: string;
  created_at: string;
  lat: number | null;
  lon: number | null;
  exclusions: string[];
  narrative: string | null;
  charge_category: string | null;
  pending: boolean;
}

export interface TeamRec {
  name: string;
  time_zone: string;
  intake_days: number;
  /** GeoJSON, as the team document stores it. */
  catchment: JsonValue | null;
  exclusions: Entry[];
  services: Entry[];
  location_precision: string;
  lock_minutes: number;
  export_precision: string;
  hmis_without_consent: string;
  inactive_days: number;
}

// --- Team defaults (crates/waymark-domain/src/team.rs) ---------------------------------

function entries(pairs: [string, string][]): Entry[] {
  return pairs.map(([key, label]) => ({ key, label }));
}

/** `default_services()`: what a new team offers, harm-reduction supplies first. */
export function defaultServices(): Entry[] {
  return entries([
    ['naloxone', 'Naloxone kit'],
    ['fentanyl_test_strips', 'Fentanyl test strips'],
    ['syringe_services', 'Syringe services'],
    ['hygiene_kit', 'Hygiene kit'],
    ['food', 'Food'],
    ['water', 'Water'],
    ['clothing', 'Clothing'],
    ['transport', 'Transport'],
    ['id_help', 'ID / documents help'],
    ['housing_referral', 'Housing referral'],
    ['treatment_referral', 'Treatment referral'],
    ['medical_referral', 'Medical referral'],
    ['mental_health_referral', 'Mental health referral'],
  ]);
}

/** `default_exclusions()`: LEAD's usual exclusion checklist. */
export function defaultExclusions(): Entry[] {
  return entries([
    ['violent_history', 'History of serious violence'],
    ['exploits_minors', 'Exploits minors or others'],
    ['promotes_prostitution', 'Promotes prostitution'],
    ['dealing_for_profit', 'Dealing for profit above the threshold'],
    ['under_18', 'Under 18'],
    ['no_contact_order', 'Subject of a no-contact order'],
  ]);
}

// --- Limits and codes ----------------------------------------------------------------

export const MAX_NAME = 120;
export const MAX_DESCRIPTION = 1000;
export const MAX_ALIASES = 20;
export const MAX_NOTE = 8000;
export const MAX_ENCOUNTER_NOTE = 4000;
export const MAX_NARRATIVE = 500;
export const MAX_REASON = 500;
export const MAX_RESULTS = 50;
export const MAX_DUPLICATES = 5;
export const MAX_SERVICE_COUNT = 10_000;
export const MIN_PASSPHRASE = 4;
export const HOME_LIMIT = 20;
export const DEFAULT_NEARBY_M = 500;
export const MAX_NEARBY_M = 50_000;
/** How far ahead of the clock a contact's time may be (phones drift). */
export const FUTURE_SLACK_MS = 10 * MINUTE_MS;

export const HMIS_GENDER_CODES: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 8, 9, 99];
export const HMIS_RACE_CODES: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 99];
/** person.rs `HMIS_SEX_CODES`: FY2026 list 4.21. */
export const HMIS_SEX_CODES: readonly number[] = [0, 1, 8, 9, 99];
export const HMIS_LIVING_SITUATION_CODES: readonly number[] = [
  101, 116, 118, 204, 205, 206, 207, 215, 225, 302, 314, 329, 332, 335, 336, 410, 411, 421, 435, 17, 37, 8, 9,
  99,
];
export const PATHWAYS: readonly string[] = ['arrest_diversion', 'social_contact', 'community', 'self'];
export const REFERRAL_STATUSES: readonly string[] = [
  'new',
  'contacted',
  'intake_complete',
  'declined',
  'unable_to_locate',
  'expired',
];
export const OPEN_STATUSES: readonly string[] = ['new', 'contacted'];

/**
 * referral.rs `Referral::effective_status`: an open referral whose intake deadline
 * has passed reads as `expired` (at the deadline), so it leaves the follow-up queue
 * and shows up for review. Nothing is written: a late intake still moves the stored
 * status on.
 */
export function effectiveStatus(
  r: { status: string; status_at: string; intake_deadline: string },
  now: Date,
): { status: string; status_at: string } {
  if (OPEN_STATUSES.includes(r.status) && now.getTime() >= Date.parse(r.intake_deadline)) {
    return { status: 'expired', status_at: r.intake_deadline };
  }
  return { status: r.status, status_at: r.status_at };
}

/** office.rs `whole_days`: whole days from `from` to `to` (seconds, rounded down). */
export function wholeDays(from: Date, to: Date): number {
  const seconds = Math.floor(to.getTime() / 1000) - Math.floor(from.getTime() / 1000);
  return Math.floor(seconds / 86_400);
}
export const ENCOUNTER_KINDS: readonly string[] = ['street', 'office', 'phone', 'attempted'];

// --- Ids -----------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses an id like the device (`invalid` when it is not a UUID). */
export function parseId(what: string, text: string): string {
  const id = text.trim();
  if (!UUID.test(id)) fail('invalid', `${what} id "${text}" is not valid: expected a UUID`);
  return id.toLowerCase();
}

/** A version-4-shaped UUID from 32 bits of state: deterministic, random-looking. */
export function uuidFrom(next: () => number): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += (next() >>> 0).toString(16).padStart(8, '0');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const [a, b, c, d, e] = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(13, 16), hex.slice(17, 20), hex.slice(20, 32)];
  return `${a}-${b}-4${c}-${variant}${d}-${e}`;
}

/** mulberry32: a tiny seeded generator, so ids and seed data are the same every run. */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A stable UUID for a name (FNV-1a seeded generator). */
export function uuidOf(name: string): string {
  let h = 0x811c9dc5;
  for (const c of name) h = Math.imul(h ^ (c.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  return uuidFrom(generator(h));
}

// --- Text ----------------------------------------------------------------------------

/** `non_blank`: trimmed text, or null when blank. */
export function nonBlank(text: string | null | undefined): string | null {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
}

export function checkLen(field: string, text: string, max: number): void {
  if ([...text].length > max) fail('invalid', `${field} is too long: at most ${max} characters`);
}

const FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', ı: 'i' };

/**
 * duplicates.rs `normalize`: lower case, accents folded, apostrophes dropped, every
 * other run of punctuation or space one space, ends trimmed ("O'Brien" → "obrien").
 */
export function normalize(text: string): string {
  let out = '';
  let space = false;
  for (const upper of text.toLowerCase()) {
    for (const c of upper.normalize('NFD')) {
      if (/['\u2019\u2018\u02bc`\u00b4]/u.test(c) || /\p{M}/u.test(c)) continue;
      if (/[\p{L}\p{N}]/u.test(c)) {
        if (space && out) out += ' ';
        space = false;
        out += FOLD[c] ?? c;
      } else {
        space = true;
      }
    }
  }
  return out;
}

/** person.rs `display_name`: the name, else the first alias. */
export function displayName(name: string | null, aliases: readonly string[]): string {
  return name ?? aliases[0] ?? '(no name)';
}

/** person.rs `clean_aliases`: trimmed, blanks and case-insensitive repeats dropped. */
export function cleanAliases(aliases: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const raw of aliases ?? []) {
    const alias = raw.trim();
    if (!alias) continue;
    checkLen('alias', alias, MAX_NAME);
    if (!out.some((a) => a.toLowerCase() === alias.toLowerCase())) out.push(alias);
  }
  if (out.length > MAX_ALIASES) fail('invalid', `aliases is too long: at most ${MAX_ALIASES} characters`);
  return out;
}

/** A calendar date `YYYY-MM-DD` in the team's time zone. */
export type CivilDate = string;

/** time.rs `Dob::parse`: `YYYY-MM-DD` or `YYYY`, not before 1900, not after today. */
export function parseDob(text: string, today: CivilDate): string {
  const dob = text.trim();
  const bad = (): never => fail('invalid', `date of birth "${dob}" is not valid: use YYYY-MM-DD or YYYY`);
  if (/^\d{4}$/.test(dob)) {
    const year = Number(dob);
    if (year < 1900) bad();
    if (year > Number(today.slice(0, 4))) fail('invalid', `date of birth "${dob}" is in the future`);
    return dob;
  }
  if (!validDate(dob)) bad();
  if (Number(dob.slice(0, 4)) < 1900) bad();
  if (dob > today) fail('invalid', `date of birth "${dob}" is in the future`);
  return dob;
}

export function validDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** person.rs `check_phone`: digits and + - ( ) . spaces, 3 to 20 digits. */
export function checkPhone(phone: string): void {
  const digits = [...phone].filter((c) => c >= '0' && c <= '9').length;
  if (!/^[0-9 +\-().]*$/.test(phone) || digits < 3 || digits > 20) {
    fail('invalid', `phone "${phone}" is not valid: expected digits with optional + - ( ) . and spaces`);
  }
}

/** person.rs `hmis_codes`: allowed codes only, sorted, without repeats. */
export function hmisCodes(what: string, allowed: readonly number[], codes: readonly number[] | undefined): number[] {
  for (const code of codes ?? []) {
    if (!allowed.includes(code)) fail('invalid', `${what} code ${code} is not an HMIS code`);
  }
  return [...new Set(codes ?? [])].sort((a, b) => a - b);
}

/** person.rs `hmis_sex`: one code of list 4.21, or null when none was given. */
export function hmisSex(code: number | null | undefined): number | null {
  if (code == null) return null;
  if (!HMIS_SEX_CODES.includes(code)) {
    fail(
      'invalid',
      `unknown HMIS sex code "${code}": expected one of 0 (female), 1 (male), 8 (client doesn't know), ` +
        '9 (client prefers not to answer), 99 (data not collected)',
    );
  }
  return code;
}

/** person.rs status parse for what a worker may type (`referred` is set by referrals). */
export function parseWorkerStatus(status: string | null | undefined): PersonStatus | null {
  if (status == null) return null;
  if (status === 'active' || status === 'inactive') return status;
  if (status === 'referred') fail('invalid', 'status "referred" is not allowed: expected active, inactive');
  return fail('invalid', `status "${status}" is not valid: expected referred, active, inactive`);
}

// --- Time ----------------------------------------------------------------------------

/** A timestamp as the device writes it: RFC 3339 UTC, milliseconds only when set. */
export function stamp(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(date: Date, timeZone: string): Wall {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const part = (type: string) => Number(format.formatToParts(date).find((p) => p.type === type)?.value ?? 0);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
  };
}

/** The zone's UTC offset at `date`, in milliseconds east. */
export function offsetMs(date: Date, timeZone: string): number {
  const w = wallClock(date, timeZone);
  const wall = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wall - Math.floor(date.getTime() / 1000) * 1000;
}

/** Whether the runtime knows the IANA zone `name`. */
export function knownZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * time.rs `intake_deadline`: `at` plus `days` calendar days of the team's zone, so a
 * referral at 3 pm is due at 3 pm local time across a daylight-saving change.
 */
export function addLocalDays(at: Date, days: number, timeZone: string): Date {
  const before = offsetMs(at, timeZone);
  const wall = at.getTime() + before + days * DAY_MS;
  const guess = wall - before;
  return new Date(wall - offsetMs(new Date(guess), timeZone));
}

/** The calendar date at `date` in the zone (for "not in the future" checks). */
export function localDate(date: Date, timeZone: string): CivilDate {
  const w = wallClock(date, timeZone);
  return `${String(w.year).padStart(4, '0')}-${pad(w.month)}-${pad(w.day)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** RFC 3339 with the given offset, as `LocalInstant::to_rfc3339`. */
export function withOffset(date: Date, offset: number): string {
  const local = new Date(date.getTime() + offset);
  const ms = local.getUTCMilliseconds();
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(Math.round(offset / MINUTE_MS));
  const zone = offset === 0 ? 'Z' : `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    (ms ? `.${String(ms).padStart(3, '0')}` : '') +
    zone
  );
}

/**
 * time.rs `LocalInstant::parse`: RFC 3339 with an offset (`2026-11-23T14:05:00-08:00`,
 * `…Z`), at most a few minutes after `now`. Answers the instant and its offset.
 */
export function parseLocalTime(text: string, now: Date): { utc: Date; offset: number } {
  const trimmed = text.trim();
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})$/.exec(trimmed);
  const bad = (): never => fail('invalid', `time "${text}" is not valid: use RFC 3339 with an offset`);
  if (!m || !validDate(m[1] ?? '')) return bad();
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) bad();
  const zone = m[6] ?? 'Z';
  let offset = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offset = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * MINUTE_MS;
  }
  const ms = Math.floor(Number(`0${m[5] ?? ''}`) * 1000);
  const [y, mo, d] = (m[1] ?? '').split('-').map(Number) as [number, number, number];
  const utc = new Date(Date.UTC(y, mo - 1, d, hour, minute, second, ms) - offset);
  if (Math.floor(utc.getTime() / 1000) > Math.floor(now.getTime() / 1000) + FUTURE_SLACK_MS / 1000) {
    fail('invalid', `time "${text}" is in the future`);
  }
  return { utc, offset };
}

// --- Places --------------------------------------------------------------------------

/** location.rs `Location::new` with `location()`'s both-or-neither rule. */
export function checkLocation(
  lat: number | null | undefined,
  lon: number | null | undefined,
  accuracy: number | null | undefined,
): { lat: number; lon: number; accuracy_m: number | null } | null {
  if (lat == null && lon == null) {
    if (accuracy != null) fail('invalid', 'location: an accuracy without coordinates');
    return null;
  }
  if (lat == null || lon == null) fail('invalid', 'location: only one coordinate; give both lat and lon, or neither');
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) fail('invalid', `latitude ${lat} is out of range`);
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) fail('invalid', `longitude ${lon} is out of range`);
  if (accuracy != null && (!Number.isFinite(accuracy) || accuracy <= 0)) {
    fail('invalid', `accuracy ${accuracy} is not valid: metres, more than 0`);
  }
  return { lat, lon, accuracy_m: accuracy ?? null };
}

/** location.rs `Location::coarsened`: snapped to the team's precision grid. */
export function coarsen(
  loc: { lat: number; lon: number; accuracy_m: number | null },
  precision: string,
): { lat: number; lon: number; accuracy_m: number | null } {
  const step = precision === '100m' ? 0.001 : precision === '1km' ? 0.01 : null;
  if (step === null) return loc;
  const snap = (v: number) => (Math.floor(v / step) + 0.5) * step;
  const metres = step * 111_320;
  return {
    lat: Math.min(90, Math.max(-90, snap(loc.lat))),
    lon: Math.min(180, Math.max(-180, snap(loc.lon))),
    accuracy_m: Math.max(loc.accuracy_m ?? metres, metres),
  };
}

/** Great-circle distance in metres (haversine, the mean Earth radius `geo` uses). */
export function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

type Ring = [number, number][];
type Polygon = Ring[];

/** Every Polygon and MultiPolygon of a GeoJSON geometry, feature or collection. */
export function catchmentPolygons(geojson: JsonValue | null): Polygon[] {
  const out: Polygon[] = [];
  const geometry = (g: JsonValue | undefined) => {
    if (!g || typeof g !== 'object' || Array.isArray(g)) return;
    if (g.type === 'Polygon') out.push(g.coordinates as unknown as Polygon);
    else if (g.type === 'MultiPolygon') out.push(...(g.coordinates as unknown as Polygon[]));
  };
  if (geojson && typeof geojson === 'object' && !Array.isArray(geojson)) {
    if (geojson.type === 'FeatureCollection' && Array.isArray(geojson.features)) {
      for (const f of geojson.features) {
        if (f && typeof f === 'object' && !Array.isArray(f)) geometry(f.geometry);
      }
    } else if (geojson.type === 'Feature') {
      geometry(geojson.geometry);
    } else {
      geometry(geojson);
    }
  }
  return out;
}

const EPSILON = 1e-12;

function onSegment(x: number, y: number, [ax, ay]: [number, number], [bx, by]: [number, number]): boolean {
  const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
  if (Math.abs(cross) > EPSILON * Math.max(1, Math.abs(bx - ax) + Math.abs(by - ay))) return false;
  const within = (v: number, p: number, q: number) => v >= Math.min(p, q) - EPSILON && v <= Math.max(p, q) + EPSILON;
  return within(x, ax, bx) && within(y, ay, by);
}

function onRing(x: number, y: number, ring: Ring): boolean {
  return ring.some((a, i) => {
    const b = ring[(i + 1) % ring.length];
    return b !== undefined && onSegment(x, y, a, b);
  });
}

/** Ray casting: whether (x, y) lies strictly inside `ring` (boundary excluded). */
function insideRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] ?? [0, 0];
    const [xj, yj] = ring[j] ?? [0, 0];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Whether the point intersects the area, like `geo::Intersects`: inside a polygon's
 * outer ring and not strictly inside one of its holes; any boundary counts as inside
 * (the benefit of the doubt goes to the person referred).
 */
export function intersects(polygons: readonly Polygon[], lat: number, lon: number): boolean {
  return polygons.some((rings) => {
    const [outer, ...holes] = rings;
    if (!outer) return false;
    if (rings.some((ring) => onRing(lon, lat, ring))) return true;
    return insideRing(lon, lat, outer) && !holes.some((hole) => insideRing(lon, lat, hole));
  });
}

export const OUTSIDE_CATCHMENT = 'outside catchment area';
export const NO_LOCATION = 'no location given: catchment area not checked';

/** eligibility.rs `assess`: catchment first, then each exclusion answered yes, once. */
export function assess(
  team: TeamRec,
  location: { lat: number; lon: number } | null,
  answeredYes: readonly string[],
): ReferralRec['eligibility'] {
  const reasons: string[] = [];
  if (team.catchment !== null) {
    if (!location) reasons.push(NO_LOCATION);
    else if (!intersects(catchmentPolygons(team.catchment), location.lat, location.lon)) {
      reasons.push(OUTSIDE_CATCHMENT);
    }
  }
  const seen = new Set<string>();
  for (const key of answeredYes) {
    const entry = team.exclusions.find((e) => e.key === key);
    if (!entry) {
      fail('invalid', `unknown exclusion "${key}"; expected one of: ${team.exclusions.map((e) => e.key).join(', ')}`);
    }
    if (!seen.has(entry.key)) {
      seen.add(entry.key);
      reasons.push(`exclusion: ${entry.label}`);
    }
  }
  return { result: reasons.length ? 'needs_review' : 'eligible', reasons };
}

// --- Merging (lib.rs `person_merge_choosing`) ------------------------------------------

/**
 * What the kept record `k` becomes when `d` is merged into it: the kept record wins;
 * what it lacks (date of birth, HMIS sex, description, case manager) comes from the duplicate,
 * whose name and aliases become aliases; an active duplicate makes it active. Then the
 * reviewer's choices: each field in `take` gets the duplicate's value (a name only if
 * the duplicate has one; the kept name then becomes an alias). Changes `k` in place.
 */
export function mergeInto(k: PersonRec, d: PersonRec, take: readonly string[]): void {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  for (const name of [...(d.name === null ? [] : [d.name]), ...d.aliases]) {
    const known = (k.name !== null && same(k.name, name)) || k.aliases.some((a) => same(a, name));
    if (!known) k.aliases.push(name);
  }
  k.dob = k.dob ?? d.dob;
  k.sex = k.sex ?? d.sex;
  k.description = k.description ?? d.description;
  k.case_manager = k.case_manager ?? d.case_manager;
  k.case_manager_phone = k.case_manager_phone ?? d.case_manager_phone;
  if (k.status !== 'active' && d.status === 'active') k.status = 'active';
  const takes = (field: string) => take.includes(field);
  if (takes('name') && d.name !== null) {
    const old = k.name;
    k.name = d.name;
    if (old !== null && !k.aliases.some((a) => same(a, old))) k.aliases.push(old);
    const kept = d.name;
    k.aliases = k.aliases.filter((a) => !same(a, kept));
  }
  if (takes('dob')) k.dob = d.dob;
  if (takes('description')) k.description = d.description;
  if (takes('status')) k.status = d.status;
  if (takes('case_manager')) {
    k.case_manager = d.case_manager;
    k.case_manager_phone = d.case_manager_phone;
  }
  if (takes('gender')) k.gender = [...d.gender];
  if (takes('race_ethnicity')) k.race_ethnicity = [...d.race_ethnicity];
  if (takes('sex')) k.sex = d.sex;
}

// --- Duplicates (a simpler duplicates.rs) ------------------------------------------------

/** Scores at or above this are offered as possible duplicates. */
export const OFFER_THRESHOLD = 0.6;

const NICKNAMES: readonly (readonly string[])[] = [
  ['robert', 'rob', 'robbie', 'bob', 'bobby'],
  ['william', 'will', 'bill', 'billy', 'willie'],
  ['michael', 'mike', 'mikey', 'mick'],
  ['james', 'jim', 'jimmy', 'jamie'],
  ['joseph', 'joe', 'joey'],
  ['samuel', 'sam', 'sammy'],
  ['jessica', 'jess', 'jessie'],
  ['christina', 'christine', 'chris', 'tina'],
  ['denise', 'neecy', 'dee'],
  ['rosa', 'rosie', 'chayo'],
  ['luis', 'lucho', 'wicho'],
  ['jose', 'pepe', 'chepe'],
  ['francisco', 'paco', 'pancho'],
  ['maria', 'mari'],
];

const STOP_WORDS = new Set(
  (
    'the and with has have his her hers him she they them their wears wearing wore very from that this for who was ' +
    'are about around near usually always often sometimes also some one looks like seen but not any con del los las ' +
    'una uno unos unas por para que muy sus lleva tiene usa como pero esta siempre ella sin cerca'
  ).split(' '),
);

function jaro(a: string, b: string): number {
  if (a === b) return 1;
  if (!a.length || !b.length) return 0;
  const range = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aHit = new Array<boolean>(a.length).fill(false);
  const bHit = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - range); j <= Math.min(b.length - 1, i + range); j++) {
      if (!bHit[j] && a[i] === b[j]) {
        aHit[i] = bHit[j] = true;
        matches++;
        break;
      }
    }
  }
  if (!matches) return 0;
  let transpositions = 0;
  for (let i = 0, k = 0; i < a.length; i++) {
    if (!aHit[i]) continue;
    while (!bHit[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  return (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
}

function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && a[prefix] === b[prefix]) prefix++;
  return j + prefix * 0.1 * (1 - j);
}

/** Similarity above 0.85 only, stretched onto 0..1 (short unrelated strings score high). */
function rescaled(a: string, b: string): number {
  return Math.max(0, (jaroWinkler(a, b) - 0.85) / 0.15);
}

function sameGiven(a: string, b: string): boolean {
  return a === b || NICKNAMES.some((g) => g.includes(a) && g.includes(b));
}

/** Two normalized names (a name or an alias each). */
export function nameScore(a: string, b: string): number {
  if (!a || !b) return 0;
  const ta = a.split(' ');
  const tb = b.split(' ');
  if (ta.length === 1 && tb.length === 1) return Math.min(a === b || sameGiven(a, b) ? 1 : rescaled(a, b), 0.85);
  if (a === b) return 1;
  let score = rescaled(a, b);
  if (ta.length === 1 || tb.length === 1) {
    const [one, many] = ta.length === 1 ? [a, tb] : [b, ta];
    return Math.min(Math.max(score, many.some((t) => sameGiven(t, one)) ? 0.55 : 0), 0.55);
  }
  const [ga, gb] = [ta[0] ?? '', tb[0] ?? ''];
  const [sa, sb] = [ta[ta.length - 1] ?? '', tb[tb.length - 1] ?? ''];
  const surname = jaroWinkler(sa, sb) >= 0.9;
  if (surname && sameGiven(ga, gb)) score = Math.max(score, 0.9);
  else if (surname && (ga.length === 1 || gb.length === 1) && ga[0] === gb[0]) score = Math.max(score, 0.65);
  else score = Math.max(score, 0.35 * rescaled(ga, gb) + 0.35 * rescaled(sa, sb));
  return score;
}

function words(description: string | null): Set<string> {
  return new Set(
    normalize(description ?? '')
      .split(' ')
      .filter((w) => [...w].length >= 3 && !STOP_WORDS.has(w)),
  );
}

function descriptionScore(a: string | null, b: string | null): number {
  const wa = words(a);
  const wb = words(b);
  const shared = [...wa].filter((w) => wb.has(w)).length;
  if (!shared) return 0;
  const union = new Set([...wa, ...wb]).size;
  return Math.sqrt(shared / union) * Math.min(1, shared / 4);
}

export interface Candidate {
  name: string | null;
  aliases: readonly string[];
  dob: string | null;
  description: string | null;
}

/** How likely two persons are one (0..1): names first, description, then date of birth. */
export function duplicateScore(a: Candidate, b: Candidate): number {
  const names = (c: Candidate) => [c.name ?? '', ...c.aliases].map(normalize).filter(Boolean);
  const na = names(a);
  const nb = names(b);
  const description = descriptionScore(a.description, b.description);
  let score: number;
  if (na.length && nb.length) {
    const best = Math.max(...na.flatMap((x) => nb.map((y) => nameScore(x, y))));
    score = best + (1 - best) * 0.3 * description;
  } else {
    score = 0.8 * description;
  }
  if (score > 0 && a.dob && b.dob) {
    const [ya, yb] = [Number(a.dob.slice(0, 4)), Number(b.dob.slice(0, 4))];
    if (a.dob.length === 10 && a.dob === b.dob) score += (1 - score) * 0.3;
    else if (ya === yb) score += (1 - score) * 0.1;
    else if (Math.abs(ya - yb) > 1) score *= 0.5;
  }
  return score;
}

// --- Enrollment ----------------------------------------------------------------------

const BASE32 = /^[a-z2-7]{8,64}$/;

/** code.rs `InviteCode::from_str`: `INVITE.CHECK` or `INVITE.CHECK.SECRET`, base32 parts. */
export function checkInviteCode(code: string): void {
  const parts = code.trim().split('.');
  if (parts.length < 2 || parts.length > 3) {
    fail('invalid', 'invitation code: expected INVITE.CHECK or INVITE.CHECK.SECRET');
  }
  const names = ['invitation', 'check', 'secret'];
  parts.forEach((raw, i) => {
    const part = raw.replace(/[-\s]/g, '').toLowerCase();
    if (!BASE32.test(part)) fail('invalid', `invitation code: the ${names[i] ?? 'code'} part is not valid`);
  });
}

// --- Unlock (crates/waymark-device/src/unlock.rs) ------------------------------------

/** From this many wrong passphrases in a row, unlock waits between attempts (`LOCKOUT_AFTER`). */
export const LOCKOUT_AFTER = 5;
/** At this many wrong passphrases in a row the keys are destroyed (`WIPE_AFTER`). */
export const WIPE_AFTER = 10;

/** How long unlock is refused after `failures` wrong passphrases: 30 s, doubling (`lockout`). */
export function lockoutMs(failures: number): number {
  if (failures < LOCKOUT_AFTER) return 0;
  return 30_000 * 2 ** Math.min(failures - LOCKOUT_AFTER, WIPE_AFTER - LOCKOUT_AFTER);
}

/** What is left of a lockout, never longer than the lockout itself (`Attempts::wait`). */
export function lockoutLeftMs(failures: number, lockedUntil: number | null, now: number): number {
  if (lockedUntil === null) return 0;
  return Math.min(Math.max(lockedUntil - now, 0), lockoutMs(failures));
}

/** "45 seconds", "1 minute", "2 minutes 30 seconds" (`duration_words`). */
export function durationWords(seconds: number): string {
  const plural = (n: number, one: string) => (n === 1 ? `1 ${one}` : `${n} ${one}s`);
  const [m, s] = [Math.floor(seconds / 60), seconds % 60];
  if (m === 0) return plural(s, 'second');
  if (s === 0) return plural(m, 'minute');
  return `${plural(m, 'minute')} ${plural(s, 'second')}`;
}

/** The device's `wrong_passphrase` message: a warning from the 5th failure (`wrong_warning`). */
export function wrongPassphraseMessage(failures: number): string {
  if (failures < LOCKOUT_AFTER) return 'wrong passphrase';
  const left = WIPE_AFTER - failures;
  return (
    `wrong passphrase: ${left} more wrong ${left === 1 ? 'attempt' : 'attempts'} will destroy this device's keys ` +
    `and erase its data for good; unlock again in ${durationWords(Math.ceil(lockoutMs(failures) / 1000))}`
  );
}

/** The device's `locked_out` message. */
export function lockedOutMessage(failures: number, waitSeconds: number): string {
  const left = WIPE_AFTER - failures;
  return (
    `too many wrong passphrases: unlock again in ${durationWords(waitSeconds)}; ${left} more wrong ` +
    `${left === 1 ? 'attempt' : 'attempts'} will destroy this device's keys and erase its data for good`
  );
}

/** The device's `wiped` message. */
export const WIPED_MESSAGE =
  `${WIPE_AFTER} wrong passphrases in a row: this device's keys were destroyed and its data can no longer be ` +
  'read; set it up again';

// --- Consents (crates/waymark-domain/src/consent.rs) -----------------------------------

/** consent.rs `MAX_TEXT`: the longest purpose, description or expiry event. */
export const MAX_CONSENT_TEXT = 1000;

/** `Party::default_purpose`: the purpose written when the worker gives none. */
const DEFAULT_PURPOSE: Record<Party, string> = {
  law_enforcement: "coordination of the participant's diversion with the referring police department",
  prosecutor: "coordination of the participant's diversion with the prosecutor's office",
  housing: 'housing placement and support',
  medical: 'continuity of medical care',
  hmis: "reporting to the Continuum of Care's Homeless Management Information System",
};

/** `Party::default_description`: what may be shared, when the worker gives no description. */
const DEFAULT_DESCRIPTION: Record<Party, string> = {
  law_enforcement:
    'program participation: name or alias, status, assigned case manager and contact, last-updated date',
  prosecutor: 'program participation, status and referral outcome',
  housing: 'contact details, housing needs and program status',
  medical: 'contact details, program status and referrals for care',
  hmis: 'identity, demographics, enrollment, contacts, services and living situation',
};

/**
 * consent.rs `expiry`: a `YYYY-MM-DD` last day and the instant the consent ends, the
 * start of the next day in the team's zone (so the last day is covered to its end).
 */
export function consentExpiry(text: string, timeZone: string): { on: string; at: Date } {
  if (text.length !== 10 || !validDate(text)) fail('invalid', `date "${text}" is not a valid date: use YYYY-MM-DD`);
  const [y, mo, d] = text.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d + 1);
  const guess = wall - offsetMs(new Date(wall), timeZone);
  return { on: text, at: new Date(wall - offsetMs(new Date(guess), timeZone)) };
}

export interface NewConsentFields {
  parties: Party[];
  purpose: string;
  description: string;
  expires_on: string | null;
  expires_at: string | null;
  expiry_event: string | null;
}

/**
 * `NewConsent::parse`: at least one known party (repeats dropped), purpose and
 * description defaulting to the first party's standard text, texts within limits, an
 * optional last day (judged in `timeZone`) and an optional expiry event.
 */
export function newConsent(
  input: {
    parties?: readonly string[];
    purpose?: string | null;
    description?: string | null;
    expires?: string | null;
    expiry_event?: string | null;
  },
  timeZone: string,
): NewConsentFields {
  const parties: Party[] = [];
  for (const raw of input.parties ?? []) {
    const party = PARTIES.find((p) => p === raw.trim());
    if (!party) fail('invalid', `unknown consent party "${raw}": expected one of ${PARTIES.join(', ')}`);
    if (!parties.includes(party)) parties.push(party);
  }
  const first = parties[0];
  if (!first) fail('invalid', 'consent parties (give --party) must not be empty');
  const purpose = nonBlank(input.purpose) ?? DEFAULT_PURPOSE[first];
  const description = nonBlank(input.description) ?? DEFAULT_DESCRIPTION[first];
  checkLen('purpose', purpose, MAX_CONSENT_TEXT);
  checkLen('description', description, MAX_CONSENT_TEXT);
  const expiry_event = nonBlank(input.expiry_event);
  if (expiry_event) checkLen('expiry event', expiry_event, MAX_CONSENT_TEXT);
  const expires = nonBlank(input.expires);
  const end = expires ? consentExpiry(expires, timeZone) : null;
  return {
    parties,
    purpose,
    description,
    expires_on: end?.on ?? null,
    expires_at: end ? stamp(end.at) : null,
    expiry_event,
  };
}

/** `Consent::in_force`: not revoked and not past its end at `at`. */
export function consentInForce(c: Consent, at: Date): boolean {
  return !c.revoked_at && (!c.expires_at || at.getTime() < Date.parse(c.expires_at));
}

/**
 * `officer_sharing`: until when a person's card may go to every officer, given the
 * person's consents: the longest-running law-enforcement consent in force at `at`
 * (`no_expiry` when one has no end date), or null.
 */
export function officerSharing(consents: readonly Consent[], at: Date): string | null {
  let best: string | null = null;
  for (const c of consents) {
    if (!c.parties.includes('law_enforcement') || !consentInForce(c, at)) continue;
    const until = c.expires_at ?? 'no_expiry';
    if (best === 'no_expiry' || until === 'no_expiry') best = 'no_expiry';
    else best = best === null || Date.parse(until) > Date.parse(best) ? until : best;
  }
  return best;
}

/** `Sharing::in_force`: whether a card's sharing with officers still holds at `at`. */
export function sharingInForce(until: string | null, at: Date): boolean {
  return until === 'no_expiry' || (until !== null && at.getTime() < Date.parse(until));
}
