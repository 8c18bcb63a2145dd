import { describe, expect, it } from 'vitest';
import auditRs from '../../../../crates/waymark-domain/src/audit.rs?raw';
import { AUDIT_ACTIONS, type AuditView } from '../../platform';
import { t as translate, type Key } from '../i18n';
import {
  actionLabel,
  actionsIn,
  auditWhen,
  detailOf,
  deviceLabel,
  devicesIn,
  filterAudit,
  newestFirst,
  problemCounts,
  recordWords,
  roleLabel,
  shortId,
} from './audit';

const en = (key: Key, values?: Record<string, string | number>) => translate(key, 'en', values);
const es = (key: Key, values?: Record<string, string | number>) => translate(key, 'es', values);

const OFFICER = '7c0a5f7e-1111-4aaa-8bbb-000000000001';
const OUTREACH = '2b9d4e11-2222-4aaa-8bbb-000000000002';
const ROSA = 'a1b2c3d4-3333-4aaa-8bbb-000000000003';

function entry(partial: Partial<AuditView> & Pick<AuditView, 'action'>): AuditView {
  const view = {
    at: '2026-03-04T19:00:00Z',
    device_id: OFFICER,
    role: 'officer',
    record: '',
    reason: '',
    seq: 1,
    hash: 'h',
    chain: 'ok',
    ...partial,
  };
  return view as AuditView;
}

describe('the actions', () => {
  it('are the domain’s, in its order', () => {
    const domain = [...auditRs.matchAll(/AuditAction::\w+ => "([a-z_]+)"/g)].map((m) => m[1]);
    expect(domain).toEqual([...AUDIT_ACTIONS]);
  });

  it('have words in both languages, and unknown ones are shown as written', () => {
    for (const action of AUDIT_ACTIONS) {
      expect(actionLabel(action, en)).not.toContain('audit.');
      expect(actionLabel(action, es)).not.toBe(actionLabel(action, en));
    }
    expect(actionLabel('lookup', en)).toBe('Roster lookup');
    expect(actionLabel('teleport', en)).toBe('teleport');
    expect(roleLabel('officer', es)).toBe('Policía');
    expect(roleLabel('auditor', en)).toBe('auditor');
  });
});

describe('the list', () => {
  const list = [
    entry({ action: 'enroll', at: '2026-03-01T10:00:00Z', seq: 1 }),
    entry({ action: 'lookup', at: '2026-03-04T10:00:00Z', seq: 2, record: 'Rosa', reason: 'welfare check' }),
    entry({ action: 'sync', at: '2026-03-04T10:00:00Z', seq: 3, chain: 'broken', problem: 'entry 3 is broken' }),
    entry({ action: 'person_view', at: '2026-03-02T10:00:00Z', device_id: OUTREACH, role: 'outreach', seq: 4, chain: 'gap' }),
  ];

  it('is newest first, a device’s later entry first at the same time', () => {
    expect(newestFirst(list).map((e) => e.seq)).toEqual([3, 2, 4, 1]);
  });

  it('filters by action and by device', () => {
    expect(filterAudit(list, { action: 'lookup', device: null }).map((e) => e.seq)).toEqual([2]);
    expect(filterAudit(list, { action: null, device: OUTREACH }).map((e) => e.seq)).toEqual([4]);
    expect(filterAudit(list, { action: 'lookup', device: OUTREACH })).toEqual([]);
    expect(filterAudit(list, { action: null, device: null })).toHaveLength(4);
  });

  it('counts changed entries and gaps, and lists actions and devices present', () => {
    expect(problemCounts(list)).toEqual({ broken: 1, gaps: 1 });
    expect(actionsIn([...list, entry({ action: 'zap' })])).toEqual(['lookup', 'person_view', 'enroll', 'sync', 'zap']);
    expect(devicesIn(list)).toEqual([
      { id: OFFICER, role: 'officer', entries: 3 },
      { id: OUTREACH, role: 'outreach', entries: 1 },
    ]);
  });

  it('names this device by its user and any other by a short id', () => {
    const self = { id: OUTREACH, name: 'Dana Brooks' };
    expect(deviceLabel(OUTREACH, self, en)).toBe('Dana Brooks (this device)');
    expect(deviceLabel(OUTREACH, { id: OUTREACH, name: null }, es)).toBe('Este dispositivo');
    expect(deviceLabel(OFFICER, self, en)).toBe('Device 7c0a5f7e');
    expect(shortId('not-a-uuid')).toBe('not-a-uuid');
  });
});

