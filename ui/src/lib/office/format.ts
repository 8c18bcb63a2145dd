// Dates and small words of the office screens.
import type { Lang } from '../i18n';

function locale(lang: Lang): string {
  return lang === 'es' ? 'es-US' : 'en-US';
}

/** "Mar 4" in the year of `now`, else "Mar 4, 2025": a referral's date. */
export function shortDate(iso: string, lang: Lang, now: Date): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const year = d.getFullYear() === now.getFullYear() ? undefined : 'numeric';
  return d.toLocaleDateString(locale(lang), { month: 'short', day: 'numeric', year });
}

/** "Mon, Mar 2": a day of a period's span. */
export function weekday(d: Date, lang: Lang): string {
  return d.toLocaleDateString(locale(lang), { weekday: 'short', month: 'short', day: 'numeric' });
}
