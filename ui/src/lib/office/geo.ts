// Geometry for the office map, kept apart from Leaflet so it can be tested: the
// team's catchment read from GeoJSON, contacts as GeoJSON points that carry only a
// date and services (never a person: a map of where people sleep is sensitive), and
// the bounds to fit.
import type { EncounterView } from '../../platform/types';

/** A position as GeoJSON writes it: [longitude, latitude]. */
export type LonLat = [number, number];
/** A polygon: its outer ring, then any holes. */
export type Polygon = LonLat[][];

export interface ContactProperties {
  /** When, in the local time it was logged in. */
  at: string;
  services: Record<string, number>;
}

export interface ContactFeature {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: LonLat };
  properties: ContactProperties;
}

export interface ContactCollection {
  type: 'FeatureCollection';
  features: ContactFeature[];
}

/** [[south, west], [north, east]], as Leaflet's `fitBounds` takes them. */
export type Bounds = [[number, number], [number, number]];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validLatLon(lat: unknown, lon: unknown): boolean {
  return (
    typeof lat === 'number' &&
    typeof lon === 'number' &&
    Number.isFinite(lat) &&
    Number.isFinite(lon) &&
    Math.abs(lat) <= 90 &&
    Math.abs(lon) <= 180
  );
}

function ring(value: unknown): LonLat[] | null {
  if (!Array.isArray(value)) return null;
  const points: LonLat[] = [];
  for (const p of value) {
    if (!Array.isArray(p) || !validLatLon(p[1], p[0])) return null;
    points.push([p[0] as number, p[1] as number]);
  }
  return points.length >= 3 ? points : null;
}

function polygon(value: unknown): Polygon | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const rings = value.map(ring);
  if (rings.some((r) => r === null)) return null;
  return rings as LonLat[][];
}

/**
 * The polygons of a catchment given as GeoJSON (Polygon, MultiPolygon, Feature,
 * FeatureCollection or GeometryCollection; also as JSON text). What is not a usable
 * polygon is skipped, so a broken setting draws nothing rather than breaking the map.
 */
export function catchmentPolygons(geojson: unknown, depth = 0): Polygon[] {
  if (depth > 8) return [];
  if (typeof geojson === 'string') {
    try {
      return catchmentPolygons(JSON.parse(geojson) as unknown, depth + 1);
    } catch {
      return [];
    }
  }
  if (!isRecord(geojson)) return [];
  switch (geojson.type) {
    case 'Polygon': {
      const p = polygon(geojson.coordinates);
      return p ? [p] : [];
    }
    case 'MultiPolygon':
      return Array.isArray(geojson.coordinates)
        ? geojson.coordinates.map(polygon).filter((p): p is Polygon => p !== null)
        : [];
    case 'Feature':
      return catchmentPolygons(geojson.geometry, depth + 1);
    case 'FeatureCollection':
      return Array.isArray(geojson.features) ? geojson.features.flatMap((f) => catchmentPolygons(f, depth + 1)) : [];
    case 'GeometryCollection':
      return Array.isArray(geojson.geometries)
        ? geojson.geometries.flatMap((g) => catchmentPolygons(g, depth + 1))
        : [];
    default:
      return [];
  }
}

export function isLocated(e: EncounterView): boolean {
  return e.lat !== null && e.lon !== null && validLatLon(e.lat, e.lon);
}

/** Contacts with a place as GeoJSON points: date and services only, nothing of the person. */
export function contactFeatures(contacts: readonly EncounterView[]): ContactCollection {
  return {
    type: 'FeatureCollection',
    features: contacts.filter(isLocated).map((e) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [e.lon as number, e.lat as number] },
      properties: { at: e.at, services: { ...e.services } },
    })),
  };
}

/** The box around the catchment and the points, or `null` when there is nothing. */
export function boundsOf(polygons: readonly Polygon[], points: readonly LonLat[]): Bounds | null {
  let south = Infinity;
  let west = Infinity;
  let north = -Infinity;
  let east = -Infinity;
  const add = ([lon, lat]: LonLat) => {
    south = Math.min(south, lat);
    north = Math.max(north, lat);
    west = Math.min(west, lon);
    east = Math.max(east, lon);
  };
  for (const p of polygons) for (const r of p) r.forEach(add);
  points.forEach(add);
  if (!Number.isFinite(south)) return null;
  return [
    [south, west],
    [north, east],
  ];
}
