import { describe, expect, it } from 'vitest';
import {
  addDays,
  dayIn,
  daysBetween,
  firstOfMonth,
  isoWeekLabel,
  lastOfMonth,
  mondayOf,
  parseDay,
  weekdayIndex,
} from './civil';

describe('calendar days', () => {
  it('parses only real YYYY-MM-DD dates', () => {
    expect(parseDay(' 2026-02-28 ')).toBe('2026-02-28');
    expect(parseDay('2028-02-29')).toBe('2028-02-29');
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-1-5', '26-01-05', 'next week', '']) {
      expect(parseDay(bad), bad).toBeNull();
    }
  });

  it('adds and counts days across months, years and leap days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-03-08', 1)).toBe('2026-03-09');
    expect(daysBetween('2026-01-01', '2028-12-31')).toBe(1095);
    expect(daysBetween('2026-03-04', '2026-03-01')).toBe(-3);
    // Years before 100 are years, not 19xx.
    expect(addDays('0099-12-31', 1)).toBe('0100-01-01');
  });

  it('finds Mondays and ISO weeks, also across the new year', () => {
    expect(weekdayIndex('2026-03-02')).toBe(0);
    expect(weekdayIndex('2026-03-01')).toBe(6);
    expect(mondayOf('2026-03-01')).toBe('2026-02-23');
    expect(mondayOf('2026-03-02')).toBe('2026-03-02');
    expect(isoWeekLabel('2026-11-04')).toBe('2026-W45');
    expect(isoWeekLabel('2026-12-31')).toBe('2026-W53');
    expect(isoWeekLabel('2027-01-03')).toBe('2026-W53');
    expect(isoWeekLabel('2027-01-04')).toBe('2027-W01');
    expect(isoWeekLabel('2024-12-30')).toBe('2025-W01');
  });

  it('knows the first and last days of a month', () => {
    expect(firstOfMonth('2026-03-04')).toBe('2026-03-01');
    expect(lastOfMonth('2026-02-10')).toBe('2026-02-28');
    expect(lastOfMonth('2028-02-10')).toBe('2028-02-29');
    expect(lastOfMonth('2026-12-01')).toBe('2026-12-31');
  });

  it("reads the day in the team's zone, not the computer's", () => {
    // 05:30 UTC on the 1st is still the evening of the 31st in Los Angeles.
    const at = new Date('2027-01-01T05:30:00Z');
    expect(dayIn(at, 'America/Los_Angeles')).toBe('2026-12-31');
    expect(dayIn(at, 'UTC')).toBe('2027-01-01');
    expect(dayIn(at, 'Asia/Tokyo')).toBe('2027-01-01');
  });
});
