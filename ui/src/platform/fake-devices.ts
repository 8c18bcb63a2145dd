// The team's devices as the fake's relay holds them, mirroring the device API's
// `device_list`, `device_invite` and `device_revoke` (crates/waymark-device/src/sync.rs)
// and the key rotation a revocation brings (rotation.rs): the demo team's phones,
// invitations made here, revocations, and the key epoch each device holds.
import type { DeviceView, InviteView, RevokeView, Role } from './index';
import { DEVICES, USERS } from './demo-seed';
import { fail, stamp, uuidFrom } from './fake-rules';

const DAY_MS = 86_400_000;
/** How long an invitation is valid (the relay's `INVITE_DAYS`). */
export const INVITE_DAYS = 7;
/** A label's longest length (the relay's limit). */
const LABEL_MAX = 100;
const ROLES: readonly Role[] = ['outreach', 'officer', 'supervisor'];
/** The invitation code's alphabet (crates/waymark-sync-proto/src/code.rs, base32). */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export interface DeviceRec {
  device_id: string;
  role: Role;
  label: string;
  status: 'pending' | 'active' | 'revoked';
  created_at: string;
  enrolled_at: string | null;
  last_sync_at: string | null;
  revoked_at: string | null;
  key_epoch: number;
}

/** The demo team's devices at `now`, each enrolled and synced recently. */
export function demoDevices(now: Date): DeviceRec[] {
  const t = now.getTime();
  const at = (days: number, hours = 0) => stamp(new Date(t - days * DAY_MS - hours * 3_600_000));
  const active = (device_id: string, role: Role, label: string, created: number, synced: number): DeviceRec => ({
    device_id,
    role,
    label,
    status: 'active',
    created_at: at(created, 1),
    enrolled_at: at(created - 1),
    last_sync_at: at(0, synced),
    revoked_at: null,
    key_epoch: 1,
  });
  return [
    active(DEVICES.supervisor, 'supervisor', `${USERS.supervisor.name} (office)`, 431, 2),
    active(DEVICES.outreach, 'outreach', USERS.outreach.name, 429, 3),
    active(DEVICES.officer, 'officer', USERS.officer.name, 428, 20),
    active(DEVICES.otherOutreach, 'outreach', 'Alex Kim', 300, 5),
    active(DEVICES.otherOfficer, 'officer', 'Officer M. Diaz', 200, 30),
  ];
}

function codePart(random: () => number, chars: number): string {
  let out = '';
  // `random` gives 32-bit unsigned integers (fake-rules.ts `generator`).
  for (let i = 0; i < chars; i++) out += ALPHABET[random() % ALPHABET.length];
  return out;
}

/** The relay's device registry for one team, with the team's current key epoch. */
export class FakeDevices {
  private devices: DeviceRec[];
  /** The epoch the supervisor's device seals with (rotation.rs `Keyring::epoch`). */
  epoch = 1;

  constructor(devices: DeviceRec[]) {
    this.devices = devices;
  }

  /** Every device, oldest first (the relay's order), marking the asking device. */
  list(self: string): DeviceView[] {
    return this.devices.map((d) => ({ ...d, this_device: d.device_id === self }));
  }

  /** A pending device for `role` under `label`, and the code to enroll it with. */
  invite(role: string, label: string, now: Date, random: () => number): InviteView {
    if (!(ROLES as readonly string[]).includes(role)) {
      fail('invalid', `unknown role "${role}": expected one of officer, outreach, supervisor`);
    }
    const name = label.trim();
    if (!name) fail('invalid', 'label must not be empty');
    if ([...name].length > LABEL_MAX) fail('invalid', `label is too long: at most ${LABEL_MAX} characters`);
    const device_id = uuidFrom(random);
    this.devices.push({
      device_id,
      role: role as Role,
      label: name,
      status: 'pending',
      created_at: stamp(now),
      enrolled_at: null,
      last_sync_at: null,
      revoked_at: null,
      key_epoch: this.epoch,
    });
    const code = [codePart(random, 16), codePart(random, 16), codePart(random, 32)].join('.');
    return { device_id, code, expires_at: stamp(new Date(now.getTime() + INVITE_DAYS * DAY_MS)) };
  }

  /**
   * Revokes `id`, then makes the next key epoch and hands it to every other device
   * still enrolled (the fake checks every key; the real device leaves out those it
   * cannot check yet, `not_rekeyed`). A pending invitation gets no keys: it enrolls
   * with the epoch its invitation holds and is handed the rest at a later sync.
   */
  revoke(id: string, self: string, now: Date): RevokeView {
    // The relay's refusals (handlers.rs `revoke_device`).
    if (id === self) {
      fail(
        'relay_refused',
        "the relay refused: 403 (forbidden: a device cannot revoke itself: use another supervisor device or the relay's admin verb)",
      );
    }
    const device = this.devices.find((d) => d.device_id === id);
    if (!device) fail('relay_refused', `the relay refused: 404 (not_found: no device ${id})`);
    device.status = 'revoked';
    device.revoked_at ??= stamp(now);
    this.epoch += 1;
    let rekeyed = 0;
    for (const d of this.devices) {
      if (d.status !== 'active' || d.device_id === self) continue;
      d.key_epoch = this.epoch;
      rekeyed++;
    }
    const me = this.devices.find((d) => d.device_id === self);
    if (me) me.key_epoch = this.epoch;
    return {
      device_id: id,
      revoked: true,
      rotation: { key_epoch: this.epoch, rekeyed, not_rekeyed: [], pending: false },
    };
  }

  /** This device synced at `now` (what the relay records as its last sync). */
  synced(self: string, now: Date): void {
    const me = this.devices.find((d) => d.device_id === self);
    if (me) me.last_sync_at = stamp(now);
  }
}
