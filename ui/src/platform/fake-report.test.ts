// The fake's report against the device's own hand-computed fixture (report.rs tests):
// the same records over the end of daylight saving time in Los Angeles must give the
// same figures, so the browser demo shows what the app would.
import { describe, expect, it } from 'vitest';
import { addLocalDays, type EncounterRec, type PersonRec, type ReferralRec } from './fake-rules';
import { computeReport, median, officerConcentration, parsePeriod, startOfDay } from './fake-report';
import { PlatformError } from './index';

const LA = 'America/Los_Angeles';
const pid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const dev = (n: number) => `dddddddd-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [W1, W2, O1, O2, R] = [1, 2, 11, 12, 21];

function person(n: number, status: PersonRec['status'], manager: string | null, merged: number | null): PersonRec {
  return {
    id: pid(n),
    name: `P${n}`,
    aliases: [],
    dob: null,
    description: null,
    status,
    case_manager: manager,
    case_manager_phone: null,
    gender: [],
    race_ethnicity: [],
    sex: null,
    merged_into: merged === null ? null : pid(merged),
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    conflicts: {},
    pending: false,
  };
}

function encounter(
  n: number,
  at: string,
  who: number | null,
  kind: string,
  services: Record<string, number>,
  author: number,
): EncounterRec {
  return {
    id: `eeeeeeee-0000-4000-8000-${String(n).padStart(12, '0')}`,
    person_id: who === null ? null : pid(who),
    at,
    at_utc: at,
    lat: null,
    lon: null,
    accuracy_m: null,
    kind,
    services,
    living_situation: null,
    duration_minutes: null,
    note: null,
    author: dev(author),
    pending: false,
  };
}

function referral(
  n: number,
  pathway: string,
  by: number,
  role: string,
  who: number,
  created: string,
  status: string,
  statusAt: string,
): ReferralRec {
  return {
    id: `rrrrrrrr-0000-4000-8000-${String(n).padStart(12, '0')}`,
    pathway,
    person_id: pid(who),
    stub_name: null,
    stub_description: null,
    referred_by: dev(by),
    referrer_role: role,
    eligibility: { result: 'eligible', reasons: [] },
    // The team's window is 7 days.
    intake_deadline: addLocalDays(new Date(created), 7, LA).toISOString().replace('.000Z', 'Z'),
    status,
    status_at: statusAt,
    created_at: created,
    lat: null,
    lon: null,
    exclusions: [],
    narrative: null,
    charge_category: null,
    pending: false,
  };
}

const PERSONS = [
  person(1, 'active', 'Dee', null),
  person(2, 'active', 'Dee', null),
  person(3, 'active', null, null),
  person(4, 'active', 'Zed', 3),
  person(5, 'referred', null, null),
  person(6, 'inactive', 'Max', null),
  person(7, 'active', 'Max', null),
];

const ENCOUNTERS = [
  encounter(1, '2026-10-28T07:00:00Z', 1, 'street', { naloxone: 2 }, W1),
  encounter(2, '2026-11-10T08:00:00Z', 1, 'street', { naloxone: 5 }, W1),
  encounter(3, '2026-11-02T07:30:00Z', 2, 'office', { fentanyl_test_strips: 10, food: 1 }, W2),
  encounter(4, '2026-11-03T18:00:00Z', 3, 'street', { naloxone: 1, hygiene_kit: 1 }, W1),
  encounter(5, '2026-11-04T18:00:00Z', 4, 'street', { naloxone: 1 }, W2),
  encounter(6, '2026-11-05T20:00:00Z', null, 'street', { naloxone: 3, fentanyl_test_strips: 20, water: 2 }, W1),
  encounter(7, '2026-11-09T17:00:00Z', 5, 'attempted', { water: 4 }, W2),
  encounter(8, '2026-10-30T16:00:00Z', 5, 'phone', {}, W2),
  encounter(9, '2026-11-06T19:00:00Z', 7, 'office', { food: 2 }, W1),
  encounter(10, '2026-11-12T20:00:00Z', 2, 'street', { naloxone: 9 }, W1),
];

const REFERRALS = [
  referral(1, 'social_contact', O1, 'officer', 5, '2026-10-29T16:00:00Z', 'contacted', '2026-10-30T17:00:00Z'),
  referral(2, 'arrest_diversion', O1, 'officer', 3, '2026-11-01T06:00:00Z', 'intake_complete', '2026-11-05T18:00:00Z'),
  referral(3, 'community', R, 'outreach', 4, '2026-11-04T12:00:00Z', 'intake_complete', '2026-11-14T12:00:00Z'),
  referral(4, 'social_contact', O2, 'officer', 6, '2026-11-06T16:00:00Z', 'new', '2026-11-06T16:00:00Z'),
  referral(5, 'social_contact', O1, 'officer', 2, '2026-11-08T08:00:00Z', 'contacted', '2026-11-10T20:00:00Z'),
  referral(6, 'self', R, 'outreach', 8, '2026-11-02T17:00:00Z', 'contacted', '2026-11-03T05:00:00Z'),
  referral(7, 'social_contact', O2, 'officer', 1, '2026-10-28T06:59:59Z', 'intake_complete', '2026-10-29T00:00:00Z'),
  referral(8, 'social_contact', O1, 'officer', 7, '2026-11-10T08:00:00Z', 'new', '2026-11-10T08:00:00Z'),
];

function resolve(id: string): string {
  let current = id;
  for (let i = 0; i < 16; i++) {
    const next = PERSONS.find((p) => p.id === current)?.merged_into;
    if (!next) break;
    current = next;
  }
  return current;
}

function fixture() {
  return computeReport({
    period: parsePeriod('2026-10-28', '2026-11-09', LA),
    teamName: 'Team',
    now: new Date('2026-11-20T00:00:00Z'),
    encounters: ENCOUNTERS,
    referrals: REFERRALS,
    persons: PERSONS,
    resolve,
    referrerRole: (r) => r.referrer_role ?? 'outreach',
  });
}

describe('the fake report follows report.rs', () => {
  it('counts whole local days across the end of daylight saving time', () => {
    const p = parsePeriod('2026-10-28', '2026-11-09', LA);
    expect(p.start.toISOString()).toBe('2026-10-28T07:00:00.000Z');
    expect(p.end.toISOString()).toBe('2026-11-10T08:00:00.000Z');
    expect(p.days).toBe(13);
    expect(startOfDay('2026-11-02', LA).getTime() - startOfDay('2026-11-01', LA).getTime()).toBe(25 * 3_600_000);
    const r = fixture();
    expect(r.period).toEqual({
      from: '2026-10-28',
      to: '2026-11-09',
      time_zone: LA,
      start: '2026-10-28T07:00:00Z',
      end: '2026-11-10T08:00:00Z',
      days: 13,
      months: 0.4271,
    });
  });

  it('refuses the periods the device refuses', () => {
    const code = (from: string, to: string) => {
      try {
        parsePeriod(from, to, LA);
        return 'ok';
      } catch (e) {
        return e instanceof PlatformError ? `${e.code}: ${e.message}` : String(e);
      }
    };
    expect(code('2026-11-09', '2026-10-28')).toBe(
      'invalid: the period from 2026-11-09 to 2026-10-28 is not allowed: the first day comes after the last day',
    );
    expect(code('2026-02-30', '2026-03-01')).toMatch(/^invalid: date "2026-02-30" is not a valid date/);
    expect(code('2026-01-01', '2028-12-31')).toBe('ok');
    expect(code('2026-01-01', '2029-01-01')).toMatch(/at most 1096 days/);
  });

  it('counts contacts, persons through merges, anonymous contacts, weeks and workers', () => {
    const r = fixture();
    expect([r.contacts, r.attempted, r.unique_persons, r.anonymous_contacts]).toEqual([7, 1, 5, 1]);
    expect(r.contacts_per_week).toEqual([
      { week: '2026-W44', start: '2026-10-26', contacts: 3 },
      { week: '2026-W45', start: '2026-11-02', contacts: 4 },
      { week: '2026-W46', start: '2026-11-09', contacts: 0 },
    ]);
    expect(r.contacts_per_worker).toEqual([
      { device_id: dev(W1), contacts: 4, attempted: 0 },
      { device_id: dev(W2), contacts: 3, attempted: 1 },
    ]);
  });

  it('sums supplies with naloxone and test strips first', () => {
    const r = fixture();
    expect(r.supplies).toEqual({ naloxone: 7, fentanyl_test_strips: 30, food: 3, water: 2, hygiene_kit: 1 });
    expect(r.supplies_order).toEqual(['naloxone', 'fentanyl_test_strips', 'food', 'water', 'hygiene_kit']);
  });

  it('breaks referrals down by pathway, outcome and officer', () => {
    const f = fixture().referrals;
    expect(f.total).toBe(6);
    expect(f.by_pathway).toEqual({ arrest_diversion: 1, social_contact: 3, community: 1, self: 1 });
    expect(f.by_outcome).toEqual({
      new: 1,
      contacted: 3,
      intake_complete: 2,
      declined: 0,
      unable_to_locate: 0,
      expired: 0,
    });
    expect(f.by_officer).toEqual({ [dev(O1)]: 3, [dev(O2)]: 1 });
    expect(f.from_officers).toBe(4);
    expect(f.officer_concentration).toEqual({ officers: 2, top_officer_share_pct: 75, warning: false });
  });

  it('measures days to first contact and to intake, the window, the dose and the caseload', () => {
    const r = fixture();
    expect([r.first_contacts, r.median_days_to_first_contact]).toEqual([5, 1]);
    expect([r.intakes, r.median_days_to_intake, r.intakes_within_window, r.intake_within_window_pct]).toEqual([
      2, 7.25, 1, 50,
    ]);
    expect([r.active_participants, r.active_participant_contacts]).toEqual([4, 5]);
    expect(r.contact_dose_per_active_participant_per_month).toBe(2.93);
    expect(r.caseload).toEqual({
      by_case_manager: [
        { case_manager: 'Dee', participants: 2 },
        { case_manager: 'Max', participants: 1 },
      ],
      unassigned: 1,
    });
  });

  it('has nulls, not zeros, for rates of an empty period', () => {
    const r = computeReport({
      period: parsePeriod('2026-01-05', '2026-01-11', 'UTC'),
      teamName: 'Team',
      now: new Date('2026-02-01T00:00:00Z'),
      encounters: [],
      referrals: [],
      persons: [],
      resolve: (id) => id,
      referrerRole: () => 'officer',
    });
    expect(r.contacts).toBe(0);
    expect(r.median_days_to_first_contact).toBeNull();
    expect(r.median_days_to_intake).toBeNull();
    expect(r.intake_within_window_pct).toBeNull();
    expect(r.contact_dose_per_active_participant_per_month).toBeNull();
    expect(r.referrals.officer_concentration.top_officer_share_pct).toBeNull();
    expect(r.supplies).toEqual({ naloxone: 0, fentanyl_test_strips: 0 });
    expect(r.contacts_per_week).toHaveLength(1);
  });

  it('names weeks by ISO rules across a year', () => {
    const r = computeReport({
      period: parsePeriod('2026-12-31', '2027-01-04', 'UTC'),
      teamName: 'Team',
      now: new Date('2027-02-01T00:00:00Z'),
      encounters: [],
      referrals: [],
      persons: [],
      resolve: (id) => id,
      referrerRole: () => 'officer',
    });
    expect(r.contacts_per_week.map((w) => [w.week, w.start])).toEqual([
      ['2026-W53', '2026-12-28'],
      ['2027-W01', '2027-01-04'],
    ]);
  });

  it('warns about officer concentration from five referrals over half', () => {
    const counts = (n: number[]) => Object.fromEntries(n.map((c, i) => [String(i), c]));
    expect(officerConcentration(counts([3, 1, 1]))).toEqual({ officers: 3, top_officer_share_pct: 60, warning: true });
    expect(officerConcentration(counts([3, 3])).warning).toBe(false);
    expect(officerConcentration(counts([4])).warning).toBe(false);
    expect(officerConcentration(counts([5])).warning).toBe(true);
    expect(officerConcentration(counts([2, 1])).top_officer_share_pct).toBe(66.7);
    expect([median([]), median([3]), median([4, 1, 2]), median([4, 1, 2, 10])]).toEqual([null, 3, 2, 3]);
  });
});
