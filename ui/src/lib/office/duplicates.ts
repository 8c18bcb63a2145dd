// The duplicate review's logic: how sure a pair reads, which record to keep by default,
// the side-by-side rows with what differs, which values the reviewer may pick, and the
// record the merge will leave (as lib.rs `person_merge_choosing` makes it).
import type { DuplicatePair, DuplicateSide, MergeField, PersonView } from '../../platform';

export type Side = 'a' | 'b';

export function otherSide(side: Side): Side {
  return side === 'a' ? 'b' : 'a';
}

/** Scores at or above this read "likely the same person"; below it, "possibly". */
export const LIKELY_SCORE = 0.85;

export function likelihood(score: number): 'likely' | 'possible' {
  return score >= LIKELY_SCORE ? 'likely' : 'possible';
}

/** The score as shown next to the wording: two decimals, never rounded up to a certain 1.00. */
export function scoreText(score: number): string {
  const floored = Math.floor(score * 100) / 100;
  return floored.toFixed(2);
}

/**
 * The record kept by default: the one with more history (contacts and referrals), then
 * the older one, so the fewest links move and the first record made stays.
 */
export function defaultKeep(pair: DuplicatePair): Side {
  const weight = (s: DuplicateSide) => s.contacts + s.referrals;
  const byHistory = weight(pair.b) - weight(pair.a);
  if (byHistory !== 0) return byHistory > 0 ? 'b' : 'a';
  return Date.parse(pair.b.person.created_at) < Date.parse(pair.a.person.created_at) ? 'b' : 'a';
}

/** The person fields a reviewer may pick a value for (gender and race are filled, see `takeFields`). */
export const CHOOSABLE = ['name', 'dob', 'description', 'status', 'case_manager'] as const satisfies readonly MergeField[];
export type Choosable = (typeof CHOOSABLE)[number];

/** Every row of the comparison, in the order shown. */
export const COMPARE_FIELDS = [
  'name',
  'aliases',
  'dob',
  'description',
  'status',
  'case_manager',
  'contacts',
  'referrals',
  'last_contact',
] as const;
export type CompareField = (typeof COMPARE_FIELDS)[number];

export interface CompareRow {
  field: CompareField;
  /** Each side's value as written (a status code, an ISO time, a count); null: none. */
  a: string | null;
  b: string | null;
  differs: boolean;
  /**
   * For the fields a merge decides: the side whose value the kept record ends up with
   * unless the reviewer picks otherwise (`null` for rows shown only to help decide).
   */
  natural: Side | null;
  /** Whether the reviewer may pick either side's value (both are reachable and differ). */
  choice: boolean;
}

/** "Alex Kim · +1 206 555 0187", or either part alone; null when neither is set. */
export function caseManagerText(p: Pick<PersonView, 'case_manager' | 'case_manager_phone'>): string | null {
  const parts = [p.case_manager, p.case_manager_phone].filter((x): x is string => !!x);
  return parts.length > 0 ? parts.join(' · ') : null;
}

function value(side: DuplicateSide, field: CompareField): string | null {
  const p = side.person;
  switch (field) {
    case 'name':
      return p.name;
    case 'aliases':
      return p.aliases.length > 0 ? p.aliases.join(', ') : null;
    case 'case_manager':
      return caseManagerText(p);
    case 'contacts':
      return String(side.contacts);
    case 'referrals':
      return String(side.referrals);
    case 'last_contact':
      return side.last_contact;
    default:
      return p[field];
  }
}

/**
 * The side a merge into `keep` takes `field` from when the reviewer chooses nothing: the
 * kept record's value, except where the device fills a gap from the duplicate (date of
 * birth, description, case manager) or makes the person active because the duplicate is.
 */
function naturalSide(field: Choosable, keep: Side, values: Record<Side, string | null>): Side {
  const dup = otherSide(keep);
  if (field === 'name') return keep;
  if (field === 'status') return values[keep] !== 'active' && values[dup] === 'active' ? dup : keep;
  return values[keep] === null && values[dup] !== null ? dup : keep;
}

