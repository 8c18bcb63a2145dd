// A small hand-made data set for the office's unit tests. Times are built in the
// local time zone, so the expected counts hold wherever the tests run.
import type { EncounterView, Entry, PersonView, ReferralView } from '../../platform/types';

/** Wednesday 4 March 2026, noon, local time. This week: Mon 2 – Sun 8 March. */
export const NOW = new Date(2026, 2, 4, 12, 0);

export function local(day: number, hour = 12, minute = 0, month = 2): string {
  return new Date(2026, month, day, hour, minute).toISOString();
}

export function person(id: string, status: string, case_manager: string | null, merged_into: string | null = null): PersonView {
  return {
    id,
    name: `Name of ${id}`,
    display_name: `Name of ${id}`,
    aliases: [],
    dob: null,
    description: null,
    status,
    case_manager,
    case_manager_phone: null,
    gender: [],
    race_ethnicity: [],
    sex: null,
    merged_into,
    created_at: local(1),
    updated_at: local(1),
    conflicts: {},
    pending_sync: false,
  };
}

export function encounter(
  id: string,
  person_id: string | null,
  at: string,
  services: Record<string, number> = {},
  where: [number, number] | null = null,
  kind = 'street',
): EncounterView {
  return {
    id,
    person_id,
    at,
    at_utc: at,
    lat: where ? where[0] : null,
    lon: where ? where[1] : null,
    accuracy_m: where ? 10 : null,
    kind,
    services,
    living_situation: null,
    duration_minutes: null,
    note: person_id ? `confidential note about ${person_id}` : null,
    author: 'dev-1',
    pending_sync: false,
  };
}

export function referral(id: string, created_at: string, status: string, status_at = created_at, days_left: number | null = null): ReferralView {
  return {
    id,
    pathway: 'social_contact',
    person_id: `p-${id}`,
    display_name: id,
    eligibility: { result: 'eligible', reasons: [] },
    intake_deadline: created_at,
    days_left,
    status,
    status_at,
    created_at,
    referred_by: 'dev-officer',
    lat: null,
    lon: null,
    exclusions: [],
    narrative: null,
    charge_category: null,
    pending_sync: false,
  };
}

export const SERVICES: Entry[] = [
  { key: 'naloxone', label: 'Naloxone kit' },
  { key: 'fentanyl_test_strips', label: 'Fentanyl test strips' },
  { key: 'hygiene_kit', label: 'Hygiene kit' },
  { key: 'food', label: 'Food' },
  { key: 'water', label: 'Water' },
];

export const PERSONS: PersonView[] = [
  person('p1', 'active', 'Sam Caseworker'),
  person('p2', 'referred', 'Sam Caseworker'),
  person('p3', 'active', null),
  person('p4', 'referred', null, 'p2'), // merged into p2
  person('p5', 'inactive', 'Ana Case'),
];

const DOWNTOWN: [number, number] = [47.605, -122.335];

/**
 * This week (Mon 2 – Sun 8 March): e1–e4 and e6 are contacts (5), of p1 and p2
 * (p4 is merged into p2: 2 unique) and one anonymous; e5 is an attempt; e7 is
 * Sunday of last week; e8 is the next Monday at midnight (outside).
 * Supplies this week: naloxone 2+1 = 3, strips 10, food 2, water 1, pizza 1.
 */
export const ENCOUNTERS: EncounterView[] = [
  encounter('e8', 'p1', local(9, 0, 0), { naloxone: 7 }, DOWNTOWN),
  encounter('e6', 'p4', local(4, 9), {}, DOWNTOWN),
  encounter('e3', 'p2', local(4, 8), {}, [47.61, -122.34]),
  encounter('e4', null, local(3, 15), { naloxone: 1, food: 2, pizza: 1 }, [47.6, -122.33]),
  encounter('e5', 'p3', local(3, 11), {}, DOWNTOWN, 'attempted'),
  encounter('e2', 'p1', local(3, 10), { fentanyl_test_strips: 10 }),
  encounter('e1', 'p1', local(2, 0, 0), { naloxone: 2, water: 1 }, DOWNTOWN),
  encounter('e7', 'p3', local(1, 23, 59), { naloxone: 5 }, [47.62, -122.3]),
];

/** This week: r1 and r3 new (2); r2 and r3 intakes completed (2); r4 is last week. */
export const REFERRALS: ReferralView[] = [
  referral('r1', local(2, 9), 'new', local(2, 9), 28),
  referral('r2', local(20, 9, 0, 1), 'intake_complete', local(3, 14)),
  referral('r3', local(4, 8), 'intake_complete', local(4, 11)),
  referral('r4', local(1, 23), 'declined', local(1, 23)),
];
