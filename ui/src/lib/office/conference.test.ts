import { describe, expect, it } from 'vitest';
import { canUncheck, DEFAULT_PARTIES, toggleParty } from './conference';

describe('parties present', () => {
  it('starts with law enforcement', () => {
    expect(DEFAULT_PARTIES).toEqual(['law_enforcement']);
  });

  it("adds and removes parties, kept in the domain's order without repeats", () => {
    let selected = toggleParty(['law_enforcement'], 'hmis', true);
    selected = toggleParty(selected, 'prosecutor', true);
    expect(selected).toEqual(['law_enforcement', 'prosecutor', 'hmis']);
    expect(toggleParty(selected, 'prosecutor', true)).toEqual(['law_enforcement', 'prosecutor', 'hmis']);
    expect(toggleParty(selected, 'law_enforcement', false)).toEqual(['prosecutor', 'hmis']);
    expect(toggleParty(selected, 'housing', false)).toEqual(selected);
  });

  it('never leaves the room empty', () => {
    expect(toggleParty(['prosecutor'], 'prosecutor', false)).toEqual(['prosecutor']);
    expect(canUncheck(['prosecutor'], 'prosecutor')).toBe(false);
    expect(canUncheck(['prosecutor', 'housing'], 'prosecutor')).toBe(true);
    expect(canUncheck(['prosecutor'], 'housing')).toBe(true);
  });

  it('does not change its input', () => {
    const selected = ['law_enforcement', 'prosecutor'] as const;
    toggleParty(selected, 'law_enforcement', false);
    expect(selected).toEqual(['law_enforcement', 'prosecutor']);
  });
});
