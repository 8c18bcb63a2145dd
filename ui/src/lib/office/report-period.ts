// The Reports screen's periods: whole days of the team's time zone, both ends
// included, as the device's report takes them (report.rs `Period`). "Today" is the
// day it is in the team's zone, not on this computer.
import { addDays, daysBetween, firstOfMonth, mondayOf, parseDay, type Day } from '../civil';

/** The quick choices above the date fields. */
export type QuickPeriod = 'last_month' | 'this_month' | 'last_12_weeks';

export const QUICK_PERIODS: readonly QuickPeriod[] = ['last_month', 'this_month', 'last_12_weeks'];

/** The longest period a report covers (report.rs `MAX_PERIOD_DAYS`: three years and a leap day). */
export const MAX_PERIOD_DAYS = 3 * 365 + 1;

/** Days `from` to `to`, both included. */
export interface DayRange {
  from: Day;
  to: Day;
}

/**
 * The days of a quick choice, given today's day in the team's zone:
 * - last month: the whole calendar month before this one;
 * - this month: its first day to today;
 * - last 12 weeks: twelve ISO weeks (Monday to Sunday), the current one to today.
 */
export function quickRange(kind: QuickPeriod, today: Day): DayRange {
  switch (kind) {
    case 'last_month': {
      const end = addDays(firstOfMonth(today), -1);
      return { from: firstOfMonth(end), to: end };
    }
    case 'this_month':
      return { from: firstOfMonth(today), to: today };
    case 'last_12_weeks':
      return { from: addDays(mondayOf(today), -11 * 7), to: today };
  }
}

/** The period the screen opens with: the last full month. */
export function defaultRange(today: Day): DayRange {
  return quickRange('last_month', today);
}

/** Which quick choice `range` is today, if any (its button shows pressed). */
export function quickOf(range: DayRange, today: Day): QuickPeriod | null {
  return QUICK_PERIODS.find((k) => sameRange(quickRange(k, today), range)) ?? null;
}

function sameRange(a: DayRange, b: DayRange): boolean {
  return a.from === b.from && a.to === b.to;
}

/** Why the typed days are not a period, before asking the device. */
export type RangeProblem = 'bad_date' | 'reversed' | 'too_long';

/** Checks typed days: real dates, `from` not after `to`, at most three years. */
export function checkRange(from: string, to: string): { range: DayRange } | { problem: RangeProblem } {
  const f = parseDay(from);
  const t = parseDay(to);
  if (!f || !t) return { problem: 'bad_date' };
  if (daysBetween(f, t) < 0) return { problem: 'reversed' };
  if (daysBetween(f, t) + 1 > MAX_PERIOD_DAYS) return { problem: 'too_long' };
  return { range: { from: f, to: t } };
}

/** Days in the period, both ends included. */
export function rangeDays(range: DayRange): number {
  return daysBetween(range.from, range.to) + 1;
}

/** Whether the whole period is still to come (nothing can be in it yet). */
export function inFuture(range: DayRange, today: Day): boolean {
  return daysBetween(today, range.from) > 0;
}

/** Whether the period runs past today (its last days have no records yet). */
export function runsPastToday(range: DayRange, today: Day): boolean {
  return daysBetween(today, range.to) > 0;
}