describe('recordWords', () => {
  const names = { person: (id: string) => (id === ROSA ? 'Rosa Martinez' : null), t: en };

  it('quotes a lookup and says how many cards it showed', () => {
    const lookup = entry({ action: 'lookup', record: 'Rosa', detail: { found: [ROSA] } });
    expect(recordWords(lookup, names)).toEqual({ text: '“Rosa”', more: '1 card shown' });
    expect(recordWords(entry({ action: 'lookup', record: 'x', detail: { found: [] } }), names).more).toBe('no card shown');
  });

  it('names persons it holds, others by short id', () => {
    expect(recordWords(entry({ action: 'person_view', record: ROSA }), names)).toEqual({ text: 'Rosa Martinez', more: null });
    const merged = entry({ action: 'person_view', record: ROSA, detail: { asked: OUTREACH } });
    expect(recordWords(merged, names).more).toBe('opened as 2b9d4e11 (merged since)');
    const merge = entry({ action: 'merge', record: OFFICER, detail: { kept: ROSA } });
    expect(recordWords(merge, names).text).toBe('person 7c0a5f7e into Rosa Martinez');
  });

  it('says whose consent and for whom', () => {
    const add = entry({ action: 'consent_add', record: OFFICER, detail: { person: ROSA, parties: ['law_enforcement', 'housing'] } });
    expect(recordWords(add, names)).toEqual({ text: 'Rosa Martinez', more: 'consent 7c0a5f7e · Law enforcement, Housing' });
    const revoke = entry({ action: 'consent_revoke', record: OFFICER, detail: { person: ROSA } });
    expect(recordWords(revoke, { ...names, t: es })).toEqual({ text: 'Rosa Martinez', more: 'consentimiento 7c0a5f7e' });
  });

  it('counts what a sync moved, and words the device and team actions', () => {
    const sync = entry({ action: 'sync', record: 'https://relay.example', detail: { pushed: 3, pulled: 5, purged: 1 } });
    expect(recordWords(sync, names)).toEqual({ text: 'sent 3, received 5, 1 withdrawn', more: 'https://relay.example' });
    expect(recordWords(entry({ action: 'enroll', record: ROSA, detail: { standalone: true } }), names)).toEqual({
      text: 'team a1b2c3d4',
      more: 'standalone, no relay',
    });
    expect(recordWords(entry({ action: 'invite', record: OUTREACH, detail: { role: 'outreach' } }), names).text).toBe(
      'Outreach device 2b9d4e11',
    );
    expect(recordWords(entry({ action: 'rotate_keys', record: '2' }), names).text).toBe('key epoch 2');
    expect(recordWords(entry({ action: 'trust_relay', record: 'https://r', detail: { pinned: true } }), names).more).toBe(
      'only this certificate',
    );
    expect(recordWords(entry({ action: 'export', record: 'roster.csv' }), names)).toEqual({ text: 'roster.csv', more: null });
  });

  it('reads an entry whose detail the device left out', () => {
    const bare = entry({ action: 'sync', record: 'https://r' });
    delete (bare as { detail?: unknown }).detail;
    expect(detailOf(bare)).toEqual({});
    expect(recordWords(bare, names).text).toBe('sent 0, received 0');
  });
});

describe('auditWhen', () => {
  it('shows the year only when it is not this year', () => {
    const now = new Date('2026-03-04T19:00:00Z');
    expect(auditWhen('2026-03-04T19:00:00Z', 'en', now)).not.toMatch(/2026/);
    expect(auditWhen('2025-11-23T19:00:00Z', 'en', now)).toMatch(/2025/);
    expect(auditWhen('garbage', 'en', now)).toBe('garbage');
  });
});
