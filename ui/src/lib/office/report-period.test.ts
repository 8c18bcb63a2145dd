import { describe, expect, it } from 'vitest';
import {
  MAX_PERIOD_DAYS,
  QUICK_PERIODS,
  checkRange,
  defaultRange,
  quickOf,
  quickRange,
  rangeDays,
  runsPastToday,
} from './report-period';

describe('report periods', () => {
  it('opens on the last full month', () => {
    expect(defaultRange('2026-03-04')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(defaultRange('2028-03-31')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(defaultRange('2026-03-01')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
  });

  it('takes last month across the change of year', () => {
    expect(quickRange('last_month', '2027-01-01')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(quickRange('last_month', '2027-01-31')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(quickRange('this_month', '2027-01-01')).toEqual({ from: '2027-01-01', to: '2027-01-01' });
  });

  it('counts whole days, whatever daylight saving does to the hours', () => {
    // March 2026 has the change to daylight saving time in the US (the 8th): still 31 days.
    expect(rangeDays(quickRange('last_month', '2026-04-15'))).toBe(31);
    expect(rangeDays({ from: '2026-11-01', to: '2026-11-01' })).toBe(1);
  });

  it('makes the last 12 weeks twelve ISO weeks, the current one to today', () => {
    // Wednesday 2026-03-04: this week began Monday 03-02; eleven weeks before is 12-15.
    const r = quickRange('last_12_weeks', '2026-03-04');
    expect(r).toEqual({ from: '2025-12-15', to: '2026-03-04' });
    expect(rangeDays(r)).toBe(80);
    // On a Monday the current week is one day long.
    expect(quickRange('last_12_weeks', '2026-03-02')).toEqual({ from: '2025-12-15', to: '2026-03-02' });
    // Across the new year.
    expect(quickRange('last_12_weeks', '2027-01-02').from).toBe('2026-10-12');
  });

  it('says which quick choice a period is', () => {
    for (const kind of QUICK_PERIODS) expect(quickOf(quickRange(kind, '2026-03-04'), '2026-03-04')).toBe(kind);
    expect(quickOf({ from: '2026-02-02', to: '2026-02-28' }, '2026-03-04')).toBeNull();
  });

  it('checks typed days as the device would', () => {
    expect(checkRange('2026-02-01', '2026-02-28')).toEqual({ range: { from: '2026-02-01', to: '2026-02-28' } });
    expect(checkRange('2026-02-01', '')).toEqual({ problem: 'bad_date' });
    expect(checkRange('2026-02-30', '2026-03-01')).toEqual({ problem: 'bad_date' });
    expect(checkRange('2026-03-01', '2026-02-01')).toEqual({ problem: 'reversed' });
    expect(checkRange('2026-01-01', '2028-12-31')).toHaveProperty('range');
    expect(rangeDays({ from: '2026-01-01', to: '2028-12-31' })).toBe(MAX_PERIOD_DAYS);
    expect(checkRange('2026-01-01', '2029-01-01')).toEqual({ problem: 'too_long' });
  });

  it('notices a period that runs past today', () => {
    expect(runsPastToday(quickRange('this_month', '2026-03-04'), '2026-03-04')).toBe(false);
    expect(runsPastToday({ from: '2026-03-01', to: '2026-03-31' }, '2026-03-04')).toBe(true);
  });
});
