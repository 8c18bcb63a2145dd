// Team settings in the office layout (supervisor, 1280×900): a value out of range is
// refused with the range the device names and nothing changes; a valid change is
// saved and read back; a shorter idle lock takes effect at once (the page's clock is
// driven). Other roles have no tab and the platform refuses. Also a Spanish phone,
// reached from the office.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TeamView } from '../src/platform';
import type { FakePlatform } from '../src/platform/fake';
import { OFFICE, PHONE, openApp, shot } from './harness';

/** Calls the page's fake platform (`window.__waymark`). */
function fake<T>(page: Page, call: (w: FakePlatform) => T | Promise<T>): Promise<T> {
  return page.evaluate((source) => {
    const w = (window as unknown as { __waymark: FakePlatform }).__waymark;
    return (new Function('w', `return (${source})(w);`) as (w: FakePlatform) => Promise<T>)(w);
  }, call.toString());
}

const team = (page: Page) => fake(page, (w) => w.team()) as Promise<TeamView>;

describe('team settings', () => {
  it('refuses a value out of range, saves a valid change, and the idle lock follows it', async () => {
    const app = await openApp({ role: 'supervisor', viewport: OFFICE, hash: '#/office' });
    const { page } = app;
    try {
      // The page's timers run on a clock the test drives (the idle lock's too).
      await page.clock.install();
      await page.reload();
      await page.getByTestId('tab-team').click();
      await page.getByTestId('team-settings').locator('form').waitFor();
      expect(await page.getByTestId('team-lock-minutes').inputValue()).toBe('5');

      // Out of range: the device's words, and nothing saved.
      await page.getByTestId('team-lock-minutes').fill('45');
      await page.getByTestId('team-save').click();
      expect(await page.getByTestId('team-save-error').textContent()).toContain('between 1 and 30 minutes');
      expect((await team(page)).lock_minutes).toBe(5);
      // Not a number: said before asking the device.
      await page.getByTestId('team-inactive-days').fill('ninety');
      await page.getByTestId('team-save').click();
      expect(await page.getByTestId('team-save-error').textContent()).toContain('Follow up after (days without contact)');

      // A valid change is saved and read back.
      await page.getByTestId('team-inactive-days').fill('60');
      await page.getByTestId('team-lock-minutes').fill('1');
      await page.getByTestId('team-export-precision').selectOption('100m');
      await page.getByTestId('team-hmis').selectOption('deidentify');
      await page.getByTestId('team-save').click();
      await page.getByTestId('team-saved').waitFor();
      // Scrolled down, the sync bar stays on top of the sidebar.
      await page.getByTestId('team-save').scrollIntoViewIfNeeded();
      expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
      const onTop = await page.evaluate(() => document.elementFromPoint(100, 20)?.closest('header') !== null);
      expect(onTop, 'the sync bar is not covered by the sidebar').toBe(true);
      await shot(page, 'office-team-settings');
      expect(await team(page)).toMatchObject({
        lock_minutes: 1,
        inactive_days: 60,
        export_precision: '100m',
        hmis_without_consent: 'deidentify',
        intake_days: 30,
      });

      // The idle lock now locks after one minute without a touch.
      await page.clock.fastForward('00:50');
      expect(await page.getByTestId('unlock-pass').count(), 'not yet').toBe(0);
      await page.clock.fastForward('00:15');
      await page.getByTestId('unlock-pass').waitFor();
    } finally {
      await app.close();
    }
  });

  it('is the supervisor’s alone', async () => {
    for (const role of ['outreach', 'officer'] as const) {
      const other = await openApp({ role, viewport: OFFICE, hash: '#/team' });
      try {
        await other.page.getByTestId('nav').waitFor();
        expect(await other.page.getByTestId('tab-team').count()).toBe(0);
        expect(await other.page.getByTestId('team-settings').count(), `${role}: the route falls back`).toBe(0);
        const refused = await fake(other.page, (w) =>
          w.teamSet({ lock_minutes: 10 }).then(
            () => 'saved',
            (e: { code: string }) => e.code,
          ),
        );
        expect(refused).toBe('not_permitted');
      } finally {
        await other.close();
      }
    }
  });

  it('fits a phone in Spanish, opened from the office', async () => {
    const app = await openApp({ role: 'supervisor', lang: 'es', viewport: PHONE, hash: '#/office' });
    const { page } = app;
    try {
      await page.getByTestId('open-team').click();
      await page.getByTestId('team-settings').locator('form').waitFor();
      expect(await page.locator('h1').textContent()).toBe('Ajustes del equipo');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(PHONE.width);
      await page.getByTestId('team-intake-days').fill('14');
      await page.getByTestId('team-save').click();
      expect(await page.getByTestId('team-saved').textContent()).toContain('Guardado');
      expect((await team(page)).intake_days).toBe(14);
    } finally {
      await app.close();
    }
  });
});
