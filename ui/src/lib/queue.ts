import type { ReferralView } from '../platform/types';

/**
 * The referral follow-up queue: open referrals first (those with `days_left`), the
 * least time left first, ties by creation time; closed referrals after, most recently
 * changed first.
 */
export function followUpQueue(referrals: readonly ReferralView[]): ReferralView[] {
  const open = referrals.filter((r) => r.days_left !== null);
  const closed = referrals.filter((r) => r.days_left === null);
  open.sort((a, b) => (a.days_left as number) - (b.days_left as number) || compareTime(a.created_at, b.created_at));
  closed.sort((a, b) => compareTime(b.status_at, a.status_at));
  return [...open, ...closed];
}

function compareTime(a: string, b: string): number {
  return Date.parse(a) - Date.parse(b) || a.localeCompare(b);
}
