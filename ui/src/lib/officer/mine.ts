// The officer's own referrals, as the list shows them.
import type { ReferralView } from '../../platform';

/** Newest first (the one just made is on top); ties keep a stable order by id. */
export function sortMine(list: readonly ReferralView[]): ReferralView[] {
  return [...list].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || a.id.localeCompare(b.id));
}
