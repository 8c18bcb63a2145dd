import { describe, expect, it } from 'vitest';
import { DEMO_IDS, DEMO_PASSPHRASE, DEVICES } from './demo-seed';
import { FakePlatform } from './fake';
import { GENESIS, appendAudit, auditViews, hashText, sha256Hex, verifyChain, type AuditRec } from './fake-audit';
import { PlatformError, type ErrorCode } from './index';

const NOW = new Date('2026-11-23T20:00:00Z');
const clock = () => NOW;

async function rejection(promise: Promise<unknown>): Promise<ErrorCode> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformError);
    return (error as PlatformError).code;
  }
  throw new Error('expected a rejection');
}

async function webCrypto(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('sha256Hex', () => {
  it('matches the FIPS 180 test vectors', () => {
    const hex = (text: string) => sha256Hex(new TextEncoder().encode(text));
    expect(hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with Web Crypto at every padding boundary and on non-ASCII text', async () => {
    for (let n = 0; n < 140; n++) {
      const text = 'x'.repeat(n);
      expect(hashText(text), `${n} bytes`).toBe(await webCrypto(text));
    }
    const text = 'Revisión de bienestar — 3rd & Pine 🚲';
    expect(hashText(text)).toBe(await webCrypto(text));
  });
});

function chain(n: number): AuditRec[] {
  const log: AuditRec[] = [];
  for (let i = 0; i < n; i++) {
    appendAudit(log, 'd-1', 'officer', {
      at: `2026-11-2${i}T10:00:00Z`,
      action: 'lookup',
      record: `query ${i}`,
      reason: 'welfare check',
      detail: { found: [] },
    });
  }
  return log;
}

describe('the chain', () => {
  it('links each entry to the one before it in canonical text', () => {
    const log = chain(3);
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(JSON.parse(log[0]?.text ?? '').prev).toBe(GENESIS);
    expect(JSON.parse(log[1]?.text ?? '').prev).toBe(log[0]?.hash);
    // The domain's field order, detail keys sorted, an empty detail left out.
    expect(Object.keys(JSON.parse(log[0]?.text ?? ''))).toEqual([
      'seq',
      'at',
      'device_id',
      'role',
      'action',
      'record',
      'reason',
      'detail',
      'prev',
    ]);
    const other: AuditRec[] = [];
    appendAudit(other, 'd-2', 'outreach', { at: NOW.toISOString(), action: 'sync', record: 'r', detail: { z: 1, a: 2 } });
    appendAudit(other, 'd-2', 'outreach', { at: NOW.toISOString(), action: 'person_view', record: 'p', detail: {} });
    expect(other[0]?.text).toContain('"detail":{"a":2,"z":1}');
    expect(other[1]?.text).not.toContain('detail');
    expect(verifyChain(log)).toEqual([{ state: 'ok' }, { state: 'ok' }, { state: 'ok' }]);
  });

  it('reports a changed entry once, a recomputed hash at the next link, a removal as a gap', () => {
    const edited = chain(4);
    const second = edited[1] as AuditRec;
    second.text = second.text.replace('welfare check', 'nothing to see');
    const states = verifyChain(edited);
    expect(states[1]).toEqual({ state: 'broken', why: 'its content was changed' });
    expect([states[0], states[2], states[3]]).toEqual([{ state: 'ok' }, { state: 'ok' }, { state: 'ok' }]);

    second.hash = hashText(second.text);
    expect(verifyChain(edited)[2]).toEqual({ state: 'broken', why: 'it does not follow the entry before it' });

    const removed = chain(4);
    removed.splice(1, 1);
    expect(verifyChain(removed)[1]).toEqual({ state: 'gap', missing_from: 2 });

    const garbage = chain(2);
    (garbage[0] as AuditRec).text = '{"seq":1}';
    expect(verifyChain(garbage)[0]).toEqual({ state: 'broken', why: 'not a valid entry' });
  });

  it('answers views as the device does: oldest first, problems worded, empty detail left out', () => {
    const log = chain(3);
    log.splice(0, 1);
    const views = auditViews(log);
    expect(views.map((v) => v.seq)).toEqual([2, 3]);
    expect(views[0]).toMatchObject({ chain: 'gap', problem: 'entries 1 to 1 of this device are missing' });
    expect(views[1]).toMatchObject({ chain: 'ok', reason: 'welfare check', record: 'query 2', role: 'officer' });
    expect(views[1] && 'problem' in views[1]).toBe(false);
  });
});

describe('the fake device’s audit trail', () => {
  it('lets only a supervisor read it', async () => {
    for (const role of ['officer', 'outreach'] as const) {
      const fake = new FakePlatform({ role, now: clock });
      expect(await rejection(fake.auditLog()), role).toBe('not_permitted');
    }
    const log = await new FakePlatform({ role: 'supervisor', now: clock }).auditLog();
    expect(log.length).toBeGreaterThan(20);
    expect(log.every((e) => e.chain === 'ok')).toBe(true);
    expect(new Set(log.map((e) => e.device_id))).toEqual(
      new Set([DEVICES.supervisor, DEVICES.outreach, DEVICES.officer, DEVICES.otherOfficer, DEVICES.otherOutreach]),
    );
    const at = log.map((e) => e.at);
    expect(at).toEqual([...at].sort());
    expect(await rejection(new FakePlatform({ role: 'supervisor', phase: 'locked' }).auditLog())).toBe('locked');
  });

  it("records an officer's lookup with its reason, seen by the supervisor once synced", async () => {
    const fake = new FakePlatform({ role: 'officer', now: clock, seed: 'empty' });
    await fake.lookup('  Rosa ', '  welfare check ');
    expect(fake.auditEntries()).toHaveLength(1);
    fake.switchRole('supervisor');
    const log = await fake.auditLog();
    expect(log).toEqual([
      {
        at: '2026-11-23T20:00:00Z',
        device_id: DEVICES.officer,
        role: 'officer',
        action: 'lookup',
        record: 'Rosa',
        reason: 'welfare check',
        seq: 1,
        detail: { found: [] },
        hash: fake.auditEntries()[0]?.hash,
        chain: 'ok',
      },
    ]);
    // A failed lookup is not on the record.
    await rejection(fake.lookup('   ', 'x'));
    expect(fake.auditEntries()).toHaveLength(1);
  });

  it('records person pages, consents and syncs that moved records, on this device at once', async () => {
    const fake = new FakePlatform({ role: 'supervisor', now: clock });
    const before = fake.auditEntries().length;
    await fake.personShow(DEMO_IDS.mikeT);
    const consent = await fake.consentAdd({
      person: DEMO_IDS.jessie,
      parties: ['housing'],
      expires: '2027-01-31',
      expiry_event: null,
    });
    await fake.consentRevoke(consent.id);
    await fake.consentRevoke(consent.id);
    expect(await fake.sync()).toMatchObject({ audit_pushed: 3 });
    await fake.sync();
    const mine = (await fake.auditLog()).filter((e) => e.device_id === DEVICES.supervisor).slice(-4);
    expect(mine.map((e) => [e.action, e.record, e.detail])).toEqual([
      ['person_view', DEMO_IDS.mike, { asked: DEMO_IDS.mikeT }],
      ['consent_add', consent.id, { person: DEMO_IDS.jessie, parties: ['housing'] }],
      ['consent_revoke', consent.id, { person: DEMO_IDS.jessie }],
      ['sync', 'https://relay.demo.invalid', { pushed: 2, pulled: 0, purged: 0 }],
    ]);
    // The second sync moved nothing: no entry for it.
    expect(fake.auditEntries().length).toBe(before + 4);
  });

  it('enrolls on the record', async () => {
    const fake = new FakePlatform({ phase: 'new', role: 'supervisor', now: clock, seed: 'empty' });
    await fake.start({ passphrase: DEMO_PASSPHRASE, role: 'supervisor' });
    const log = await fake.auditLog();
    expect(log.map((e) => [e.action, e.detail])).toEqual([['enroll', { standalone: true }]]);
  });

  it('reports an entry changed behind its back as broken, and a removed one as a gap', async () => {
    const fake = new FakePlatform({ role: 'supervisor', now: clock });
    const changed = fake.tamperAudit({ action: 'lookup', contains: 'Tall Mike' });
    let log = await fake.auditLog();
    const broken = log.filter((e) => e.chain === 'broken');
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({
      device_id: changed.device_id,
      seq: changed.seq,
      reason: 'Traffic stop; says he has a case manager (edited)',
      problem: `entry ${changed.seq} is broken: its content was changed`,
    });

    const removed = fake.removeAudit({ device_id: DEVICES.outreach, action: 'person_view', contains: DEMO_IDS.denise });
    log = await fake.auditLog();
    const gap = log.filter((e) => e.chain === 'gap');
    expect(gap).toHaveLength(1);
    expect(gap[0]).toMatchObject({ device_id: DEVICES.outreach, seq: removed.seq + 1 });
    expect(gap[0]?.problem).toBe(`entries ${removed.seq} to ${removed.seq} of this device are missing`);
    expect(() => fake.tamperAudit({ contains: 'no such text' })).toThrow();
  });

  it("shows another device's entries only once they were synced", async () => {
    const fake = new FakePlatform({ role: 'officer', now: clock, seed: 'empty' });
    await fake.lookup('Rosa', 'welfare check');
    // The supervisor's device holds the log but not yet this entry.
    const supervisor = fake.auditEntries().filter((e) => e.device_id === DEVICES.officer);
    expect(supervisor.every((e) => !e.synced)).toBe(true);
    await fake.sync();
    expect(fake.auditEntries().every((e) => e.synced)).toBe(true);
  });
});
