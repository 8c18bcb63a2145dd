import { describe, expect, it } from 'vitest';
import { inRange, lastDay, periodRange, startOfWeek } from './period';

describe('startOfWeek', () => {
  it('is local Monday midnight, for every day of the week', () => {
    for (let day = 2; day <= 8; day++) {
      const start = startOfWeek(new Date(2026, 2, day, 15, 30));
      expect([start.getFullYear(), start.getMonth(), start.getDate(), start.getHours(), start.getMinutes()]).toEqual([
        2026, 2, 2, 0, 0,
      ]);
    }
  });

  it('treats Sunday as the end of the week, not its start', () => {
    const sunday = new Date(2026, 2, 1, 23, 0);
    expect(startOfWeek(sunday).getDate()).toBe(23);
    expect(startOfWeek(sunday).getMonth()).toBe(1);
  });
});

describe('periodRange', () => {
  const now = new Date(2026, 2, 4, 12, 0);

  it('this week runs from Monday 00:00 to the next Monday 00:00 local time', () => {
    const { start, end } = periodRange('this_week', now);
    expect(start).toEqual(new Date(2026, 2, 2));
    expect(end).toEqual(new Date(2026, 2, 9));
    expect(lastDay({ start, end }).getDate()).toBe(8);
  });

  it('last week is the seven days before', () => {
    expect(periodRange('last_week', now)).toEqual({ start: new Date(2026, 1, 23), end: new Date(2026, 2, 2) });
  });

  it('the last 7 and 30 days end now', () => {
    expect(periodRange('last_7_days', now)).toEqual({ start: new Date(now.getTime() - 7 * 86_400_000), end: now });
    expect(periodRange('last_30_days', now).start).toEqual(new Date(now.getTime() - 30 * 86_400_000));
  });
});

describe('inRange', () => {
  const range = { start: new Date('2026-03-02T00:00:00Z'), end: new Date('2026-03-09T00:00:00Z') };

  it('is half open and reads any offset', () => {
    expect(inRange('2026-03-02T00:00:00Z', range)).toBe(true);
    expect(inRange('2026-03-09T00:00:00Z', range)).toBe(false);
    expect(inRange('2026-03-08T17:00:00-07:00', range)).toBe(false);
    expect(inRange('2026-03-08T16:59:59-07:00', range)).toBe(true);
  });

  it('refuses what is not a time', () => {
    expect(inRange('yesterday', range)).toBe(false);
  });
});
