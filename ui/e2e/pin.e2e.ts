// The manual location pin (for a phone with no location): on a phone at 390×844 with
// NO `geo` (the fake's `locate()` answers null), a contact is pinned on the map of the
// catchment and saved there; an officer's referral is checked against the pinned
// place at once (inside: eligible; outside: needs review) and saved with it; Cancel
// leaves the place as it was; Clear saves with none.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { EncounterView, PersonView, Platform, ReferralView } from '../src/platform';
import { PHONE, openApp, settle, shot } from './harness';

/** A Thursday morning in Seattle (10:00 PST). */
const NOW = '2025-11-20T18:00:00Z';
/** 3rd Ave & Pine: inside the demo catchment area. */
const INSIDE = { lat: 47.603, lon: -122.333 };
/** Belltown's waterfront corner, south-west of the catchment's diagonal edge: outside, yet in the first view. */
const OUTSIDE = { lat: 47.595, lon: -122.355 };
/** Pioneer Square-ish, inside too: a second place to pin. */
const INSIDE_2 = { lat: 47.6, lon: -122.31 };

type Place = { lat: number; lon: number };

function waymark(page: Page): Promise<unknown> {
  return page.evaluate(() => typeof (window as unknown as { __waymark?: Platform }).__waymark);
}

async function personId(page: Page, name: string): Promise<string> {
  const list = await page.evaluate(
    (q) => (window as unknown as { __waymark: Platform }).__waymark.personSearch(q),
    name,
  );
  const found = (list as PersonView[]).find((p) => p.display_name === name);
  if (!found) throw new Error(`no demo person ${name}`);
  return found.id;
}

function encounters(page: Page, id: string | null): Promise<EncounterView[]> {
  return page.evaluate((p) => (window as unknown as { __waymark: Platform }).__waymark.encounterList(p), id);
}

function referrals(page: Page): Promise<ReferralView[]> {
  return page.evaluate(() => (window as unknown as { __waymark: Platform }).__waymark.referralList());
}

/** The picker's map once Leaflet has drawn it. */
async function pickerMap(page: Page): Promise<Locator> {
  await page.getByTestId('pin-picker').waitFor();
  const map = page.getByTestId('pin-map');
  await expect.poll(() => map.getAttribute('data-ready')).toBe('yes');
  return map;
}

interface Tapped {
  /** The place under the tapped pixel, as the map itself reads it. */
  lat: number;
  lon: number;
  /** Degrees per pixel there (how far one pixel off would be). */
  dLat: number;
  dLon: number;
}

/** Taps the map on the pixel of `place`; answers the map's own latlng for that pixel. */
async function tapPlace(page: Page, place: Place): Promise<Tapped> {
  const map = await pickerMap(page);
  const point = await map.evaluate((el, p) => {
    type LL = { lat: number; lng: number };
    const m = (el as HTMLElement & {
      leafletMap: {
        latLngToContainerPoint(ll: [number, number]): { x: number; y: number };
        containerPointToLatLng(p: [number, number]): LL;
      };
    }).leafletMap;
    const px = m.latLngToContainerPoint([p.lat, p.lon]);
    const x = Math.round(px.x);
    const y = Math.round(px.y);
    const here = m.containerPointToLatLng([x, y]);
    const next = m.containerPointToLatLng([x + 1, y + 1]);
    return {
      x,
      y,
      width: el.clientWidth,
      height: el.clientHeight,
      lat: here.lat,
      lon: here.lng,
      dLat: Math.abs(next.lat - here.lat),
      dLon: Math.abs(next.lng - here.lng),
    };
  }, place);
  // The place is on screen, away from the map's edges (and its controls).
  expect(point.x).toBeGreaterThan(60);
  expect(point.x).toBeLessThan(point.width - 20);
  expect(point.y).toBeGreaterThan(20);
  expect(point.y).toBeLessThan(point.height - 40);
  await map.tap({ position: { x: point.x, y: point.y } });
  return { lat: point.lat, lon: point.lon, dLat: point.dLat, dLon: point.dLon };
}

