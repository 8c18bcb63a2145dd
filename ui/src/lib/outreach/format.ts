// Formatting for the outreach screens: distances, places, service counts, conflict
// values. Pure functions; the screens pass in the language and the team's catalog.
import type { Entry } from '../../platform/types';
import type { JsonValue } from '../../generated/serde_json/JsonValue';
import type { Lang } from '../i18n';

/**
 * "120 m", "950 m", "1.2 km", "12 km". Spanish in the US writes decimals with a point
 * too (es-US, as the dates in lib/format.ts), so `lang` only matters for grouping.
 */
export function distanceLabel(metres: number, lang: Lang): string {
  const m = Math.max(0, metres);
  if (m < 1000) {
    // Round to 10 m: GPS is not better than that, and it reads calmer.
    const rounded = m < 10 ? Math.round(m) : Math.round(m / 10) * 10;
    if (rounded < 1000) return `${rounded} m`;
  }
  const km = m / 1000;
  const text = Math.round(km * 10) < 100 ? km.toFixed(1) : Math.round(km).toLocaleString(lang === 'es' ? 'es-US' : 'en-US');
  return `${text} km`;
}

/** A coordinate pair short enough to read: 5 decimals is about 1 m. */
export function coordinates(lat: number, lon: number): string {
  return `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
}

/** Accuracy in whole metres, or null when unknown. */
export function accuracyMetres(accuracy: number | null | undefined): number | null {
  return accuracy == null || !Number.isFinite(accuracy) ? null : Math.max(1, Math.round(accuracy));
}

export interface ServiceCount {
  key: string;
  label: string;
  count: number;
}

/**
 * The services of a contact in the catalog's order with their labels; keys no longer
 * in the catalog keep their key as the label and come last.
 */
export function serviceCounts(services: Record<string, number>, catalog: readonly Entry[]): ServiceCount[] {
  const known = catalog
    .filter((e) => (services[e.key] ?? 0) > 0)
    .map((e) => ({ key: e.key, label: e.label, count: services[e.key] as number }));
  const keys = new Set(catalog.map((e) => e.key));
  const unknown = Object.entries(services)
    .filter(([key, count]) => !keys.has(key) && count > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => ({ key, label: key, count }));
  return [...known, ...unknown];
}

/** "Naloxone kit ×2, Water" */
export function servicesText(list: readonly ServiceCount[]): string {
  return list.map((s) => (s.count > 1 ? `${s.label} ×${s.count}` : s.label)).join(', ');
}

/** A conflicting value as the office reads it; `empty` for a cleared field. */
export function conflictValue(value: JsonValue, empty: string): string {
  if (value === null || value === '') return empty;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length ? value.map((v) => conflictValue(v, empty)).join(', ') : empty;
  return JSON.stringify(value);
}

/** The fields that really have two or more values, in a stable order. */
export function conflictFields(conflicts: Record<string, JsonValue[] | undefined>): string[] {
  return Object.keys(conflicts)
    .filter((field) => (conflicts[field]?.length ?? 0) > 1)
    .sort();
}
