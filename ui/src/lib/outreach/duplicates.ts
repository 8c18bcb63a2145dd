// The client-side duplicate pre-check on "New person": while the worker types, the
// roster is searched (the device's `personSearch`: name or alias contains) for the
// name, each alias and each word of them, and the results are ranked by how alike the
// names are. It only suggests; the device scores duplicates again when saving.
import type { PersonView } from '../../platform/types';

/** Scores at or above this are suggested. */
export const SUGGEST_THRESHOLD = 0.5;
export const MAX_SUGGESTIONS = 5;
const MAX_TERMS = 8;

/** Lower case, accents dropped, anything but letters and digits as one space. */
export function normalizeName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The search terms for the roster: whole names and aliases, then their words of 3+ letters. */
export function searchTerms(name: string, aliases: readonly string[]): string[] {
  const whole = [name, ...aliases].map(normalizeName).filter((t) => t.replace(/ /g, '').length >= 2);
  const words = whole.flatMap((t) => (t.includes(' ') ? t.split(' ') : [])).filter((w) => w.length >= 3);
  return [...new Set([...whole, ...words])].slice(0, MAX_TERMS);
}

/** Jaro-Winkler similarity of two strings, 0..1. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length ? 1 : 0;
  if (!a.length || !b.length) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(b.length - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (!bMatched[j] && a[i] === b[j]) {
        aMatched[i] = true;
        bMatched[j] = true;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let halfTranspositions = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a[i] !== b[k]) halfTranspositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / a.length + m / b.length + (m - halfTranspositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

const JW_FLOOR = 0.85;
const SAME_PART = 0.9;

/** How alike two names (or aliases) are, 0..1. */
export function nameScore(a: string, b: string): number {
  const na = normalizeName(a);
  const nb = normalizeName(b);
  if (!na || !nb) return 0;
  const ca = na.replace(/ /g, '');
  const cb = nb.replace(/ /g, '');
  if (ca === cb) return 1;
  let score = Math.max(0, (jaroWinkler(ca, cb) - JW_FLOOR) / (1 - JW_FLOOR));
  const ta = na.split(' ');
  const tb = nb.split(' ');
  if (ta.length > 1 && tb.length > 1) {
    const given = jaroWinkler(ta[0] as string, tb[0] as string);
    const surname = jaroWinkler(ta[ta.length - 1] as string, tb[tb.length - 1] as string);
    if (given >= SAME_PART && surname >= SAME_PART) score = Math.max(score, 0.9);
  } else if (ta.length === 1 && tb.length === 1) {
    score = Math.min(score, 0.85);
  } else {
    // One word against a full name: "Rosa" and "Rosa Demo" share a word.
    const word = (ta.length === 1 ? ta[0] : tb[0]) as string;
    const full = ta.length === 1 ? tb : ta;
    if (word.length >= 3 && full.some((w) => w === word || jaroWinkler(w, word) >= 0.93)) {
      score = Math.max(score, 0.55);
    }
  }
  return Math.min(1, score);
}

export interface Typed {
  name: string;
  aliases: readonly string[];
  dob?: string | null;
}

export interface Suggestion {
  person: PersonView;
  score: number;
}

/** Adjusts a name score by date of birth: equal raises it, years far apart lower it. */
function dobAdjust(score: number, typed: string | null | undefined, known: string | null): number {
  const a = typed?.trim();
  if (!a || !known) return score;
  if (a === known) return Math.min(1, score + 0.15);
  const ya = Number(a.slice(0, 4));
  const yb = Number(known.slice(0, 4));
  if (Number.isFinite(ya) && Number.isFinite(yb) && Math.abs(ya - yb) > 2) return score - 0.25;
  return score;
}

/** The roster's persons most like what was typed, best first, deduplicated. */
export function rankSuggestions(typed: Typed, found: readonly PersonView[]): Suggestion[] {
  const mine = [typed.name, ...typed.aliases].filter((n) => normalizeName(n));
  if (mine.length === 0) return [];
  const best = new Map<string, Suggestion>();
  for (const person of found) {
    if (person.merged_into || best.has(person.id)) continue;
    const theirs = [person.name ?? '', person.display_name, ...person.aliases].filter((n) => normalizeName(n));
    let score = 0;
    for (const a of mine) for (const b of theirs) score = Math.max(score, nameScore(a, b));
    score = dobAdjust(score, typed.dob, person.dob);
    if (score >= SUGGEST_THRESHOLD) best.set(person.id, { person, score });
  }
  return [...best.values()]
    .sort((a, b) => b.score - a.score || a.person.display_name.localeCompare(b.person.display_name))
    .slice(0, MAX_SUGGESTIONS);
}
