// A server-render smoke test of the session gate. Server rendering runs no `onMount`,
// so App shows its loading state whatever the phase; what this checks is that App and
// every screen it imports compile and render, in both languages and themes, and that
// rendering alone never touches the device API (the gate asks for the session only
// once mounted). The phases' screens are covered in the browser tests (e2e/).
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import { FakePlatform, type Phase } from './platform/fake';
import type { Platform } from './platform';

/** The fake, with every method call counted. */
function counted(phase: Phase): { platform: Platform; calls: string[] } {
  const fake = new FakePlatform({ phase, now: () => new Date('2026-11-23T20:00:00Z') });
  const calls: string[] = [];
  const platform = new Proxy(fake, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { platform, calls };
}

describe('App (server render)', () => {
  for (const phase of ['new', 'locked', 'unlocked'] as const) {
    it(`renders the loading state in phase ${phase} without calling the device`, () => {
      const { platform, calls } = counted(phase);
      const en = render(App, { props: { platform, demo: true, lang: 'en', theme: 'light' } }).body;
      expect(en).toContain('Loading…');
      expect(en).not.toContain('role="alert"');
      const es = render(App, { props: { platform, demo: true, lang: 'es', theme: 'dark' } }).body;
      expect(es).toContain('Cargando…');
      expect(calls).toEqual([]);
    });
  }
});
