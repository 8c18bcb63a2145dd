import { describe, expect, it } from 'vitest';
import {
  PLACE_ZOOM,
  catchmentSide,
  chosenPlace,
  initialView,
  pinPolygons,
  pinnedPosition,
  placeSource,
  roundTo,
  wrapLongitude,
} from './pin';

const SQUARE = [
  [-122.35, 47.59],
  [-122.31, 47.59],
  [-122.31, 47.62],
  [-122.35, 47.62],
  [-122.35, 47.59],
];
const CATCHMENT = {
  type: 'FeatureCollection',
  features: [{ type: 'Feature', properties: { name: 'Downtown' }, geometry: { type: 'Polygon', coordinates: [SQUARE] } }],
};

describe('roundTo', () => {
  it('keeps 5 decimals (about a metre) by default', () => {
    expect(roundTo(47.6031234567)).toBe(47.60312);
    expect(roundTo(-122.3331265)).toBe(-122.33313);
    expect(roundTo(47.603125)).toBe(47.60313);
    expect(roundTo(1.23456789, 2)).toBe(1.23);
  });

  it('writes no negative zero', () => {
    expect(Object.is(roundTo(-0.000001), 0)).toBe(true);
  });
});

describe('wrapLongitude', () => {
  it('leaves a longitude on the map alone and brings back one panned round the world', () => {
    expect(wrapLongitude(-122.33)).toBe(-122.33);
    expect(wrapLongitude(180)).toBe(180);
    expect(wrapLongitude(-180)).toBe(-180);
    expect(wrapLongitude(237.67)).toBeCloseTo(-122.33, 9);
    expect(wrapLongitude(-482.33)).toBeCloseTo(-122.33, 9);
    expect(wrapLongitude(540)).toBe(180);
  });
});

describe('pinnedPosition', () => {
  it('is a Position rounded to 5 decimals with no accuracy', () => {
    const pin = pinnedPosition(47.60312345, -122.33298765);
    expect(pin).toEqual({ lat: 47.60312, lon: -122.33299, accuracy_m: null });
    expect(Object.keys(pin ?? {}).sort()).toEqual(['accuracy_m', 'lat', 'lon']);
  });

  it('wraps the longitude and refuses what is not a place', () => {
    expect(pinnedPosition(47.6, 237.67)).toEqual({ lat: 47.6, lon: -122.33, accuracy_m: null });
    expect(pinnedPosition(91, 0)).toBeNull();
    expect(pinnedPosition(Number.NaN, 0)).toBeNull();
    expect(pinnedPosition(0, Number.POSITIVE_INFINITY)).toBeNull();
  });
});

describe('pinPolygons', () => {
  it('reads the team catchment, and nothing from a missing or broken one', () => {
    expect(pinPolygons(CATCHMENT)).toEqual([[SQUARE]]);
    expect(pinPolygons(JSON.stringify(CATCHMENT))).toEqual([[SQUARE]]);
    expect(pinPolygons(null)).toEqual([]);
    expect(pinPolygons(undefined)).toEqual([]);
    expect(pinPolygons({ type: 'Polygon', coordinates: [[[0, 0]]] })).toEqual([]);
  });
});

describe('initialView', () => {
  const polygons = pinPolygons(CATCHMENT);

  it('fits the catchment when there is no place yet', () => {
    expect(initialView(polygons, null)).toEqual({
      kind: 'bounds',
      bounds: [
        [47.59, -122.35],
        [47.62, -122.31],
      ],
    });
  });

  it('keeps the current place in sight with the catchment', () => {
    expect(initialView(polygons, { lat: 47.651, lon: -122.35, accuracy_m: 12 })).toEqual({
      kind: 'bounds',
      bounds: [
        [47.59, -122.35],
        [47.651, -122.31],
      ],
    });
    // A place inside the catchment: the catchment's own box.
    expect(initialView(polygons, { lat: 47.6, lon: -122.33, accuracy_m: null })).toEqual(initialView(polygons, null));
  });

  it('centres on the current place when there is no catchment', () => {
    expect(initialView([], { lat: 47.6, lon: -122.33, accuracy_m: 12 })).toEqual({
      kind: 'place',
      center: [47.6, -122.33],
      zoom: PLACE_ZOOM,
    });
  });

  it('shows the world with no catchment and no place', () => {
    expect(initialView([], null)).toEqual({ kind: 'world' });
  });
});

describe('the place a save uses', () => {
  const phone = { lat: 47.6, lon: -122.33, accuracy_m: 12 };
  const pinned = { lat: 47.61, lon: -122.34, accuracy_m: null };

  it('is the phone fix by default, or none', () => {
    expect(placeSource({ pinned: null, cleared: false, phone })).toBe('phone');
    expect(chosenPlace({ pinned: null, cleared: false, phone })).toBe(phone);
    expect(placeSource({ pinned: null, cleared: false, phone: null })).toBe('none');
    expect(chosenPlace({ pinned: null, cleared: false, phone: null })).toBeNull();
  });

  it('is the pin when one is set, not the phone', () => {
    expect(placeSource({ pinned, cleared: false, phone })).toBe('pin');
    expect(chosenPlace({ pinned, cleared: false, phone })).toBe(pinned);
  });

  it('is none once cleared, even when the phone has a fix', () => {
    expect(placeSource({ pinned: null, cleared: true, phone })).toBe('none');
    expect(chosenPlace({ pinned: null, cleared: true, phone })).toBeNull();
  });
});

describe('catchmentSide', () => {
  it('reads the device reasons for a located referral', () => {
    expect(catchmentSide(['outside catchment area', 'exclusion: Under 18'], true, true)).toBe('outside');
    expect(catchmentSide(['exclusion: Under 18'], true, true)).toBe('inside');
    expect(catchmentSide([], true, true)).toBe('inside');
  });

  it('says nothing with no place or no catchment', () => {
    expect(catchmentSide(['no location given: catchment area not checked'], false, true)).toBeNull();
    expect(catchmentSide([], true, false)).toBeNull();
  });
});
