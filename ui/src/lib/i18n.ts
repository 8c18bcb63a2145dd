// English and Spanish strings. Each area of the app keeps its own table in
// lib/strings/ (so screens can grow side by side); every key must exist in both
// languages (the types enforce it; a test checks it too).
import * as audit from './strings/audit';
import * as common from './strings/common';
import * as consent from './strings/consent';
import * as devices from './strings/devices';
import * as lists from './strings/lists';
import * as office from './strings/office';
import * as officer from './strings/officer';
import * as outreach from './strings/outreach';
import * as reports from './strings/reports';
import * as start from './strings/start';
import * as team from './strings/team';

export type Lang = 'en' | 'es';

export const LANGS: readonly Lang[] = ['en', 'es'];

const en = {
  ...common.en,
  ...outreach.en,
  ...consent.en,
  ...officer.en,
  ...office.en,
  ...lists.en,
  ...audit.en,
  ...devices.en,
  ...reports.en,
  ...start.en,
  ...team.en,
};

export type Key = keyof typeof en;

const es: Record<Key, string> = {
  ...common.es,
  ...outreach.es,
  ...consent.es,
  ...officer.es,
  ...office.es,
  ...lists.es,
  ...audit.es,
  ...devices.es,
  ...reports.es,
  ...start.es,
  ...team.es,
};

export const STRINGS: Record<Lang, Record<Key, string>> = { en, es };

/** The string of `key` in `lang`, with `{name}` placeholders filled from `values`. */
export function t(key: Key, lang: Lang, values?: Record<string, string | number>): string {
  const text = STRINGS[lang][key];
  if (!values) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The translated label of a person or referral status, or the raw value if unknown. */
export function statusLabel(status: string, lang: Lang): string {
  const key = `status.${status}`;
  return key in en ? t(key as Key, lang) : status;
}
