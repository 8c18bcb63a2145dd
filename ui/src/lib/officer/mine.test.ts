import { describe, expect, it } from 'vitest';
import type { ReferralView } from '../../platform';
import { sortMine } from './mine';

const referral = (id: string, created_at: string): ReferralView => ({
  id,
  pathway: 'social_contact',
  person_id: 'p',
  display_name: null,
  eligibility: { result: 'eligible', reasons: [] },
  intake_deadline: created_at,
  days_left: 1,
  status: 'new',
  status_at: created_at,
  created_at,
  referred_by: 'd',
  lat: null,
  lon: null,
  exclusions: [],
  narrative: null,
  charge_category: null,
  pending_sync: false,
});

describe('sortMine', () => {
  it('puts the newest referral first, whatever the offset notation', () => {
    const list = [
      referral('old', '2025-11-01T10:00:00Z'),
      referral('new', '2025-11-20T03:00:00-08:00'),
      referral('mid', '2025-11-20T10:00:00Z'),
    ];
    expect(sortMine(list).map((r) => r.id)).toEqual(['new', 'mid', 'old']);
    expect(list.map((r) => r.id)).toEqual(['old', 'new', 'mid']);
  });
});
