// The fake's report: the figures of crates/waymark-domain/src/report.rs `compute`
// (read its module documentation for each definition), from the records the fake
// holds. Pure; the fake gathers the records and resolves merges.
import { addDays, daysBetween, dayAsUtcDate, dayIn, isoWeekLabel, mondayOf, parseDay, type Day } from '../lib/civil';
import type { CaseManagerLoad, ReportView, WeekContacts, WorkerContacts } from './index';
import { PATHWAYS, REFERRAL_STATUSES, fail, offsetMs, stamp } from './fake-rules';
import type { EncounterRec, PersonRec, ReferralRec } from './fake-rules';

/** report.rs `MAX_PERIOD_DAYS`. */
export const MAX_PERIOD_DAYS = 3 * 365 + 1;
/** report.rs `DAYS_PER_MONTH`. */
export const DAYS_PER_MONTH = 30.4375;
/** report.rs `CONCENTRATION_MIN_REFERRALS` and `CONCENTRATION_MAX_SHARE_PCT`. */
export const CONCENTRATION_MIN_REFERRALS = 5;
export const CONCENTRATION_MAX_SHARE_PCT = 50;
/** report.rs `FIRST_SUPPLIES`: always shown, and first. */
export const FIRST_SUPPLIES = ['naloxone', 'fentanyl_test_strips'] as const;

const DAY_MS = 86_400_000;

/** The instant `day` starts (00:00) in `timeZone`. */
export function startOfDay(day: Day, timeZone: string): Date {
  const wall = dayAsUtcDate(day).getTime();
  const guess = wall - offsetMs(new Date(wall), timeZone);
  return new Date(wall - offsetMs(new Date(guess), timeZone));
}

/** report.rs `Period::parse`: whole days of the team's zone, both ends included. */
export interface Period {
  from: Day;
  to: Day;
  timeZone: string;
  start: Date;
  end: Date;
  days: number;
}

export function parsePeriod(from: string, to: string, timeZone: string): Period {
  const f = parseDay(from);
  if (!f) fail('invalid', `date "${from.trim()}" is not a valid date: use YYYY-MM-DD`);
  const t = parseDay(to);
  if (!t) fail('invalid', `date "${to.trim()}" is not a valid date: use YYYY-MM-DD`);
  const invalid = (why: string): never => fail('invalid', `the period from ${f} to ${t} is not allowed: ${why}`);
  if (daysBetween(f, t) < 0) invalid('the first day comes after the last day');
  const days = daysBetween(f, t) + 1;
  if (days > MAX_PERIOD_DAYS) invalid(`a period is at most ${MAX_PERIOD_DAYS} days (3 years) long`);
  return { from: f, to: t, timeZone, start: startOfDay(f, timeZone), end: startOfDay(addDays(t, 1), timeZone), days };
}

function contains(p: Period, iso: string): boolean {
  const t = Date.parse(iso);
  return p.start.getTime() <= t && t < p.end.getTime();
}

/** report.rs `round`: half away from zero (the figures are never negative). */
function round(value: number, places: number): number {
  const f = 10 ** places;
  return Math.round(value * f) / f;
}

/** report.rs `median`: the middle value, or the mean of the two middle ones. */
export function median(values: readonly number[]): number | null {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 0 ? ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2 : (v[mid] ?? 0);
}

/** Rust's `String` order (code units). */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `OfficerConcentration::of`. */
export function officerConcentration(byOfficer: Record<string, number>): ReportView['referrals']['officer_concentration'] {
  const counts = Object.values(byOfficer);
  const total = counts.reduce((a, b) => a + b, 0);
  const top = Math.max(0, ...counts);
  const share = total > 0 ? (top * 100) / total : null;
  return {
    officers: counts.filter((n) => n > 0).length,
    top_officer_share_pct: share === null ? null : round(share, 1),
    warning: total >= CONCENTRATION_MIN_REFERRALS && share !== null && share > CONCENTRATION_MAX_SHARE_PCT,
  };
}

/** `first_contact`: the earliest contact at or after the referral, or the status change that says it was reached. */
function firstContact(r: ReferralRec, times: readonly number[]): number | null {
  const created = Date.parse(r.created_at);
  const logged = times.find((t) => t >= created) ?? null;
  const statusAt = Date.parse(r.status_at);
  const reached = (r.status === 'contacted' || r.status === 'intake_complete') && statusAt >= created;
  if (logged !== null && reached) return Math.min(logged, statusAt);
  return logged ?? (reached ? statusAt : null);
}

export interface ReportInput {
  period: Period;
  teamName: string;
  now: Date;
  encounters: readonly EncounterRec[];
  referrals: readonly ReferralRec[];
  persons: readonly PersonRec[];
  /** A person id through its merges (itself when never merged). */
  resolve: (id: string) => string;
  /** The role of the device that made a referral the fake holds without one. */
  referrerRole: (r: ReferralRec) => string;
}

