// Person forms and lists on the outreach screens. Pure.
import type { Key } from '../i18n';
import type { EncounterView, HomeView, PersonSeen, ReferralView } from '../../platform/types';

/**
 * HUD HMIS sex (data element 4.21 of the FY2026 standards; person.rs `HMIS_SEX_CODES`),
 * in the order the forms offer the codes, with the label of each.
 */
export const SEX_OPTIONS: readonly { code: number; label: Key }[] = [
  { code: 0, label: 'person.sex.0' },
  { code: 1, label: 'person.sex.1' },
  { code: 8, label: 'person.sex.8' },
  { code: 9, label: 'person.sex.9' },
  { code: 99, label: 'person.sex.99' },
];

/** The label of a recorded sex code; null for none (or a code not on the list). */
export function sexLabel(code: number | null): Key | null {
  return SEX_OPTIONS.find((o) => o.code === code)?.label ?? null;
}

/** A form's select value as a code: '' (not recorded) or anything off the list is null. */
export function sexChoice(value: string): number | null {
  const code = value.trim() === '' ? NaN : Number(value);
  return SEX_OPTIONS.some((o) => o.code === code) ? code : null;
}

/** "Ro, J-Bird ,  ,Lee" → ["Ro", "J-Bird", "Lee"] (repeats dropped, case-insensitive). */
export function splitAliases(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of text.split(/[,;\n]/)) {
    const alias = part.trim().replace(/\s+/g, ' ');
    if (alias && !seen.has(alias.toLowerCase())) {
      seen.add(alias.toLowerCase());
      out.push(alias);
    }
  }
  return out;
}

export type DobProblem = 'format' | 'future' | 'too_old';

/**
 * Checks a date of birth the way the device does: `YYYY-MM-DD` or `YYYY` (year only),
 * a real date, not before 1900 and not after `today` (a `YYYY-MM-DD` local date).
 * Empty is fine (optional).
 */
export function dobProblem(text: string, today: string): DobProblem | null {
  const value = text.trim();
  if (!value) return null;
  let year: number;
  let date: string;
  if (/^\d{4}$/.test(value)) {
    year = Number(value);
    date = `${value}-01-01`;
  } else {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) return 'format';
    year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    const probe = new Date(Date.UTC(year, month - 1, day));
    if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
      return 'format';
    }
    date = value;
  }
  if (year < 1900) return 'too_old';
  if (date > today) return 'future';
  return null;
}

/** The local calendar date of `at` as `YYYY-MM-DD`. */
export function localDate(at: Date): string {
  const y = String(at.getFullYear()).padStart(4, '0');
  const m = String(at.getMonth() + 1).padStart(2, '0');
  const d = String(at.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Whether a new person has enough to be saved: a name, an alias or a description. */
export function hasIdentity(name: string, aliases: readonly string[], description: string): boolean {
  return name.trim() !== '' || aliases.length > 0 || description.trim() !== '';
}

export interface HomeSections {
  nearby: PersonSeen[];
  recent: PersonSeen[];
}

/**
 * Nearby by distance (nearest first), then recent ones not already listed nearby, the
 * most recently seen first. Merged-away persons are left out.
 */
export function homeSections(view: HomeView): HomeSections {
  const live = (s: PersonSeen) => !s.person.merged_into;
  const nearby = view.nearby
    .filter(live)
    .slice()
    .sort((a, b) => (a.distance_m ?? Infinity) - (b.distance_m ?? Infinity) || byLastSeen(a, b));
  const shown = new Set(nearby.map((s) => s.person.id));
  const recent = view.recent.filter((s) => live(s) && !shown.has(s.person.id)).sort(byLastSeen);
  return { nearby, recent };
}

function byLastSeen(a: PersonSeen, b: PersonSeen): number {
  const ta = a.last_seen_at ? Date.parse(a.last_seen_at) : -Infinity;
  const tb = b.last_seen_at ? Date.parse(b.last_seen_at) : -Infinity;
  return tb - ta;
}

/** Referrals of one person (or of ids merged into it), open ones first by days left. */
export function referralsOf(referrals: readonly ReferralView[], personIds: readonly string[]): ReferralView[] {
  const ids = new Set(personIds);
  return referrals
    .filter((r) => ids.has(r.person_id))
    .sort((a, b) => {
      if (a.days_left !== null && b.days_left !== null) return a.days_left - b.days_left;
      if (a.days_left !== null) return -1;
      if (b.days_left !== null) return 1;
      return Date.parse(b.status_at) - Date.parse(a.status_at);
    });
}

/** Anonymous contacts (no person) logged on the same local day as `now`. */
export function anonymousOn(encounters: readonly EncounterView[], now: Date): number {
  const day = localDate(now);
  return encounters.filter((e) => e.person_id === null && localDate(new Date(e.at_utc)) === day).length;
}
