// Caseload per case manager: how many active and referred persons each one holds,
// with persons nobody is assigned to as their own row.
import type { PersonView } from '../../platform/types';

export interface CaseloadRow {
  /** The case manager as written on the persons; `null`: no case manager. */
  manager: string | null;
  active: number;
  referred: number;
  total: number;
}

export type CaseloadColumn = 'manager' | 'active' | 'referred' | 'total';

/** Counted statuses: inactive persons are not anyone's caseload. */
const COUNTED = ['active', 'referred'] as const;

/** Spaces collapsed and case folded, so "Sam  Lee" and "sam lee" are one manager. */
function managerKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLocaleLowerCase();
}

export function caseload(persons: readonly PersonView[]): CaseloadRow[] {
  const rows = new Map<string, CaseloadRow>();
  for (const p of persons) {
    if (p.merged_into) continue;
    if (!(COUNTED as readonly string[]).includes(p.status)) continue;
    const name = p.case_manager?.trim().replace(/\s+/g, ' ') || null;
    const key = name === null ? '' : `m:${managerKey(name)}`;
    let row = rows.get(key);
    if (!row) {
      row = { manager: name, active: 0, referred: 0, total: 0 };
      rows.set(key, row);
    }
    if (p.status === 'active') row.active += 1;
    else row.referred += 1;
    row.total += 1;
  }
  return sortCaseload([...rows.values()], 'total', 'desc');
}

/**
 * Sorted by a column; ties by total (largest first), then by name, "no case manager"
 * last among equals. Sorting by name puts "no case manager" at the end either way.
 */
export function sortCaseload(rows: readonly CaseloadRow[], column: CaseloadColumn, direction: 'asc' | 'desc'): CaseloadRow[] {
  const sign = direction === 'asc' ? 1 : -1;
  const byName = (a: CaseloadRow, b: CaseloadRow) => {
    if (a.manager === null) return b.manager === null ? 0 : 1;
    if (b.manager === null) return -1;
    return a.manager.localeCompare(b.manager);
  };
  return [...rows].sort((a, b) => {
    if (column === 'manager') {
      if (a.manager === null || b.manager === null) return byName(a, b);
      return sign * byName(a, b);
    }
    return sign * (a[column] - b[column]) || b.total - a.total || byName(a, b);
  });
}
