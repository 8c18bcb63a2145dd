import { describe, expect, it } from 'vitest';
import { t } from '../i18n';
import {
  CHARGE_CATEGORIES,
  NO_LOCATION,
  OUTSIDE_CATCHMENT,
  accuracyText,
  answeredYes,
  chargeKey,
  checkInput,
  emptyForm,
  explainReason,
  longDate,
  pathwayKey,
  referralInput,
  referralNumber,
  splitAliases,
  subjectProblem,
  type ReferForm,
} from './referral';

function form(changes: Partial<ReferForm> = {}): ReferForm {
  return { ...emptyForm(), ...changes };
}

describe('referralInput', () => {
  it('sends a new person with name, aliases and description, and only the "yes" exclusions', () => {
    const input = referralInput(
      form({
        name: '  Jo Doe ',
        alias: 'JD, Jojo ,',
        description: 'red cap',
        exclusions: { violent: false, minor: true, dealing: true },
        position: { lat: 47.6, lon: -122.33, accuracy_m: 12 },
      }),
      'new',
      ['dealing', 'violent', 'minor'],
    );
    expect(input).toMatchObject({
      pathway: 'social_contact',
      name: 'Jo Doe',
      aliases: ['JD', 'Jojo'],
      description: 'red cap',
      exclusions: ['dealing', 'minor'],
      lat: 47.6,
      lon: -122.33,
      accuracy_m: 12,
      charge_category: null,
      narrative: null,
    });
    expect(input.person).toBeUndefined();
  });

  it('sends only the person id for someone found on the roster', () => {
    const input = referralInput(form({ personId: 'p-1', name: 'left over' }), 'search');
    expect(input.person).toBe('p-1');
    expect(input.name).toBeUndefined();
    expect(input.aliases).toBeUndefined();
  });

  it('sends the charge category for an arrest diversion only', () => {
    expect(referralInput(form({ charge: 'theft' }), 'new').charge_category).toBeNull();
    const arrest = referralInput(form({ pathway: 'arrest_diversion', charge: 'theft' }), 'new');
    expect(arrest).toMatchObject({ pathway: 'arrest_diversion', charge_category: 'theft' });
  });

  it('sends no location when the phone has none', () => {
    expect(referralInput(form(), 'new')).toMatchObject({ lat: null, lon: null, accuracy_m: null });
  });
});

describe('checkInput', () => {
  it('carries what eligibility depends on and nothing about the person', () => {
    const input = checkInput(form({ name: 'Jo', exclusions: { a: true }, position: { lat: 1, lon: 2, accuracy_m: null } }));
    expect(input).toEqual({ pathway: 'social_contact', exclusions: ['a'], lat: 1, lon: 2, accuracy_m: null });
  });
});

describe('subjectProblem', () => {
  it('needs a choice from the roster in search mode', () => {
    expect(subjectProblem(form(), 'search')).toBe('refer.need_choice');
    expect(subjectProblem(form({ personId: 'p-1' }), 'search')).toBeNull();
  });

  it('needs a name, an alias or a description for a new person', () => {
    expect(subjectProblem(form({ name: '  ', alias: ' , ' }), 'new')).toBe('refer.need_subject');
    expect(subjectProblem(form({ alias: 'Ro' }), 'new')).toBeNull();
    expect(subjectProblem(form({ description: 'green jacket' }), 'new')).toBeNull();
    expect(subjectProblem(form({ name: 'Jo' }), 'new')).toBeNull();
  });
});

describe('explainReason', () => {
  it("maps the device's reason strings", () => {
    expect(explainReason(OUTSIDE_CATCHMENT)).toEqual({ kind: 'outside' });
    expect(explainReason(NO_LOCATION)).toEqual({ kind: 'no_location' });
    expect(explainReason('exclusion: Under 18')).toEqual({ kind: 'exclusion', label: 'Under 18' });
    expect(explainReason('something new')).toEqual({ kind: 'other', text: 'something new' });
  });
});

describe('small helpers', () => {
  it('answeredYes keeps the checklist order', () => {
    expect(answeredYes({ c: true, a: true, b: false }, ['a', 'b', 'c'])).toEqual(['a', 'c']);
    expect(answeredYes({ x: true, a: true }, ['a'])).toEqual(['a', 'x']);
  });

  it('splitAliases drops blanks', () => {
    expect(splitAliases(' A ,, B ')).toEqual(['A', 'B']);
    expect(splitAliases('')).toEqual([]);
  });

  it('referralNumber is the id’s first 8 characters, grouped', () => {
    expect(referralNumber('3f2a9c1e-0000-4000-8000-000000000000')).toBe('3F2A-9C1E');
    expect(referralNumber('r-00000012-0000-4000')).toBe('0000-0012');
  });

  it('longDate shows the date in the team’s time zone', () => {
    // 06:00 UTC is still the previous evening in Seattle.
    expect(longDate('2025-12-24T06:00:00Z', 'en', 'America/Los_Angeles')).toBe('Tue, Dec 23, 2025');
    expect(longDate('2025-12-24T06:00:00Z', 'en', 'UTC')).toBe('Wed, Dec 24, 2025');
    expect(longDate('2025-12-24T06:00:00Z', 'es', 'UTC')).toMatch(/24/);
    expect(() => longDate('2025-12-24T06:00:00Z', 'en', 'Not/AZone')).not.toThrow();
  });

  it('every charge category and officer pathway has a string in both languages', () => {
    for (const c of CHARGE_CATEGORIES) {
      const key = chargeKey(c);
      expect(key).not.toBeNull();
      if (key) expect(t(key, 'es')).not.toBe(t(key, 'en'));
    }
    expect(chargeKey('free text')).toBeNull();
    expect(pathwayKey('arrest_diversion')).toBe('refer.pathway_arrest_diversion');
    expect(pathwayKey('walk_in')).toBeNull();
  });

  it('accuracyText rounds, or says nothing when unknown', () => {
    expect(accuracyText({ lat: 0, lon: 0, accuracy_m: 11.6 })).toBe('±12 m');
    expect(accuracyText({ lat: 0, lon: 0, accuracy_m: null })).toBeNull();
  });
});
