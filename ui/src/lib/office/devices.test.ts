import { describe, expect, it } from 'vitest';
import type { DeviceView } from '../../platform';
import { behind, labelsOf, orderDevices, revocable, teamEpoch } from './devices';

function device(id: string, over: Partial<DeviceView> = {}): DeviceView {
  return {
    device_id: id,
    role: 'outreach',
    label: id,
    status: 'active',
    created_at: '2026-01-01T00:00:00Z',
    enrolled_at: '2026-01-01T01:00:00Z',
    last_sync_at: null,
    revoked_at: null,
    key_epoch: 1,
    this_device: false,
    ...over,
  };
}

describe('the team devices list', () => {
  it('puts this device first, then active, invited and revoked ones by label', () => {
    const list = [
      device('r', { status: 'revoked', label: 'Alpha' }),
      device('p', { status: 'pending', label: 'Bravo' }),
      device('b', { label: 'Zulu' }),
      device('a', { label: 'Echo' }),
      device('me', { label: 'Yankee', this_device: true, role: 'supervisor' }),
    ];
    expect(orderDevices(list).map((d) => d.device_id)).toEqual(['me', 'a', 'b', 'p', 'r']);
    expect(list[0]?.device_id, 'the input is left as it was').toBe('r');
  });

  it('takes the team epoch from this device, else the newest held by one not revoked', () => {
    expect(teamEpoch([device('a', { key_epoch: 2 }), device('me', { this_device: true, key_epoch: 3 })])).toBe(3);
    expect(teamEpoch([device('a', { key_epoch: 2 }), device('r', { status: 'revoked', key_epoch: 5 })])).toBe(2);
    expect(teamEpoch([])).toBe(1);
  });

  it('marks an enrolled device without the current keys as behind, never an invitation', () => {
    expect(behind(device('a', { key_epoch: 1 }), 2)).toBe(true);
    expect(behind(device('a', { key_epoch: 2 }), 2)).toBe(false);
    expect(behind(device('p', { status: 'pending', key_epoch: 1 }), 2)).toBe(false);
    expect(behind(device('r', { status: 'revoked', key_epoch: 1 }), 2)).toBe(false);
  });

  it('offers revoking any other device not revoked yet', () => {
    expect(revocable(device('a'))).toBe(true);
    expect(revocable(device('p', { status: 'pending' }))).toBe(true);
    expect(revocable(device('r', { status: 'revoked' }))).toBe(false);
    expect(revocable(device('me', { this_device: true }))).toBe(false);
  });

  it('names devices by label, an unknown one by its id', () => {
    const list = [device('0b1d9c3e-aaaa', { label: 'Van tablet' })];
    expect(labelsOf(['0b1d9c3e-aaaa', '7f00aa11-bbbb-cccc'], list)).toBe('Van tablet, 7f00aa11');
  });
});
