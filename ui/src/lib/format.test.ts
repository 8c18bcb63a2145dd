import { describe, expect, it } from 'vitest';
import { daysLeftLabel } from './format';

describe('daysLeftLabel', () => {
  it('reads in English', () => {
    expect(daysLeftLabel(30, 'en')).toBe('30 days left');
    expect(daysLeftLabel(1, 'en')).toBe('1 day left');
    expect(daysLeftLabel(0, 'en')).toBe('due today');
    expect(daysLeftLabel(-1, 'en')).toBe('overdue by 1 day');
    expect(daysLeftLabel(-2, 'en')).toBe('overdue by 2 days');
  });

  it('reads in Spanish', () => {
    expect(daysLeftLabel(30, 'es')).toBe('quedan 30 días');
    expect(daysLeftLabel(1, 'es')).toBe('queda 1 día');
    expect(daysLeftLabel(0, 'es')).toBe('vence hoy');
    expect(daysLeftLabel(-1, 'es')).toBe('vencida hace 1 día');
    expect(daysLeftLabel(-2, 'es')).toBe('vencida hace 2 días');
  });
});
