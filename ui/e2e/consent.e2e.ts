// Consents on a phone: an outreach worker records a signed release for law
// enforcement by touch (the sheet refuses an incomplete one and says why), sees it in
// force, the team's officer then finds the person's card; revoked, it is listed as
// revoked and the officer's lookup no longer finds the card. One fake plays both
// phones (`switchRole`, as if each synced). Also Spanish and the dark theme.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Consent, PersonView, Platform } from '../src/platform';
import type { FakePlatform } from '../src/platform/fake';
import { openApp, shot, type App, type OpenOptions } from './harness';

/** A Thursday morning in Seattle (10:00 PST). */
const NOW = '2025-11-20T18:00:00Z';
/** The fake store's passphrase. */
const DEMO_PASSPHRASE = 'demo passphrase';

/**
 * Opens the app with the page's clock fixed at NOW (timers still run), so the screens
 * judge consents at the same time as the fake.
 */
async function openAtNow(options: OpenOptions): Promise<App> {
  const app = await openApp({ ...options, query: { now: NOW, seed: 'demo', ...options.query } });
  await app.page.clock.setFixedTime(NOW);
  await app.page.reload();
  return app;
}

/** Calls the page's fake platform (`window.__waymark`). */
function fake<T>(page: Page, call: (w: FakePlatform, arg: string) => T | Promise<T>, arg = ''): Promise<T> {
  return page.evaluate(
    ([source, a]) => {
      const w = (window as unknown as { __waymark: FakePlatform }).__waymark;
      return (new Function('w', 'a', `return (${source})(w, a);`) as (w: FakePlatform, a: string) => Promise<T>)(w, a);
    },
    [call.toString(), arg] as const,
  );
}

async function personId(page: Page, name: string): Promise<string> {
  const list = await fake<PersonView[]>(page, (w, q) => (w as Platform).personSearch(q), name);
  const found = list.find((p) => p.display_name === name);
  if (!found) throw new Error(`no demo person ${name}`);
  return found.id;
}

/** The same team's phone of `role` takes over (as after a sync), unlocked with the passphrase. */
async function becomeRole(page: Page, role: 'officer' | 'outreach'): Promise<void> {
  await fake(page, (w, r) => w.switchRole(r as 'officer' | 'outreach'), role);
  await page.getByTestId('more').tap();
  await page.getByTestId('lock').tap();
  await page.getByTestId('unlock-pass').fill(DEMO_PASSPHRASE);
  await page.getByTestId('unlock-submit').tap();
  await page.getByTestId(role === 'officer' ? 'tab-lookup' : 'tab-home').waitFor();
}

/** The officer's lookup of `query`: the names on the cards found (none: []). */
async function officerFinds(page: Page, query: string): Promise<string[]> {
  await page.getByTestId('tab-lookup').tap();
  await page.getByTestId('lookup-query').fill(query);
  await page.getByTestId('lookup-reason').fill('welfare check');
  await page.getByTestId('lookup-submit').tap();
  const results = page.getByTestId('lookup-results');
  await results.locator('[data-testid="officer-card"], [data-testid="lookup-none"]').first().waitFor();
  return results.getByTestId('card-name').allInnerTexts();
}

async function openPerson(page: Page, id: string): Promise<void> {
  await page.evaluate((hash) => (location.hash = hash), `#/person/${id}`);
  await page.getByTestId('consents').getByTestId('consent-add').waitFor();
}

