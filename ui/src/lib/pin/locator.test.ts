// The Locator with a pinned or cleared place: what a save uses, and that it never waits.
import { describe, expect, it } from 'vitest';
import type { Platform, Position } from '../../platform';
import { Locator } from '../outreach/locate.svelte';

const PHONE: Position = { lat: 47.603, lon: -122.333, accuracy_m: 10 };
const PIN: Position = { lat: 47.61, lon: -122.34, accuracy_m: null };

/** A platform whose `locate()` answers `fix` (or never, for `'never'`). */
function phone(fix: Position | null | 'never'): Platform {
  return {
    locate: () => (fix === 'never' ? new Promise<Position | null>(() => {}) : Promise.resolve(fix)),
  } as unknown as Platform;
}

async function settled(): Promise<void> {
  await new Promise((done) => setTimeout(done, 0));
}

describe('Locator', () => {
  it('saves with the phone fix by default', async () => {
    const locator = new Locator(phone(PHONE));
    await settled();
    expect(locator.source).toBe('phone');
    expect(await locator.forSave(50)).toEqual(PHONE);
  });

  it('saves with a pinned place instead of the phone fix, even one that comes later', async () => {
    const locator = new Locator(phone(PHONE));
    locator.pin(PIN);
    await settled();
    expect(locator.position).toEqual(PHONE);
    expect(locator.source).toBe('pin');
    expect(locator.place).toEqual(PIN);
    expect(await locator.forSave(50)).toEqual(PIN);
    // A refresh after a save keeps the pin.
    locator.refresh();
    await settled();
    expect(await locator.forSave(50)).toEqual(PIN);
  });

  it('does not wait for a slow phone when a pin is set', async () => {
    const locator = new Locator(phone('never'));
    locator.pin(PIN);
    const started = Date.now();
    expect(await locator.forSave(5000)).toEqual(PIN);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('saves with none once cleared, whatever the phone says', async () => {
    const locator = new Locator(phone(PHONE));
    await settled();
    locator.clear();
    expect(locator.source).toBe('none');
    expect(locator.place).toBeNull();
    expect(await locator.forSave(50)).toBeNull();
    locator.pin(PIN);
    expect(await locator.forSave(50)).toEqual(PIN);
  });
});
