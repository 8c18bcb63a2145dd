import { describe, expect, it } from 'vitest';
import { toPlatformError } from './tauri';

describe('toPlatformError', () => {
  it('keeps stable codes from the device API', () => {
    const error = toPlatformError({ code: 'not_permitted', message: 'not permitted: search persons' });
    expect(error.code).toBe('not_permitted');
    expect(error.message).toBe('not permitted: search persons');
  });

  it('maps anything else to an internal failure with its text', () => {
    expect(toPlatformError('command lookup not found')).toMatchObject({ code: 'storage', message: 'command lookup not found' });
    expect(toPlatformError({ code: 'bogus' }).code).toBe('storage');
  });
});
