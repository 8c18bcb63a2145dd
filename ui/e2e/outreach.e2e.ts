// The outreach worker's screens on a phone: the repeat contact in three taps
// from Home (saved for real, marked not yet synced), nearby persons nearest first, the
// follow-up queue by days left with intake completion, duplicate suggestions on New
// person, supplies-only contacts, Spanish and the dark theme.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { EncounterView, HomeView, PersonView, Platform, ReferralView } from '../src/platform';
import { TapCounter, openApp, settle, shot } from './harness';

/** A Thursday morning in Seattle (10:00 PST). */
const NOW = '2025-11-20T18:00:00Z';
/** 3rd Ave & Pine, where the demo contacts cluster. */
const HERE = '47.603,-122.333';
const [HERE_LAT, HERE_LON] = HERE.split(',').map(Number) as [number, number];

type Query = Record<string, string>;

async function openOutreach(hash: string, options: { lang?: 'en' | 'es'; theme?: 'light' | 'dark'; query?: Query } = {}) {
  const app = await openApp({
    role: 'outreach',
    lang: options.lang,
    theme: options.theme,
    query: { now: NOW, seed: 'demo', geo: HERE, ...options.query },
    hash,
  });
  await app.page.getByTestId('tab-home').waitFor();
  return app;
}

/** Calls the page's fake platform (`window.__waymark`). */
function fake<T>(page: Page, call: (w: Platform, arg: string) => Promise<T>, arg = ''): Promise<T> {
  return page.evaluate(
    ([source, a]) => {
      const w = (window as unknown as { __waymark: Platform }).__waymark;
      return (new Function('w', 'a', `return (${source})(w, a);`) as (w: Platform, a: string) => Promise<T>)(w, a);
    },
    [call.toString(), arg] as const,
  );
}

async function personId(page: Page, name: string): Promise<string> {
  const list = await fake<PersonView[]>(page, (w, q) => w.personSearch(q), name);
  const found = list.find((p) => p.display_name === name);
  if (!found) throw new Error(`no demo person ${name}`);
  return found.id;
}

async function texts(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).allInnerTexts();
}

/** Whether the element's centre is inside the viewport and it is what a tap there hits. */
async function onTop(page: Page, testId: string): Promise<boolean> {
  return page.getByTestId(testId).evaluate((el) => {
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    if (y < 0 || y > window.innerHeight) return false;
    const hit = document.elementFromPoint(x, y);
    return hit !== null && el.contains(hit);
  });
}

function metres(label: string): number {
  const m = /([\d.,]+)\s*(k?m)/.exec(label);
  if (!m) throw new Error(`no distance in "${label}"`);
  const n = Number((m[1] as string).replace(',', '.'));
  return m[2] === 'km' ? n * 1000 : n;
}