/** The side-by-side rows of a pair when `keep` is the record kept. */
export function compareRows(pair: DuplicatePair, keep: Side): CompareRow[] {
  return COMPARE_FIELDS.map((field) => {
    const values = { a: value(pair.a, field), b: value(pair.b, field) };
    const differs = values.a !== values.b;
    if (!(CHOOSABLE as readonly string[]).includes(field)) return { field, ...values, differs, natural: null, choice: false };
    const natural = naturalSide(field as Choosable, keep, values);
    const dup = values[otherSide(keep)];
    // Picking is offered only where both values are reachable: the duplicate has one to
    // give, and the kept record's own value is not overruled anyway.
    const choice = differs && dup !== null && natural === keep;
    return { field, ...values, differs, natural, choice };
  });
}

/** Each row's side before the reviewer picks: the merge's own result. */
export function initialChoices(rows: readonly CompareRow[]): Partial<Record<Choosable, Side>> {
  const out: Partial<Record<Choosable, Side>> = {};
  for (const row of rows) if (row.natural !== null) out[row.field as Choosable] = row.natural;
  return out;
}

/**
 * The `take` list of the merge: the fields where the reviewer picked the duplicate's
 * value, plus gender and race/ethnicity when only the duplicate has them (the device
 * fills no gap there by itself, and nothing known should be lost).
 */
export function takeFields(
  pair: DuplicatePair,
  keep: Side,
  rows: readonly CompareRow[],
  choices: Partial<Record<Choosable, Side>>,
): MergeField[] {
  const dup = otherSide(keep);
  const take = new Set<MergeField>();
  for (const row of rows) {
    if (row.choice && choices[row.field as Choosable] === dup) take.add(row.field as Choosable);
  }
  const [k, d] = [pair[keep].person, pair[dup].person];
  if (k.gender.length === 0 && d.gender.length > 0) take.add('gender');
  if (k.race_ethnicity.length === 0 && d.race_ethnicity.length > 0) take.add('race_ethnicity');
  return (['name', 'dob', 'description', 'status', 'case_manager', 'gender', 'race_ethnicity'] as const).filter((f) =>
    take.has(f),
  );
}

/** What the kept record will be after the merge (lib.rs `person_merge_choosing`). */
export interface MergePreview {
  name: string | null;
  display_name: string;
  aliases: string[];
  dob: string | null;
  description: string | null;
  status: string;
  case_manager: string | null;
  case_manager_phone: string | null;
}

export function mergePreview(keep: PersonView, dup: PersonView, take: readonly MergeField[]): MergePreview {
  const same = (x: string, y: string) => x.toLowerCase() === y.toLowerCase();
  const k: MergePreview = {
    name: keep.name,
    display_name: keep.display_name,
    aliases: [...keep.aliases],
    dob: keep.dob ?? dup.dob,
    description: keep.description ?? dup.description,
    status: keep.status !== 'active' && dup.status === 'active' ? 'active' : keep.status,
    case_manager: keep.case_manager ?? dup.case_manager,
    case_manager_phone: keep.case_manager_phone ?? dup.case_manager_phone,
  };
  for (const name of [...(dup.name === null ? [] : [dup.name]), ...dup.aliases]) {
    const known = (k.name !== null && same(k.name, name)) || k.aliases.some((a) => same(a, name));
    if (!known) k.aliases.push(name);
  }
  const takes = (f: MergeField) => take.includes(f);
  if (takes('name') && dup.name !== null) {
    const old = k.name;
    const chosen = dup.name;
    k.name = chosen;
    if (old !== null && !k.aliases.some((a) => same(a, old))) k.aliases.push(old);
    k.aliases = k.aliases.filter((a) => !same(a, chosen));
  }
  if (takes('dob')) k.dob = dup.dob;
  if (takes('description')) k.description = dup.description;
  if (takes('status')) k.status = dup.status;
  if (takes('case_manager')) {
    k.case_manager = dup.case_manager;
    k.case_manager_phone = dup.case_manager_phone;
  }
  k.display_name = k.name ?? k.aliases[0] ?? '(no name)';
  return k;
}

/** A stable key of a pair (its two ids, sorted). */
export function pairKey(pair: DuplicatePair): string {
  return [pair.a.person.id, pair.b.person.id].sort().join('/');
}
