// The office's counts for a period: contacts, unique persons, anonymous contacts,
// supplies by kind (naloxone and fentanyl test strips first), new referrals, intakes.
import type { EncounterView, Entry, PersonView, ReferralView } from '../../platform/types';
import { inRange, type Range } from './period';

/** Harm-reduction supplies that lead every report, in this order. */
export const FIRST_SUPPLIES: readonly string[] = ['naloxone', 'fentanyl_test_strips'];

/** The encounter kind of a search that did not find the person: not a contact. */
export const ATTEMPT = 'attempted';

export interface Supply {
  key: string;
  label: string;
  count: number;
}

export interface PeriodCounts {
  /** Contacts made (every encounter except attempts that did not find the person). */
  contacts: number;
  /** Distinct persons among the contacts, merged persons counted once. */
  uniquePersons: number;
  /** Contacts with no person (supplies only). */
  anonymous: number;
  /** Attempts that did not find the person, shown apart. */
  attempts: number;
  /** Supplies given, by kind: naloxone and test strips first (even at 0), then the rest given. */
  supplies: Supply[];
  /** Referrals made in the period. */
  newReferrals: number;
  /** Referrals whose intake was completed in the period. */
  intakes: number;
}

/** The contacts of a period (attempts left out), newest first as given. */
export function contactsIn(encounters: readonly EncounterView[], range: Range): EncounterView[] {
  return encounters.filter((e) => e.kind !== ATTEMPT && inRange(e.at_utc || e.at, range));
}

/** Follows `merged_into` to the kept person's id (as the device resolves old ids). */
export function resolver(persons: readonly PersonView[]): (id: string) => string {
  const byId = new Map(persons.map((p) => [p.id, p]));
  return (id) => {
    let current = id;
    const seen = new Set<string>();
    for (;;) {
      const next = byId.get(current)?.merged_into;
      if (!next || seen.has(next)) return current;
      seen.add(current);
      current = next;
    }
  };
}

/** Supplies summed over `contacts`, in report order; labels from the team's catalog. */
export function supplies(contacts: readonly EncounterView[], catalog: readonly Entry[]): Supply[] {
  const totals = new Map<string, number>();
  for (const c of contacts) {
    for (const [key, count] of Object.entries(c.services)) {
      if (Number.isFinite(count) && count > 0) totals.set(key, (totals.get(key) ?? 0) + count);
    }
  }
  const label = (key: string) => catalog.find((e) => e.key === key)?.label ?? key;
  const rank = (key: string) => {
    const first = FIRST_SUPPLIES.indexOf(key);
    if (first >= 0) return first;
    const listed = catalog.findIndex((e) => e.key === key);
    return listed >= 0 ? FIRST_SUPPLIES.length + listed : Number.MAX_SAFE_INTEGER;
  };
  const keys = [...new Set([...FIRST_SUPPLIES, ...totals.keys()])];
  keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return keys.map((key) => ({ key, label: label(key), count: totals.get(key) ?? 0 }));
}

export function periodCounts(
  data: {
    encounters: readonly EncounterView[];
    referrals: readonly ReferralView[];
    persons: readonly PersonView[];
    services: readonly Entry[];
  },
  range: Range,
): PeriodCounts {
  const contacts = contactsIn(data.encounters, range);
  const resolve = resolver(data.persons);
  const persons = new Set<string>();
  for (const c of contacts) if (c.person_id) persons.add(resolve(c.person_id));
  return {
    contacts: contacts.length,
    uniquePersons: persons.size,
    anonymous: contacts.filter((c) => !c.person_id).length,
    attempts: data.encounters.filter((e) => e.kind === ATTEMPT && inRange(e.at_utc || e.at, range)).length,
    supplies: supplies(contacts, data.services),
    newReferrals: data.referrals.filter((r) => inRange(r.created_at, range)).length,
    intakes: data.referrals.filter((r) => r.status === 'intake_complete' && inRange(r.status_at, range)).length,
  };
}
