// The officer's screens: roster lookup with a required reason giving cards
// only (no case detail anywhere), the referral flow by touch on a phone, arrest
// diversion's charge category, My referrals with the not-yet-synced mark, Spanish.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Platform, ReferralView } from '../src/platform';
import { PHONE, openApp, settle, shot } from './harness';

/** A Thursday afternoon in Seattle (10:00 PST). */
const NOW = '2025-11-20T18:00:00Z';
/** Fremont: outside the demo catchment area (downtown Seattle). */
const OUTSIDE = '47.651,-122.35';
/** 3rd Ave & Pine: inside it. */
const INSIDE = '47.603,-122.333';

/** Case detail of the demo persons that must never reach an officer's screen. */
const CASE_DETAIL = [
  'grey braid',
  'shopping cart',
  'army surplus coat',
  'green army jacket',
  'walks with a cane',
  'Seahawks cap',
  'ID replacement letter',
  'DSHS',
  'Housing application',
  'Foot wound',
  'detox',
  '1979',
  '1968-04-12',
];

async function openOfficer(hash: string, query: Record<string, string> = {}, lang: 'en' | 'es' = 'en') {
  const app = await openApp({ role: 'officer', lang, query: { now: NOW, seed: 'demo', ...query }, hash, viewport: PHONE });
  await app.page.getByTestId('tab-lookup').waitFor();
  return app;
}

async function myReferrals(page: Page): Promise<ReferralView[]> {
  return page.evaluate(() => (window as unknown as { __waymark: Platform }).__waymark.referralList());
}

async function bodyText(page: Page): Promise<string> {
  return page.locator('body').innerText();
}