describe('repeat contact', () => {
  it('takes at most three taps from Home and is stored with time, place and services', async () => {
    const app = await openOutreach('#/home');
    const { page } = app;
    try {
      await page.getByTestId('home-nearby').waitFor();
      await shot(page, 'outreach-home');
      const rosa = await personId(page, 'Rosa Martinez');
      const before = await fake<EncounterView[]>(page, (w, id) => w.encounterList(id), rosa);
      const pendingBefore = (await fake(page, (w) => w.status())).pending;

      const taps = new TapCounter(page);
      // The nearest person is first: Rosa, last seen about 90 m from here.
      await taps.tap('[data-testid="home-nearby"] [data-testid="person-row"]:first-child [data-testid="contact-button"]');
      await taps.tap('[data-testid="service-naloxone"]');
      // Save is on screen without scrolling, not hidden under the tab bar.
      expect(await onTop(page, 'contact-save')).toBe(true);
      await taps.tap('[data-testid="contact-save"]');
      expect(taps.count).toBeLessThanOrEqual(3);

      // A clear confirmation, back on Home.
      await expect.poll(() => page.getByTestId('flash').innerText()).toContain('Saved: contact with Rosa Martinez');
      expect(page.url()).toMatch(/#\/home$/);
      await page.getByTestId('home-nearby').waitFor();

      // Stored for real: now, here, one naloxone kit, not yet synced.
      const after = await fake<EncounterView[]>(page, (w, id) => w.encounterList(id), rosa);
      expect(after.length).toBe(before.length + 1);
      const saved = after[0] as EncounterView;
      expect(saved.services).toEqual({ naloxone: 1 });
      expect(saved.kind).toBe('street');
      expect(Date.parse(saved.at_utc)).toBe(Date.parse(NOW));
      expect(saved.lat).toBeCloseTo(HERE_LAT, 5);
      expect(saved.lon).toBeCloseTo(HERE_LON, 5);
      expect(saved.pending_sync).toBe(true);
      expect((await fake(page, (w) => w.status())).pending).toBe(pendingBefore + 1);

      // The person page shows it first, with the not-yet-synced mark.
      await page
        .locator('[data-testid="home-nearby"] [data-testid="person-row"]:first-child [data-testid="person-open"]')
        .tap();
      const first = page.getByTestId('timeline').getByTestId('encounter').first();
      await first.waitFor();
      expect(await first.getAttribute('data-encounter-id')).toBe(saved.id);
      expect(await first.innerText()).toContain('Naloxone kit');
      expect(await first.getByTestId('pending').innerText()).toBe('Not yet synced');

      // The sheet itself, with counts (not saved): chips count up and down.
      await page.getByTestId('log-contact').tap();
      await expect.poll(() => page.getByTestId('contact-name').innerText()).toContain('Rosa Martinez');
      await page.getByTestId('service-naloxone').tap();
      await page.getByTestId('service-naloxone').tap();
      await page.getByTestId('service-water').tap();
      await page.getByTestId('service-hygiene_kit').tap();
      await page.getByTestId('service-minus-hygiene_kit').tap();
      expect(await page.getByTestId('service-count-naloxone').innerText()).toBe('2');
      expect(await page.getByTestId('service-count-hygiene_kit').count()).toBe(0);
      await expect.poll(() => page.getByTestId('contact-place').innerText()).toContain('Here (±10 m)');
      await page.getByTestId('contact-note').fill('Asked about the clinic van');
      await page.getByTestId('contact-note').blur();
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'outreach-contact');
    } finally {
      await app.close();
    }
  });

  it('saves with no services and no location, never waiting for one', async () => {
    const app = await openOutreach('#/home', { query: { geo: '' } });
    const { page } = app;
    try {
      await page.getByTestId('home-no-location').waitFor();
      const taps = new TapCounter(page);
      await taps.tap('[data-testid="home-recent"] [data-testid="contact-button"]');
      await expect.poll(() => page.getByTestId('contact-place').innerText()).toContain('No location');
      await expect.poll(() => page.getByTestId('contact-name').innerText()).not.toContain('Loading');
      const name = (await page.getByTestId('contact-name').innerText()).split('\n').pop() as string;
      const id = await personId(page, name.trim());
      await taps.tap('[data-testid="contact-save"]');
      expect(taps.count).toBe(2);
      await page.getByTestId('flash').waitFor();
      const saved = (await fake<EncounterView[]>(page, (w, p) => w.encounterList(p), id))[0] as EncounterView;
      expect(saved.services).toEqual({});
      expect(saved.lat).toBeNull();
      expect(saved.pending_sync).toBe(true);
    } finally {
      await app.close();
    }
  });
});

describe('a slow location fix', () => {
  it('does not hold up a save for more than about a second', async () => {
    const app = await openOutreach('#/home');
    const { page } = app;
    try {
      await page.getByTestId('home-nearby').waitFor();
      const red = await personId(page, 'Red');
      // From now on the phone never answers with a position.
      await page.evaluate(() => {
        (window as unknown as { __waymark: Platform }).__waymark.locate = () => new Promise(() => {});
      });
      await page.evaluate((id) => (location.hash = `#/contact/${id}`), red);
      await expect.poll(() => page.getByTestId('contact-place').innerText()).toContain('Finding location');
      const before = (await fake<EncounterView[]>(page, (w, id) => w.encounterList(id), red)).length;
      const started = Date.now();
      await page.getByTestId('service-food').tap();
      await page.getByTestId('contact-save').tap();
      await page.getByTestId('flash').waitFor();
      expect(Date.now() - started).toBeLessThan(3000);
      const list = await fake<EncounterView[]>(page, (w, id) => w.encounterList(id), red);
      expect(list.length).toBe(before + 1);
      expect(list[0]?.lat).toBeNull();
      expect(list[0]?.services).toEqual({ food: 1 });
    } finally {
      await app.close();
    }
  });
});

