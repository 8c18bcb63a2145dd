// The team's devices in the office layout (supervisor, 1280×900): the relay's list
// with this device first; an invitation whose one-time code is shown with the relay
// address; a revocation behind a confirmation, which renews the team's keys (the
// remaining devices show the new epoch, the audit log has both entries). Offline the
// screen says so; other roles have no tab and the platform refuses. Also a phone in
// Spanish, reached from the office.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { FakePlatform } from '../src/platform/fake';
import { OFFICE, PHONE, openApp, shot } from './harness';

const NOW = '2026-11-23T19:00:00Z';
/** The demo team's second officer phone (demo-seed.ts `demoDevices`). */
const DIAZ = 'Officer M. Diaz';

/** Calls the page's fake platform (`window.__waymark`). */
function fake<T>(page: Page, call: (w: FakePlatform) => T | Promise<T>): Promise<T> {
  return page.evaluate((source) => {
    const w = (window as unknown as { __waymark: FakePlatform }).__waymark;
    return (new Function('w', `return (${source})(w);`) as (w: FakePlatform) => Promise<T>)(w);
  }, call.toString());
}

const rows = (page: Page) => page.getByTestId('devices-table').locator('tr[data-testid=device-row]');
const row = (page: Page, label: string) => rows(page).filter({ hasText: label });

describe('team devices', () => {
  it('invites a device, shows its code once, and revokes another after a confirmation', async () => {
    const app = await openApp({ role: 'supervisor', viewport: OFFICE, hash: '#/office', query: { now: NOW } });
    const { page } = app;
    try {
      await page.getByTestId('tab-devices').click();
      await page.getByTestId('devices-table').waitFor();
      expect(await rows(page).count()).toBe(5);
      const first = rows(page).first();
      expect(await first.getByTestId('device-self').count(), 'this device comes first').toBe(1);
      expect(await first.getByTestId('device-revoke').count(), 'no revoking itself').toBe(0);

      // An invitation: the label is required; the code comes with the relay address.
      await page.getByTestId('invite-submit').click();
      await page.getByTestId('invite-error').waitFor();
      await page.getByTestId('invite-role').selectOption('officer');
      await page.getByTestId('invite-label').fill('Officer Lee');
      await page.getByTestId('invite-submit').click();
      const code = await page.getByTestId('invite-code').textContent();
      expect(code?.trim()).toMatch(/^[a-z2-7]{16}\.[a-z2-7]{16}\.[a-z2-7]{32}$/);
      const result = (await page.getByTestId('invite-result').textContent()) ?? '';
      expect(result).toContain('Officer Lee');
      expect(result).toContain('https://relay.demo.invalid');
      await row(page, 'Officer Lee').waitFor();
      expect(await row(page, 'Officer Lee').getAttribute('data-status')).toBe('pending');
      expect(await row(page, 'Officer Lee').getByTestId('device-revoke').textContent()).toContain('Cancel invitation');
      await page.getByTestId('invite-done').click();
      expect(await page.getByTestId('invite-code').count(), 'the code is shown once').toBe(0);

      // Revoking asks first; "Keep it" changes nothing.
      await row(page, DIAZ).getByTestId('device-revoke').click();
      const confirm = page.getByTestId('revoke-confirm');
      await confirm.waitFor();
      expect(await confirm.textContent()).toContain(`Revoke ${DIAZ}?`);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'the safe answer').toBe(
        'revoke-no',
      );
      await shot(page, 'office-devices');
      await page.getByTestId('revoke-no').click();
      expect(await confirm.isVisible()).toBe(false);
      expect(await row(page, DIAZ).getAttribute('data-status')).toBe('active');
      // Escape closes it too.
      await row(page, DIAZ).getByTestId('device-revoke').click();
      await confirm.waitFor();
      await page.keyboard.press('Escape');
      await confirm.waitFor({ state: 'hidden' });

      await row(page, DIAZ).getByTestId('device-revoke').click();
      await page.getByTestId('revoke-yes').click();
      const done = (await page.getByTestId('revoke-result').textContent()) ?? '';
      expect(done).toContain(`${DIAZ} is revoked`);
      expect(done).toContain('epoch 2, given to 3 devices');
      await expect.poll(() => row(page, DIAZ).getAttribute('data-status')).toBe('revoked');
      expect(await row(page, DIAZ).getByTestId('device-revoke').count()).toBe(0);
      const epochs = await rows(page).evaluateAll((trs) =>
        trs.map((tr) => [tr.getAttribute('data-status'), tr.querySelector('[data-epoch]')?.getAttribute('data-epoch')]),
      );
      expect(epochs.filter(([s]) => s === 'active').every(([, e]) => e === '2'), JSON.stringify(epochs)).toBe(true);

      // Both steps are on the record.
      const actions = await fake(page, (w) => w.auditLog().then((log) => log.slice(-2).map((e) => e.action)));
      expect(actions).toEqual(['revoke', 'rotate_keys']);
    } finally {
      await app.close();
    }
  });

  it('says when the relay cannot be reached, and is the supervisor’s alone', async () => {
    const app = await openApp({ role: 'supervisor', viewport: OFFICE, hash: '#/devices', query: { now: NOW, online: '0' } });
    const { page } = app;
    try {
      const error = page.getByTestId('devices-error');
      await error.waitFor();
      expect(await error.textContent()).toContain('No connection to the relay');
      expect(await page.getByTestId('devices-table').count()).toBe(0);
      // Back online: Retry brings the list.
      await fake(page, (w) => {
        w.online = true;
      });
      await page.getByTestId('devices-refresh').click();
      await page.getByTestId('devices-table').waitFor();
    } finally {
      await app.close();
    }
    for (const role of ['outreach', 'officer'] as const) {
      const other = await openApp({ role, viewport: OFFICE, hash: '#/devices', query: { now: NOW } });
      try {
        await other.page.getByTestId('nav').waitFor();
        expect(await other.page.getByTestId('tab-devices').count()).toBe(0);
        expect(await other.page.getByTestId('devices').count(), `${role}: the route falls back`).toBe(0);
        const refused = await fake(other.page, (w) => w.deviceList().then(() => 'listed', (e: { code: string }) => e.code));
        expect(refused).toBe('not_permitted');
      } finally {
        await other.close();
      }
    }
  });

  it('fits a phone in Spanish, opened from the office', async () => {
    const app = await openApp({ role: 'supervisor', lang: 'es', viewport: PHONE, hash: '#/office', query: { now: NOW } });
    const { page } = app;
    try {
      await page.getByTestId('open-devices').click();
      await page.getByTestId('devices-table').waitFor();
      expect(await page.locator('h1').textContent()).toBe('Dispositivos del equipo');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(PHONE.width);
      await row(page, DIAZ).getByTestId('device-revoke').click();
      expect(await page.getByTestId('revoke-confirm').textContent()).toContain(`¿Revocar ${DIAZ}?`);
      await page.getByTestId('revoke-yes').click();
      expect(await page.getByTestId('revoke-result').textContent()).toContain('está revocado');
      await shot(page, 'phone-devices-es');
    } finally {
      await app.close();
    }
  });
});