describe('officer lookup', () => {
  it('needs a reason, answers with cards only, and keeps the reason for the session', async () => {
    const app = await openOfficer('#/lookup');
    const { page } = app;
    try {
      await page.getByTestId('lookup-query').fill('Rosa');
      await shot(page, 'officer-lookup');

      // No reason: the lookup is not made, and the screen says why.
      await page.getByTestId('lookup-submit').tap();
      await expect.poll(() => page.getByTestId('lookup-problem').innerText()).toContain('reason');
      expect(await page.getByTestId('officer-card').count()).toBe(0);

      await page.getByTestId('lookup-reason').fill('stop on 3rd Ave');
      await page.getByTestId('lookup-submit').tap();
      const card = page.getByTestId('officer-card');
      await card.first().waitFor();
      expect(await card.count()).toBe(1);
      expect(await card.getByTestId('card-name').innerText()).toBe('Rosa Martinez');
      expect(await card.getByTestId('card-status').innerText()).toContain('Active participant');
      expect(await card.getByTestId('card-manager').innerText()).toContain('Sam Rivera');
      const call = card.getByTestId('call-case-manager');
      expect(await call.getAttribute('href')).toBe('tel:+12065550142');
      expect(await call.innerText()).toContain('Call case manager');
      // Every card carries the 42 CFR 2.32 notice.
      expect(await card.getByTestId('card-notice').innerText()).toBe(
        '42 CFR part 2 prohibits unauthorized use or disclosure of these records.',
      );
      const box = await call.boundingBox();
      expect(box?.height ?? 0).toBeGreaterThanOrEqual(48);
      await shot(page, 'officer-card');

      // Nothing of the case file on the page: no description, no notes, no birth date.
      const text = await bodyText(page);
      for (const detail of CASE_DETAIL) expect(text, detail).not.toContain(detail);
      const html = await page.content();
      for (const detail of CASE_DETAIL) expect(html, detail).not.toContain(detail);

      // The reason is offered again after moving around the app.
      await page.getByTestId('tab-my-referrals').tap();
      await page.getByTestId('myref-list').waitFor();
      await page.getByTestId('tab-lookup').tap();
      await page.getByTestId('lookup-reason').waitFor();
      expect(await page.getByTestId('lookup-reason').inputValue()).toBe('stop on 3rd Ave');
    } finally {
      await app.close();
    }
  });

  it('says when no one matches and offers to refer the person', async () => {
    const app = await openOfficer('#/lookup');
    const { page } = app;
    try {
      await page.getByTestId('lookup-query').fill('Zebulon');
      await page.getByTestId('lookup-reason').fill('welfare check');
      await page.getByTestId('lookup-submit').tap();
      const none = page.getByTestId('lookup-none');
      await none.waitFor();
      expect(await none.innerText()).toContain('No one on the roster matches “Zebulon”');
      await page.getByTestId('refer-new').tap();
      await page.getByTestId('refer-name').waitFor();
      expect(await page.getByTestId('refer-name').inputValue()).toBe('Zebulon');
      expect(await page.getByTestId('mode-new').getAttribute('aria-pressed')).toBe('true');
    } finally {
      await app.close();
    }
  });

  it('refers from a card: an active participant is named as one, with the call action', async () => {
    const app = await openOfficer('#/lookup');
    const { page } = app;
    try {
      await page.getByTestId('lookup-query').fill('Rosa');
      await page.getByTestId('lookup-reason').fill('stop on 3rd Ave');
      await page.getByTestId('lookup-submit').tap();
      await page.getByTestId('card-refer').tap();
      await page.getByTestId('refer-already-active').waitFor();
      expect(page.url()).toMatch(/#\/refer\/[0-9a-f-]{36}$/);
      const card = page.getByTestId('officer-card');
      expect(await card.getByTestId('card-name').innerText()).toBe('Rosa Martinez');
      expect(await card.getByTestId('call-case-manager').getAttribute('href')).toBe('tel:+12065550142');
      // Done: no form to fill unless the officer insists.
      expect(await page.getByTestId('refer-save').count()).toBe(0);
      await page.getByTestId('refer-anyway').tap();
      await page.getByTestId('refer-save').waitFor();
    } finally {
      await app.close();
    }
  });
});

describe('officer referral', () => {
  it('new person outside the catchment, by touch on a phone: needs review, explained, saved, listed', async () => {
    const app = await openOfficer('#/refer', { geo: OUTSIDE });
    const { page } = app;
    try {
      const before = (await myReferrals(page)).length;
      await page.getByTestId('mode-new').tap();
      await page.getByTestId('refer-name').fill('Dale Newcomb');
      await page.getByTestId('refer-alias').fill('Deuce');
      await page.getByTestId('refer-description').fill('tall, orange beanie');

      // Location from the phone.
      await expect.poll(() => page.getByTestId('refer-location').innerText()).toContain('Here ±10 m');

      // The team's checklist, all "no" to begin with.
      const exclusions = page.getByTestId('refer-exclusions');
      expect(await exclusions.locator('input[value=true]:checked').count()).toBe(0);
      expect(await exclusions.locator('input[value=false]:checked').count()).toBe(6);
      await page.getByTestId('exclusion-under_18-yes').tap();
      await page.getByTestId('exclusion-under_18-no').tap();
      await page.getByTestId('exclusion-no_contact_order-yes').tap();
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'officer-refer');

      const result = page.getByTestId('refer-eligibility');
      await expect.poll(() => result.getAttribute('data-result')).toBe('needs_review');
      await expect
        .poll(() => page.getByTestId('refer-eligibility-reasons').innerText())
        .toContain('Subject of a no-contact order');
      const reasons = await page.getByTestId('refer-eligibility-reasons').locator('li').allInnerTexts();
      expect(reasons).toEqual([
        'The location is outside the program’s catchment area.',
        'Exclusion answered yes: Subject of a no-contact order',
      ]);
      expect(await result.innerText()).toContain('Needs review');
      const deadline = await page.getByTestId('refer-deadline').innerText();
      expect(deadline).toContain('Dec 20, 2025');
      expect(deadline).toContain('30 days left');
      await result.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await shot(page, 'officer-refer-result');

      const save = page.getByTestId('refer-save');
      const saveBox = await save.boundingBox();
      expect(saveBox?.height ?? 0).toBeGreaterThanOrEqual(48);
      await save.tap();
      const done = page.getByTestId('refer-done');
      await done.waitFor();
      const number = await page.getByTestId('refer-number').innerText();
      expect(number).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
      expect(await page.getByTestId('refer-done-deadline').innerText()).toContain('30 days left');
      expect(await page.getByTestId('refer-done-name').innerText()).toBe('Dale Newcomb');
      await page.getByTestId('refer-done-pending').waitFor();

      // What the device saved.
      const after = await myReferrals(page);
      expect(after.length).toBe(before + 1);
      const saved = after.find((r) => r.display_name === 'Dale Newcomb');
      expect(saved).toBeDefined();
      expect(saved?.id.replace(/-/g, '').slice(0, 8).toUpperCase()).toBe(number.replace('-', ''));
      expect(saved).toMatchObject({
        pathway: 'social_contact',
        exclusions: ['no_contact_order'],
        status: 'new',
        pending_sync: true,
        days_left: 30,
      });
      expect(saved?.eligibility.result).toBe('needs_review');
      expect(saved?.lat).toBeCloseTo(47.651, 3);
      // The sync bar counts it.
      await expect.poll(() => page.getByTestId('pending').innerText()).toMatch(/[1-9]/);

      await page.getByTestId('refer-see-mine').tap();
      await page.getByTestId('myref-list').waitFor();
      const items = page.getByTestId('myref-item');
      expect(await items.count()).toBe(before + 1);
      const mine = items.filter({ hasText: 'Dale Newcomb' });
      expect(await mine.count()).toBe(1);
      expect(await mine.getByTestId('myref-pending').innerText()).toBe('Not yet synced');
      expect(await mine.getByTestId('myref-status').innerText()).toBe('New');
      expect(await mine.getByTestId('myref-pathway').innerText()).toBe('Social contact');
      expect(await mine.getByTestId('myref-days').innerText()).toBe('30 days left');
      // Newest first.
      expect(await items.first().getByTestId('myref-name').innerText()).toBe('Dale Newcomb');
      // Seeded referrals are synced: only the new one carries the mark.
      expect(await page.getByTestId('myref-pending').count()).toBe(1);
      await shot(page, 'officer-my-referrals');
    } finally {
      await app.close();
    }
  });

  it('a new person needs a name, an alias or a description', async () => {
    const app = await openOfficer('#/refer', { geo: INSIDE });
    const { page } = app;
    try {
      const before = (await myReferrals(page)).length;
      await page.getByTestId('mode-new').tap();
      await page.getByTestId('refer-save').tap();
      await expect.poll(() => page.getByTestId('refer-problem').innerText()).toContain('name, an alias or a description');
      expect((await myReferrals(page)).length).toBe(before);
      // Inside the catchment with no exclusion: eligible.
      await expect.poll(() => page.getByTestId('refer-eligibility').getAttribute('data-result')).toBe('eligible');
      expect(await page.getByTestId('refer-eligibility').innerText()).toContain('Eligible');
    } finally {
      await app.close();
    }
  });

  it('arrest diversion asks the charge category; an existing person from the roster; no location explained', async () => {
    const app = await openOfficer('#/refer');
    const { page } = app;
    try {
      expect(await page.getByTestId('refer-charge').count()).toBe(0);
      await page.getByTestId('pathway-arrest_diversion').tap();
      await page.getByTestId('refer-charge').selectOption('drug_possession');
      expect(await page.getByTestId('refer-handoff').innerText()).toContain('30 minutes');

      await page.getByTestId('refer-search').fill('Tina');
      await page.getByTestId('refer-search-go').tap();
      await page.getByTestId('refer-choose').tap();
      expect(await page.getByTestId('officer-card').getByTestId('card-name').innerText()).toBe('Tina Nguyen');
      expect(await page.getByTestId('refer-already-active').count()).toBe(0);

      await expect.poll(() => page.getByTestId('refer-location').innerText()).toContain(
        'No location — eligibility will need review',
      );
      await expect
        .poll(() => page.getByTestId('refer-eligibility-reasons').innerText())
        .toContain('No location: the catchment area could not be checked.');
      await page.getByTestId('refer-narrative').fill('Possession at 3rd and Pine; accepted diversion.');
      await page.getByTestId('refer-save').tap();
      await page.getByTestId('refer-done').waitFor();

      const saved = (await myReferrals(page)).find((r) => r.narrative?.startsWith('Possession at 3rd and Pine'));
      expect(saved).toMatchObject({
        pathway: 'arrest_diversion',
        charge_category: 'drug_possession',
        display_name: 'Tina Nguyen',
        lat: null,
      });
      await page.getByTestId('refer-see-mine').tap();
      const item = page.getByTestId('myref-item').filter({ hasText: 'Drug possession' }).first();
      await item.waitFor();
      expect(await item.getByTestId('myref-pathway').innerText()).toBe('Arrest diversion');
    } finally {
      await app.close();
    }
  });

  it('the refer screen in Spanish', async () => {
    const app = await openOfficer('#/refer', { geo: OUTSIDE }, 'es');
    const { page } = app;
    try {
      await page.getByTestId('mode-new').tap();
      await page.getByTestId('refer-alias').fill('Güero');
      await expect.poll(() => page.getByTestId('refer-eligibility').getAttribute('data-result')).toBe('needs_review');
      const text = await bodyText(page);
      for (const es of [
        'Referir',
        'Vía',
        'Contacto social',
        'Desvío del arresto',
        'Persona nueva',
        'Apodo o nombre de calle',
        'Ubicación',
        'Lista de exclusiones',
        'Requiere revisión',
        'La ubicación está fuera del área de servicio del programa.',
        'Fecha límite de admisión',
        'quedan 30 días',
        'Guardar referencia',
      ]) {
        expect(text, es).toContain(es);
      }
      for (const en of ['Pathway', 'Social contact', 'New person', 'Needs review', 'Intake deadline', 'Save referral']) {
        expect(text, en).not.toContain(en);
      }
      await settle(page);
      await shot(page, 'officer-refer-es');
      await page.getByTestId('refer-save').tap();
      await page.getByTestId('refer-done').waitFor();
      expect(await page.getByTestId('refer-done').innerText()).toContain('Referencia guardada en este teléfono');
      expect(await page.getByTestId('refer-done-pending').innerText()).toBe('Aún no sincronizado');
    } finally {
      await app.close();
    }
  });
});
