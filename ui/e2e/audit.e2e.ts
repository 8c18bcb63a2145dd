// The audit log in the office layout (supervisor, 1280×900): an officer's lookup made
// on the team's officer phone shows up with its reason once synced (one fake plays
// both phones: `switchRole`); the filters narrow the list; an entry changed behind the
// device's back raises the banner and is marked on its row; a gap gets a quiet note.
// An officer has no tab for it and the platform refuses the call. Also a phone and
// the dark theme in Spanish.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AuditView } from '../src/platform';
import type { FakePlatform } from '../src/platform/fake';
import { OFFICE, PHONE, openApp, shot, type App, type OpenOptions } from './harness';

/** A Wednesday evening in Seattle. */
const NOW = '2026-03-04T19:00:00Z';
const DEMO_PASSPHRASE = 'demo passphrase';
const REASON = 'Welfare check after a 911 call at 3rd & Pine';

/** Opens the app with the page's clock at NOW too (timers still run). */
async function openAtNow(options: OpenOptions): Promise<App> {
  const app = await openApp({ viewport: OFFICE, ...options, query: { now: NOW, seed: 'demo', ...options.query } });
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

/** What `auditLog()` answers on the page: the entries, or the refusal's code. */
function auditCall(page: Page): Promise<AuditView[] | string> {
  return fake(page, (w) => w.auditLog().then((log) => log, (e: { code: string }) => e.code));
}

/** The team's phone of `role` takes over (as after a sync), unlocked again. */
async function becomeRole(page: Page, role: 'officer' | 'supervisor'): Promise<void> {
  await fake(page, (w, r) => w.switchRole(r as 'officer' | 'supervisor'), role);
  await page.getByTestId('lock').click();
  await page.getByTestId('unlock-pass').fill(DEMO_PASSPHRASE);
  await page.getByTestId('unlock-submit').click();
  await page.getByTestId(role === 'officer' ? 'tab-lookup' : 'tab-office').waitFor();
}

async function openAudit(page: Page): Promise<void> {
  await page.getByTestId('tab-audit').click();
  await page.getByTestId('audit-table').waitFor();
}

const rows = (page: Page) => page.getByTestId('audit-table').locator('tr[data-testid=audit-row]');

describe('audit log', () => {
  it("lists an officer's lookup with its reason, filters, and reports an entry changed after it was written", async () => {
    const app = await openAtNow({ role: 'officer', hash: '#/lookup' });
    const { page } = app;
    try {
      await page.getByTestId('tab-lookup').waitFor();
      const officerId = await fake(page, (w) => w.deviceId);

      // The officer: no tab, the route falls back to the lookup, and the device refuses.
      expect(await page.getByTestId('tab-audit').count()).toBe(0);
      await page.evaluate(() => (location.hash = '#/audit'));
      await page.getByTestId('lookup-query').waitFor();
      expect(await page.getByTestId('audit').count()).toBe(0);
      expect(await auditCall(page)).toBe('not_permitted');

      // A lookup with its reason, on the officer's phone.
      await page.getByTestId('lookup-query').fill('Rosa');
      await page.getByTestId('lookup-reason').fill(REASON);
      await page.getByTestId('lookup-submit').click();
      await page.getByTestId('lookup-results').getByTestId('officer-card').first().waitFor();

      // The supervisor's device after both synced.
      await becomeRole(page, 'supervisor');
      await openAudit(page);
      expect(await page.getByTestId('tab-audit').getAttribute('aria-current')).toBe('page');
      const log = await auditCall(page);
      if (typeof log === 'string') throw new Error(`auditLog refused: ${log}`);
      expect(await rows(page).count()).toBe(log.length);
      expect(await page.getByTestId('audit-broken').count()).toBe(0);
      expect(await page.getByTestId('audit-gaps').count()).toBe(0);

      // Newest first: the lookup just made, by the officer's device, with its reason.
      const top = rows(page).first();
      expect(await top.getAttribute('data-action')).toBe('lookup');
      expect(await top.getAttribute('data-device')).toBe(officerId);
      expect(await top.getByTestId('audit-reason').innerText()).toBe(REASON);
      expect(await top.getByTestId('audit-record').innerText()).toBe('“Rosa”');
      expect(await top.getByTestId('audit-action').innerText()).toBe('Roster lookup');
      expect(await top.getByTestId('audit-device').innerText()).toBe(`Device ${officerId.slice(0, 8)}`);
      expect(await top.innerText()).toContain('Officer');
      expect(await top.innerText()).toContain('1 card shown');
      // The supervisor's own entries carry its user's name.
      expect(await page.locator('tr[data-testid=audit-row][data-action=merge] [data-testid=audit-device]').innerText()).toBe(
        'Dana Brooks (this device)',
      );

      // Filters: by action, then also by device.
      const lookups = log.filter((e) => e.action === 'lookup');
      await page.getByTestId('audit-filter-action').selectOption('lookup');
      expect(await rows(page).count()).toBe(lookups.length);
      expect(new Set(await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action'))))).toEqual(
        new Set(['lookup']),
      );
      await page.getByTestId('audit-filter-device').selectOption(officerId);
      expect(await rows(page).count()).toBe(lookups.filter((e) => e.device_id === officerId).length);
      expect(await page.getByTestId('audit-count').innerText()).toContain(`of ${log.length} entries`);
      await page.getByTestId('audit-filter-action').selectOption('');
      expect(await rows(page).count()).toBe(log.filter((e) => e.device_id === officerId).length);
      await page.getByTestId('audit-filter-device').selectOption('');
      expect(await rows(page).count()).toBe(log.length);
      await shot(page, 'office-audit');

      // Someone edits the officer's lookup in the database: its hash no longer matches.
      const changed = await fake(page, (w, reason) => w.tamperAudit({ action: 'lookup', contains: reason }), REASON);
      await page.getByTestId('audit-refresh').click();
      const banner = page.getByTestId('audit-broken');
      await banner.waitFor();
      expect(await banner.innerText()).toContain('The audit log was changed after it was written: 1 entry');
      expect(await banner.getAttribute('role')).toBe('alert');
      const broken = page.locator('tr[data-testid=audit-row][data-chain=broken]');
      expect(await broken.count()).toBe(1);
      expect(await broken.getAttribute('data-seq')).toBe(String(changed.seq));
      expect(await broken.getAttribute('data-device')).toBe(changed.device_id);
      expect(await broken.getByTestId('audit-reason').innerText()).toBe(`${REASON} (edited)`);
      const problem = page.getByTestId('audit-problem-row');
      expect(await problem.count()).toBe(1);
      expect(await problem.innerText()).toContain('Changed');
      expect(await problem.innerText()).toContain(`entry ${changed.seq} is broken: its content was changed`);

      // A second change: the count follows.
      await fake(page, (w) => w.tamperAudit({ action: 'merge' }));
      await page.getByTestId('audit-refresh').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=audit-broken]')?.getAttribute('data-count') === '2');
      expect(await banner.innerText()).toContain('The audit log was changed after it was written: 2 entries');
      expect(await page.locator('tr[data-testid=audit-row][data-chain=broken]').count()).toBe(2);
    } finally {
      await app.close();
    }
  });

  it('notes a gap quietly, and is read-only', async () => {
    const app = await openAtNow({ role: 'supervisor', hash: '#/audit' });
    const { page } = app;
    try {
      await page.getByTestId('audit-table').waitFor();
      // The supervisor's merge entry deleted: the entry after it follows a hole.
      const removed = await fake(page, (w) => w.removeAudit({ action: 'merge' }));
      await page.getByTestId('audit-refresh').click();
      const note = page.getByTestId('audit-gaps');
      await note.waitFor();
      expect(await note.getAttribute('role')).toBe('note');
      expect(await note.innerText()).toContain('not synced yet');
      expect(await page.getByTestId('audit-broken').count()).toBe(0);
      const gap = page.locator(`tr[data-testid=audit-row][data-chain=gap][data-device="${removed.device_id}"]`);
      expect(await gap.getAttribute('data-seq')).toBe(String(removed.seq + 1));
      const problem = page.getByTestId('audit-problem-row');
      expect(await problem.innerText()).toContain('Not synced yet');
      expect(await problem.innerText()).toContain(`entries ${removed.seq} to ${removed.seq} of this device are missing`);
      // Nothing on the screen edits or deletes an entry.
      const controls = await page
        .getByTestId('audit')
        .locator('button, input, textarea, [contenteditable]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')));
      expect(controls).toEqual(['audit-refresh']);
    } finally {
      await app.close();
    }
  });

  it('has no tab for outreach, and opens from the office on a supervisor’s phone', async () => {
    const outreach = await openAtNow({ role: 'outreach', hash: '#/office' });
    try {
      await outreach.page.getByTestId('office').waitFor();
      expect(await outreach.page.getByTestId('tab-audit').count()).toBe(0);
      expect(await outreach.page.getByTestId('open-audit').count()).toBe(0);
      expect(await auditCall(outreach.page)).toBe('not_permitted');
    } finally {
      await outreach.close();
    }

    const phone = await openAtNow({ role: 'supervisor', hash: '#/office', viewport: PHONE });
    const { page } = phone;
    try {
      await page.getByTestId('office').waitFor();
      expect(await page.getByTestId('tab-audit').count()).toBe(0);
      await page.getByTestId('open-audit').click();
      await page.getByTestId('audit-table').waitFor();
      expect(await page.getByTestId('tab-office').getAttribute('aria-current')).toBe('page');
      // Each entry as a card that fits the phone's width.
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(PHONE.width);
      const first = await rows(page).first().boundingBox();
      expect(first?.width ?? 0).toBeLessThanOrEqual(PHONE.width);
    } finally {
      await phone.close();
    }
  });

  it('is readable in the dark theme and in Spanish', async () => {
    const app = await openAtNow({ role: 'supervisor', hash: '#/audit', theme: 'dark', lang: 'es' });
    const { page } = app;
    try {
      await page.getByTestId('audit-table').waitFor();
      await fake(page, (w) => w.tamperAudit({ action: 'lookup', contains: 'J-Bird' }));
      await page.getByTestId('audit-refresh').click();
      const banner = page.getByTestId('audit-broken');
      await banner.waitFor();
      expect(await banner.innerText()).toContain('El registro de auditoría fue modificado después de escribirse: 1 entrada');
      expect(await page.getByTestId('tab-audit').innerText()).toBe('Auditoría');
      const colours = await banner.evaluate((el) => {
        const style = getComputedStyle(el);
        const title = getComputedStyle(el.querySelector('.alarm-title') as Element);
        return { bg: style.backgroundColor, title: title.color, theme: document.documentElement.dataset.theme };
      });
      expect(colours).toEqual({ bg: 'rgb(0, 0, 0)', title: 'rgb(255, 138, 138)', theme: 'dark' });
      await shot(page, 'office-audit-dark-es');
    } finally {
      await app.close();
    }
  });
});
