// The fake's audit trail, following crates/waymark-domain/src/audit.rs: one
// append-only, hash-chained log per device. Each entry is kept as its canonical JSON
// text with the SHA-256 of that text beside it; an entry names the hash of the one
// before it (`prev`), so changing, removing or reordering one breaks the chain, and
// `verifyChain` says where. Pure and synchronous (SHA-256 in a few lines, no Web
// Crypto promise), so the fake's seed and every call stay synchronous.
import type { AuditAction, AuditView } from './index';

/** The `prev` of a device's first entry. */
export const GENESIS = '0'.repeat(64);

/** An entry before it takes its place in a chain (`AuditDraft`). */
export interface AuditDraft {
  at: string;
  action: AuditAction;
  /** The record acted on (a person, consent or device id; a lookup's query). */
  record: string;
  /** Why, where the user was asked (a lookup's reason). */
  reason?: string;
  detail?: Record<string, unknown>;
}

/** One stored entry: its text exactly as hashed, the hash stored beside it. */
export interface AuditRec {
  device_id: string;
  seq: number;
  text: string;
  hash: string;
  /** On the relay: the team's supervisors' devices have it. */
  synced: boolean;
}

/** An entry as it is hashed (`AuditEntry`; the field order is the canonical order). */
interface AuditEntry {
  seq: number;
  at: string;
  device_id: string;
  role: string;
  action: string;
  record: string;
  reason: string;
  detail?: Record<string, unknown>;
  prev: string;
}

export type ChainState = { state: 'ok' } | { state: 'gap'; missing_from: number } | { state: 'broken'; why: string };

// --- SHA-256 (FIPS 180-4) ---------------------------------------------------------------

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** The lowercase hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  // The message, a 1 bit, zeros, and its length in bits (64-bit big-endian): whole blocks.
  const blocks = Math.ceil((bytes.length + 9) / 64);
  const padded = new Uint8Array(blocks * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = bytes.length * 8;
  view.setUint32(padded.length - 8, Math.floor(bits / 0x1_0000_0000));
  view.setUint32(padded.length - 4, bits >>> 0);
  const w = new Uint32Array(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let block = 0; block < blocks; block++) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(block * 64 + i * 4);
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15] ?? 0;
      const b = w[i - 2] ?? 0;
      const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
      const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
      w[i] = ((w[i - 16] ?? 0) + s0 + (w[i - 7] ?? 0) + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = [h[0] ?? 0, h[1] ?? 0, h[2] ?? 0, h[3] ?? 0, h[4] ?? 0, h[5] ?? 0, h[6] ?? 0, h[7] ?? 0];
    for (let i = 0; i < 64; i++) {
      const s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + s1 + ch + (K[i] ?? 0) + (w[i] ?? 0)) >>> 0;
      const s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (s0 + maj) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    const next = [a, b, c, d, e, f, g, hh];
    for (let i = 0; i < 8; i++) h[i] = ((h[i] ?? 0) + (next[i] ?? 0)) >>> 0;
  }
  return [...h].map((x) => x.toString(16).padStart(8, '0')).join('');
}

/** `hash_text`: the hash of an entry's text (its UTF-8 bytes). */
export function hashText(text: string): string {
  return sha256Hex(new TextEncoder().encode(text));
}

// --- The chain ----------------------------------------------------------------------

/** serde_json's map order (a BTreeMap): keys sorted by their UTF-8 bytes, nested too. */
function sortedJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedJson);
  if (value === null || typeof value !== 'object') return value;
  const bytes = (s: string) => [...new TextEncoder().encode(s)];
  const keys = Object.keys(value).sort((x, y) => {
    const [a, b] = [bytes(x), bytes(y)];
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
    return a.length - b.length;
  });
  return Object.fromEntries(keys.map((k) => [k, sortedJson((value as Record<string, unknown>)[k])]));
}

/** The canonical text of an entry: what is hashed, stored and synced. */
function canonical(entry: AuditEntry): string {
  const { detail, prev, ...head } = entry;
  const ordered = detail && Object.keys(detail).length > 0 ? { ...head, detail: sortedJson(detail), prev } : { ...head, prev };
  return JSON.stringify(ordered);
}

/** Parses a stored text; null if it is not an entry (`AuditEntry::parse`, unknown fields refused). */
function parse(text: string): AuditEntry | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const e = value as Record<string, unknown>;
  const allowed = new Set(['seq', 'at', 'device_id', 'role', 'action', 'record', 'reason', 'detail', 'prev']);
  if (Object.keys(e).some((k) => !allowed.has(k))) return null;
  const strings = ['at', 'device_id', 'role', 'action', 'record', 'reason', 'prev'];
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 0) return null;
  if (strings.some((k) => typeof e[k] !== 'string')) return null;
  if (e.detail !== undefined && (e.detail === null || typeof e.detail !== 'object' || Array.isArray(e.detail))) {
    return null;
  }
  return e as unknown as AuditEntry;
}

/**
 * Appends `draft` to the chain of `deviceId` within `log` (every device's entries) and
 * answers the stored entry, not yet synced.
 */
