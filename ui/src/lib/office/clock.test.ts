import { describe, expect, it } from 'vitest';
import { officeNow } from './clock';

describe('officeNow', () => {
  it('uses the demo fake’s fixed clock only in the demo', () => {
    expect(officeNow(true, '?role=supervisor&now=2026-03-04T12:00:00Z').toISOString()).toBe('2026-03-04T12:00:00.000Z');
    const before = Date.now();
    expect(officeNow(false, '?now=2026-03-04T12:00:00Z').getTime()).toBeGreaterThanOrEqual(before);
  });

  it('falls back to the device clock when the parameter is missing or not a time', () => {
    const before = Date.now();
    expect(officeNow(true, '?now=soon').getTime()).toBeGreaterThanOrEqual(before);
    expect(officeNow(true, '').getTime()).toBeGreaterThanOrEqual(before);
  });
});
