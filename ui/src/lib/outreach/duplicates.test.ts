import { describe, expect, it } from 'vitest';
import type { PersonView } from '../../platform/types';
import { jaroWinkler, nameScore, normalizeName, rankSuggestions, searchTerms, SUGGEST_THRESHOLD } from './duplicates';

function person(id: string, name: string | null, aliases: string[] = [], dob: string | null = null): PersonView {
  return {
    id,
    name,
    display_name: name ?? aliases[0] ?? '(no name)',
    aliases,
    dob,
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
  };
}

describe('normalizeName and searchTerms', () => {
  it('drops accents, case and punctuation', () => {
    expect(normalizeName('  José  O’Brien-Núñez ')).toBe('jose o brien nunez');
  });
  it('searches whole names, aliases and their longer words', () => {
    expect(searchTerms('Rosa Dmo', ['Ro', 'x'])).toEqual(['rosa dmo', 'ro', 'rosa', 'dmo']);
    expect(searchTerms('', [])).toEqual([]);
  });
});

describe('jaroWinkler', () => {
  it('matches the textbook values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('', 'a')).toBe(0);
  });
});

describe('nameScore', () => {
  it('scores typos of a full name high and strangers low', () => {
    expect(nameScore('Rosa Demo', 'rosa demo')).toBe(1);
    expect(nameScore('Rosa Dmo', 'Rosa Demo')).toBeGreaterThanOrEqual(0.8);
    expect(nameScore('Jon Smith', 'John Smith')).toBeGreaterThanOrEqual(0.8);
    expect(nameScore('Roberta Jackson', 'Robert Johnson')).toBeLessThan(SUGGEST_THRESHOLD);
    expect(nameScore('Maria Garcia', 'Maria Lopez')).toBeLessThan(SUGGEST_THRESHOLD);
  });
  it('offers a shared word of a full name, and caps single aliases', () => {
    expect(nameScore('Rosa', 'Rosa Demo')).toBeGreaterThanOrEqual(SUGGEST_THRESHOLD);
    expect(nameScore('J-Bird', 'jbird')).toBe(1);
    expect(nameScore('J-Birb', 'J-Bird')).toBeLessThanOrEqual(0.85);
  });
});

describe('rankSuggestions', () => {
  const roster = [
    person('rosa', 'Rosa Demo', ['Ro']),
    person('jay', 'Jay Example', ['J-Bird'], '1980-05-01'),
    person('other', 'Marcus Field'),
  ];
  it('suggests near-identical names best first, once each', () => {
    const found = [...roster, roster[0] as PersonView];
    const list = rankSuggestions({ name: 'Rosa Dmo', aliases: [] }, found);
    expect(list.map((s) => s.person.id)).toEqual(['rosa']);
  });
  it('matches on aliases and leaves out merged persons', () => {
    const merged = { ...person('old', 'Jay Exampel'), merged_into: 'jay' };
    const list = rankSuggestions({ name: '', aliases: ['JBird'] }, [...roster, merged]);
    expect(list.map((s) => s.person.id)).toEqual(['jay']);
  });
  it('lets a far date of birth push a weak match out', () => {
    const weak = rankSuggestions({ name: 'Jay', aliases: [], dob: '1980-05-01' }, roster);
    expect(weak.map((s) => s.person.id)).toEqual(['jay']);
    const far = rankSuggestions({ name: 'Jay', aliases: [], dob: '2001' }, roster);
    expect(far).toEqual([]);
  });
  it('suggests nothing for nothing typed', () => {
    expect(rankSuggestions({ name: ' ', aliases: [] }, roster)).toEqual([]);
  });
});