describe('home', () => {
  it('lists nearby persons nearest first with their distance, then recent ones', async () => {
    const app = await openOutreach('#/home');
    const { page } = app;
    try {
      await page.getByTestId('home-nearby').waitFor();
      const view = await fake<HomeView>(
        page,
        (w, here) => {
          const [lat, lon] = here.split(',').map(Number) as [number, number];
          return w.personHome({ lat, lon, accuracy_m: 10 }, null);
        },
        HERE,
      );
      const expected = [...view.nearby].sort((a, b) => (a.distance_m ?? 0) - (b.distance_m ?? 0));
      expect(expected.length).toBeGreaterThan(2);

      const rows = page.locator('[data-testid="home-nearby"] [data-testid="person-row"]');
      const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-person-id')));
      expect(ids).toEqual(expected.map((s) => s.person.id));
      const shown = (await texts(page, '[data-testid="home-nearby"] [data-testid="distance"]')).map(metres);
      expect(shown).toEqual([...shown].sort((a, b) => a - b));
      expect(shown[0]).toBe(90);
      expect(shown.every((m) => m <= 500)).toBe(true);

      // Recent ones are not repeated from Nearby.
      const recent = await page
        .locator('[data-testid="home-recent"] [data-testid="person-row"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-person-id')));
      expect(recent.length).toBeGreaterThan(0);
      expect(recent.filter((id) => ids.includes(id))).toEqual([]);

      // No match: "New person" carries what was typed.
      await page.getByTestId('home-search').fill('Zebediah');
      await page.getByTestId('home-no-results').waitFor();
      await page.getByTestId('new-person-from-search').tap();
      await expect.poll(() => page.getByTestId('np-name').inputValue()).toBe('Zebediah');
      await page.getByTestId('tab-home').tap();
      await page.getByTestId('home-nearby').waitFor();

      // Search by alias; the row opens the person page.
      await page.getByTestId('home-search').fill('preach');
      const result = page.getByTestId('home-results').getByTestId('person-row');
      await expect.poll(() => result.count()).toBe(1);
      expect(await result.innerText()).toContain('Marcus Hill');
      await result.getByTestId('person-open').tap();
      await expect.poll(() => page.getByTestId('person-name').innerText()).toBe('Marcus Hill');
    } finally {
      await app.close();
    }
  });

  it('is dark in the dark theme', async () => {
    const app = await openOutreach('#/home', { theme: 'dark' });
    const { page } = app;
    try {
      await page.getByTestId('home-nearby').waitFor();
      const [bg, fg] = await page.evaluate(() => {
        const style = getComputedStyle(document.body);
        return [style.backgroundColor, style.color];
      });
      const luminance = (rgb: string) => {
        const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number) as [number, number, number];
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      };
      expect(luminance(bg)).toBeLessThan(0.15);
      expect(luminance(fg)).toBeGreaterThan(0.85);
      // The person rows stay readable: light text on a dark card.
      const card = await page
        .locator('[data-testid="person-row"]')
        .first()
        .evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]);
      expect(luminance(card[0] as string)).toBeLessThan(0.2);
      expect(luminance(card[1] as string)).toBeGreaterThan(0.85);
      await shot(page, 'outreach-home-dark');
    } finally {
      await app.close();
    }
  });

  it('speaks Spanish', async () => {
    const app = await openOutreach('#/home', { lang: 'es' });
    const { page } = app;
    try {
      await page.getByTestId('home-nearby').waitFor();
      expect(await page.locator('h1').innerText()).toBe('Personas');
      expect(await texts(page, 'main h2')).toEqual(['Cerca', 'Recientes']);
      expect(await page.getByTestId('contact-button').first().innerText()).toBe('Contacto');
      expect(await page.getByTestId('new-person').innerText()).toContain('Persona nueva');
      expect(await page.getByTestId('home-search').getAttribute('placeholder')).toBe('Nombre, apodo o descripción');
      const main = await page.locator('main').innerText();
      for (const english of [/\bNearby\b/, /\bRecent\b/, /\bContact\b/, /\bNew person\b/, /\bSeen\b/, /\baway\b/]) {
        expect(main).not.toMatch(english);
      }
      await shot(page, 'outreach-home-es');

      await page.getByTestId('home-nearby').getByTestId('contact-button').first().tap();
      await expect.poll(() => page.getByTestId('contact-save').innerText()).toBe('Guardar contacto');
      expect(await page.getByTestId('contact-place').innerText()).toContain('Aquí');

      await page.getByTestId('tab-queue').tap();
      await page.getByTestId('queue-open').waitFor();
      expect(await page.locator('h1').innerText()).toBe('Cola de seguimiento');
      expect(await page.getByTestId('action-attempt').first().innerText()).toBe('Registrar intento');
      expect(await page.getByTestId('action-intake_complete').first().innerText()).toBe('Admisión completa');
      // Due later today; past its deadline, a referral is closed as expired ("Vencida").
      expect(await page.locator('main').innerText()).toMatch(/queda 1 día/);
      expect(await page.getByTestId('queue-closed').innerText()).toMatch(/Vencida/);
    } finally {
      await app.close();
    }
  });
});

