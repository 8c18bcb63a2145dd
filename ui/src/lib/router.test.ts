import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from './router.svelte';

describe('routes', () => {
  it('round-trip names and params', () => {
    expect(parseRoute(routeHash('person', 'p-1/2'))).toEqual({ name: 'person', params: ['p-1/2'] });
    expect(parseRoute('')).toEqual({ name: '', params: [] });
    expect(parseRoute('#/queue')).toEqual({ name: 'queue', params: [] });
  });
});
