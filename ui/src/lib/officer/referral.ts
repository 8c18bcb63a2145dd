// The referral form's logic: what is sent to the device, what is missing, how the
// device's eligibility reasons read, and the short referral number.
import type { Position, ReferralInput } from '../../platform';
import type { Key, Lang } from '../i18n';

/** The pathways an officer refers on. */
export const OFFICER_PATHWAYS = ['social_contact', 'arrest_diversion'] as const;
export type OfficerPathway = (typeof OFFICER_PATHWAYS)[number];

/** Charge categories offered for an arrest diversion (stored by key). */
export const CHARGE_CATEGORIES = ['drug_possession', 'drug_sale', 'sex_work', 'theft', 'trespass', 'other'] as const;

/** The device's reason strings (crates/waymark-domain/src/eligibility.rs). */
export const OUTSIDE_CATCHMENT = 'outside catchment area';
export const NO_LOCATION = 'no location given: catchment area not checked';
const EXCLUSION_PREFIX = 'exclusion: ';

/** How the officer names the subject: a person found on the roster, or a new one. */
export type SubjectMode = 'search' | 'new';

export interface ReferForm {
  pathway: OfficerPathway;
  /** An existing person (a card's person id), or null for a new person. */
  personId: string | null;
  name: string;
  alias: string;
  description: string;
  position: Position | null;
  /** Exclusion key → answered "yes". */
  exclusions: Record<string, boolean>;
  narrative: string;
  charge: string;
}

export function emptyForm(): ReferForm {
  return {
    pathway: 'social_contact',
    personId: null,
    name: '',
    alias: '',
    description: '',
    position: null,
    exclusions: {},
    narrative: '',
    charge: '',
  };
}

function blank(text: string): string | null {
  const trimmed = text.trim();
  return trimmed ? trimmed : null;
}

/** The exclusion keys answered "yes", in the team's checklist order when given. */
export function answeredYes(exclusions: Record<string, boolean>, order: readonly string[] = []): string[] {
  const yes = Object.keys(exclusions).filter((key) => exclusions[key]);
  return yes.sort((a, b) => rank(order, a) - rank(order, b));
}

function rank(order: readonly string[], key: string): number {
  const i = order.indexOf(key);
  return i < 0 ? order.length : i;
}

/** Aliases from the alias field: several may be separated by commas. */
export function splitAliases(text: string): string[] {
  return text
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
}

/** The device input for `form`: an existing person by id, or the new person's details. */
export function referralInput(form: ReferForm, mode: SubjectMode, order: readonly string[] = []): ReferralInput {
  const input: ReferralInput = {
    pathway: form.pathway,
    exclusions: answeredYes(form.exclusions, order),
    narrative: blank(form.narrative),
    charge_category: form.pathway === 'arrest_diversion' ? blank(form.charge) : null,
    lat: form.position?.lat ?? null,
    lon: form.position?.lon ?? null,
    accuracy_m: form.position ? form.position.accuracy_m : null,
  };
  if (mode === 'search' && form.personId) {
    input.person = form.personId;
  } else {
    input.name = blank(form.name);
    input.aliases = splitAliases(form.alias);
    input.description = blank(form.description);
  }
  return input;
}

/** Only what eligibility depends on (location, exclusions): the live check's input. */
export function checkInput(form: ReferForm, order: readonly string[] = []): ReferralInput {
  return {
    pathway: form.pathway,
    exclusions: answeredYes(form.exclusions, order),
    lat: form.position?.lat ?? null,
    lon: form.position?.lon ?? null,
    accuracy_m: form.position ? form.position.accuracy_m : null,
  };
}

/** What keeps the subject from being saved (a string key), or null. */
export function subjectProblem(form: ReferForm, mode: SubjectMode): Key | null {
  if (mode === 'search') return form.personId ? null : 'refer.need_choice';
  if (blank(form.name) || splitAliases(form.alias).length > 0 || blank(form.description)) return null;
  return 'refer.need_subject';
}

/** One eligibility reason of the device, as the screen explains it. */
export type Reason =
  | { kind: 'outside' }
  | { kind: 'no_location' }
  | { kind: 'exclusion'; label: string }
  | { kind: 'other'; text: string };

export function explainReason(reason: string): Reason {
  if (reason === OUTSIDE_CATCHMENT) return { kind: 'outside' };
  if (reason === NO_LOCATION) return { kind: 'no_location' };
  if (reason.startsWith(EXCLUSION_PREFIX)) return { kind: 'exclusion', label: reason.slice(EXCLUSION_PREFIX.length) };
  return { kind: 'other', text: reason };
}

/** The short referral number read out over the phone: the id's first 8 hex digits. */
export function referralNumber(id: string): string {
  const hex = id.replace(/[^0-9a-f]/gi, '').slice(0, 8).toUpperCase();
  return hex.length > 4 ? `${hex.slice(0, 4)}-${hex.slice(4)}` : hex;
}

function locale(lang: Lang): string {
  return lang === 'es' ? 'es-US' : 'en-US';
}

/** A date such as "Tue, Dec 23, 2025", in the team's time zone when it is known. */
export function longDate(iso: string, lang: Lang, timeZone?: string | null): string {
  const options: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' };
  const date = new Date(iso);
  if (timeZone) {
    try {
      return date.toLocaleDateString(locale(lang), { ...options, timeZone });
    } catch {
      // An unknown zone name: fall back to the phone's zone.
    }
  }
  return date.toLocaleDateString(locale(lang), options);
}

/** A short date such as "Nov 3". */
export function shortDate(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleDateString(locale(lang), { month: 'short', day: 'numeric' });
}

/** The string key of a pathway's name, or null for one the screen does not know. */
export function pathwayKey(pathway: string): Key | null {
  switch (pathway) {
    case 'social_contact':
      return 'refer.pathway_social_contact';
    case 'arrest_diversion':
      return 'refer.pathway_arrest_diversion';
    case 'community':
      return 'refer.pathway_community';
    case 'self':
      return 'refer.pathway_self';
    default:
      return null;
  }
}

/** The string key of a charge category, or null for free text from elsewhere. */
export function chargeKey(charge: string): Key | null {
  return (CHARGE_CATEGORIES as readonly string[]).includes(charge) ? (`refer.charge_${charge}` as Key) : null;
}

/** "±12 m", rounded (null accuracy: unknown). */
export function accuracyText(position: Position): string | null {
  return position.accuracy_m == null ? null : `±${Math.round(position.accuracy_m)} m`;
}