describe('person page', () => {
  it('shows conflicts plainly, contacts, referrals, and takes notes and status changes', async () => {
    const app = await openOutreach('#/home');
    const { page } = app;
    try {
      const denise = await personId(page, 'Denise Walker');
      await page.evaluate((id) => (location.hash = `#/person/${id}`), denise);
      await page.getByTestId('person-name').waitFor();
      const conflict = page.getByTestId('conflict-description');
      await conflict.waitFor();
      const text = await conflict.innerText();
      expect(text).toContain('Two workers changed the description at the same time');
      expect(text).toContain('Tall, green army jacket, walks with a cane / Tall, green jacket, uses a walker now');
      await page.getByTestId('timeline').getByTestId('encounter').first().waitFor();
      expect(await page.getByTestId('timeline').getByTestId('encounter').count()).toBe(3);
      expect(await page.getByTestId('call').getAttribute('href')).toBe('tel:+12065550142');
      await shot(page, 'outreach-person');

      await page.getByTestId('note-text').fill('Asked about the walker; will bring a catalog.');
      await page.getByTestId('note-add').tap();
      await expect.poll(() => page.getByTestId('notes').innerText()).toContain('will bring a catalog');
      const notes = await fake(page, (w, id) => w.notes(id), denise);
      expect(notes.some((n) => n.text === 'Asked about the walker; will bring a catalog.')).toBe(true);

      await page.getByTestId('edit-toggle').tap();
      await page.getByTestId('edit-status').selectOption('inactive');
      await page.getByTestId('edit-save').tap();
      await expect.poll(() => page.getByTestId('person-status').innerText()).toBe('Inactive');
      const shown = (await fake(page, (w, id) => w.personShow(id), denise)) as PersonView;
      expect(shown.status).toBe('inactive');
      expect(shown.pending_sync).toBe(true);
      expect(await page.getByTestId('person-pending').innerText()).toBe('Not yet synced');

      // Its referrals, with the intake clock: Luis's is due later today; Marcus's deadline
      // passed two days ago, so it reads as expired (referral.rs `effective_status`).
      const luis = await personId(page, 'Luis Ortega');
      await page.evaluate((id) => (location.hash = `#/person/${id}`), luis);
      await expect.poll(() => page.getByTestId('person-referrals').innerText()).toContain('Social contact');
      expect(await page.getByTestId('person-referrals').innerText()).toContain('1 day left');
      const marcus = await personId(page, 'Marcus Hill');
      await page.evaluate((id) => (location.hash = `#/person/${id}`), marcus);
      await expect.poll(() => page.getByTestId('person-referrals').innerText()).toContain('Arrest diversion');
      expect(await page.getByTestId('person-referrals').innerText()).toContain('Expired');
      expect(await page.getByTestId('person-referrals').innerText()).not.toContain('overdue');
    } finally {
      await app.close();
    }
  });
});