describe('consent for law enforcement', () => {
  it('is recorded by touch, shares the card with officers while in force, and is revoked', async () => {
    const app = await openAtNow({ role: 'outreach', hash: '#/home' });
    const { page } = app;
    try {
      await page.getByTestId('tab-home').waitFor();
      const jessie = await personId(page, 'Jessie Cole');

      // Before: no officer holds Jessie's card (no release, no officer referral).
      await becomeRole(page, 'officer');
      expect(await officerFinds(page, 'Jessie')).toEqual([]);
      await becomeRole(page, 'outreach');

      await openPerson(page, jessie);
      const section = page.getByTestId('consents');
      expect(await section.getByTestId('consent-none').innerText()).toBe('No consent recorded.');
      expect(await section.getByTestId('consent-officers').getAttribute('data-shared')).toBe('no');

      // The sheet refuses an incomplete consent and says what is missing: nothing saved.
      await section.getByTestId('consent-add').tap();
      const sheet = page.getByTestId('consent-sheet');
      await sheet.waitFor();
      await sheet.getByTestId('consent-save').tap();
      expect(await sheet.getByTestId('consent-problem-parties').innerText()).toBe('Check at least one party.');
      expect(await sheet.getByTestId('consent-problem-expiry').innerText()).toContain('Say when the consent ends');
      expect(await sheet.getByTestId('consent-fix').innerText()).toContain('Not saved');
      expect(await fake<Consent[]>(page, (w, id) => w.consentList(id), jessie)).toEqual([]);

      // Law enforcement, by touch, with the last day it covers.
      await sheet.getByTestId('consent-party-law_enforcement').tap();
      expect(await sheet.getByTestId('consent-party-law_enforcement').isChecked()).toBe(true);
      expect(await sheet.getByTestId('consent-problem-parties').count()).toBe(0);
      expect(await sheet.getByTestId('consent-le-note').innerText()).toContain('every officer of the team');
      await sheet.getByTestId('consent-expires').fill('2026-05-31');
      await sheet.getByTestId('consent-expires').blur();
      expect(await sheet.getByTestId('consent-problem-expiry').count()).toBe(0);
      // Save is on screen at a phone's size, above everything else.
      const save = await sheet.getByTestId('consent-save').boundingBox();
      expect(save && save.y + save.height).toBeLessThanOrEqual(844);
      expect(save?.height ?? 0).toBeGreaterThanOrEqual(48);
      await sheet.locator('form').evaluate((form) => form.scrollTo(0, 0));
      await shot(page, 'outreach-consent-sheet');
      await sheet.getByTestId('consent-save').tap();
      await sheet.waitFor({ state: 'detached' });

      // Listed as in force, and officers can see the card.
      expect(await section.getByTestId('consent-message').innerText()).toContain('Consent recorded.');
      const item = section.getByTestId('consent');
      expect(await item.count()).toBe(1);
      expect(await item.getAttribute('data-state')).toBe('in_force');
      expect(await item.getByTestId('consent-state').innerText()).toBe('In force');
      expect(await item.getByTestId('consent-parties').innerText()).toBe('Law enforcement');
      expect(await item.getByTestId('consent-expires').innerText()).toBe('In force through May 31, 2026');
      expect(await item.getByTestId('consent-signed').innerText()).toBe('Signed Nov 20, 2025');
      expect(await item.innerText()).toContain('program participation: name or alias, status');
      expect(await section.getByTestId('consent-officers').getAttribute('data-shared')).toBe('yes');
      expect(await page.getByTestId('person-pending').innerText()).toBe('Not yet synced');
      const [saved] = await fake<Consent[]>(page, (w, id) => w.consentList(id), jessie);
      // The last day is covered to its end in Seattle (PDT in May).
      expect(saved).toMatchObject({ parties: ['law_enforcement'], expires_on: '2026-05-31', expires_at: '2026-06-01T07:00:00Z' });
      await item.scrollIntoViewIfNeeded();
      await shot(page, 'outreach-consents');

      // The team's officer, after syncing, finds the card (the card only).
      await becomeRole(page, 'officer');
      expect(await officerFinds(page, 'Jessie')).toEqual(['Jessie Cole']);
      const card = page.getByTestId('officer-card');
      expect(await card.getByTestId('card-manager').innerText()).toContain('Alex Kim');
      expect(await page.locator('body').innerText()).not.toContain('program participation');

      // Back on the outreach phone: revoke, with a confirming tap.
      await becomeRole(page, 'outreach');
      await openPerson(page, jessie);
      const again = section.getByTestId('consent');
      await again.getByTestId('consent-revoke').tap();
      expect(await again.getByRole('group').innerText()).toContain('Officers lose this person’s card at the next sync');
      // Cancel leaves it in force; the second time it is revoked.
      await again.getByTestId('consent-revoke-no').tap();
      expect(await again.getAttribute('data-state')).toBe('in_force');
      await again.getByTestId('consent-revoke').tap();
      await again.getByTestId('consent-revoke-yes').tap();
      await expect.poll(() => again.getAttribute('data-state')).toBe('revoked');
      expect(await again.getByTestId('consent-state').innerText()).toBe('Revoked');
      expect(await again.getByTestId('consent-revoked-on').innerText()).toBe('Revoked Nov 20, 2025');
      expect(await again.getByTestId('consent-revoke').count()).toBe(0);
      expect(await section.getByTestId('consent-message').innerText()).toContain('Consent revoked.');
      expect(await section.getByTestId('consent-officers').getAttribute('data-shared')).toBe('no');
      const [revoked] = await fake<Consent[]>(page, (w, id) => w.consentList(id), jessie);
      expect(revoked?.revoked_at).toBe('2025-11-20T18:00:00Z');

      // And the officer's lookup no longer finds the card.
      await becomeRole(page, 'officer');
      expect(await officerFinds(page, 'Jessie')).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('consent list', () => {
  it('shows in force, expired and revoked consents plainly, in Spanish and the dark theme', async () => {
    const app = await openAtNow({ role: 'supervisor', lang: 'es', theme: 'dark', hash: '#/office' });
    const { page } = app;
    try {
      await page.getByTestId('tab-home').waitFor();
      const denise = await personId(page, 'Denise Walker');
      const rosa = await personId(page, 'Rosa Martinez');
      await openPerson(page, rosa);
      const section = page.getByTestId('consents');
      const states = () => section.getByTestId('consent').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
      expect(await states()).toEqual(['in_force', 'expired']);
      expect(await section.getByTestId('consent-state').allInnerTexts()).toEqual(['Vigente', 'Vencido']);
      expect(await section.getByTestId('consent-parties').first().innerText()).toBe('Fuerzas del orden, Vivienda');
      expect(await section.getByTestId('consent-event').first().innerText()).toBe(
        'Termina con: completion of the LEAD program',
      );
      expect(await section.getByTestId('consent-expires').innerText()).toContain('Terminó después del');
      // Only a consent in force can be revoked.
      expect(await section.getByTestId('consent-revoke').count()).toBe(1);
      await section.scrollIntoViewIfNeeded();
      await shot(page, 'outreach-consents-dark-es');

      await openPerson(page, denise);
      expect(await states()).toEqual(['in_force', 'revoked']);
      expect(await section.getByTestId('consent-state').allInnerTexts()).toEqual(['Vigente', 'Revocado']);
      expect(await section.getByTestId('consent-revoked-on').innerText()).toContain('Revocado el');
    } finally {
      await app.close();
    }
  });
});
