import { describe, expect, it } from 'vitest';
import { daysLeft } from './time';

const ts = (s: string) => new Date(s);

describe('daysLeft (as waymark-domain time::days_left)', () => {
  it('counts down, rounding up while time remains and down once overdue', () => {
    const due = ts('2026-11-30T12:00:00Z');
    expect(daysLeft(ts('2026-11-23T12:00:00Z'), due)).toBe(7);
    expect(daysLeft(ts('2026-11-23T12:00:05Z'), due)).toBe(7);
    expect(daysLeft(ts('2026-11-30T11:00:00Z'), due)).toBe(1);
    expect(daysLeft(due, due)).toBe(0);
    expect(daysLeft(ts('2026-11-30T13:00:00Z'), due)).toBe(-1);
    expect(daysLeft(ts('2026-12-01T13:00:00Z'), due)).toBe(-2);
  });
});
