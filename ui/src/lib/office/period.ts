// The office's reporting periods. Weeks run Monday 00:00 to the next Monday 00:00 in
// the device's local time (the screen says so); "last N days" end at `now`.

export type Period = 'this_week' | 'last_week' | 'last_7_days' | 'last_30_days';

export const PERIODS: readonly Period[] = ['this_week', 'last_week', 'last_7_days', 'last_30_days'];

/** A half-open span of time: `start` ≤ t < `end`. */
export interface Range {
  start: Date;
  end: Date;
}

/** Local midnight starting the Monday of the week that holds `at`. */
export function startOfWeek(at: Date): Date {
  const day = new Date(at.getFullYear(), at.getMonth(), at.getDate());
  const sinceMonday = (day.getDay() + 6) % 7;
  day.setDate(day.getDate() - sinceMonday);
  return day;
}

/** Local midnight `days` calendar days after `day` (a DST day is 23 or 25 hours). */
function plusDays(day: Date, days: number): Date {
  const next = new Date(day);
  next.setDate(next.getDate() + days);
  return next;
}

export function periodRange(period: Period, now: Date): Range {
  switch (period) {
    case 'this_week': {
      const start = startOfWeek(now);
      return { start, end: plusDays(start, 7) };
    }
    case 'last_week': {
      const end = startOfWeek(now);
      return { start: plusDays(end, -7), end };
    }
    case 'last_7_days':
      return { start: new Date(now.getTime() - 7 * 86_400_000), end: now };
    case 'last_30_days':
      return { start: new Date(now.getTime() - 30 * 86_400_000), end: now };
  }
}

/** Whether the instant `iso` (RFC 3339, any offset) falls in `range`. */
export function inRange(iso: string, range: Range): boolean {
  const t = Date.parse(iso);
  return !Number.isNaN(t) && t >= range.start.getTime() && t < range.end.getTime();
}

/** Whether the period is a calendar week (Mon–Sun), which the screen explains. */
export function isCalendarWeek(period: Period): boolean {
  return period === 'this_week' || period === 'last_week';
}

/** The last instant a half-open range covers, for showing "Mon 2 – Sun 8". */
export function lastDay(range: Range): Date {
  return new Date(range.end.getTime() - 1);
}