/** `saved` is the tapped place, to the pixel and rounded to 5 decimals (~1 m). */
function expectAt(saved: { lat: number | null; lon: number | null }, tapped: Tapped) {
  expect(saved.lat).not.toBeNull();
  expect(saved.lon).not.toBeNull();
  const lat = saved.lat as number;
  const lon = saved.lon as number;
  expect(Math.abs(lat - tapped.lat)).toBeLessThanOrEqual(1.5 * tapped.dLat + 1e-5);
  expect(Math.abs(lon - tapped.lon)).toBeLessThanOrEqual(1.5 * tapped.dLon + 1e-5);
  // Rounded to 5 decimals.
  expect(Math.round(lat * 1e5) / 1e5).toBe(lat);
  expect(Math.round(lon * 1e5) / 1e5).toBe(lon);
}

/** The place the picker holds (its readout's data). */
async function pickerPin(page: Page): Promise<Place | null> {
  const map = page.getByTestId('pin-map');
  const lat = await map.getAttribute('data-lat');
  const lon = await map.getAttribute('data-lon');
  return lat && lon ? { lat: Number(lat), lon: Number(lon) } : null;
}

/** The element is inside the viewport (reachable without scrolling). */
async function inView(page: Page, testId: string): Promise<boolean> {
  const box = await page.getByTestId(testId).boundingBox();
  return box !== null && box.y >= 0 && box.y + box.height <= PHONE.height && box.x >= 0 && box.x + box.width <= PHONE.width;
}

