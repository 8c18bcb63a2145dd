// The case conference's party selection: who is in the room decides who may be
// discussed, so at least one party is always chosen, and they are kept in the
// domain's order (the order the device reports them in).
import { PARTIES, type Party } from '../../platform';

/** Who is usually in the room at a LEAD case conference: the police. */
export const DEFAULT_PARTIES: readonly Party[] = ['law_enforcement'];

/**
 * The parties present after checking (`on`) or unchecking `party`: in the domain's
 * order, no repeats, and never none (unchecking the last one keeps it).
 */
export function toggleParty(selected: readonly Party[], party: Party, on: boolean): Party[] {
  const next = new Set(selected);
  if (on) next.add(party);
  else next.delete(party);
  if (next.size === 0) return PARTIES.filter((p) => selected.includes(p));
  return PARTIES.filter((p) => next.has(p));
}

/** Whether unchecking `party` is allowed (it is not the only one left). */
export function canUncheck(selected: readonly Party[], party: Party): boolean {
  return !selected.includes(party) || selected.length > 1;
}
