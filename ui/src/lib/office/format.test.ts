import { describe, expect, it } from 'vitest';
import { shortDate, weekday } from './format';

describe('shortDate', () => {
  const now = new Date(2026, 2, 4, 12);

  it('leaves out the year of this year', () => {
    expect(shortDate(new Date(2026, 1, 1, 9).toISOString(), 'en', now)).toBe('Feb 1');
    expect(shortDate(new Date(2025, 11, 19, 9).toISOString(), 'en', now)).toBe('Dec 19, 2025');
  });

  it('speaks Spanish', () => {
    expect(shortDate(new Date(2026, 1, 1, 9).toISOString(), 'es', now)).toMatch(/^1 (de )?feb/);
  });

  it('shows what is not a date as it is', () => {
    expect(shortDate('someday', 'en', now)).toBe('someday');
  });
});

describe('weekday', () => {
  it('names the day', () => {
    expect(weekday(new Date(2026, 2, 2), 'en')).toBe('Mon, Mar 2');
  });
});
