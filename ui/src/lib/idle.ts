// The idle lock: the app locks after the team's idle time without a touch, key,
// pointer or scroll. Activity only records the time (events fire often); a single
// timer checks the elapsed time when it fires, and again when the page becomes
// visible, because a hidden page's timers are slowed or stopped (a phone asleep in a
// pocket). Not a security boundary on its own: locking closes the store, and the
// key leaves memory with it.

/** The team's default idle time (crates/waymark-domain/src/team.rs `DEFAULT_LOCK_MINUTES`). */
export const DEFAULT_LOCK_MINUTES = 5;
/** The longest idle time a team may set (team.rs `lock_minutes`). */
export const MAX_LOCK_MINUTES = 30;

/** The idle limit for a team setting: whole minutes from 1 to 30, else the default. */
export function idleLimitMs(lockMinutes: number | null | undefined): number {
  const minutes =
    typeof lockMinutes === 'number' && Number.isInteger(lockMinutes) && lockMinutes >= 1
      ? Math.min(lockMinutes, MAX_LOCK_MINUTES)
      : DEFAULT_LOCK_MINUTES;
  return minutes * 60_000;
}

/** Time and timers, injectable for tests. */
export interface IdleClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserClock: IdleClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Calls `onIdle` once when `limitMs` pass with no `activity()`. */
export class IdleTimer {
  private last = 0;
  private handle: unknown = null;
  private running = false;

  constructor(
    private limitMs: number,
    private readonly onIdle: () => void,
    private readonly clock: IdleClock = browserClock,
  ) {}

  /** Starts counting from now. */
  start(): void {
    this.running = true;
    this.last = this.clock.now();
    this.arm();
  }

  /** Stops for good (the app locked or left the unlocked screens). */
  stop(): void {
    this.running = false;
    this.disarm();
  }

  /** A touch, key, pointer or scroll: the idle time starts again. */
  activity(): void {
    if (this.running) this.last = this.clock.now();
  }

  /** The page is visible again: lock at once if it was away longer than the limit. */
  visible(): void {
    this.check();
  }

  /** A new limit (the team's setting arrived), counted from the last activity. */
  setLimit(limitMs: number): void {
    this.limitMs = limitMs;
    this.check();
  }

  /** How long until the lock, at the clock's now. */
  remainingMs(): number {
    return Math.max(this.limitMs - (this.clock.now() - this.last), 0);
  }

  private check(): void {
    if (!this.running) return;
    if (this.remainingMs() <= 0) {
      this.stop();
      this.onIdle();
    } else {
      this.arm();
    }
  }

  private arm(): void {
    this.disarm();
    this.handle = this.clock.setTimeout(() => {
      this.handle = null;
      this.check();
    }, this.remainingMs());
  }

  private disarm(): void {
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
  }
}

/** The events that count as someone using the app. */
export const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'touchstart', 'wheel', 'scroll'] as const;

/**
 * Feeds `timer` from the page: activity events (captured, so a scroll inside any list
 * counts) and the page becoming visible again. Returns the function that stops it.
 */
export function watchActivity(timer: IdleTimer, win: Window = window, doc: Document = document): () => void {
  const onActivity = () => timer.activity();
  const onVisibility = () => {
    if (doc.visibilityState === 'visible') timer.visible();
  };
  const options = { capture: true, passive: true } as const;
  for (const name of ACTIVITY_EVENTS) win.addEventListener(name, onActivity, options);
  doc.addEventListener('visibilitychange', onVisibility);
  return () => {
    for (const name of ACTIVITY_EVENTS) win.removeEventListener(name, onActivity, options);
    doc.removeEventListener('visibilitychange', onVisibility);
  };
}