describe('follow-up queue', () => {
  it('orders open referrals by days left, closed (and expired) after', async () => {
    const app = await openOutreach('#/queue');
    const { page } = app;
    try {
      await page.getByTestId('queue-open').waitFor();
      const referrals = await fake<ReferralView[]>(page, (w) => w.referralList());
      const open = referrals.filter((r) => r.days_left !== null);
      const items = page.locator('[data-testid="queue-open"] [data-testid="queue-item"]');
      const shown = await items.evaluateAll((els) =>
        els.map((e) => ({ id: e.getAttribute('data-referral-id'), days: Number(e.getAttribute('data-days-left')) })),
      );
      expect(shown.length).toBe(open.length);
      // Each shows its own days left, and they rise down the list.
      for (const s of shown) expect(s.days).toBe(open.find((r) => r.id === s.id)?.days_left);
      expect(shown.map((s) => s.days)).toEqual([...shown.map((s) => s.days)].sort((a, b) => a - b));
      // A referral past its intake deadline is expired, not overdue: it has left the
      // open list (the office reviews it under Follow-up). Due later today comes first.
      const labels = await texts(page, '[data-testid="queue-open"] [data-testid="queue-days"]');
      expect(labels[0]).toBe('1 day left');
      expect(labels.every((l) => !l.startsWith('overdue'))).toBe(true);
      const expired = referrals.filter((r) => r.status === 'expired');
      expect(expired.map((r) => r.display_name)).toEqual(['Marcus Hill']);
      const marcus = page.locator(`[data-testid="queue-closed"] [data-referral-id="${expired[0]?.id}"]`);
      expect(await marcus.getByTestId('queue-status').innerText()).toBe('Expired');

      // Closed ones after, under their heading.
      expect(await page.locator('main h2').innerText()).toBe('Closed');
      const closed = await page
        .locator('[data-testid="queue-closed"] [data-testid="queue-item"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-referral-id')));
      expect(closed.sort()).toEqual(
        referrals
          .filter((r) => r.days_left === null)
          .map((r) => r.id)
          .sort(),
      );
      await shot(page, 'outreach-queue');
    } finally {
      await app.close();
    }
  });

  it('logs an attempt, and intake complete closes the referral and makes the person active', async () => {
    const app = await openOutreach('#/queue');
    const { page } = app;
    try {
      await page.getByTestId('queue-open').waitFor();
      const tina = await personId(page, 'Tina Nguyen');
      const item = (name: string) => page.locator('[data-testid="queue-open"] [data-testid="queue-item"]', { hasText: name });

      await item('Tina Nguyen').getByTestId('action-attempt').tap();
      await expect.poll(() => item('Tina Nguyen').getByTestId('queue-message').innerText()).toContain('Attempt logged');
      const attempt = (await fake<EncounterView[]>(page, (w, id) => w.encounterList(id), tina))[0] as EncounterView;
      expect(attempt.kind).toBe('attempted');
      expect(attempt.pending_sync).toBe(true);

      const jbird = await personId(page, 'J-Bird');
      expect(((await fake(page, (w, id) => w.personShow(id), jbird)) as PersonView).status).toBe('referred');
      const card = item('J-Bird');
      await card.getByTestId('action-intake_complete').tap();
      // It asks once, as closing cannot be undone here.
      await card.getByTestId('confirm-yes').tap();
      await expect.poll(() => card.getAttribute('data-status')).toBe('intake_complete');
      expect(await card.getByTestId('queue-status').innerText()).toBe('Intake complete');
      expect(await card.getByTestId('queue-message').innerText()).toContain('J-Bird is now an active participant');
      expect(await card.getByTestId('action-attempt').count()).toBe(0);
      expect(((await fake(page, (w, id) => w.personShow(id), jbird)) as PersonView).status).toBe('active');

      // Declined needs the confirmation too; cancelling changes nothing.
      await item('Luis Ortega').getByTestId('action-declined').tap();
      await item('Luis Ortega').getByTestId('confirm-no').tap();
      expect(await item('Luis Ortega').getAttribute('data-status')).toBe('new');

      // On the next visit the completed referral is under Closed.
      await page.getByTestId('tab-home').tap();
      await page.getByTestId('tab-queue').tap();
      await page.getByTestId('queue-closed').waitFor();
      expect(await page.getByTestId('queue-closed').innerText()).toContain('J-Bird');
    } finally {
      await app.close();
    }
  });
});