export function appendAudit(log: AuditRec[], deviceId: string, role: string, draft: AuditDraft): AuditRec {
  const last = log.filter((e) => e.device_id === deviceId).reduce<AuditRec | null>(
    (top, e) => (top === null || e.seq > top.seq ? e : top),
    null,
  );
  const entry: AuditEntry = {
    seq: (last?.seq ?? 0) + 1,
    at: draft.at,
    device_id: deviceId,
    role,
    action: draft.action,
    record: draft.record,
    reason: draft.reason ?? '',
    prev: last?.hash ?? GENESIS,
  };
  if (draft.detail && Object.keys(draft.detail).length > 0) entry.detail = draft.detail;
  const text = canonical(entry);
  const stored: AuditRec = { device_id: deviceId, seq: entry.seq, text, hash: hashText(text), synced: false };
  log.push(stored);
  return stored;
}

/**
 * `verify`: the state of each of one device's entries, given in seq order. An entry
 * after a broken one is judged against the broken one's stored hash, so one edit is
 * reported once.
 */
export function verifyChain(entries: readonly AuditRec[]): ChainState[] {
  const out: ChainState[] = [];
  let expected = 1;
  let prev = GENESIS;
  for (const stored of entries) {
    const e = parse(stored.text);
    let state: ChainState;
    if (!e) state = { state: 'broken', why: 'not a valid entry' };
    else if (hashText(stored.text) !== stored.hash) state = { state: 'broken', why: 'its content was changed' };
    else if (e.seq !== stored.seq || e.device_id !== stored.device_id) state = { state: 'broken', why: 'it was moved' };
    else if (e.seq > expected) state = { state: 'gap', missing_from: expected };
    else if (e.seq < expected) state = { state: 'broken', why: 'repeated' };
    else if (e.prev !== prev) state = { state: 'broken', why: 'it does not follow the entry before it' };
    else state = { state: 'ok' };
    out.push(state);
    expected = stored.seq + 1;
    prev = stored.hash;
  }
  return out;
}

/**
 * `AuditView::new`: an entry as the device's `audit_log` answers it. As in its JSON,
 * `detail` is left out when empty and `problem` when there is none.
 */
function auditView(stored: AuditRec, state: ChainState): AuditView {
  const e = parse(stored.text);
  const view: Record<string, unknown> = {
    at: e?.at ?? '',
    device_id: stored.device_id,
    role: e?.role ?? '',
    action: e?.action ?? '',
    record: e?.record ?? '',
    reason: e?.reason ?? '',
    seq: stored.seq,
  };
  if (e?.detail && Object.keys(e.detail).length > 0) view.detail = structuredClone(e.detail);
  view.hash = stored.hash;
  view.chain = state.state;
  if (state.state === 'gap') {
    view.problem = `entries ${state.missing_from} to ${stored.seq - 1} of this device are missing`;
  } else if (state.state === 'broken') {
    view.problem = `entry ${stored.seq} is broken: ${state.why}`;
  }
  return view as unknown as AuditView;
}

/** `audit_log`: every entry of `entries`, each device's chain verified, oldest first. */
export function auditViews(entries: readonly AuditRec[]): AuditView[] {
  const byDevice = new Map<string, AuditRec[]>();
  for (const e of entries) byDevice.set(e.device_id, [...(byDevice.get(e.device_id) ?? []), e]);
  const out: AuditView[] = [];
  for (const chain of byDevice.values()) {
    chain.sort((a, b) => a.seq - b.seq);
    verifyChain(chain).forEach((state, i) => {
      const stored = chain[i];
      if (stored) out.push(auditView(stored, state));
    });
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => cmp(a.at, b.at) || cmp(a.device_id, b.device_id) || a.seq - b.seq);
}

/** Which stored entry a test hook means: the newest one matching every field given. */
export interface AuditMatch {
  device_id?: string;
  seq?: number;
  action?: string;
  /** Text the entry holds (a query, a reason, an id). */
  contains?: string;
}

export function findAudit(log: readonly AuditRec[], match: AuditMatch): AuditRec | null {
  const hits = log.filter((e) => {
    const entry = parse(e.text);
    return (
      (match.device_id === undefined || e.device_id === match.device_id) &&
      (match.seq === undefined || e.seq === match.seq) &&
      (match.action === undefined || entry?.action === match.action) &&
      (match.contains === undefined || e.text.includes(match.contains))
    );
  });
  const time = (e: AuditRec) => parse(e.text)?.at ?? '';
  return hits.sort((a, b) => (time(a) < time(b) ? -1 : time(a) > time(b) ? 1 : a.seq - b.seq)).at(-1) ?? null;
}

/** The default tampering: the reason (or, with none, the record) rewritten in place, the hash kept. */
export function rewriteReason(text: string): string {
  const e = parse(text);
  if (!e) return `${text} `;
  if (e.reason) e.reason = `${e.reason} (edited)`;
  else e.record = `${e.record} (edited)`;
  return JSON.stringify(e);
}
