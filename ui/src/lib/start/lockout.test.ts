import { describe, expect, it } from 'vitest';
import { countdown, erasureWarning, secondsLeft } from './lockout';

const state = (failures: number) => ({
  failures,
  attempts_left: 10 - failures,
  locked_until: null,
  wait_seconds: 0,
});

describe('erasureWarning', () => {
  it('warns from the 5th wrong passphrase, in its strongest words before the last attempt', () => {
    expect(erasureWarning(null)).toBeNull();
    expect(erasureWarning(state(0))).toBeNull();
    expect(erasureWarning(state(4))).toBeNull();
    expect(erasureWarning(state(5))).toBe('unlock.warning');
    expect(erasureWarning(state(8))).toBe('unlock.warning');
    expect(erasureWarning(state(9))).toBe('unlock.warning_last');
  });
});

describe('countdown', () => {
  it('shows minutes and seconds', () => {
    expect(countdown(30)).toBe('0:30');
    expect(countdown(7)).toBe('0:07');
    expect(countdown(240)).toBe('4:00');
    expect(countdown(479.2)).toBe('8:00');
    expect(countdown(-3)).toBe('0:00');
  });

  it('counts whole seconds up to a deadline', () => {
    expect(secondsLeft(30_000, 0)).toBe(30);
    expect(secondsLeft(30_000, 29_001)).toBe(1);
    expect(secondsLeft(30_000, 30_000)).toBe(0);
    expect(secondsLeft(30_000, 45_000)).toBe(0);
  });
});