describe('new person', () => {
  it('suggests someone already on the roster for a near-identical name', async () => {
    const app = await openOutreach('#/new-person');
    const { page } = app;
    try {
      const rosa = await personId(page, 'Rosa Martinez');
      await page.getByTestId('np-name').fill('Rosa Martines');
      const suggestion = page.getByTestId('np-suggestions').getByTestId('suggestion').first();
      await suggestion.waitFor();
      expect(await suggestion.getAttribute('data-person-id')).toBe(rosa);
      expect(await page.getByTestId('np-suggestions').innerText()).toContain('Is this someone already on the roster?');
      await shot(page, 'outreach-new-person');
      await suggestion.getByTestId('suggestion-open').tap();
      await expect.poll(() => page.getByTestId('person-name').innerText()).toBe('Rosa Martinez');
    } finally {
      await app.close();
    }
  });

  it('saves anyway, says plainly it is saved, shows the device duplicates, and logs a contact', async () => {
    const app = await openOutreach('#/home');
    const { page } = app;
    try {
      const rosa = await personId(page, 'Rosa Martinez');
      const before = (await fake<PersonView[]>(page, (w) => w.personList())).length;
      await page.getByTestId('new-person').tap();
      await page.getByTestId('np-name').fill('Rosa Martines');
      await page.getByTestId('np-aliases').fill('Rosie, Ro M');
      await page.getByTestId('np-dob').fill('1979');
      await page.getByTestId('np-description').fill('Grey braid, blue cart');
      await page.getByTestId('np-save').tap();
      await page.getByTestId('np-saved').waitFor();
      expect(await page.getByTestId('np-saved').innerText()).toContain('Saved: Rosa Martines is on the roster.');
      const dupes = page.getByTestId('np-duplicates');
      expect(await dupes.innerText()).toContain('already saved as a new record');
      expect(await dupes.getByTestId('np-duplicate-open').first().getAttribute('href')).toBe(`#/person/${rosa}`);

      const list = await fake<PersonView[]>(page, (w) => w.personList());
      expect(list.length).toBe(before + 1);
      const added = list.find((p) => p.name === 'Rosa Martines') as PersonView;
      expect(added.aliases).toEqual(['Rosie', 'Ro M']);
      expect(added.dob).toBe('1979');
      expect(added.pending_sync).toBe(true);

      await page.getByTestId('np-log-now').tap();
      await expect.poll(() => page.getByTestId('contact-name').innerText()).toContain('Rosa Martines');
      await page.getByTestId('contact-save').tap();
      // Back to the new person's page, with the contact on it.
      await expect.poll(() => page.getByTestId('person-name').innerText()).toBe('Rosa Martines');
      expect(await page.getByTestId('flash').innerText()).toContain('Saved: contact with Rosa Martines');
      expect(await page.getByTestId('timeline').getByTestId('encounter').count()).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('refuses an impossible date of birth and an empty person', async () => {
    const app = await openOutreach('#/new-person');
    const { page } = app;
    try {
      const before = (await fake<PersonView[]>(page, (w) => w.personList())).length;
      await page.getByTestId('np-save').tap();
      expect(await page.getByTestId('np-missing').innerText()).toContain('Give a name, an alias or a description');
      await page.getByTestId('np-name').fill('Test Person');
      await page.getByTestId('np-dob').fill('1980-02-30');
      await page.getByTestId('np-save').tap();
      expect(await page.getByTestId('np-dob-error').innerText()).toContain('YYYY-MM-DD');
      expect((await fake<PersonView[]>(page, (w) => w.personList())).length).toBe(before);
    } finally {
      await app.close();
    }
  });
});

describe('supplies only', () => {
  it('saves an anonymous contact with counts and counts today', async () => {
    const app = await openOutreach('#/home');
    const { page } = app;
    try {
      // The page's clock reads the fake's day, so "today" is the demo's today.
      await page.clock.setFixedTime(new Date(NOW));
      await page.getByTestId('tab-anonymous').tap();
      await expect.poll(() => page.getByTestId('anon-today').innerText()).toBe('Supply-only contacts today: 1');
      expect(await page.getByTestId('anon-save').isDisabled()).toBe(true);
      await page.getByTestId('service-naloxone').tap();
      await page.getByTestId('service-naloxone').tap();
      await page.getByTestId('service-fentanyl_test_strips').tap();
      expect(await page.getByTestId('service-count-naloxone').innerText()).toBe('2');
      await page.getByTestId('anon-save').tap();
      await expect.poll(() => page.getByTestId('anon-saved').innerText()).toContain('3 items given');
      await expect.poll(() => page.getByTestId('anon-today').innerText()).toBe('Supply-only contacts today: 2');
      // The chips are clear for the next person in line.
      expect(await page.getByTestId('service-count-naloxone').count()).toBe(0);
      await settle(page);

      const all = await fake<EncounterView[]>(page, (w) => w.encounterList(null));
      const saved = all.find((e) => e.person_id === null && e.pending_sync) as EncounterView;
      expect(saved.services).toEqual({ naloxone: 2, fentanyl_test_strips: 1 });
      expect(saved.lat).toBeCloseTo(HERE_LAT, 5);
    } finally {
      await app.close();
    }
  });
});
