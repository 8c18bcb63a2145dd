import { describe, expect, it } from 'vitest';
import { ACTIVITY_EVENTS, IdleTimer, idleLimitMs, watchActivity, type IdleClock } from './idle';

const MINUTE = 60_000;

/** A clock whose time and timers move only when the test says so. */
class ManualClock implements IdleClock {
  time = 0;
  private timers = new Map<number, { at: number; run: () => void }>();
  private next = 1;

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, run });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time on, firing timers that fall due on the way (in order). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].run();
    }
    this.time = end;
  }

  /** Moves time on without firing anything: a hidden page whose timers were stopped. */
  sleep(ms: number): void {
    this.time += ms;
  }

  get pending(): number {
    return this.timers.size;
  }
}

function setup(limitMs = 5 * MINUTE) {
  const clock = new ManualClock();
  let locks = 0;
  const timer = new IdleTimer(limitMs, () => (locks += 1), clock);
  timer.start();
  return { clock, timer, locks: () => locks };
}

describe('IdleTimer', () => {
  it('locks exactly when the idle time has passed, once', () => {
    const { clock, locks } = setup();
    clock.advance(5 * MINUTE - 1);
    expect(locks()).toBe(0);
    clock.advance(1);
    expect(locks()).toBe(1);
    clock.advance(60 * MINUTE);
    expect(locks()).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('starts the idle time again at every activity', () => {
    const { clock, timer, locks } = setup();
    clock.advance(4 * MINUTE);
    timer.activity();
    clock.advance(4 * MINUTE);
    timer.activity();
    clock.advance(4 * MINUTE + 59_999);
    expect(locks()).toBe(0);
    clock.advance(1);
    expect(locks()).toBe(1);
  });

  it('locks at once when the page comes back after being hidden longer than the limit', () => {
    const { clock, timer, locks } = setup();
    clock.sleep(6 * MINUTE);
    expect(locks()).toBe(0);
    timer.visible();
    expect(locks()).toBe(1);
  });

  it('does not count coming back as activity when the limit has not passed', () => {
    const { clock, timer, locks } = setup();
    clock.sleep(3 * MINUTE);
    timer.visible();
    expect(locks()).toBe(0);
    clock.advance(2 * MINUTE);
    expect(locks()).toBe(1);
  });

  it('takes the team’s limit when it arrives, counted from the last activity', () => {
    const { clock, timer, locks } = setup();
    clock.advance(2 * MINUTE);
    timer.setLimit(MINUTE);
    expect(locks()).toBe(1);

    const other = setup();
    other.clock.advance(4 * MINUTE);
    other.timer.setLimit(30 * MINUTE);
    other.clock.advance(25 * MINUTE);
    expect(other.locks()).toBe(0);
    other.clock.advance(MINUTE);
    expect(other.locks()).toBe(1);
  });

  it('never locks once stopped', () => {
    const { clock, timer, locks } = setup();
    timer.stop();
    timer.activity();
    timer.visible();
    clock.advance(60 * MINUTE);
    expect(locks()).toBe(0);
    expect(clock.pending).toBe(0);
  });
});

describe('idleLimitMs', () => {
  it('uses the team setting, the default of 5 minutes without one, at most 30', () => {
    expect(idleLimitMs(2)).toBe(2 * MINUTE);
    expect(idleLimitMs(undefined)).toBe(5 * MINUTE);
    expect(idleLimitMs(0)).toBe(5 * MINUTE);
    expect(idleLimitMs(1.5)).toBe(5 * MINUTE);
    expect(idleLimitMs(45)).toBe(30 * MINUTE);
  });
});

describe('watchActivity', () => {
  it('feeds the timer from activity events and the page becoming visible, until stopped', () => {
    const listeners = new Map<string, () => void>();
    const target = {
      addEventListener: (name: string, run: () => void) => listeners.set(name, run),
      removeEventListener: (name: string) => listeners.delete(name),
    };
    const doc = { ...target, visibilityState: 'hidden' };
    const calls: string[] = [];
    const timer = { activity: () => calls.push('activity'), visible: () => calls.push('visible') };
    const stop = watchActivity(timer as unknown as IdleTimer, target as unknown as Window, doc as unknown as Document);
    expect([...listeners.keys()].sort()).toEqual([...ACTIVITY_EVENTS, 'visibilitychange'].sort());
    listeners.get('keydown')?.();
    listeners.get('scroll')?.();
    listeners.get('visibilitychange')?.();
    doc.visibilityState = 'visible';
    listeners.get('visibilitychange')?.();
    expect(calls).toEqual(['activity', 'activity', 'visible']);
    stop();
    expect(listeners.size).toBe(0);
  });
});
