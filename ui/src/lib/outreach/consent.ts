// Consents (releases of information) on the person page: whether each is in force,
// the order they are listed in, and the checks of the "new consent" form before it
// goes to the device. Pure.
import { PARTIES, type Consent, type ConsentInput, type Party } from '../../platform';
import type { Key } from '../i18n';

/** How a consent stands, judged plainly: revoked beats expired beats in force. */
export type ConsentState = 'in_force' | 'expired' | 'revoked';

/**
 * The state of `c` at `now`: revoked once revoked; expired from `expires_at` on (the
 * start of the day after its last day, so the last day itself is covered); else in
 * force. A consent that ends with an event stays in force until a worker revokes it.
 */
export function consentState(c: Consent, now: Date): ConsentState {
  if (c.revoked_at) return 'revoked';
  if (c.expires_at && now.getTime() >= Date.parse(c.expires_at)) return 'expired';
  return 'in_force';
}

/** Whether a consent in force at `now` covers law enforcement (officers see the card). */
export function sharedWithOfficers(consents: readonly Consent[], now: Date): boolean {
  return consents.some((c) => c.parties.includes('law_enforcement') && consentState(c, now) === 'in_force');
}

/** The label of each state and party (lib/strings/consent.ts). */
export const STATE_LABEL: Record<ConsentState, Key> = {
  in_force: 'consent.state.in_force',
  expired: 'consent.state.expired',
  revoked: 'consent.state.revoked',
};

export const PARTY_LABEL: Record<Party, Key> = {
  law_enforcement: 'consent.party.law_enforcement',
  prosecutor: 'consent.party.prosecutor',
  housing: 'consent.party.housing',
  medical: 'consent.party.medical',
  hmis: 'consent.party.hmis',
};

const RANK: Record<ConsentState, number> = { in_force: 0, expired: 1, revoked: 2 };

/** The list as shown: those in force first, then expired, then revoked; newest signed first in each. */
export function consentOrder(consents: readonly Consent[], now: Date): Consent[] {
  return [...consents].sort(
    (a, b) =>
      RANK[consentState(a, now)] - RANK[consentState(b, now)] || Date.parse(b.signed_at) - Date.parse(a.signed_at),
  );
}

/** The parties of a consent in the domain's order (law enforcement first). */
export function partyOrder(parties: readonly Party[]): Party[] {
  return PARTIES.filter((p) => parties.includes(p));
}

/** consent.rs `MAX_TEXT`: the longest purpose, description or expiry event. */
export const MAX_CONSENT_TEXT = 1000;

/** What the worker entered in the "new consent" form. */
export interface ConsentForm {
  parties: Party[];
  purpose: string;
  description: string;
  /** The last day covered, `YYYY-MM-DD` (a date input's value), or empty. */
  expires: string;
  /** An event that ends the consent, or empty. */
  event: string;
}

export function emptyConsentForm(): ConsentForm {
  return { parties: [], purpose: '', description: '', expires: '', event: '' };
}

/** Each field of the form that needs fixing, and why. */
export interface ConsentProblems {
  parties?: 'missing';
  /** 42 CFR 2.31 asks for an expiry date, event or condition: the form needs one. */
  expiry?: 'missing';
  expires?: 'format' | 'past';
  purpose?: 'too_long';
  description?: 'too_long';
  event?: 'too_long';
}

function validDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function tooLong(text: string): boolean {
  return [...text.trim()].length > MAX_CONSENT_TEXT;
}

/**
 * Checks the form the way the device will, plus one rule of the form's own: a consent
 * must say when it ends (a last day, an event, or both), as 42 CFR 2.31 requires. The
 * last day is a real `YYYY-MM-DD` date, not before `today` (`YYYY-MM-DD`, local).
 * An empty object means the form may be saved.
 */
export function consentProblems(form: ConsentForm, today: string): ConsentProblems {
  const out: ConsentProblems = {};
  if (form.parties.length === 0) out.parties = 'missing';
  const expires = form.expires.trim();
  if (!expires && !form.event.trim()) out.expiry = 'missing';
  if (expires && !validDate(expires)) out.expires = 'format';
  else if (expires && expires < today) out.expires = 'past';
  if (tooLong(form.purpose)) out.purpose = 'too_long';
  if (tooLong(form.description)) out.description = 'too_long';
  if (tooLong(form.event)) out.event = 'too_long';
  return out;
}

export function hasProblems(problems: ConsentProblems): boolean {
  return Object.keys(problems).length > 0;
}

/** The device's input for the form: blanks left out, so the device writes its standard texts. */
export function consentInput(person: string, form: ConsentForm): ConsentInput {
  return {
    person,
    parties: partyOrder(form.parties),
    purpose: form.purpose.trim() || null,
    description: form.description.trim() || null,
    expires: form.expires.trim() || null,
    expiry_event: form.event.trim() || null,
  };
}

/** A calendar date (`YYYY-MM-DD`, no time zone) as "May 31, 2026" / "31 may 2026". */
export function civilDateLabel(date: string, lang: 'en' | 'es'): string {
  const [y, m, d] = date.split('-').map(Number);
  if (!y || !m || !d) return date;
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(lang === 'es' ? 'es-US' : 'en-US', {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}

/** The local date of an instant, as "Nov 20, 2025". */
export function dateLabel(iso: string, lang: 'en' | 'es'): string {
  return new Date(iso).toLocaleDateString(lang === 'es' ? 'es-US' : 'en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}
