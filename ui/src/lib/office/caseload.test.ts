import { describe, expect, it } from 'vitest';
import { caseload, sortCaseload } from './caseload';
import { PERSONS, person } from './fixture';

describe('caseload', () => {
  it('counts active and referred persons per case manager, with no case manager as a row', () => {
    expect(caseload(PERSONS)).toEqual([
      { manager: 'Sam Caseworker', active: 1, referred: 1, total: 2 },
      { manager: null, active: 1, referred: 0, total: 1 },
    ]);
  });

  it('leaves out inactive and merged persons', () => {
    const rows = caseload(PERSONS);
    expect(rows.find((r) => r.manager === 'Ana Case')).toBeUndefined();
    expect(rows.reduce((n, r) => n + r.total, 0)).toBe(3);
  });

  it('treats spacing and case as the same manager', () => {
    const rows = caseload([person('a', 'active', 'Sam Lee'), person('b', 'referred', ' sam  lee '), person('c', 'active', '  ')]);
    expect(rows).toEqual([
      { manager: 'Sam Lee', active: 1, referred: 1, total: 2 },
      { manager: null, active: 1, referred: 0, total: 1 },
    ]);
  });

  it('sorts by the largest caseload first, ties by name, nobody last among equals', () => {
    const rows = caseload([
      person('1', 'active', 'Zoe'),
      person('2', 'active', null),
      person('3', 'active', 'Ana'),
      person('4', 'referred', 'Mo'),
      person('5', 'referred', 'Mo'),
    ]);
    expect(rows.map((r) => r.manager)).toEqual(['Mo', 'Ana', 'Zoe', null]);
  });
});

describe('sortCaseload', () => {
  const rows = caseload([
    person('1', 'active', 'Zoe'),
    person('2', 'referred', 'Zoe'),
    person('3', 'referred', 'Zoe'),
    person('4', 'active', 'Ana'),
    person('5', 'active', 'Ana'),
    person('6', 'referred', null),
  ]);

  it('sorts by a count either way', () => {
    expect(sortCaseload(rows, 'active', 'desc').map((r) => r.manager)).toEqual(['Ana', 'Zoe', null]);
    expect(sortCaseload(rows, 'referred', 'asc').map((r) => r.manager)).toEqual(['Ana', null, 'Zoe']);
    expect(sortCaseload(rows, 'total', 'asc').map((r) => r.manager)).toEqual([null, 'Ana', 'Zoe']);
  });

  it('sorts by name either way, keeping "no case manager" last', () => {
    expect(sortCaseload(rows, 'manager', 'asc').map((r) => r.manager)).toEqual(['Ana', 'Zoe', null]);
    expect(sortCaseload(rows, 'manager', 'desc').map((r) => r.manager)).toEqual(['Zoe', 'Ana', null]);
  });
});
