import { describe, expect, it } from 'vitest';
import { DEVICES } from './demo-seed';
import { FakePlatform } from './fake';
import { PlatformError, type ErrorCode } from './index';

const NOW = new Date('2026-11-23T20:00:00Z');
const clock = () => NOW;

async function rejection(promise: Promise<unknown>): Promise<{ code: ErrorCode; message: string }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformError);
    return { code: (error as PlatformError).code, message: (error as PlatformError).message };
  }
  throw new Error('expected a rejection');
}

describe('the team devices of the fake', () => {
  it('lists the demo team for a supervisor, marking this device', async () => {
    const p = new FakePlatform({ role: 'supervisor', now: clock });
    const list = await p.deviceList();
    expect(list.map((d) => d.device_id)).toContain(DEVICES.officer);
    expect(list.filter((d) => d.this_device).map((d) => d.device_id)).toEqual([DEVICES.supervisor]);
    expect(list.every((d) => d.status === 'active' && d.key_epoch === 1)).toBe(true);
  });

  it('answers only a supervisor, only online, only an enrolled device', async () => {
    for (const role of ['outreach', 'officer'] as const) {
      const p = new FakePlatform({ role, now: clock });
      expect((await rejection(p.deviceList())).code).toBe('not_permitted');
      expect((await rejection(p.deviceInvite('officer', 'X'))).code).toBe('not_permitted');
      expect((await rejection(p.deviceRevoke(DEVICES.officer))).code).toBe('not_permitted');
    }
    const offline = new FakePlatform({ role: 'supervisor', now: clock, online: false });
    expect((await rejection(offline.deviceList())).code).toBe('relay_unreachable');
    expect((await rejection(offline.deviceRevoke(DEVICES.officer))).code).toBe('relay_unreachable');
    const standalone = new FakePlatform({ role: 'supervisor', now: clock, phase: 'new' });
    await standalone.start({ passphrase: 'a long passphrase', role: 'supervisor' });
    expect((await rejection(standalone.deviceList())).code).toBe('not_enrolled');
  });

  it('invites: checks role and label, lists the device as pending, audits it', async () => {
    const p = new FakePlatform({ role: 'supervisor', now: clock });
    expect((await rejection(p.deviceInvite('chief', 'Lee'))).message).toMatch(/officer, outreach, supervisor/);
    expect((await rejection(p.deviceInvite('officer', '   '))).message).toMatch(/label must not be empty/);
    expect((await rejection(p.deviceInvite('officer', 'x'.repeat(101)))).message).toMatch(/at most 100/);

    const invite = await p.deviceInvite('officer', '  Officer Lee  ');
    expect(invite.code).toMatch(/^[a-z2-7]{16}\.[a-z2-7]{16}\.[a-z2-7]{32}$/);
    expect(invite.expires_at).toBe('2026-11-30T20:00:00Z');
    const added = (await p.deviceList()).find((d) => d.device_id === invite.device_id);
    expect(added).toMatchObject({ role: 'officer', label: 'Officer Lee', status: 'pending', enrolled_at: null });
    const audit = await p.auditLog();
    expect(audit.at(-1)).toMatchObject({ action: 'invite', record: invite.device_id });
  });

  it('revokes another device and hands the next key epoch to the rest', async () => {
    const p = new FakePlatform({ role: 'supervisor', now: clock });
    expect((await rejection(p.deviceRevoke(DEVICES.supervisor))).message).toMatch(/cannot revoke itself/);
    expect((await rejection(p.deviceRevoke('not-an-id'))).code).toBe('invalid');
    expect((await rejection(p.deviceRevoke('6d1f0c1e-0000-4000-8000-00000000abcd'))).code).toBe('relay_refused');
    const pending = await p.deviceInvite('outreach', 'New phone');

    const view = await p.deviceRevoke(DEVICES.otherOfficer);
    expect(view).toEqual({
      device_id: DEVICES.otherOfficer,
      revoked: true,
      rotation: { key_epoch: 2, rekeyed: 3, not_rekeyed: [], pending: false },
    });
    const list = await p.deviceList();
    const of = (id: string) => list.find((d) => d.device_id === id);
    expect(of(DEVICES.otherOfficer)).toMatchObject({ status: 'revoked', revoked_at: '2026-11-23T20:00:00Z', key_epoch: 1 });
    for (const id of [DEVICES.supervisor, DEVICES.outreach, DEVICES.officer, DEVICES.otherOutreach]) {
      expect(of(id)?.key_epoch, id).toBe(2);
    }
    expect(of(pending.device_id)?.key_epoch, 'an invitation enrolls with its own keys').toBe(1);
    const actions = (await p.auditLog()).slice(-2).map((e) => [e.action, e.record]);
    expect(actions).toEqual([
      ['revoke', DEVICES.otherOfficer],
      ['rotate_keys', '2'],
    ]);
  });
});
