// The team's devices screen, the parts worth testing alone: the order of the list,
// the team's key epoch, who is behind it, and what may be revoked.
import type { DeviceView } from '../../platform';

const STATUS_ORDER: Record<string, number> = { active: 0, pending: 1, revoked: 2 };

/** This device first, then active, invited and revoked ones, each by label. */
export function orderDevices(list: readonly DeviceView[]): DeviceView[] {
  return [...list].sort(
    (a, b) =>
      Number(b.this_device) - Number(a.this_device) ||
      (STATUS_ORDER[a.status] ?? 3) - (STATUS_ORDER[b.status] ?? 3) ||
      a.label.localeCompare(b.label) ||
      a.device_id.localeCompare(b.device_id),
  );
}

/**
 * The team's current key epoch as the list shows it: this device's (a supervisor's
 * device seals with the newest), else the newest any device not revoked holds.
 */
export function teamEpoch(list: readonly DeviceView[]): number {
  const self = list.find((d) => d.this_device);
  if (self) return self.key_epoch;
  return list.filter((d) => d.status !== 'revoked').reduce((max, d) => Math.max(max, d.key_epoch), 1);
}

/** An enrolled device that does not hold the team's current keys yet. */
export function behind(device: DeviceView, epoch: number): boolean {
  return device.status === 'active' && device.key_epoch < epoch;
}

/** Any other device not revoked yet (an invitation is cancelled by revoking it). */
export function revocable(device: DeviceView): boolean {
  return !device.this_device && device.status !== 'revoked';
}

/** The labels of `ids` as the list names them (an unknown id by its first characters). */
export function labelsOf(ids: readonly string[], list: readonly DeviceView[]): string {
  return ids.map((id) => list.find((d) => d.device_id === id)?.label ?? id.slice(0, 8)).join(', ');
}
