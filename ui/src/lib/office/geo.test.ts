import { describe, expect, it } from 'vitest';
import { ENCOUNTERS, encounter, local } from './fixture';
import { boundsOf, catchmentPolygons, contactFeatures, type Polygon } from './geo';

const SQUARE = [
  [-122.35, 47.59],
  [-122.31, 47.59],
  [-122.31, 47.62],
  [-122.35, 47.62],
  [-122.35, 47.59],
];
const polygon = { type: 'Polygon', coordinates: [SQUARE] };

describe('catchmentPolygons', () => {
  it('reads a Polygon, a MultiPolygon, a Feature and a FeatureCollection', () => {
    expect(catchmentPolygons(polygon)).toEqual([[SQUARE]]);
    expect(catchmentPolygons({ type: 'MultiPolygon', coordinates: [[SQUARE], [SQUARE]] })).toHaveLength(2);
    expect(catchmentPolygons({ type: 'Feature', properties: {}, geometry: polygon })).toEqual([[SQUARE]]);
    expect(
      catchmentPolygons({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', geometry: polygon },
          { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[SQUARE]] } },
        ],
      }),
    ).toHaveLength(2);
  });

  it('reads GeoJSON given as text', () => {
    expect(catchmentPolygons(JSON.stringify(polygon))).toEqual([[SQUARE]]);
  });

  it('skips what is not a usable polygon instead of failing', () => {
    expect(catchmentPolygons(null)).toEqual([]);
    expect(catchmentPolygons('not json')).toEqual([]);
    expect(catchmentPolygons({ type: 'Point', coordinates: [-122.3, 47.6] })).toEqual([]);
    expect(catchmentPolygons({ type: 'Polygon', coordinates: [[[0, 0], [1, 1]]] })).toEqual([]);
    expect(catchmentPolygons({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [200, 95], [0, 0]]] })).toEqual([]);
    expect(
      catchmentPolygons({ type: 'MultiPolygon', coordinates: [[SQUARE], 'junk'] }),
    ).toEqual([[SQUARE]]);
  });
});

describe('contactFeatures', () => {
  it('makes points of located contacts only, [lon, lat]', () => {
    const fc = contactFeatures(ENCOUNTERS);
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(ENCOUNTERS.filter((e) => e.lat !== null).length);
    expect(fc.features[2]?.geometry).toEqual({ type: 'Point', coordinates: [-122.34, 47.61] });
  });

  it('carries the date and services only: no person, note, author or id', () => {
    const contact = encounter('secret-id', 'person-secret', local(3), { naloxone: 1 }, [47.6, -122.33]);
    const text = JSON.stringify(contactFeatures([contact]));
    for (const secret of ['secret-id', 'person-secret', 'confidential', 'dev-1']) expect(text).not.toContain(secret);
    expect(contactFeatures([contact]).features[0]?.properties).toEqual({ at: contact.at, services: { naloxone: 1 } });
  });

  it('leaves out impossible positions', () => {
    expect(contactFeatures([encounter('a', null, local(3), {}, [91, 0])]).features).toEqual([]);
  });
});

describe('boundsOf', () => {
  it('spans the catchment and the points', () => {
    const polygons = catchmentPolygons(polygon) as Polygon[];
    expect(boundsOf(polygons, [[-122.4, 47.6]])).toEqual([
      [47.59, -122.4],
      [47.62, -122.31],
    ]);
  });

  it('is null when there is nothing to show', () => {
    expect(boundsOf([], [])).toBeNull();
  });
});
