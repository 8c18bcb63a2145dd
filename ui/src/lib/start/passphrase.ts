// First run: checks the screen makes before asking the device, so a mistake is named
// in words at once. The device checks again (crates/waymark-store keys.rs
// `check_new_passphrase`); its refusal is shown too.
import type { Key } from '../i18n';

/**
 * The shortest passphrase the app accepts for a new device. The device's own floor
 * is `MIN_PASSPHRASE` in crates/waymark-store/src/keys.rs; the app asks for more.
 */
export const MIN_PASSPHRASE = 8;

/** What is wrong with a new passphrase and its repetition (a string key), or null. */
export function passphraseProblem(passphrase: string, repeat: string): Key | null {
  // Counted in characters like the device (`chars().count()`), not UTF-16 units.
  if ([...passphrase].length < MIN_PASSPHRASE) return 'start.pass_too_short';
  if (passphrase !== repeat) return 'start.pass_mismatch';
  return null;
}

/** The relay address as the device wants it, or null when it is not an http(s) URL. */
export function relayUrl(text: string): string | null {
  let candidate = text.trim();
  if (!candidate) return null;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(candidate)) candidate = `https://${candidate}`;
  try {
    const url = new URL(candidate);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    if (!url.hostname) return null;
    return candidate.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

/**
 * A pasted relay certificate as PEM wants it: each `-----BEGIN …-----` block on its
 * own lines, its base64 in lines of 64. A paste that lost its line breaks (some
 * messaging apps and keyboards join the lines) is put back; anything that is not such
 * a block is left as it was, for the device to refuse in words. Null when empty.
 */
export function tidyCertificate(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const block = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  const blocks = [...trimmed.matchAll(block)];
  if (blocks.length === 0) return trimmed;
  return blocks
    .map(([, label, body]) => {
      const base64 = (body ?? '').replace(/\s+/g, '');
      const lines = base64.match(/.{1,64}/g) ?? [];
      return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join('\n');
    })
    .join('\n')
    .concat('\n');
}

/** What keeps the enrollment form from being sent (a string key), or null. */
export function enrollProblem(relay: string, code: string, passphrase: string, repeat: string): Key | null {
  if (!relayUrl(relay)) return 'start.need_relay';
  if (!code.trim()) return 'start.need_code';
  return passphraseProblem(passphrase, repeat);
}

export const ROLES = ['officer', 'outreach', 'supervisor'] as const;
export type StartRole = (typeof ROLES)[number];

/** What keeps the standalone form from being sent (a string key), or null. */
export function standaloneProblem(role: StartRole | null, name: string, passphrase: string, repeat: string): Key | null {
  if (!role) return 'start.need_role';
  if (!name.trim()) return 'start.need_name';
  return passphraseProblem(passphrase, repeat);
}

/**
 * The message for a device refusal during first run: specific where it helps. The
 * device's message (transport.rs, its TLS check) tells a relay whose certificate this
 * phone does not trust, or not the one pasted, from a relay that cannot be reached.
 */
export function startErrorKey(code: string, message = ''): Key | null {
  switch (code) {
    case 'relay_unreachable':
      if (/not signed by the certificate this device was enrolled to trust/i.test(message)) {
        return 'start.error_certificate_mismatch';
      }
      if (/TLS certificate is not trusted/i.test(message)) return 'start.error_certificate_untrusted';
      return 'start.error_relay_unreachable';
    case 'relay_refused':
      return 'start.error_relay_refused';
    case 'already_initialized':
      return 'start.error_already';
    case 'invalid':
      if (/https:\/\/.*certificate|certificate.*https:\/\//i.test(message)) return 'start.error_certificate_https';
      if (/relay certificate/i.test(message)) return 'start.error_certificate_invalid';
      return null;
    default:
      return null;
  }
}
