// The officer's roster lookup: what the screen checks before asking the device, how a
// card's status reads, and the session's conveniences (last reason, cards just seen).
import type { CardView } from '../../platform';
import type { Key } from '../i18n';

/** The device's limit on a lookup reason (crates/waymark-device `MAX_REASON`). */
export const MAX_REASON = 500;

/** Letters and digits only, lower case: what the device searches on. */
export function normalizeQuery(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Why a lookup cannot be asked yet (a string key), or null when it can. */
export function lookupProblem(query: string, reason: string): Key | null {
  if (!normalizeQuery(query)) return 'lookup.need_query';
  if (!reason.trim()) return 'lookup.need_reason';
  if ([...reason.trim()].length > MAX_REASON) return 'lookup.reason_too_long';
  return null;
}

/** A card's status in plain words: is this person an active participant or not. */
export function cardStatusKey(status: string): Key {
  switch (status) {
    case 'active':
      return 'card.status_active';
    case 'referred':
      return 'card.status_referred';
    case 'inactive':
      return 'card.status_inactive';
    default:
      return 'card.status_unknown';
  }
}

/** A `tel:` link for a phone number as people write it, or null when it has no digits. */
export function telHref(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D+/g, '');
  if (!digits) return null;
  return `tel:${trimmed.startsWith('+') ? '+' : ''}${digits}`;
}

// --- The session's conveniences ------------------------------------------------------
// Kept in memory only (never on disk), and forgotten when the app is locked.

let reason = '';
const cards = new Map<string, CardView>();

/** The reason of the last lookup in this session, to offer again. */
export function lastReason(): string {
  return reason;
}

export function rememberReason(text: string): void {
  reason = text.trim();
}

/** Cards the officer has just been shown, so Refer can preselect one without a new lookup. */
export function rememberCards(list: readonly CardView[]): void {
  for (const card of list) cards.set(card.person_id, card);
}

export function rememberedCard(personId: string): CardView | null {
  return cards.get(personId) ?? null;
}

/** Forgets the session's reason and cards (on lock or unlock). */
export function forgetSession(): void {
  reason = '';
  cards.clear();
}
