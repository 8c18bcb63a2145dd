// Unlock: what the screen says after wrong passphrases. The device counts them
// (crates/waymark-device/src/unlock.rs): from the 5th a growing lockout, at the 10th
// the keys are destroyed; the screen warns in strong words before that happens.
import type { UnlockState } from '../../platform';
import type { Key } from '../i18n';

/** From this many wrong passphrases the screen warns that the data will be erased (`LOCKOUT_AFTER`). */
export const WARN_AFTER = 5;

/** The warning to show (a string key, with `{left}`), or null before the 5th failure. */
export function erasureWarning(state: UnlockState | null): Key | null {
  if (!state || state.failures < WARN_AFTER) return null;
  return state.attempts_left <= 1 ? 'unlock.warning_last' : 'unlock.warning';
}

/** Seconds as a countdown: `0:07`, `4:00`. */
export function countdown(seconds: number): string {
  const whole = Math.max(Math.ceil(seconds), 0);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** Whole seconds left until `deadline` (ms), rounded up so `0:01` shows until the end. */
export function secondsLeft(deadline: number, now: number): number {
  return Math.max(Math.ceil((deadline - now) / 1000), 0);
}