/** report.rs `compute`, and the device's `ReportView` around it. */
export function computeReport(input: ReportInput): ReportView {
  const { period, resolve } = input;
  const inPeriod = input.encounters.filter((e) => contains(period, e.at_utc));
  const contacts = inPeriod.filter((e) => e.kind !== 'attempted');
  const attempted = inPeriod.length - contacts.length;
  const unique = new Set(contacts.flatMap((e) => (e.person_id === null ? [] : [resolve(e.person_id)])));
  const anonymous = contacts.filter((e) => e.person_id === null).length;

  // Every ISO week overlapping the period, in order, 0 when it has no contact.
  const weeks = new Map<Day, number>();
  for (let monday = mondayOf(period.from); daysBetween(monday, period.to) >= 0; monday = addDays(monday, 7)) {
    weeks.set(monday, 0);
  }
  for (const e of contacts) {
    const monday = mondayOf(dayIn(new Date(e.at_utc), period.timeZone));
    weeks.set(monday, (weeks.get(monday) ?? 0) + 1);
  }
  const contacts_per_week: WeekContacts[] = [...weeks.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([start, n]) => ({ week: isoWeekLabel(start), start, contacts: n }));

  const workers = new Map<string, { contacts: number; attempted: number }>();
  for (const e of inPeriod) {
    const w = workers.get(e.author) ?? { contacts: 0, attempted: 0 };
    if (e.kind === 'attempted') w.attempted += 1;
    else w.contacts += 1;
    workers.set(e.author, w);
  }
  const contacts_per_worker: WorkerContacts[] = [...workers.entries()]
    .map(([device_id, w]) => ({ device_id, ...w }))
    .sort((a, b) => b.contacts - a.contacts || byText(a.device_id, b.device_id));

  const supplies: Record<string, number> = Object.fromEntries(FIRST_SUPPLIES.map((k) => [k, 0]));
  for (const e of contacts) {
    for (const [key, count] of Object.entries(e.services)) supplies[key] = (supplies[key] ?? 0) + count;
  }
  const rank = (k: string) => {
    const i = (FIRST_SUPPLIES as readonly string[]).indexOf(k);
    return i < 0 ? FIRST_SUPPLIES.length : i;
  };
  const supplies_order = Object.keys(supplies).sort(
    (a, b) => rank(a) - rank(b) || (supplies[b] ?? 0) - (supplies[a] ?? 0) || byText(a, b),
  );

  // Referrals made in the period, by their stored status (as the device counts them).
  const made = input.referrals.filter((r) => contains(period, r.created_at));
  const by_pathway: Record<string, number> = Object.fromEntries(PATHWAYS.map((p) => [p, 0]));
  const by_outcome: Record<string, number> = Object.fromEntries(REFERRAL_STATUSES.map((s) => [s, 0]));
  const by_officer: Record<string, number> = {};
  for (const r of made) {
    by_pathway[r.pathway] = (by_pathway[r.pathway] ?? 0) + 1;
    by_outcome[r.status] = (by_outcome[r.status] ?? 0) + 1;
    if (input.referrerRole(r) === 'officer') by_officer[r.referred_by] = (by_officer[r.referred_by] ?? 0) + 1;
  }
  const from_officers = Object.values(by_officer).reduce((a, b) => a + b, 0);

  // Every contact's time by resolved person, at any time (first contacts may come later).
  const seen = new Map<string, number[]>();
  for (const e of input.encounters) {
    if (e.kind === 'attempted' || e.person_id === null) continue;
    const id = resolve(e.person_id);
    seen.set(id, [...(seen.get(id) ?? []), Date.parse(e.at_utc)]);
  }
  for (const times of seen.values()) times.sort((a, b) => a - b);
  const toFirstContact = made.flatMap((r) => {
    const at = firstContact(r, seen.get(resolve(r.person_id)) ?? []);
    return at === null ? [] : [(at - Date.parse(r.created_at)) / DAY_MS];
  });

  const intakes = made.filter((r) => r.status === 'intake_complete');
  const toIntake = intakes.map((r) => (Date.parse(r.status_at) - Date.parse(r.created_at)) / DAY_MS);
  const within = intakes.filter((r) => Date.parse(r.status_at) <= Date.parse(r.intake_deadline)).length;

  // Participants: active now, never merged away.
  const active = input.persons.filter((p) => !p.merged_into && p.status === 'active');
  const activeIds = new Set(active.map((p) => p.id));
  const activeContacts = contacts.filter((e) => e.person_id !== null && activeIds.has(resolve(e.person_id))).length;
  const months = period.days / DAYS_PER_MONTH;

  const loads = new Map<string, number>();
  let unassigned = 0;
  for (const p of active) {
    const manager = p.case_manager?.trim();
    if (manager) loads.set(manager, (loads.get(manager) ?? 0) + 1);
    else unassigned += 1;
  }
  const by_case_manager: CaseManagerLoad[] = [...loads.entries()]
    .map(([case_manager, participants]) => ({ case_manager, participants }))
    .sort((a, b) => b.participants - a.participants || byText(a.case_manager, b.case_manager));

  const firstMedian = median(toFirstContact);
  const intakeMedian = median(toIntake);
  return {
    team_name: input.teamName,
    generated_at: stamp(input.now),
    period: {
      from: period.from,
      to: period.to,
      time_zone: period.timeZone,
      start: stamp(period.start),
      end: stamp(period.end),
      days: period.days,
      months: round(months, 4),
    },
    contacts: contacts.length,
    attempted,
    unique_persons: unique.size,
    anonymous_contacts: anonymous,
    contacts_per_week,
    contacts_per_worker,
    supplies,
    supplies_order,
    referrals: {
      total: made.length,
      by_pathway,
      by_outcome,
      by_officer,
      from_officers,
      officer_concentration: officerConcentration(by_officer),
    },
    median_days_to_first_contact: firstMedian === null ? null : round(firstMedian, 2),
    first_contacts: toFirstContact.length,
    median_days_to_intake: intakeMedian === null ? null : round(intakeMedian, 2),
    intakes: intakes.length,
    intakes_within_window: within,
    intake_within_window_pct: intakes.length ? round((within * 100) / intakes.length, 1) : null,
    active_participants: active.length,
    active_participant_contacts: activeContacts,
    contact_dose_per_active_participant_per_month:
      active.length > 0 && months > 0 ? round(activeContacts / active.length / months, 2) : null,
    caseload: { by_case_manager, unassigned },
  };
}
