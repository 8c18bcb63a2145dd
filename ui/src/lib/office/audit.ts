// The audit log screen's logic (supervisor): newest first, the filters, the counts of
// changed entries and gaps, and each entry's device and record in words.
import { AUDIT_ACTIONS, PARTIES, type AuditAction, type AuditView, type Party } from '../../platform';
import type { Key, Lang } from '../i18n';

type Translate = (key: Key, values?: Record<string, string | number>) => string;

/** An entry's detail: the device leaves it out of the JSON when empty. */
export function detailOf(entry: AuditView): Record<string, unknown> {
  const detail = (entry as { detail?: Record<string, unknown> | null }).detail;
  return detail ?? {};
}

export function isAuditAction(action: string): action is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(action);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Newest first: by time, then device, then the later entry of a device first. */
export function newestFirst(entries: readonly AuditView[]): AuditView[] {
  return [...entries].sort((a, b) => cmp(b.at, a.at) || cmp(a.device_id, b.device_id) || b.seq - a.seq);
}

export interface AuditFilter {
  /** One action, or null for all. */
  action: string | null;
  /** One device id, or null for all. */
  device: string | null;
}

export function filterAudit(entries: readonly AuditView[], filter: AuditFilter): AuditView[] {
  return entries.filter(
    (e) => (filter.action === null || e.action === filter.action) && (filter.device === null || e.device_id === filter.device),
  );
}

/** How many entries were changed after they were written, and how many follow a gap. */
export function problemCounts(entries: readonly AuditView[]): { broken: number; gaps: number } {
  let broken = 0;
  let gaps = 0;
  for (const e of entries) {
    if (e.chain === 'broken') broken++;
    else if (e.chain === 'gap') gaps++;
  }
  return { broken, gaps };
}

/** The actions present, in the domain's order (unknown ones after, as written). */
export function actionsIn(entries: readonly AuditView[]): string[] {
  const present = new Set(entries.map((e) => e.action));
  const known = AUDIT_ACTIONS.filter((a) => present.has(a));
  const other = [...present].filter((a) => !isAuditAction(a)).sort();
  return [...known, ...other];
}

export interface AuditDevice {
  id: string;
  /** The role its newest entry names. */
  role: string;
  /** Its entries in the log. */
  entries: number;
}

/** Every device in the log, the one heard from most recently first. */
export function devicesIn(entries: readonly AuditView[]): AuditDevice[] {
  const out = new Map<string, AuditDevice>();
  for (const e of newestFirst(entries)) {
    const known = out.get(e.device_id);
    if (known) known.entries++;
    else out.set(e.device_id, { id: e.device_id, role: e.role, entries: 1 });
  }
  return [...out.values()];
}

/** The first block of a UUID: enough to tell a team's devices or records apart. */
export function shortId(id: string): string {
  return /^[0-9a-f]{8}-/i.test(id) ? id.slice(0, 8) : id;
}

/** What this device knows of itself: its id and its user's name. */
export interface Self {
  id: string;
  name: string | null;
}

/** A device's label: this device by its user's name, any other by its short id. */
export function deviceLabel(id: string, self: Self | null, t: Translate): string {
  if (self && id === self.id) return self.name ? t('audit.this_device', { name: self.name }) : t('audit.this_device_unnamed');
  return t('audit.device', { id: shortId(id) });
}

export function roleLabel(role: string, t: Translate): string {
  return role === 'officer' || role === 'outreach' || role === 'supervisor' ? t(`audit.role.${role}`) : role;
}

export function actionLabel(action: string, t: Translate): string {
  return isAuditAction(action) ? t(`audit.action.${action}`) : action;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export interface RecordWords {
  /** What was acted on, in words. */
  text: string;
  /** A second, quieter line (counts, the relay, a merged id), if any. */
  more: string | null;
}

export interface Names {
  /** A person's display name, if this device holds them. */
  person: (id: string) => string | null;
  t: Translate;
}

/** The record of an entry in words: a lookup's query, a person's name, a sync's counts. */
export function recordWords(entry: AuditView, { person, t }: Names): RecordWords {
  const detail = detailOf(entry);
  const personText = (id: string) => person(id) ?? t('audit.person', { id: shortId(id) });
  switch (entry.action) {
    case 'lookup': {
      const found = Array.isArray(detail.found) ? detail.found.length : null;
      const more =
        found === null
          ? null
          : found === 0
            ? t('audit.found_none')
            : t(found === 1 ? 'audit.found_one' : 'audit.found_other', { n: found });
      return { text: `“${entry.record}”`, more };
    }
    case 'person_view': {
      const asked = str(detail.asked);
      return { text: personText(entry.record), more: asked ? t('audit.asked', { id: shortId(asked) }) : null };
    }
    case 'merge': {
      const kept = str(detail.kept);
      if (!kept) return { text: personText(entry.record), more: null };
      return { text: t('audit.merged_into', { dup: personText(entry.record), kept: personText(kept) }), more: null };
    }
    case 'consent_add':
    case 'consent_revoke': {
      const holder = str(detail.person);
      const parties = Array.isArray(detail.parties)
        ? detail.parties
            .map((p) => (typeof p === 'string' && (PARTIES as readonly string[]).includes(p) ? t(`consent.party.${p as Party}`) : String(p)))
            .join(', ')
        : '';
      const consent = t('audit.consent', { id: shortId(entry.record) });
      return {
        text: holder ? personText(holder) : consent,
        more: [holder ? consent : null, parties || null].filter(Boolean).join(' · ') || null,
      };
    }
    case 'enroll': {
      const more = detail.standalone === true ? t('audit.standalone') : str(detail.relay);
      return { text: t('audit.team', { id: shortId(entry.record) }), more };
    }
    case 'invite': {
      const role = str(detail.role);
      return {
        text: role
          ? t('audit.new_device', { role: roleLabel(role, t), id: shortId(entry.record) })
          : t('audit.device', { id: shortId(entry.record) }),
        more: null,
      };
    }
    case 'revoke':
      return { text: t('audit.device', { id: shortId(entry.record) }), more: null };
    case 'rotate_keys':
      return { text: t('audit.key_epoch', { n: entry.record }), more: null };
    case 'trust_relay': {
      const pinned = detail.pinned;
      const more = pinned === true ? t('audit.pinned') : pinned === false ? t('audit.system_roots') : null;
      return { text: entry.record, more };
    }
    case 'sync': {
      const pushed = num(detail.pushed) ?? 0;
      const pulled = num(detail.pulled) ?? 0;
      const purged = num(detail.purged) ?? 0;
      const counts = t('audit.synced', { pushed, pulled });
      return { text: purged > 0 ? `${counts}, ${t('audit.purged', { n: purged })}` : counts, more: entry.record || null };
    }
    default:
      return { text: entry.record, more: null };
  }
}

/** "Nov 23, 8:00 PM" this year, "Nov 23, 2025, 8:00 PM" before; the text as written if not a time. */
export function auditWhen(iso: string, lang: Lang, now: Date): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'es' ? 'es-US' : 'en-US', {
    month: 'short',
    day: 'numeric',
    year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
}
