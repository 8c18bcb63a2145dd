import { describe, expect, it } from 'vitest';
import type { ReferralView } from '../platform/types';
import { followUpQueue } from './queue';

function referral(id: string, days_left: number | null, created_at: string, status_at = created_at): ReferralView {
  return {
    id,
    pathway: 'social_contact',
    person_id: `p-${id}`,
    display_name: id,
    eligibility: { result: 'eligible', reasons: [] },
    intake_deadline: created_at,
    days_left,
    status: days_left === null ? 'intake_complete' : 'new',
    status_at,
    created_at,
    referred_by: 'dev',
    lat: null,
    lon: null,
    exclusions: [],
    narrative: null,
    charge_category: null,
    pending_sync: false,
  };
}

describe('followUpQueue', () => {
  it('puts open referrals first by days left, ties by creation, closed after', () => {
    const list = [
      referral('closed-old', null, '2026-10-01T00:00:00Z', '2026-10-05T00:00:00Z'),
      referral('ten', 10, '2026-11-01T00:00:00Z'),
      referral('overdue', -2, '2026-10-20T00:00:00Z'),
      referral('closed-new', null, '2026-10-02T00:00:00Z', '2026-11-10T00:00:00Z'),
      referral('three-later', 3, '2026-11-02T09:00:00Z'),
      referral('three-earlier', 3, '2026-11-02T08:00:00Z'),
    ];
    expect(followUpQueue(list).map((r) => r.id)).toEqual([
      'overdue',
      'three-earlier',
      'three-later',
      'ten',
      'closed-new',
      'closed-old',
    ]);
  });

  it('does not change its input', () => {
    const list = [referral('b', 5, '2026-11-01T00:00:00Z'), referral('a', 1, '2026-11-01T00:00:00Z')];
    followUpQueue(list);
    expect(list.map((r) => r.id)).toEqual(['b', 'a']);
  });
});
