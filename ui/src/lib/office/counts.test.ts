import { describe, expect, it } from 'vitest';
import { contactsIn, periodCounts, resolver, supplies } from './counts';
import { ENCOUNTERS, NOW, PERSONS, REFERRALS, SERVICES, encounter, local } from './fixture';
import { periodRange } from './period';

const data = { encounters: ENCOUNTERS, referrals: REFERRALS, persons: PERSONS, services: SERVICES };

describe('periodCounts', () => {
  it('counts this week (Mon–Sun, local time) as computed by hand', () => {
    const counts = periodCounts(data, periodRange('this_week', NOW));
    expect(counts).toEqual({
      contacts: 5,
      uniquePersons: 2,
      anonymous: 1,
      attempts: 1,
      supplies: [
        { key: 'naloxone', label: 'Naloxone kit', count: 3 },
        { key: 'fentanyl_test_strips', label: 'Fentanyl test strips', count: 10 },
        { key: 'food', label: 'Food', count: 2 },
        { key: 'water', label: 'Water', count: 1 },
        { key: 'pizza', label: 'pizza', count: 1 },
      ],
      newReferrals: 2,
      intakes: 2,
    });
  });

  it('counts last week apart', () => {
    const counts = periodCounts(data, periodRange('last_week', NOW));
    expect(counts.contacts).toBe(1);
    expect(counts.uniquePersons).toBe(1);
    expect(counts.anonymous).toBe(0);
    expect(counts.supplies.slice(0, 2)).toEqual([
      { key: 'naloxone', label: 'Naloxone kit', count: 5 },
      { key: 'fentanyl_test_strips', label: 'Fentanyl test strips', count: 0 },
    ]);
    expect(counts.newReferrals).toBe(1); // r4
    expect(counts.intakes).toBe(0);
  });

  it('counts nothing in an empty team, but still lists naloxone and test strips', () => {
    const counts = periodCounts({ encounters: [], referrals: [], persons: [], services: [] }, periodRange('this_week', NOW));
    expect(counts).toEqual({
      contacts: 0,
      uniquePersons: 0,
      anonymous: 0,
      attempts: 0,
      supplies: [
        { key: 'naloxone', label: 'naloxone', count: 0 },
        { key: 'fentanyl_test_strips', label: 'fentanyl_test_strips', count: 0 },
      ],
      newReferrals: 0,
      intakes: 0,
    });
  });
});

describe('contactsIn', () => {
  it('keeps the start of the period and leaves out its end and attempts', () => {
    const ids = contactsIn(ENCOUNTERS, periodRange('this_week', NOW)).map((e) => e.id);
    expect(ids).toEqual(['e6', 'e3', 'e4', 'e2', 'e1']);
  });

  it('compares instants, whatever offset the contact was logged in', () => {
    const monday = new Date(2026, 2, 2, 0, 30);
    const logged = encounter('x', 'p1', '2026-01-01T00:00:00+09:00');
    logged.at_utc = monday.toISOString();
    expect(contactsIn([logged], periodRange('this_week', NOW))).toHaveLength(1);
  });
});

describe('resolver', () => {
  it('follows merges to the kept person and survives a loop', () => {
    const resolve = resolver(PERSONS);
    expect(resolve('p4')).toBe('p2');
    expect(resolve('p1')).toBe('p1');
    expect(resolve('unknown')).toBe('unknown');
    const a = { ...PERSONS[0]!, id: 'a', merged_into: 'b' };
    const b = { ...PERSONS[0]!, id: 'b', merged_into: 'a' };
    expect(['a', 'b']).toContain(resolver([a, b])('a'));
  });
});

describe('supplies', () => {
  it('puts naloxone and test strips first, then the catalog order, then unknown kinds', () => {
    const list = supplies(
      [encounter('a', null, local(2), { water: 1, zebra: 1, food: 1, fentanyl_test_strips: 2, naloxone: 1, apple: 3 })],
      SERVICES,
    );
    expect(list.map((s) => s.key)).toEqual(['naloxone', 'fentanyl_test_strips', 'food', 'water', 'apple', 'zebra']);
  });

  it('ignores zero and broken counts', () => {
    const list = supplies([encounter('a', null, local(2), { food: 0, water: Number.NaN })], SERVICES);
    expect(list.map((s) => s.key)).toEqual(['naloxone', 'fentanyl_test_strips']);
  });
});
