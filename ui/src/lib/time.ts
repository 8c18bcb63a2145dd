const DAY_SECONDS = 86_400;

/**
 * Whole days left until `deadline`, as crates/waymark-domain/src/time.rs `days_left`:
 * rounded up while time remains (due later today reads 1), down once overdue.
 */
export function daysLeft(now: Date, deadline: Date): number {
  const seconds = Math.floor(deadline.getTime() / 1000) - Math.floor(now.getTime() / 1000);
  return seconds > 0 ? Math.ceil(seconds / DAY_SECONDS) : Math.floor(seconds / DAY_SECONDS);
}

/** `at` plus whole days (UTC arithmetic; the device keeps local wall time across DST). */
export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_SECONDS * 1000);
}
