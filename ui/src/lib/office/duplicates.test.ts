import { describe, expect, it } from 'vitest';
import type { DuplicatePair, DuplicateSide, PersonView } from '../../platform';
import {
  compareRows,
  defaultKeep,
  initialChoices,
  likelihood,
  mergePreview,
  scoreText,
  takeFields,
  type CompareRow,
} from './duplicates';
import { person } from './fixture';

function someone(id: string, fields: Partial<PersonView>): PersonView {
  const p = { ...person(id, 'referred', null), name: null, display_name: '(no name)', ...fields };
  return { ...p, display_name: fields.display_name ?? p.name ?? p.aliases[0] ?? '(no name)' };
}

function side(p: PersonView, contacts = 0, referrals = 0, last_contact: string | null = null): DuplicateSide {
  return { person: p, contacts, referrals, last_contact };
}

const jessie = someone('a', {
  name: 'Jessie Cole',
  aliases: ['Jess'],
  status: 'active',
  case_manager: 'Alex Kim',
  case_manager_phone: '+1 206 555 0187',
  created_at: '2025-10-01T00:00:00Z',
});
const jessica = someone('b', {
  name: 'Jessica Cole',
  dob: '1991-03-08',
  description: 'Curly hair, green backpack',
  status: 'referred',
  gender: [0],
  created_at: '2026-02-20T00:00:00Z',
});
const pair: DuplicatePair = {
  score: 0.9,
  a: side(jessie, 2, 0, '2026-02-24T17:00:00Z'),
  b: side(jessica),
};

function row(rows: CompareRow[], field: string): CompareRow {
  const found = rows.find((r) => r.field === field);
  if (!found) throw new Error(`no row ${field}`);
  return found;
}

describe('how sure a pair reads', () => {
  it('says likely from 0.85 up, possible below, with the score never rounded up', () => {
    expect(likelihood(1)).toBe('likely');
    expect(likelihood(0.85)).toBe('likely');
    expect(likelihood(0.849)).toBe('possible');
    expect(likelihood(0.6)).toBe('possible');
    expect(scoreText(0.7483)).toBe('0.74');
    expect(scoreText(0.999)).toBe('0.99');
    expect(scoreText(1)).toBe('1.00');
  });

  it('keeps the record with more history by default, then the older one', () => {
    expect(defaultKeep(pair)).toBe('a');
    expect(defaultKeep({ ...pair, a: side(jessie), b: side(jessica, 0, 1) })).toBe('b');
    expect(defaultKeep({ ...pair, a: side(jessica), b: side(jessie) })).toBe('b');
  });
});

describe('the side-by-side comparison', () => {
  it('marks the fields that differ and offers a choice only where both values can be kept', () => {
    const rows = compareRows(pair, 'a');
    expect(rows.map((r) => r.field)).toEqual([
      'name',
      'aliases',
      'dob',
      'description',
      'status',
      'case_manager',
      'contacts',
      'referrals',
      'last_contact',
    ]);
    expect(row(rows, 'name')).toMatchObject({ a: 'Jessie Cole', b: 'Jessica Cole', differs: true, natural: 'a', choice: true });
    expect(row(rows, 'aliases')).toMatchObject({ a: 'Jess', b: null, differs: true, natural: null, choice: false });
    // Only the duplicate has a date of birth: the merge fills it in, nothing to pick.
    expect(row(rows, 'dob')).toMatchObject({ a: null, b: '1991-03-08', natural: 'b', choice: false });
    // Kept active, duplicate referred: either may be chosen.
    expect(row(rows, 'status')).toMatchObject({ a: 'active', b: 'referred', natural: 'a', choice: true });
    // The duplicate has no case manager to give.
    expect(row(rows, 'case_manager')).toMatchObject({ a: 'Alex Kim · +1 206 555 0187', b: null, natural: 'a', choice: false });
    expect(row(rows, 'contacts')).toMatchObject({ a: '2', b: '0', differs: true, natural: null });
    expect(row(rows, 'referrals')).toMatchObject({ a: '0', b: '0', differs: false });
  });

  it('follows the kept side: an active duplicate makes the kept record active, no choice', () => {
    const rows = compareRows(pair, 'b');
    expect(row(rows, 'status')).toMatchObject({ natural: 'a', choice: false });
    expect(row(rows, 'name')).toMatchObject({ natural: 'b', choice: true });
    expect(row(rows, 'dob')).toMatchObject({ natural: 'b', choice: false });
    expect(row(rows, 'case_manager')).toMatchObject({ natural: 'a', choice: false });
  });

  it('offers a name to a kept record that has none', () => {
    const nameless = someone('c', { aliases: ['Red'], description: 'Red beard' });
    const rows = compareRows({ score: 0.7, a: side(nameless), b: side(jessica) }, 'a');
    expect(row(rows, 'name')).toMatchObject({ a: null, b: 'Jessica Cole', natural: 'a', choice: true });
    expect(row(rows, 'description')).toMatchObject({ natural: 'a', choice: true });
  });
});

describe('the merge the reviewer chose', () => {
  it('takes by default only what the kept record lacks and the device would not fill', () => {
    const rows = compareRows(pair, 'a');
    const choices = initialChoices(rows);
    expect(choices).toEqual({ name: 'a', dob: 'b', description: 'b', status: 'a', case_manager: 'a' });
    // Gender is known only on the duplicate: taken so it is not lost.
    expect(takeFields(pair, 'a', rows, choices)).toEqual(['gender']);
  });

  it("takes the duplicate's value for each row switched to it, in the device's order", () => {
    const rows = compareRows(pair, 'a');
    const choices = { ...initialChoices(rows), status: 'b' as const, name: 'b' as const };
    const take = takeFields(pair, 'a', rows, choices);
    expect(take).toEqual(['name', 'status', 'gender']);
    const after = mergePreview(jessie, jessica, take);
    expect(after).toEqual({
      name: 'Jessica Cole',
      display_name: 'Jessica Cole',
      aliases: ['Jess', 'Jessie Cole'],
      dob: '1991-03-08',
      description: 'Curly hair, green backpack',
      status: 'referred',
      case_manager: 'Alex Kim',
      case_manager_phone: '+1 206 555 0187',
    });
  });

  it('keeps the kept record when nothing is taken, with the names of both findable', () => {
    const after = mergePreview(jessica, jessie, []);
    expect(after).toMatchObject({
      name: 'Jessica Cole',
      aliases: ['Jessie Cole', 'Jess'],
      status: 'active',
      case_manager: 'Alex Kim',
      dob: '1991-03-08',
    });
    // A choice that is not offered is never taken, whatever the state says.
    const rows = compareRows(pair, 'b');
    expect(takeFields(pair, 'b', rows, { status: 'b', case_manager: 'a' })).toEqual([]);
  });
});
