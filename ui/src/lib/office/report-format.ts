// The Reports screen's words and numbers: figures in the user's language (null as a
// dash, never as 0), the rows each chart draws (and reads out as text), supplies with
// the team's labels, naloxone and fentanyl test strips first.
import type { Entry, ReportView } from '../../platform/types';
import { dayAsUtcDate, type Day } from '../civil';
import type { Key, Lang } from '../i18n';
import { shortId } from './audit';
import type { DayRange } from './report-period';

type Translate = (key: Key, values?: Record<string, string | number>) => string;

/** What a figure shows when there is nothing to compute it from. */
export const NONE = '—';

/** The harm-reduction supplies that lead every report (report.rs `FIRST_SUPPLIES`). */
export const FIRST_SUPPLIES: readonly string[] = ['naloxone', 'fentanyl_test_strips'];

/** Referral pathways and statuses in the order the screen lists them (referral.rs `ALL`). */
export const PATHWAY_ORDER: readonly string[] = ['arrest_diversion', 'social_contact', 'community', 'self'];
export const OUTCOME_ORDER: readonly string[] = [
  'new',
  'contacted',
  'intake_complete',
  'declined',
  'unable_to_locate',
  'expired',
];

function locale(lang: Lang): string {
  return lang === 'es' ? 'es-US' : 'en-US';
}

/** A count with the language's digit grouping: "1,234" / "1234" (es-US groups from 5 digits). */
export function formatCount(n: number, lang: Lang): string {
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 0 }).format(n);
}

/** A figure with up to `digits` decimals ("4.08", "4,08"), or the dash for null. */
export function formatDecimal(value: number | null, lang: Lang, digits = 2): string {
  if (value === null || !Number.isFinite(value)) return NONE;
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits }).format(value);
}

/** A percentage the device gives as 0–100 ("50%", "50 %"), or the dash for null. */
export function formatPercent(value: number | null, lang: Lang): string {
  if (value === null || !Number.isFinite(value)) return NONE;
  return new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 1 }).format(value / 100);
}

/** A calendar day: "Feb 1, 2026" (or "Feb 1" without the year). */
export function formatDay(day: Day, lang: Lang, year = true): string {
  return dayAsUtcDate(day).toLocaleDateString(locale(lang), {
    timeZone: 'UTC',
    month: 'short',
    day: 'numeric',
    year: year ? 'numeric' : undefined,
  });
}

/** A period: "Feb 1 – 28, 2026", "Dec 15, 2025 – Mar 4, 2026". */
export function formatRange(range: DayRange, lang: Lang): string {
  const format = new Intl.DateTimeFormat(locale(lang), { timeZone: 'UTC', dateStyle: 'medium' });
  return format.formatRange(dayAsUtcDate(range.from), dayAsUtcDate(range.to));
}

/** One bar of a chart and one row of its table. */
export interface ChartRow {
  key: string;
  label: string;
  value: number;
  /** Drawn in the strong color (naloxone and test strips). */
  highlight?: boolean;
}

/** Contacts per ISO week, labelled by the week's Monday ("Feb 2"). */
export function weekRows(report: ReportView, lang: Lang): ChartRow[] {
  return report.contacts_per_week.map((w) => ({
    key: w.week,
    label: formatDay(w.start, lang, false),
    value: w.contacts,
  }));
}

/** A service key the team's catalog no longer lists, in words: "hygiene_kit" → "Hygiene kit". */
function keyWords(key: string): string {
  const words = key.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Supplies in the device's order (naloxone and test strips first), with the team's labels. */
export function supplyRows(report: ReportView, services: readonly Entry[]): ChartRow[] {
  const label = new Map(services.map((s) => [s.key, s.label]));
  return report.supplies_order.map((key) => ({
    key,
    label: label.get(key) ?? keyWords(key),
    value: report.supplies[key] ?? 0,
    highlight: FIRST_SUPPLIES.includes(key),
  }));
}

/** A supply's count (0 when none was given). */
export function supplyCount(report: ReportView, key: string): number {
  return report.supplies[key] ?? 0;
}

function ordered(counts: Record<string, number>, order: readonly string[]): string[] {
  const known = order.filter((k) => k in counts);
  const others = Object.keys(counts)
    .filter((k) => !order.includes(k))
    .sort();
  return [...known, ...others];
}

/** Referrals made in the period by pathway, every pathway listed. */
export function pathwayRows(report: ReportView, t: Translate): ChartRow[] {
  const counts = report.referrals.by_pathway;
  return ordered(counts, PATHWAY_ORDER).map((key) => ({
    key,
    label: PATHWAY_ORDER.includes(key) ? t(`office.pathway.${key}` as Key) : keyWords(key),
    value: counts[key] ?? 0,
  }));
}

/** Referrals made in the period by their status now, every status listed. */
export function outcomeRows(report: ReportView, t: Translate): ChartRow[] {
  const counts = report.referrals.by_outcome;
  return ordered(counts, OUTCOME_ORDER).map((key) => ({
    key,
    label: OUTCOME_ORDER.includes(key) ? t(`status.${key}` as Key) : keyWords(key),
    value: counts[key] ?? 0,
  }));
}

/** Officers' referrals by referring device, most first. */
export function officerRows(report: ReportView, t: Translate): ChartRow[] {
  return Object.entries(report.referrals.by_officer)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, n]) => ({ key: id, label: t('reports.officer_device', { id: shortId(id) }), value: n }));
}

/** Active participants per case manager, most first, then those with none. */
export function caseloadRows(report: ReportView, t: Translate): ChartRow[] {
  const rows: ChartRow[] = report.caseload.by_case_manager.map((c) => ({
    key: `cm:${c.case_manager}`,
    label: c.case_manager,
    value: c.participants,
  }));
  if (report.caseload.unassigned > 0) {
    rows.push({ key: 'unassigned', label: t('reports.unassigned'), value: report.caseload.unassigned });
  }
  return rows;
}

/** A chart's numbers in one sentence, for its `aria-label`: "Title: a 1, b 2." */
export function chartSummary(title: string, rows: readonly ChartRow[], lang: Lang, none: string): string {
  if (rows.length === 0) return `${title}: ${none}.`;
  return `${title}: ${rows.map((r) => `${r.label} ${formatCount(r.value, lang)}`).join(', ')}.`;
}

/** Whether a chart has anything but zeros to draw. */
export function hasData(rows: readonly ChartRow[]): boolean {
  return rows.some((r) => r.value > 0);
}
