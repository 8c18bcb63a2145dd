import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import { demoPlatform } from './platform/fake';

describe('App shell (server render)', () => {
  it('renders the sync bar, the lookup field and the queue in English and Spanish', () => {
    const platform = demoPlatform();
    const en = render(App, { props: { platform, demo: true, lang: 'en' } }).body;
    expect(en).toContain('Sync now');
    expect(en).toContain('Name or alias');
    expect(en).toContain('Follow-up queue');
    expect(en).toContain('Demo data');
    const es = render(App, { props: { platform, demo: true, lang: 'es' } }).body;
    expect(es).toContain('Sincronizar');
    expect(es).toContain('Cola de seguimiento');
  });
});
