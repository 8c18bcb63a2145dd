import { describe, expect, it } from 'vitest';
import { addOne, removeOne, serviceKeys, total } from './counts';

describe('service counts', () => {
  it('adds and removes one at a time, dropping a key at zero', () => {
    let c = addOne({}, 'naloxone');
    c = addOne(c, 'naloxone');
    c = addOne(c, 'water');
    expect(c).toEqual({ naloxone: 2, water: 1 });
    expect(total(c)).toBe(3);
    c = removeOne(c, 'water');
    expect(c).toEqual({ naloxone: 2 });
    expect(removeOne(c, 'food')).toEqual({ naloxone: 2 });
  });
  it('does not change the counts it was given', () => {
    const before = { water: 1 };
    addOne(before, 'water');
    removeOne(before, 'water');
    expect(before).toEqual({ water: 1 });
  });
  it('repeats each key once per item, in catalog order', () => {
    expect(serviceKeys({ water: 1, naloxone: 2, zzz: 1 }, ['naloxone', 'food', 'water'])).toEqual([
      'naloxone',
      'naloxone',
      'water',
      'zzz',
    ]);
    expect(serviceKeys({})).toEqual([]);
  });
});
