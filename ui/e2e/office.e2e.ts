// The office layout: the map works offline with no request leaving the
// machine, the week's counts match what the device holds, the referral queue's order,
// the caseload per case manager, both themes readable, and a phone layout.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { EncounterView, PersonView, Platform, ReferralView } from '../src/platform';
import { OFFICE, PHONE, openApp, settle, shot } from './harness';

/** A Wednesday, so this week holds contacts before and after it. */
const NOW = '2026-03-04T19:00:00Z';
const QUERY = { now: NOW, seed: 'demo' };

async function openOffice(options: { theme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {}) {
  const app = await openApp({
    role: 'supervisor',
    query: QUERY,
    hash: '#/office',
    viewport: options.viewport ?? OFFICE,
    ...(options.theme ? { theme: options.theme } : {}),
  });
  await app.page.locator('[data-testid=office-map].leaflet-container').waitFor();
  await app.page.locator('[data-testid=count-contacts]').waitFor();
  return app;
}

interface Held {
  persons: PersonView[];
  encounters: EncounterView[];
  referrals: ReferralView[];
}

/** What the fake holds, read from the page through the Platform interface. */
async function held(page: Page): Promise<Held> {
  return page.evaluate(async () => {
    const fake = (window as unknown as { __waymark: Platform }).__waymark;
    return {
      persons: await fake.personList(),
      encounters: await fake.encounterList(),
      referrals: await fake.referralList(),
    };
  });
}

/** This week, Monday 00:00 to the next Monday 00:00 in the page's local time, as epoch ms. */
async function thisWeek(page: Page): Promise<{ start: number; end: number }> {
  return page.evaluate((iso) => {
    const now = new Date(iso);
    const start = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    start.setDate(start.getDate() - ((start.getDay() + 6) % 7));
    const end = new Date(start);
    end.setDate(end.getDate() + 7);
    return { start: start.getTime(), end: end.getTime() };
  }, NOW);
}

function within(iso: string, range: { start: number; end: number }): boolean {
  const t = Date.parse(iso);
  return t >= range.start && t < range.end;
}

async function text(page: Page, testid: string): Promise<string> {
  return (await page.locator(`[data-testid=${testid}]`).first().innerText()).trim();
}

describe('office', () => {
  it('draws the catchment and one circle marker per located contact of the week, offline', async () => {
    const app = await openApp({ role: 'supervisor', query: QUERY, hash: '#/office', viewport: OFFICE });
    try {
      const { page } = app;
      // Listen from a fresh load on, so Leaflet's own loading is watched too.
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.reload();
      await page.locator('[data-testid=office-map].leaflet-container').waitFor();
      await page.locator('path.catchment').first().waitFor();
      await settle(page);

      const data = await held(page);
      const week = await thisWeek(page);
      const contacts = data.encounters.filter((e) => e.kind !== 'attempted' && within(e.at_utc, week));
      const located = contacts.filter((e) => e.lat !== null && e.lon !== null);
      expect(located.length, 'the demo seed has located contacts this week').toBeGreaterThan(0);

      expect(await page.locator('[data-testid=office-map] path.catchment').count()).toBeGreaterThan(0);
      expect(await page.locator('[data-testid=office-map] path.contact').count()).toBe(located.length);
      expect(await page.locator('[data-testid=map-unplaced]').getAttribute('data-count')).toBe(
        String(contacts.length - located.length),
      );
      // No tiles, no image icons: nothing but vector paths in the map.
      expect(await page.locator('[data-testid=office-map] .leaflet-tile-pane img').count()).toBe(0);
      expect(await page.locator('[data-testid=office-map] .leaflet-marker-pane img').count()).toBe(0);

      // Every point lies inside the map's box (the view fits catchment and points).
      const box = await page.locator('[data-testid=office-map]').boundingBox();
      const inside = await page.locator('[data-testid=office-map] path.contact').evaluateAll((paths, b) => {
        if (!b) return false;
        return paths.every((p) => {
          const r = p.getBoundingClientRect();
          const x = r.x + r.width / 2;
          const y = r.y + r.height / 2;
          return x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height;
        });
      }, box);
      expect(inside).toBe(true);

      // No person's name on the map, not even in a marker's popup.
      await page.locator('[data-testid=office-map] path.contact').first().click({ force: true });
      await page.locator('.leaflet-popup-content').waitFor();
      const mapText = await page.locator('[data-testid=office-map]').innerText();
      expect(mapText.length).toBeGreaterThan(0);
      for (const p of data.persons) {
        for (const name of [p.display_name, p.name, ...p.aliases]) {
          if (name) expect(mapText, `the map shows ${name}`).not.toContain(name);
        }
      }

      const outside = requests.filter((url) => {
        const u = new URL(url);
        return !(u.protocol === 'data:' || u.protocol === 'blob:' || u.hostname === '127.0.0.1');
      });
      expect(outside).toEqual([]);
      expect(requests.length).toBeGreaterThan(0);

      await page.keyboard.press('Escape');
      await page.locator('.leaflet-popup-close-button').click().catch(() => undefined);
      await shot(page, 'office');
    } finally {
      await app.close();
    }
  });

  it("counts this week's contacts, people, supplies and referrals as the device holds them", async () => {
    const app = await openOffice();
    try {
      const { page } = app;
      const data = await held(page);
      const week = await thisWeek(page);
      const merged = new Map(data.persons.map((p) => [p.id, p.merged_into]));
      const kept = (id: string) => {
        let current = id;
        for (let i = 0; i < 10 && merged.get(current); i++) current = merged.get(current) as string;
        return current;
      };
      const contacts = data.encounters.filter((e) => e.kind !== 'attempted' && within(e.at_utc, week));
      const given = (key: string) => contacts.reduce((n, e) => n + (e.services[key] ?? 0), 0);
      const expected = {
        contacts: contacts.length,
        unique: new Set(contacts.filter((e) => e.person_id).map((e) => kept(e.person_id as string))).size,
        anonymous: contacts.filter((e) => !e.person_id).length,
        newReferrals: data.referrals.filter((r) => within(r.created_at, week)).length,
        intakes: data.referrals.filter((r) => r.status === 'intake_complete' && within(r.status_at, week)).length,
        naloxone: given('naloxone'),
        strips: given('fentanyl_test_strips'),
      };
      expect(expected.contacts, 'the demo seed has contacts this week').toBeGreaterThan(0);

      expect(await text(page, 'count-contacts')).toBe(String(expected.contacts));
      expect(await text(page, 'count-unique')).toBe(String(expected.unique));
      expect(await text(page, 'count-anonymous')).toBe(String(expected.anonymous));
      expect(await text(page, 'count-new-referrals')).toBe(String(expected.newReferrals));
      expect(await text(page, 'count-intakes')).toBe(String(expected.intakes));
      expect(await page.locator('[data-testid=supply-naloxone]').getAttribute('data-count')).toBe(String(expected.naloxone));
      expect(await page.locator('[data-testid=supply-fentanyl_test_strips]').getAttribute('data-count')).toBe(
        String(expected.strips),
      );
      // Naloxone first, then test strips.
      const kinds = await page.locator('[data-testid=supplies] li').evaluateAll((li) => li.map((l) => l.dataset.testid));
      expect(kinds.slice(0, 2)).toEqual(['supply-naloxone', 'supply-fentanyl_test_strips']);
      // The screen says what a week is.
      expect(await text(page, 'period-range')).toContain('Monday to Sunday');

      // The last 30 days hold at least this week's contacts up to now, and the map follows.
      await page.locator('[data-testid=period-last_30_days]').click();
      const month = { start: Date.parse(NOW) - 30 * 86_400_000, end: Date.parse(NOW) };
      const monthContacts = data.encounters.filter((e) => e.kind !== 'attempted' && within(e.at_utc, month));
      await expect
        .poll(() => text(page, 'count-contacts'))
        .toBe(String(monthContacts.length));
      expect(await page.locator('[data-testid=office-map] path.contact').count()).toBe(
        monthContacts.filter((e) => e.lat !== null && e.lon !== null).length,
      );
      expect(await text(page, 'period-range')).toContain('Counted back from now');
    } finally {
      await app.close();
    }
  });

  it('lists every referral, open ones by days left, closed ones (an expired one too) after', async () => {
    const app = await openOffice();
    try {
      const { page } = app;
      const { referrals } = await held(page);
      const week = await thisWeek(page);
      const open = referrals
        .filter((r) => r.days_left !== null)
        .sort((a, b) => (a.days_left as number) - (b.days_left as number) || Date.parse(a.created_at) - Date.parse(b.created_at));
      const rows = page.locator('[data-testid=queue-row]');
      expect(await rows.count()).toBe(referrals.length);
      const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
      expect(ids.slice(0, open.length)).toEqual(open.map((r) => r.id));
      const days = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-days-left')));
      expect(days.slice(open.length).every((d) => d === '')).toBe(true);

      // Past its intake deadline a referral reads as expired (referral.rs
      // `effective_status`): closed, never "overdue" on the open list.
      const expired = referrals.filter((r) => r.status === 'expired');
      expect(expired.length, 'the demo seed has a referral past its deadline').toBeGreaterThan(0);
      expect(open.every((r) => (r.days_left as number) > 0)).toBe(true);
      expect(await page.locator('[data-testid=queue-row][data-overdue=true]').count()).toBe(0);
      const late = page.locator(`[data-testid=queue-row][data-id="${expired[0]?.id}"]`);
      expect(await late.getAttribute('data-days-left')).toBe('');
      expect(await late.innerText()).toContain('Expired');

      // Each row: name, pathway, date, days left, status, eligibility; unsynced ones marked.
      const first = open[0] as ReferralView;
      const firstRow = rows.first();
      expect(await firstRow.innerText()).toContain(first.display_name ?? first.person_id);
      expect(await page.locator('[data-testid=queue-row] [data-testid=not-synced]').count()).toBe(
        referrals.filter((r) => r.pending_sync).length,
      );
      // A referral made on this device shows, marked as not yet synced, after a refresh.
      const made = await page.evaluate(async () => {
        const fake = (window as unknown as { __waymark: Platform }).__waymark;
        return fake.referralCreate({ pathway: 'community', name: 'Office Test Person', lat: 47.605, lon: -122.335 });
      });
      await page.locator('[data-testid=office-refresh]').click();
      const mine = page.locator(`[data-testid=queue-row][data-id="${made.id}"]`);
      await mine.waitFor();
      expect(await mine.locator('[data-testid=not-synced]').count()).toBe(1);
      expect(await mine.innerText()).toContain('Office Test Person');
      expect(await mine.innerText()).toContain('Community');
      expect(await text(page, 'count-new-referrals')).toBe(
        String(referrals.filter((r) => within(r.created_at, week)).length + 1),
      );
      expect(await page.locator('[data-testid=office-queue] th').allInnerTexts()).toEqual([
        'Name',
        'Pathway',
        'Referred',
        'Days left',
        'Status',
        'Eligibility',
      ]);
    } finally {
      await app.close();
    }
  });

  it('counts active and referred persons per case manager, largest first, and sorts by name', async () => {
    const app = await openOffice();
    try {
      const { page } = app;
      const { persons } = await held(page);
      const totals = new Map<string, number>();
      for (const p of persons) {
        if (p.merged_into || !['active', 'referred'].includes(p.status)) continue;
        const key = p.case_manager?.trim() ?? '';
        totals.set(key, (totals.get(key) ?? 0) + 1);
      }
      expect(totals.size, 'the demo seed has case managers').toBeGreaterThan(1);
      const rows = page.locator('[data-testid=caseload-row]');
      const shown = await rows.evaluateAll((trs) =>
        trs.map((tr) => [tr.getAttribute('data-manager') ?? '', Number(tr.getAttribute('data-total'))] as const),
      );
      expect(new Map(shown)).toEqual(totals);
      const counts = shown.map(([, n]) => n);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      if (totals.has('')) expect(await page.locator('[data-testid=caseload]').innerText()).toContain('No case manager');

      await page.locator('[data-testid=caseload-sort-manager]').click();
      const names = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-manager') ?? ''));
      const named = names.filter((n) => n !== '');
      expect(named).toEqual([...named].sort((a, b) => a.localeCompare(b)));
      if (totals.has('')) expect(names.at(-1)).toBe('');
    } finally {
      await app.close();
    }
  });

  it('shows an empty team plainly: zeros, the catchment, no markers', async () => {
    const app = await openApp({ role: 'supervisor', query: { now: NOW, seed: 'empty' }, hash: '#/office', viewport: OFFICE });
    try {
      const { page } = app;
      await page.locator('[data-testid=office-map].leaflet-container').waitFor();
      await page.locator('[data-testid=count-contacts]').waitFor();
      expect(await text(page, 'count-contacts')).toBe('0');
      expect(await page.locator('[data-testid=supply-naloxone]').getAttribute('data-count')).toBe('0');
      expect(await page.locator('[data-testid=office-map] path.contact').count()).toBe(0);
      expect(await page.locator('[data-testid=map-unplaced]').getAttribute('data-count')).toBe('0');
      const team = await page.evaluate(() => (window as unknown as { __waymark: Platform }).__waymark.team());
      if (team.catchment) expect(await page.locator('[data-testid=office-map] path.catchment').count()).toBeGreaterThan(0);
      else await page.locator('[data-testid=map-no-catchment]').waitFor();
      await page.locator('[data-testid=queue-empty]').waitFor();
      await page.locator('[data-testid=caseload-empty]').waitFor();
    } finally {
      await app.close();
    }
  });

  it('stays readable in the dark theme', async () => {
    const app = await openOffice({ theme: 'dark' });
    try {
      const { page } = app;
      await page.locator('path.catchment').first().waitFor();
      const ratios = await page.evaluate(() => {
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
        const lum = ([r = 0, g = 0, b = 0]: number[]) => {
          const f = (v: number) => {
            const s = v / 255;
            return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
          };
          return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
        };
        const background = (el: Element | null): number[] => {
          for (let e = el; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length >= 3 && (c[3] === undefined || c[3] > 0.5)) return c;
          }
          return [255, 255, 255];
        };
        const contrast = (el: Element) => {
          const a = lum(rgb(getComputedStyle(el).color));
          const b = lum(background(el));
          return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        };
        const pick = [
          'h1',
          '[data-testid=count-contacts]',
          '[data-testid=supply-naloxone]',
          '[data-testid=map-legend] li',
          '[data-testid=queue-row] td',
          '[data-testid=queue-row][data-days-left=""] td',
          '[data-testid=queue-row] a',
          '[data-testid=caseload-row] th',
          '[data-testid=caseload-sort-total]',
          '[data-testid=period-this_week]',
        ];
        return Object.fromEntries(
          pick.map((sel) => {
            const el = document.querySelector(sel);
            return [sel, el ? contrast(el) : 0];
          }),
        );
      });
      for (const [sel, ratio] of Object.entries(ratios)) expect(ratio, sel).toBeGreaterThanOrEqual(4.5);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      // The map's plain background follows the theme too.
      const mapBg = await page.locator('[data-testid=office-map]').evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(mapBg).toBe('rgb(26, 26, 26)');
      await shot(page, 'office-dark');
    } finally {
      await app.close();
    }
  });

  it('stacks the same content on a phone for a supervisor', async () => {
    const app = await openOffice({ viewport: PHONE });
    try {
      const { page } = app;
      await page.locator('path.catchment').first().waitFor();
      expect(await page.locator('[data-testid=tab-office]').isVisible()).toBe(true);
      const top = async (sel: string) => (await page.locator(sel).first().boundingBox())?.y ?? -1;
      const order = [
        await top('[data-testid=count-contacts]'),
        await top('[data-testid=office-map]'),
        await top('[data-testid=queue-row]'),
        await top('[data-testid=caseload]'),
      ];
      expect(order).toEqual([...order].sort((a, b) => a - b));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // The queue's columns become labelled lines on a phone: no header row shown.
      expect(await page.locator('[data-testid=office-queue] thead').isVisible()).toBe(false);
      await shot(page, 'office-phone');
    } finally {
      await app.close();
    }
  });
});
