// Calendar days (`YYYY-MM-DD`) with no time of day and no zone, like jiff's
// `civil::Date` on the device: a report's period is whole days of the team's time
// zone, so a day is a day whatever daylight saving does to its hours. Day arithmetic
// runs on day numbers (days since 1970-01-01), never on local clock times.

/** A calendar day, `YYYY-MM-DD`. */
export type Day = string;

const DAY_MS = 86_400_000;

/** The day's number: days since 1970-01-01 (negative before). */
function dayNumber(day: Day): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  date.setUTCFullYear(y, m - 1, d);
  return Math.round(date.getTime() / DAY_MS);
}

function fromNumber(n: number): Day {
  const date = new Date(n * DAY_MS);
  const pad = (v: number, w = 2) => String(v).padStart(w, '0');
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** `text` as a day when it is a real `YYYY-MM-DD` date (time.rs `parse_date`), else null. */
export function parseDay(text: string): Day | null {
  const trimmed = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return trimmed;
}

function leap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return [31, leap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** `day` plus `n` days (minus for negative `n`). */
export function addDays(day: Day, n: number): Day {
  return fromNumber(dayNumber(day) + n);
}

/** Days from `from` to `to`: 0 for the same day, negative when `to` comes first. */
export function daysBetween(from: Day, to: Day): number {
  return dayNumber(to) - dayNumber(from);
}

/** Monday 0 … Sunday 6. */
export function weekdayIndex(day: Day): number {
  // 1970-01-01 was a Thursday (3).
  return (((dayNumber(day) + 3) % 7) + 7) % 7;
}

/** The Monday that starts the ISO week of `day`. */
export function mondayOf(day: Day): Day {
  return addDays(day, -weekdayIndex(day));
}

/** `2026-W45`: the ISO week that holds `day` (its year is the year of its Thursday). */
export function isoWeekLabel(day: Day): string {
  const thursday = addDays(mondayOf(day), 3);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor(daysBetween(`${thursday.slice(0, 4)}-01-01`, thursday) / 7) + 1;
  return `${String(year).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}

/** The first day of the month of `day`. */
export function firstOfMonth(day: Day): Day {
  return `${day.slice(0, 7)}-01`;
}

/** The last day of the month of `day`. */
export function lastOfMonth(day: Day): Day {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return `${day.slice(0, 7)}-${String(daysInMonth(y, m)).padStart(2, '0')}`;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day the instant `at` falls on in the IANA zone `timeZone`. */
export function dayIn(at: Date, timeZone: string): Day {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const pad = (v: number, w = 2) => String(v).padStart(w, '0');
  return `${pad(part('year'), 4)}-${pad(part('month'))}-${pad(part('day'))}`;
}

/** The day as a `Date` at 00:00 UTC, for formatting with `timeZone: 'UTC'`. */
export function dayAsUtcDate(day: Day): Date {
  return new Date(dayNumber(day) * DAY_MS);
}
