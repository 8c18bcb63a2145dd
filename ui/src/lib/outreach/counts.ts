// Service counts on a contact sheet: tap adds one, "−" takes one away; the device
// takes the list of keys with a key repeated once per item given.

export type Counts = Readonly<Record<string, number>>;

export function addOne(counts: Counts, key: string): Record<string, number> {
  return { ...counts, [key]: (counts[key] ?? 0) + 1 };
}

export function removeOne(counts: Counts, key: string): Record<string, number> {
  const next = { ...counts };
  const left = (next[key] ?? 0) - 1;
  if (left > 0) next[key] = left;
  else delete next[key];
  return next;
}

export function total(counts: Counts): number {
  return Object.values(counts).reduce((sum, n) => sum + Math.max(0, n), 0);
}

/** `{naloxone: 2, water: 1}` → `['naloxone', 'naloxone', 'water']`, in `order`. */
export function serviceKeys(counts: Counts, order: readonly string[] = []): string[] {
  const keys = [...order.filter((k) => k in counts), ...Object.keys(counts).filter((k) => !order.includes(k)).sort()];
  return keys.flatMap((key) => Array.from({ length: Math.max(0, Math.floor(counts[key] ?? 0)) }, () => key));
}