describe('pin on map: contact sheet', () => {
  it('with no location, a place pinned on the map is what the contact is saved with', async () => {
    const app = await openApp({ role: 'outreach', query: { now: NOW, seed: 'demo' }, hash: '#/home' });
    const { page } = app;
    try {
      await page.getByTestId('tab-home').waitFor();
      expect(await waymark(page)).toBe('object');
      const rosa = await personId(page, 'Rosa Martinez');
      const before = (await encounters(page, rosa)).length;
      await page.evaluate((id) => (location.hash = `#/contact/${id}`), rosa);

      const place = page.getByTestId('contact-place');
      await expect.poll(() => place.innerText()).toContain('No location');
      expect(await place.getAttribute('data-source')).toBe('none');
      const pinButton = page.getByTestId('place-pin');
      expect(await pinButton.innerText()).toBe('Pin on map');
      expect(await page.getByTestId('place-clear').count()).toBe(0);
      expect((await pinButton.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(48);

      await pinButton.tap();
      const map = await pickerMap(page);
      // Nothing pinned yet: "Use this place" waits for a tap.
      expect(await page.getByTestId('pin-use').isDisabled()).toBe(true);
      expect(await page.getByTestId('pin-readout').innerText()).toContain('Tap the map');
      // The catchment outline is drawn; nothing else (no contacts, no names).
      expect(await map.locator('path.catchment').count()).toBe(1);
      expect(await map.locator('path').count()).toBe(1);
      expect(await map.locator('.leaflet-marker-icon').count()).toBe(0);
      expect(await page.getByTestId('pin-picker').innerText()).not.toContain('Rosa');
      // No tiles: nothing asked of a server.
      expect(await map.locator('img').count()).toBe(0);
      // One-handed: the sheet fills the phone, its buttons at the bottom, big.
      for (const id of ['pin-use', 'pin-cancel']) {
        expect(await inView(page, id), id).toBe(true);
        const box = await page.getByTestId(id).boundingBox();
        expect(box?.height ?? 0).toBeGreaterThanOrEqual(56);
        expect(box?.y ?? 0).toBeGreaterThan(PHONE.height * 0.75);
      }
      const mapBox = await map.boundingBox();
      expect(mapBox?.width ?? 0).toBe(PHONE.width);
      expect(mapBox?.height ?? 0).toBeGreaterThan(PHONE.height * 0.45);

      const tapped = await tapPlace(page, INSIDE);
      await expect.poll(() => page.getByTestId('pin-use').isDisabled()).toBe(false);
      expect(await map.locator('.pin-icon').count()).toBe(1);
      const pinned = await pickerPin(page);
      expect(pinned).not.toBeNull();
      expectAt(pinned as Place, tapped);
      expect(await page.getByTestId('pin-readout').innerText()).toContain(
        `${(pinned as Place).lat.toFixed(5)}, ${(pinned as Place).lon.toFixed(5)}`,
      );
      await shot(page, 'pin-picker');

      await page.getByTestId('pin-use').tap();
      await page.getByTestId('pin-picker').waitFor({ state: 'detached' });
      await expect.poll(() => place.innerText()).toContain('Pinned on map');
      expect(await place.getAttribute('data-source')).toBe('pin');
      expect(await pinButton.innerText()).toBe('Change');
      await page.getByTestId('place-clear').waitFor();

      await page.getByTestId('service-water').tap();
      await page.getByTestId('contact-save').tap();
      await page.getByTestId('flash').waitFor();
      const list = await encounters(page, rosa);
      expect(list.length).toBe(before + 1);
      const saved = list[0] as EncounterView;
      expect(saved.services).toEqual({ water: 1 });
      expect(saved.lat).toBe((pinned as Place).lat);
      expect(saved.lon).toBe((pinned as Place).lon);
      expect(saved.accuracy_m).toBeNull();
      expectAt(saved, tapped);
    } finally {
      await app.close();
    }
  });
});

describe('pin on map: officer referral', () => {
  it('re-checks eligibility with the pinned place at once, and saves the referral with it', async () => {
    const app = await openApp({ role: 'officer', query: { now: NOW, seed: 'demo' }, hash: '#/refer', viewport: PHONE });
    const { page } = app;
    try {
      await page.getByTestId('tab-lookup').waitFor();
      const before = (await referrals(page)).length;
      await page.getByTestId('mode-new').tap();
      await page.getByTestId('refer-name').fill('Pat Pinned');

      const where = page.getByTestId('refer-location');
      const result = page.getByTestId('refer-eligibility');
      const reasons = page.getByTestId('refer-eligibility-reasons');
      // No location: the catchment could not be checked.
      await expect.poll(() => where.innerText()).toContain('No location — eligibility will need review');
      await expect.poll(() => result.getAttribute('data-result')).toBe('needs_review');
      await expect.poll(() => reasons.innerText()).toContain('No location: the catchment area could not be checked.');
      expect(await page.getByTestId('refer-catchment').count()).toBe(0);
      expect(await page.getByTestId('refer-pin').innerText()).toBe('Pin on map');

      // Pinned inside the catchment, no exclusion: eligible, at once.
      await page.getByTestId('refer-pin').tap();
      await tapPlace(page, INSIDE);
      await page.getByTestId('pin-use').tap();
      await page.getByTestId('pin-picker').waitFor({ state: 'detached' });
      await expect.poll(() => where.innerText()).toContain('Pinned on map');
      expect(await where.getAttribute('data-source')).toBe('pin');
      await expect.poll(() => result.getAttribute('data-result')).toBe('eligible');
      expect(await result.innerText()).toContain('Eligible');
      expect(await reasons.count()).toBe(0);
      // Said next to the location too, before the checklist.
      await expect.poll(() => page.getByTestId('refer-catchment').innerText()).toBe('Inside the catchment area');
      await where.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await shot(page, 'pin-refer');

      // Moved outside: needs review, because it is outside the catchment.
      expect(await page.getByTestId('refer-pin').innerText()).toBe('Change');
      await page.getByTestId('refer-pin').tap();
      await pickerMap(page);
      // The current pin is set already, ready to keep or move.
      expect(await page.getByTestId('pin-use').isDisabled()).toBe(false);
      const outside = await tapPlace(page, OUTSIDE);
      await expect.poll(() => pickerPin(page).then((p) => p?.lat)).not.toBe(undefined);
      const pinned = (await pickerPin(page)) as Place;
      expectAt(pinned, outside);
      await page.getByTestId('pin-use').tap();
      await page.getByTestId('pin-picker').waitFor({ state: 'detached' });
      await expect.poll(() => result.getAttribute('data-result')).toBe('needs_review');
      expect(await reasons.locator('li').allInnerTexts()).toEqual([
        'The location is outside the program’s catchment area.',
      ]);
      expect(await result.innerText()).toContain('Needs review');
      await expect.poll(() => page.getByTestId('refer-catchment').getAttribute('data-catchment')).toBe('outside');

      await page.getByTestId('refer-save').tap();
      await page.getByTestId('refer-done').waitFor();
      const after = await referrals(page);
      expect(after.length).toBe(before + 1);
      const saved = after.find((r) => r.display_name === 'Pat Pinned');
      expect(saved).toBeDefined();
      expect(saved?.lat).toBe(pinned.lat);
      expect(saved?.lon).toBe(pinned.lon);
      expectAt(saved as ReferralView, outside);
      expect(saved?.eligibility.result).toBe('needs_review');
      expect(saved?.eligibility.reasons).toEqual(['outside catchment area']);
    } finally {
      await app.close();
    }
  });

  it('Clear goes back to no location; "Try location again" is offered', async () => {
    const app = await openApp({ role: 'officer', query: { now: NOW, seed: 'demo' }, hash: '#/refer', viewport: PHONE });
    const { page } = app;
    try {
      await page.getByTestId('tab-lookup').waitFor();
      const result = page.getByTestId('refer-eligibility');
      await page.getByTestId('refer-locate').waitFor();
      await page.getByTestId('refer-pin').tap();
      await tapPlace(page, INSIDE);
      await page.getByTestId('pin-use').tap();
      await expect.poll(() => result.getAttribute('data-result')).toBe('eligible');
      expect(await page.getByTestId('refer-locate').count()).toBe(0);
      await page.getByTestId('refer-clear').tap();
      await expect.poll(() => page.getByTestId('refer-location').innerText()).toContain('No location');
      await expect.poll(() => result.getAttribute('data-result')).toBe('needs_review');
      await page.getByTestId('refer-locate').waitFor();
      expect(await page.getByTestId('refer-pin').innerText()).toBe('Pin on map');
    } finally {
      await app.close();
    }
  });
});

describe('pin on map: cancel and clear', () => {
  it('Cancel leaves the place as it was; Clear saves with none (Spanish, dark theme)', async () => {
    const app = await openApp({
      role: 'outreach',
      lang: 'es',
      theme: 'dark',
      query: { now: NOW, seed: 'demo' },
      hash: '#/anonymous',
    });
    const { page } = app;
    try {
      await page.getByTestId('tab-home').waitFor();
      const place = page.getByTestId('contact-place');
      await expect.poll(() => place.innerText()).toContain('Sin ubicación');

      // Cancel with nothing pinned: still no place.
      await page.getByTestId('place-pin').tap();
      await pickerMap(page);
      expect(await page.getByTestId('pin-picker').innerText()).toContain('Usar este lugar');
      await tapPlace(page, INSIDE);
      await page.getByTestId('pin-cancel').tap();
      await page.getByTestId('pin-picker').waitFor({ state: 'detached' });
      expect(await place.innerText()).toContain('Sin ubicación');
      expect(await place.getAttribute('data-source')).toBe('none');

      // Pin a place, then open again, move the pin, and cancel: the first pin stays.
      await page.getByTestId('place-pin').tap();
      const first = await tapPlace(page, INSIDE);
      const pinned = (await pickerPin(page)) as Place;
      await page.getByTestId('pin-use').tap();
      await expect.poll(() => place.innerText()).toContain('Marcado en el mapa');
      expect(await page.getByTestId('place-pin').innerText()).toBe('Cambiar');

      await page.getByTestId('place-pin').tap();
      await pickerMap(page);
      expect(await pickerPin(page)).toEqual(pinned);
      await tapPlace(page, INSIDE_2);
      expect(await pickerPin(page)).not.toEqual(pinned);
      await settle(page);
      await shot(page, 'pin-picker-dark');
      // Escape is Cancel too.
      await page.keyboard.press('Escape');
      await page.getByTestId('pin-picker').waitFor({ state: 'detached' });
      expect(await place.innerText()).toContain('Marcado en el mapa');

      await page.getByTestId('service-naloxone').tap();
      await page.getByTestId('anon-save').tap();
      await page.getByTestId('anon-saved').waitFor();
      let saved = (await encounters(page, null))[0] as EncounterView;
      expect(saved.person_id).toBeNull();
      expect(saved.lat).toBe(pinned.lat);
      expect(saved.lon).toBe(pinned.lon);
      expectAt(saved, first);

      // Clear: the next contact is saved with no place.
      await page.getByTestId('place-clear').tap();
      await expect.poll(() => place.innerText()).toContain('Sin ubicación');
      expect(await page.getByTestId('place-clear').count()).toBe(0);
      await page.getByTestId('service-water').tap();
      await page.getByTestId('anon-save').tap();
      await expect.poll(async () => (await encounters(page, null))[0]?.id).not.toBe(saved.id);
      saved = (await encounters(page, null))[0] as EncounterView;
      expect(saved.services).toEqual({ water: 1 });
      expect(saved.lat).toBeNull();
      expect(saved.lon).toBeNull();
    } finally {
      await app.close();
    }
  });
});
