import { describe, expect, it } from 'vitest';
import type { EncounterView, PersonSeen, PersonView, ReferralView } from '../../platform/types';
import {
  SEX_OPTIONS,
  anonymousOn,
  dobProblem,
  hasIdentity,
  homeSections,
  localDate,
  referralsOf,
  sexChoice,
  sexLabel,
  splitAliases,
} from './people';

function person(id: string, extra: Partial<PersonView> = {}): PersonView {
  return {
    id,
    name: id,
    display_name: id,
    aliases: [],
    dob: null,
    description: null,
    status: 'active',
    case_manager: null,
    case_manager_phone: null,
    gender: [],
    race_ethnicity: [],
    sex: null,
    merged_into: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    conflicts: {},
    pending_sync: false,
    ...extra,
  };
}

function seen(id: string, distance: number | null, at: string | null, extra: Partial<PersonView> = {}): PersonSeen {
  return {
    person: person(id, extra),
    last_seen_at: at,
    last_seen_lat: null,
    last_seen_lon: null,
    distance_m: distance,
    contacts: 1,
  };
}

describe('splitAliases', () => {
  it('splits on commas, trims, drops blanks and repeats', () => {
    expect(splitAliases(' Ro, J-Bird ,  ,ro,Big   Lee')).toEqual(['Ro', 'J-Bird', 'Big Lee']);
    expect(splitAliases('')).toEqual([]);
  });
});

describe('dobProblem', () => {
  const today = '2026-03-10';
  it('accepts empty, exact dates and a year alone', () => {
    expect(dobProblem('', today)).toBeNull();
    expect(dobProblem('1980-02-29', today)).toBeNull();
    expect(dobProblem('1975', today)).toBeNull();
    expect(dobProblem(' 2026-03-10 ', today)).toBeNull();
  });
  it('refuses impossible, badly written, too old and future dates', () => {
    expect(dobProblem('1981-02-29', today)).toBe('format');
    expect(dobProblem('03/04/1980', today)).toBe('format');
    expect(dobProblem('80', today)).toBe('format');
    expect(dobProblem('1899-12-31', today)).toBe('too_old');
    expect(dobProblem('2026-03-11', today)).toBe('future');
    expect(dobProblem('2027', today)).toBe('future');
  });
  it('formats local dates', () => {
    expect(localDate(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});

describe('hasIdentity', () => {
  it('needs a name, an alias or a description', () => {
    expect(hasIdentity('  ', [], ' ')).toBe(false);
    expect(hasIdentity('', ['Ro'], '')).toBe(true);
    expect(hasIdentity('', [], 'green jacket')).toBe(true);
  });
});

describe('homeSections', () => {
  it('orders nearby by distance and leaves them out of recent', () => {
    const view = {
      radius_m: 500,
      nearby: [seen('far', 400, '2026-03-09T10:00:00Z'), seen('near', 50, '2026-03-01T10:00:00Z')],
      recent: [
        seen('old', null, '2026-02-01T10:00:00Z'),
        seen('near', 50, '2026-03-01T10:00:00Z'),
        seen('new', null, '2026-03-09T12:00:00Z'),
        seen('gone', null, '2026-03-09T13:00:00Z', { merged_into: 'new' }),
      ],
    };
    const { nearby, recent } = homeSections(view);
    expect(nearby.map((s) => s.person.id)).toEqual(['near', 'far']);
    expect(recent.map((s) => s.person.id)).toEqual(['new', 'old']);
  });
});

describe('referralsOf', () => {
  function referral(id: string, person_id: string, days_left: number | null, status_at = '2026-03-01T00:00:00Z'): ReferralView {
    return {
      id,
      pathway: 'social_contact',
      person_id,
      display_name: null,
      eligibility: { result: 'eligible', reasons: [] },
      intake_deadline: '2026-04-01T00:00:00Z',
      days_left,
      status: days_left === null ? 'declined' : 'new',
      status_at,
      created_at: '2026-03-01T00:00:00Z',
      referred_by: 'd',
      lat: null,
      lon: null,
      exclusions: [],
      narrative: null,
      charge_category: null,
      pending_sync: false,
    };
  }
  it("keeps only the person's referrals (also under merged ids), open first", () => {
    const list = [
      referral('closed', 'p1', null),
      referral('other', 'p2', 1),
      referral('late', 'p1', 20),
      referral('soon', 'old-p1', 3),
    ];
    expect(referralsOf(list, ['p1', 'old-p1']).map((r) => r.id)).toEqual(['soon', 'late', 'closed']);
  });
});

describe('anonymousOn', () => {
  function encounter(person_id: string | null, at: Date): EncounterView {
    return {
      id: Math.random().toString(),
      person_id,
      at: at.toISOString(),
      at_utc: at.toISOString(),
      lat: null,
      lon: null,
      accuracy_m: null,
      kind: 'street',
      services: {},
      living_situation: null,
      duration_minutes: null,
      note: null,
      author: 'd',
      pending_sync: true,
    };
  }
  it('counts contacts without a person on the same local day', () => {
    const now = new Date(2026, 2, 10, 15, 0);
    const list = [
      encounter(null, new Date(2026, 2, 10, 0, 5)),
      encounter(null, new Date(2026, 2, 10, 14, 0)),
      encounter('p1', new Date(2026, 2, 10, 14, 0)),
      encounter(null, new Date(2026, 2, 9, 23, 55)),
    ];
    expect(anonymousOn(list, now)).toBe(2);
  });
});

describe('HMIS sex (4.21)', () => {
  it('offers the five codes of the FY2026 list, each with its label', () => {
    expect(SEX_OPTIONS.map((o) => o.code)).toEqual([0, 1, 8, 9, 99]);
    expect(sexLabel(0)).toBe('person.sex.0');
    expect(sexLabel(99)).toBe('person.sex.99');
    expect(sexLabel(null)).toBeNull();
    expect(sexLabel(5)).toBeNull();
  });

  it('reads a select value as a code, empty or unknown as none', () => {
    expect(sexChoice('0')).toBe(0);
    expect(sexChoice('99')).toBe(99);
    expect(sexChoice('')).toBeNull();
    expect(sexChoice(' ')).toBeNull();
    expect(sexChoice('2')).toBeNull();
    expect(sexChoice('female')).toBeNull();
  });
});
