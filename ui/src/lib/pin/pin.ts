// The manual place of a contact or referral, for when the phone has no location (or
// a wrong one): a pin tapped on a map of the catchment area. Pure helpers, kept apart
// from Leaflet so they can be tested: the saved shape, its rounding, the first view
// of the map, and which place a save uses.
import type { Position } from '../../platform';
import { boundsOf, catchmentPolygons, type Bounds, type Polygon } from '../office/geo';
import { OUTSIDE_CATCHMENT } from '../officer/referral';

/** Decimals kept for a pinned coordinate: 5 is about 1 m, finer than a fingertip. */
export const PIN_DECIMALS = 5;

/** Zoom of the first view when it centres on a known place (a few street blocks). */
export const PLACE_ZOOM = 17;

/** `value` rounded to `decimals` places (no negative zero). */
export function roundTo(value: number, decimals = PIN_DECIMALS): number {
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  return rounded === 0 ? 0 : rounded;
}

/** A longitude brought back into [-180, 180] (a map panned round the world gives 190). */
export function wrapLongitude(lon: number): number {
  if (lon >= -180 && lon <= 180) return lon;
  const wrapped = ((((lon + 180) % 360) + 360) % 360) - 180;
  return wrapped === -180 && lon > 0 ? 180 : wrapped;
}

/**
 * The place a tap on the map gives: rounded to ~1 m, with no accuracy (it is where the
 * user pointed, not a measurement). `null` for coordinates that are not a place.
 */
export function pinnedPosition(lat: number, lon: number): Position | null {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90) return null;
  return { lat: roundTo(lat), lon: roundTo(wrapLongitude(lon)), accuracy_m: null };
}

/** How the picker's map opens. */
export type InitialView =
  | { kind: 'place'; center: [number, number]; zoom: number }
  | { kind: 'bounds'; bounds: Bounds }
  | { kind: 'world' };

function isPlace(p: Position | null): p is Position {
  return p !== null && Number.isFinite(p.lat) && Number.isFinite(p.lon) && Math.abs(p.lat) <= 90;
}

/**
 * The first view of the picker: fitted to the catchment area, and to the current
 * place too when there is one (a pin being moved, or the phone's fix), so both are
 * in sight; with no catchment, centred on the current place a few blocks wide; with
 * neither, the whole world.
 */
export function initialView(polygons: readonly Polygon[], current: Position | null): InitialView {
  const place = isPlace(current) ? current : null;
  if (place && polygons.length === 0) {
    return { kind: 'place', center: [place.lat, place.lon], zoom: PLACE_ZOOM };
  }
  const bounds = boundsOf(polygons, place ? [[place.lon, place.lat]] : []);
  return bounds ? { kind: 'bounds', bounds } : { kind: 'world' };
}

/** The catchment polygons of a team's setting (any GeoJSON; broken parts are skipped). */
export function pinPolygons(catchment: unknown): Polygon[] {
  return catchment == null ? [] : catchmentPolygons(catchment);
}

/** Where the place of a contact comes from. */
export type PlaceSource = 'phone' | 'pin' | 'none';

export interface PlaceChoice {
  /** A place pinned on the map, if any: it wins over the phone. */
  pinned: Position | null;
  /** The user cleared the place: save with none, whatever the phone says later. */
  cleared: boolean;
  /** The phone's latest fix. */
  phone: Position | null;
}

/** Where the place to save comes from. */
export function placeSource(choice: PlaceChoice): PlaceSource {
  if (choice.pinned) return 'pin';
  if (choice.cleared) return 'none';
  return choice.phone ? 'phone' : 'none';
}

/** The place to save with, as the user sees it now. */
export function chosenPlace(choice: PlaceChoice): Position | null {
  switch (placeSource(choice)) {
    case 'pin':
      return choice.pinned;
    case 'phone':
      return choice.phone;
    case 'none':
      return null;
  }
}

/**
 * Which side of the catchment a checked place is on, from the device's eligibility
 * reasons; `null` when there is nothing to say (no place, or no catchment to be in).
 */
export function catchmentSide(
  reasons: readonly string[],
  located: boolean,
  hasCatchment: boolean,
): 'inside' | 'outside' | null {
  if (!located || !hasCatchment) return null;
  return reasons.includes(OUTSIDE_CATCHMENT) ? 'outside' : 'inside';
}
