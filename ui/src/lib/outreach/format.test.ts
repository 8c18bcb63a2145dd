import { describe, expect, it } from 'vitest';
import {
  accuracyMetres,
  conflictFields,
  conflictValue,
  coordinates,
  distanceLabel,
  serviceCounts,
  servicesText,
} from './format';

describe('distanceLabel', () => {
  it('reads metres to the nearest 10 under a kilometre', () => {
    expect(distanceLabel(0, 'en')).toBe('0 m');
    expect(distanceLabel(7.4, 'en')).toBe('7 m');
    expect(distanceLabel(123, 'en')).toBe('120 m');
    expect(distanceLabel(994, 'en')).toBe('990 m');
  });
  it('switches to kilometres with one decimal', () => {
    expect(distanceLabel(996, 'en')).toBe('1.0 km');
    expect(distanceLabel(1234, 'en')).toBe('1.2 km');
    expect(distanceLabel(1234, 'es')).toBe('1.2 km');
    expect(distanceLabel(9_960, 'en')).toBe('10 km');
    expect(distanceLabel(15_400, 'en')).toBe('15 km');
  });
  it('never shows a negative distance', () => {
    expect(distanceLabel(-5, 'en')).toBe('0 m');
  });
});

describe('places', () => {
  it('rounds coordinates and accuracy', () => {
    expect(coordinates(47.6012345, -122.3301234)).toBe('47.60123, -122.33012');
    expect(accuracyMetres(14.6)).toBe(15);
    expect(accuracyMetres(0.2)).toBe(1);
    expect(accuracyMetres(null)).toBeNull();
    expect(accuracyMetres(Number.NaN)).toBeNull();
  });
});

describe('serviceCounts', () => {
  const catalog = [
    { key: 'naloxone', label: 'Naloxone kit' },
    { key: 'water', label: 'Water' },
    { key: 'food', label: 'Food' },
  ];
  it('follows the catalog order with labels, unknown keys last', () => {
    const list = serviceCounts({ water: 1, old_key: 2, naloxone: 2, food: 0 }, catalog);
    expect(list).toEqual([
      { key: 'naloxone', label: 'Naloxone kit', count: 2 },
      { key: 'water', label: 'Water', count: 1 },
      { key: 'old_key', label: 'old_key', count: 2 },
    ]);
    expect(servicesText(list)).toBe('Naloxone kit ×2, Water, old_key ×2');
  });
});

describe('conflicts', () => {
  it('shows values plainly, empty for cleared ones', () => {
    expect(conflictValue('Sam', '(empty)')).toBe('Sam');
    expect(conflictValue(null, '(empty)')).toBe('(empty)');
    expect(conflictValue('', '(empty)')).toBe('(empty)');
    expect(conflictValue([1, 2], '-')).toBe('1, 2');
    expect(conflictValue(3, '-')).toBe('3');
  });
  it('lists only fields with two or more values', () => {
    expect(conflictFields({ status: ['active', 'inactive'], name: ['A'], dob: [], case_manager: ['x', null] })).toEqual([
      'case_manager',
      'status',
    ]);
  });
});
