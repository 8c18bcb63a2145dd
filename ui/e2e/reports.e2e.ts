// Reports (supervisor, 1280×900): the last full month by default, headline figures
// that match the demo seed, a typed period, the charts drawn on their canvases (with
// the numbers as text too), the officer-concentration warning in words, and the
// exports as browser downloads (the HMIS files, contacts.csv with its header, GeoJSON
// points), each on the audit log. Also: the charts under the app's CSP with a frozen
// Object.prototype (as Tauri runs the UI), a supervisor's phone reaching Reports from
// the office, no Reports for outreach or an officer, the dark theme in Spanish.
import { readFileSync } from 'node:fs';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ReportView } from '../src/platform';
import type { FakePlatform } from '../src/platform/fake';
import { OFFICE, PHONE, openApp, shot, type App, type OpenOptions } from './harness';

/** A Wednesday, 11:00 in Seattle: last month is February 2026. */
const NOW = '2026-03-04T19:00:00Z';

/** Every chart of the screen. */
const CHARTS = ['weeks', 'supplies', 'pathway', 'outcome', 'officer', 'caseload'] as const;

/** Opens the app with the page's clock at NOW too (timers still run). */
async function openAtNow(options: OpenOptions): Promise<App> {
  const app = await openApp({
    role: 'supervisor',
    viewport: OFFICE,
    ...options,
    query: { now: NOW, seed: 'demo', ...options.query },
  });
  await app.page.clock.setFixedTime(NOW);
  await app.page.reload();
  await app.page.waitForFunction(() => '__waymark' in window);
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

/** The report the fake makes for a period, to compare the screen with. */
function reportOf(page: Page, from: string, to: string): Promise<ReportView> {
  return fake<ReportView>(page, (w, a) => w.report(...(a.split('/') as [string, string])), `${from}/${to}`);
}

const figure = (page: Page, id: string) => page.getByTestId(`fig-${id}-value`).innerText();

/** How many pixels of a chart's canvas are painted, and how many in the color `rgb`. */
function ink(page: Page, chart: string, rgb: [number, number, number] = [-1, -1, -1]) {
  return page.evaluate(
    ([id, [r, g, b]]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid=chart-${id}-canvas]`);
      const context = canvas?.getContext('2d');
      if (!canvas || !context || canvas.width === 0 || canvas.height === 0) return { painted: 0, colored: 0 };
      const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      let colored = 0;
      for (let i = 0; i < data.length; i += 4) {
        if ((data[i + 3] ?? 0) > 0) painted++;
        if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) colored++;
      }
      return { painted, colored };
    },
    [chart, rgb] as const,
  );
}

/**
 * Saves the screenshot in a window tall enough for the figures and the first charts
 * (the page is long), then goes back to the office size.
 */
async function tallShot(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: OFFICE.width, height: 1500 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await chartsDrawn(page);
  await shot(page, name);
  await page.setViewportSize(OFFICE);
}

/** Waits until every chart is drawn on its canvas. */
async function chartsDrawn(page: Page): Promise<void> {
  for (const id of CHARTS) {
    await expect.poll(async () => (await ink(page, id)).painted, { timeout: 10_000 }).toBeGreaterThan(500);
  }
}

/** Clicks `button` and collects the `count` downloads it starts, by name. */
async function downloads(page: Page, button: string, count: number): Promise<Map<string, string>> {
  const got: Download[] = [];
  const on = (d: Download) => got.push(d);
  page.on('download', on);
  try {
    // Chromium holds back a download a page starts right after earlier ones (its guard
    // against download floods); a person never clicks that fast.
    await page.waitForTimeout(1000);
    await page.getByTestId(button).click();
    await expect.poll(() => got.length, { timeout: 15_000, message: button }).toBe(count);
  } finally {
    page.off('download', on);
  }
  const files = new Map<string, string>();
  for (const d of got) files.set(d.suggestedFilename(), readFileSync(await d.path(), 'utf8'));
  return files;
}

describe('reports', () => {
  it('shows last month’s figures and charts, then a chosen period', async () => {
    const app = await openAtNow({ hash: '#/reports' });
    const { page } = app;
    try {
      await page.getByTestId('report-figures').waitFor();
      expect(await page.getByTestId('tab-reports').getAttribute('aria-current')).toBe('page');
      // The last full month in the team's zone, February 2026.
      const range = page.getByTestId('report-range');
      expect([await range.getAttribute('data-from'), await range.getAttribute('data-to')]).toEqual([
        '2026-02-01',
        '2026-02-28',
      ]);
      expect((await range.innerText()).replace(/\s/g, ' ')).toBe('Feb 1 – 28, 2026 · 28 days');
      expect(await page.getByTestId('quick-last_month').getAttribute('aria-pressed')).toBe('true');
      expect(await page.getByTestId('report-from').inputValue()).toBe('2026-02-01');

      // February as worked out from the seed (see fake-export.test.ts).
      const expected: [string, string][] = [
        ['contacts', '15'],
        ['unique', '6'],
        ['anonymous', '2'],
        ['naloxone', '4'],
        ['test-strips', '5'],
        ['referrals', '3'],
        ['first-contact', '4.08'],
        ['intake', '—'],
        ['window', '—'],
        ['dose', '2.17'],
      ];
      for (const [id, value] of expected) expect(await figure(page, id), id).toBe(value);
      expect(await page.getByTestId('fig-contacts').innerText()).toContain('plus 3 attempts (not found)');
      expect(await page.getByTestId('fig-intake').innerText()).toContain('nothing to measure in this period');
      expect(await page.getByTestId('concentration-warning').count()).toBe(0);

      // Every chart is drawn, with the report's numbers, and as a table too.
      await chartsDrawn(page);
      const feb = await reportOf(page, '2026-02-01', '2026-02-28');
      const values = (id: string) => page.getByTestId(`chart-${id}`).getAttribute('data-values');
      expect(await values('weeks')).toBe('0,2,3,4,6');
      expect(await values('weeks')).toBe(feb.contacts_per_week.map((w) => w.contacts).join(','));
      expect(await values('supplies')).toBe(feb.supplies_order.map((k) => feb.supplies[k]).join(','));
      expect(await values('pathway')).toBe('1,1,1,0');
      expect(await values('outcome')).toBe('1,2,0,0,0,0');
      expect(await values('officer')).toBe('1,1');
      expect(await values('caseload')).toBe('3,2,1');
      // Naloxone and test strips lead the supplies, drawn in the strong color.
      const supplies = page.getByTestId('chart-supplies-table');
      await page.getByTestId('chart-supplies').locator('summary').click();
      const firstRows = await supplies.locator('tbody tr').allInnerTexts();
      expect(firstRows.slice(0, 2).map((r) => r.replace(/\s+/g, ' '))).toEqual([
        'Naloxone kit 4',
        'Fentanyl test strips 5',
      ]);
      expect((await ink(page, 'supplies', [0x00, 0x6b, 0x3c])).colored).toBeGreaterThan(100);
      expect((await ink(page, 'weeks', [0x00, 0x40, 0xc0])).colored).toBeGreaterThan(1000);
      // The text alternative reads out the numbers.
      expect(await page.getByTestId('chart-weeks-image').getAttribute('aria-label')).toBe(
        'Contacts per week: Jan 26 0, Feb 2 2, Feb 9 3, Feb 16 4, Feb 23 6.',
      );
      expect(await page.getByTestId('chart-caseload-image').getAttribute('aria-label')).toBe(
        'Caseload per case manager: Alex Kim 3, Sam Rivera 2, No case manager 1.',
      );
      await page.getByTestId('chart-supplies').locator('summary').click();
      await tallShot(page, 'office-reports');

      // A typed period: the two middle weeks of February.
      await page.getByTestId('report-from').fill('2026-02-09');
      await page.getByTestId('report-to').fill('2026-02-22');
      await page.locator('[data-testid=report-figures][data-from="2026-02-09"][data-to="2026-02-22"]').waitFor();
      expect(await page.getByTestId('quick-last_month').getAttribute('aria-pressed')).toBe('false');
      const mid = await reportOf(page, '2026-02-09', '2026-02-22');
      expect(mid.contacts).toBe(7);
      expect(await figure(page, 'contacts')).toBe('7');
      expect(await figure(page, 'unique')).toBe(String(mid.unique_persons));
      expect(await figure(page, 'naloxone')).toBe(String(mid.supplies.naloxone));
      expect(await figure(page, 'referrals')).toBe(String(mid.referrals.total));
      expect(await values('weeks')).toBe('3,4');
      await chartsDrawn(page);

      // A period the wrong way round is explained, and the figures stay.
      await page.getByTestId('report-from').fill('2026-02-25');
      expect(await page.getByTestId('report-problem').innerText()).toBe('The first day comes after the last day.');
      expect(await figure(page, 'contacts')).toBe('7');

      // The last 12 weeks: one officer made 4 of the 5 officer referrals.
      await page.getByTestId('quick-last_12_weeks').click();
      const warning = page.getByTestId('concentration-warning');
      await warning.waitFor();
      expect(await warning.innerText()).toContain(
        'Fidelity warning: one officer made 80% of the 5 officer referrals in this period.',
      );
      expect(await range.getAttribute('data-from')).toBe('2025-12-15');
      expect(await figure(page, 'intake')).toBe('15.13');
      expect(await figure(page, 'window')).toBe('100%');
      await chartsDrawn(page);
    } finally {
      await app.close();
    }
  });

  it('exports the HMIS files, contacts.csv and GeoJSON as downloads, each audited', async () => {
    const app = await openAtNow({ hash: '#/reports' });
    const { page } = app;
    try {
      await page.getByTestId('report-figures').waitFor();
      // Rosa consents to HMIS, so the HMIS export has a client.
      await fake(page, (w) => {
        const rosa = w.dump().persons.find((p) => p.name === 'Rosa Martinez');
        return w.consentAdd({ person: rosa?.id ?? '', parties: ['hmis'] });
      });

      // The GeoJSON's precision, chosen first (Playwright's selectOption can stall on a
      // page that has just started many downloads): the team allows ~1 km at best.
      expect(await page.getByTestId('export-precision').inputValue()).toBe('1km');
      expect(await page.getByTestId('export-precision-note').innerText()).toBe(
        'The team’s export precision, about 1 km, is the finest allowed: a finer choice is exported at about 1 km.',
      );
      await page.getByTestId('export-precision').selectOption('exact');

      const hmis = await downloads(page, 'export-hmis-button', 8);
      expect([...hmis.keys()].sort()).toEqual(
        [
          'Client.csv',
          'CurrentLivingSituation.csv',
          'Enrollment.csv',
          'Exit.csv',
          'Export.csv',
          'Organization.csv',
          'Project.csv',
          'Services.csv',
        ].sort(),
      );
      expect(hmis.get('Export.csv')?.startsWith('ExportID,SourceType,SourceID,')).toBe(true);
      const clients = (hmis.get('Client.csv') ?? '').split('\r\n').filter(Boolean);
      expect(clients).toHaveLength(2);
      expect(clients[1]).toContain(',Rosa,,Martinez,');
      const hmisDone = page.getByTestId('export-hmis-done');
      expect(await hmisDone.innerText()).toContain('Clients: 1. Enrollments: 1.');
      expect(await hmisDone.innerText()).toContain('Left out without an HMIS consent: 9.');
      expect(await page.getByTestId('export-hmis-files').locator('a').count()).toBe(8);

      const csv = await downloads(page, 'export-csv-button', 2);
      expect([...csv.keys()].sort()).toEqual(['contacts.csv', 'services.csv']);
      const contacts = (csv.get('contacts.csv') ?? '').split('\r\n');
      expect(contacts[0]).toBe(
        'contact_id,at,date,person_id,kind,services,living_situation,duration_minutes,lat,lon,author_device',
      );
      // February's 18 encounters (15 contacts and 3 attempts), no names.
      expect(contacts.filter(Boolean)).toHaveLength(19);
      expect(csv.get('contacts.csv')).not.toContain('Rosa');
      expect(await page.getByTestId('export-csv-done').innerText()).toContain('Contacts: 18.');

      // GeoJSON: the team allows ~1 km at best, whatever is chosen (chosen above).
      const geo = await downloads(page, 'export-geojson-button', 1);
      const collection = JSON.parse(geo.get('contacts.geojson') ?? '{}');
      expect(collection.type).toBe('FeatureCollection');
      expect(collection.precision).toBe('1km');
      expect(collection.features.length).toBe(17);
      expect(collection.features[0].geometry.type).toBe('Point');
      expect(await page.getByTestId('export-geojson-done').locator('.summary').innerText()).toBe(
        'Points: 17. Places at about 1 km.',
      );

      const audited = await fake(page, async (w) =>
        (await w.auditLog()).filter((e) => e.action === 'export').map((e) => e.record),
      );
      expect(audited).toEqual(['hmis', 'csv', 'geojson']);
    } finally {
      await app.close();
    }
  });

  it('draws the charts under the app’s CSP with a frozen Object.prototype', async () => {
    const app = await openAtNow({ hash: '#/reports' });
    const { page } = app;
    try {
      // src-tauri/tauri.conf.json's policy (without its IPC sources), sent with every page.
      const conf = JSON.parse(readFileSync(new URL('../../src-tauri/tauri.conf.json', import.meta.url), 'utf8'));
      const csp = (conf.app.security.csp as string).replace(/ ipc: http:\/\/ipc\.localhost/g, '');
      expect(conf.app.security.freezePrototype).toBe(true);
      await page.route('**/*', async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
      });
      await page.addInitScript(() => {
        Object.freeze(Object.prototype);
        (window as unknown as { violations: string[] }).violations = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          (window as unknown as { violations: string[] }).violations.push(`${e.violatedDirective} ${e.blockedURI}`),
        );
      });
      await page.reload();
      await page.getByTestId('report-figures').waitFor();
      expect(await page.evaluate(() => Object.isFrozen(Object.prototype))).toBe(true);
      await chartsDrawn(page);
      expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it("is reached from the office on a supervisor's phone", async () => {
    const app = await openAtNow({ hash: '#/office', viewport: PHONE });
    const { page } = app;
    try {
      await page.getByTestId('office').waitFor();
      expect(await page.getByTestId('tab-reports').count()).toBe(0);
      await page.getByTestId('open-reports').click();
      await page.getByTestId('report-figures').waitFor();
      expect(await page.getByTestId('tab-office').getAttribute('aria-current')).toBe('page');
      await chartsDrawn(page);
      expect(await figure(page, 'contacts')).toBe('15');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    } finally {
      await app.close();
    }
  });

  it('is not there for outreach or an officer', async () => {
    for (const role of ['outreach', 'officer'] as const) {
      const app = await openAtNow({ role, hash: '#/reports' });
      const { page } = app;
      try {
        await page.getByTestId('nav').waitFor();
        await page.getByTestId(role === 'officer' ? 'tab-lookup' : 'tab-office').waitFor();
        expect(await page.getByTestId('tab-reports').count(), role).toBe(0);
        expect(await page.getByTestId('reports').count(), role).toBe(0);
        expect(await page.getByTestId('open-reports').count(), role).toBe(0);
        const refused = await fake(page, (w) =>
          w.report('2026-02-01', '2026-02-28').then(
            () => 'allowed',
            (e: { code: string }) => e.code,
          ),
        );
        expect(refused, role).toBe('not_permitted');
      } finally {
        await app.close();
      }
    }
  });

  it('follows the dark theme and speaks Spanish', async () => {
    const app = await openAtNow({ hash: '#/reports', theme: 'dark', lang: 'es' });
    const { page } = app;
    try {
      await page.getByTestId('report-figures').waitFor();
      expect(await page.getByTestId('tab-reports').innerText()).toBe('Informes');
      expect(await page.locator('main h1').innerText()).toBe('Informes');
      expect(await page.getByTestId('quick-last_month').innerText()).toBe('Mes pasado');
      expect(await page.getByTestId('fig-naloxone').locator('dt').innerText()).toBe('Kits de naloxona');
      await chartsDrawn(page);
      // The dark theme's bar color (#8fb8ff), not the light one.
      expect((await ink(page, 'weeks', [0x8f, 0xb8, 0xff])).colored).toBeGreaterThan(1000);
      expect((await ink(page, 'weeks', [0x00, 0x40, 0xc0])).colored).toBe(0);
      await page.getByTestId('quick-last_12_weeks').click();
      await page.getByTestId('concentration-warning').waitFor();
      expect(await page.getByTestId('concentration-warning').innerText()).toContain('Aviso de fidelidad');
      await chartsDrawn(page);
      await tallShot(page, 'office-reports-dark');

      // Switching the theme redraws the charts in the light colors.
      await page.getByTestId('theme').click();
      await expect
        .poll(async () => (await ink(page, 'weeks', [0x00, 0x40, 0xc0])).colored, { timeout: 10_000 })
        .toBeGreaterThan(1000);
    } finally {
      await app.close();
    }
  });
});
