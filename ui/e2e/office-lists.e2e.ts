// The office's lists (supervisor, 1280×900): the duplicate review side by side — the
// reviewer keeps one record, takes the other's name, merges, and the pair is gone; "not
// the same person" removes another pair. The case-conference list for the police and
// the prosecutor shows only participants whose release covers both, counts the ones
// left off, and prints without the navigation. Follow-up lists a referral past its
// deadline as expired. Also: a supervisor's phone reaches the lists from the office,
// outreach has none of them, and the dark theme in Spanish.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ConferenceView, DuplicatePair, FollowupView, PersonView } from '../src/platform';
import type { FakePlatform } from '../src/platform/fake';
import { OFFICE, PHONE, openApp, shot, type App, type OpenOptions } from './harness';

/** A Wednesday evening in Seattle. */
const NOW = '2026-03-04T19:00:00Z';

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
  // The fake is made after an import: wait for it before calling it from a test.
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

async function personId(page: Page, name: string): Promise<string> {
  const list = await fake<PersonView[]>(page, (w, q) => w.personSearch(q), name);
  const found = list.find((p) => p.display_name === name);
  if (!found) throw new Error(`no demo person ${name}`);
  return found.id;
}

/** The review's pairs as the page lists them: each pair's two ids. */
async function listedPairs(page: Page): Promise<string[][]> {
  return page
    .getByTestId('dup-pair')
    .evaluateAll((els) => els.map((el) => [el.getAttribute('data-a') ?? '', el.getAttribute('data-b') ?? ''].sort()));
}

const pairOf = (x: string, y: string) => [x, y].sort();

describe('duplicate review', () => {
  it("compares a pair side by side, takes the duplicate's name, merges, and answers another pair", async () => {
    const app = await openAtNow({ hash: '#/duplicates' });
    const { page } = app;
    try {
      await page.getByTestId('dup-list').waitFor();
      expect(await page.getByTestId('tab-duplicates').getAttribute('aria-current')).toBe('page');
      const review = await fake<DuplicatePair[]>(page, (w) => w.duplicateReview());
      expect(review.length, 'the demo roster has likely pairs').toBeGreaterThanOrEqual(3);
      // Best first, each with the plain wording and the number.
      expect(await listedPairs(page)).toEqual(review.map((p) => [p.a.person.id, p.b.person.id].sort()));
      const scores = await page.getByTestId('dup-pair').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-score'))));
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      const levels = await page.getByTestId('dup-level').allInnerTexts();
      expect(levels[0]).toMatch(/^Likely the same person\s+score 1\.00$/);
      expect(levels.at(-1)).toMatch(/^Possibly the same person\s+score 0\.\d\d$/);

      // Jessie Cole and Jessica Cole, side by side.
      const [jessie, jessica, kayla] = [
        await personId(page, 'Jessie Cole'),
        await personId(page, 'Jessica Cole'),
        await personId(page, 'Kayla Brooks'),
      ];
      const pair = page.locator(`[data-testid=dup-pair][data-a="${[jessie, jessica].sort()[0]}"]`);
      await pair.click();
      expect(await pair.getAttribute('aria-pressed')).toBe('true');
      const jessieSide = jessie < jessica ? 'a' : 'b';
      const jessicaSide = jessieSide === 'a' ? 'b' : 'a';
      const cell = (field: string, side: string) => page.getByTestId(`dup-cell-${field}-${side}`);
      expect(await cell('name', jessieSide).innerText()).toBe('Jessie Cole');
      expect(await cell('name', jessicaSide).innerText()).toBe('Jessica Cole');
      expect(await cell('aliases', jessieSide).innerText()).toBe('Jess');
      expect(await cell('dob', jessicaSide).innerText()).toMatch(/^1991-03-08\b/);
      expect(await cell('dob', jessieSide).innerText()).toBe('none');
      expect(await cell('description', jessicaSide).innerText()).toContain('green backpack');
      expect(await cell('status', jessieSide).innerText()).toBe('Active');
      expect(await cell('case_manager', jessieSide).innerText()).toBe('Alex Kim · +1 206 555 0187');
      expect(await cell('contacts', jessieSide).innerText()).toBe('2');
      expect(await cell('contacts', jessicaSide).innerText()).toBe('0');
      expect(await cell('last_contact', jessicaSide).innerText()).toBe('Never');
      expect(await page.getByTestId('dup-row-name').getAttribute('data-differs')).toBe('true');
      expect(await page.getByTestId('dup-row-referrals').getAttribute('data-differs')).toBe('false');
      // The record with more history is kept by default, and its values are chosen.
      expect(await page.getByTestId(`dup-keep-${jessieSide}`).isChecked()).toBe(true);
      expect(await page.getByTestId(`dup-pick-name-${jessieSide}`).isChecked()).toBe(true);
      // What only the duplicate has is filled in: nothing to pick there.
      expect(await page.getByTestId(`dup-pick-dob-${jessicaSide}`).count()).toBe(0);
      expect(await cell('dob', jessicaSide).innerText()).toContain('Filled in');

      // The reviewer takes the duplicate's (formal) name.
      await page.getByTestId(`dup-pick-name-${jessicaSide}`).check();
      expect(await page.getByTestId('dup-merge').innerText()).toBe('Merge into Jessie Cole…');
      await shot(page, 'office-duplicates');

      // "Merge into …" asks first, showing the record as it will be; cancel changes nothing.
      await page.getByTestId('dup-merge').click();
      const confirm = page.getByTestId('dup-confirm');
      await confirm.waitFor();
      expect(await confirm.innerText()).toContain('Merge Jessica Cole into Jessie Cole?');
      expect(await page.getByTestId('dup-preview-name').innerText()).toBe('Jessica Cole');
      expect(await page.getByTestId('dup-preview').innerText()).toContain('Jess, Jessie Cole');
      await page.getByTestId('dup-confirm-no').click();
      expect(await confirm.count()).toBe(0);
      expect(((await fake(page, (w, id) => w.personShow(id), jessie)) as PersonView).name).toBe('Jessie Cole');
      await page.getByTestId('dup-merge').click();
      await page.getByTestId('dup-confirm-yes').click();

      // Done: the pair is gone, and the kept person shows the chosen name.
      const done = page.getByTestId('dup-done');
      await done.waitFor();
      expect(await done.innerText()).toContain('Merged: Jessica Cole and Jessie Cole are now one record, Jessica Cole.');
      await expect.poll(() => page.getByTestId('dup-pair').count()).toBe(review.length - 1);
      expect(await listedPairs(page)).not.toContainEqual(pairOf(jessie, jessica));
      const kept = (await fake(page, (w, id) => w.personShow(id), jessie)) as PersonView;
      expect(kept).toMatchObject({ name: 'Jessica Cole', aliases: ['Jess', 'Jessie Cole'], dob: '1991-03-08' });
      expect(((await fake(page, (w, id) => w.personShow(id), jessica)) as PersonView).id).toBe(jessie);

      // "Not the same person": the two Kayla Brooks are different women.
      const kaylas = (await listedPairs(page)).find((p) => p.includes(kayla)) as string[];
      await page.locator(`[data-testid=dup-pair][data-a="${kaylas[0]}"][data-b="${kaylas[1]}"]`).click();
      await page.getByTestId('dup-not-same').click();
      await expect.poll(() => page.getByTestId('dup-done').innerText()).toContain(
        'Noted: Kayla Brooks and Kayla Brooks are not the same person.',
      );
      await expect.poll(() => page.getByTestId('dup-pair').count()).toBe(review.length - 2);
      expect(await listedPairs(page)).not.toContainEqual(kaylas);
      expect((await fake<DuplicatePair[]>(page, (w) => w.duplicateReview())).length).toBe(review.length - 2);
      // The answer stays after a reload of the list.
      await page.getByTestId('dup-refresh').click();
      expect(await listedPairs(page)).not.toContainEqual(kaylas);

      // The kept person's page shows the chosen name, the old one as an alias.
      await page.locator('[data-testid=dup-pair]').first().waitFor();
      await page.evaluate((id) => (location.hash = `#/person/${id}`), jessie);
      await expect.poll(() => page.getByTestId('person-name').innerText()).toBe('Jessica Cole');
      expect(await page.getByTestId('person-aliases').innerText()).toContain('Jessie Cole');
    } finally {
      await app.close();
    }
  });

  it('opens the kept person from the message after a merge', async () => {
    const app = await openAtNow({ hash: '#/duplicates' });
    const { page } = app;
    try {
      await page.getByTestId('dup-compare').waitFor();
      await page.getByTestId('dup-merge').click();
      await page.getByTestId('dup-confirm-yes').click();
      await page.getByTestId('dup-open-kept').click();
      await page.getByTestId('person-name').waitFor();
      expect(await page.getByTestId('person-name').innerText()).toBe('Kayla Brooks');
      // The record with more history kept; the other's contact and referral moved to it.
      const id = await page.evaluate(() => location.hash.split('/').pop() ?? '');
      const contacts = await fake<unknown[]>(page, (w, i) => w.encounterList(i), id);
      expect(contacts.length).toBe(3);
    } finally {
      await app.close();
    }
  });
});

describe('case conference', () => {
  it('lists only participants whose consent covers everyone present, counts the rest, and prints cleanly', async () => {
    const app = await openAtNow({ hash: '#/conference' });
    const { page } = app;
    try {
      // Rosa signs a release that covers the police and the prosecutor.
      const rosa = await personId(page, 'Rosa Martinez');
      await fake(page, (w, id) => w.consentAdd({ person: id, parties: ['law_enforcement', 'prosecutor'] }), rosa);
      await page.getByTestId('conf-refresh').click();
      await page.getByTestId('conf-table').waitFor();

      // The police alone (the default): every marked participant with a police release.
      const police = await fake<ConferenceView>(page, (w) => w.conferenceList(['law_enforcement']));
      const names = () => page.locator('[data-testid=conf-row] .name').allInnerTexts();
      expect(await names()).toEqual(police.persons.map((p) => p.display_name));
      expect(await page.getByTestId('conf-party-law_enforcement').isChecked()).toBe(true);
      // The last party present cannot be unchecked.
      expect(await page.getByTestId('conf-party-law_enforcement').isDisabled()).toBe(true);

      // The police and the prosecutor: only Rosa; the others are a count, not names.
      await page.getByTestId('conf-party-prosecutor').check();
      await page.locator('[data-testid=conf-list][data-parties="law_enforcement,prosecutor"]').waitFor();
      expect(await names()).toEqual(['Rosa Martinez']);
      const both = await fake<ConferenceView>(page, (w) => w.conferenceList(['law_enforcement', 'prosecutor']));
      expect(both.left_out).toBe(4);
      const leftOut = page.getByTestId('conf-left-out');
      expect(await leftOut.getAttribute('data-count')).toBe('4');
      expect(await leftOut.innerText()).toBe(
        '4 marked participants are left off: no release in force covers everyone present.',
      );
      for (const other of ['Michael Thompson', 'Denise Walker', 'Tina Nguyen', 'Samuel Okafor']) {
        expect(await page.getByTestId('conference').innerText()).not.toContain(other);
      }
      // Officer-safe fields only: name, status, case manager and phone.
      const row = page.getByTestId('conf-row');
      expect(await row.locator('td').allInnerTexts()).toEqual(['Rosa Martinez', 'Active', 'Sam Rivera', '+1 206 555 0142']);
      expect(await page.getByTestId('conf-count').innerText()).toBe('1 participant may be discussed');
      await shot(page, 'office-conference');

      // "Print" prints the page; on paper there is no navigation and no controls.
      await page.evaluate(() => {
        (window as unknown as { printed: number }).printed = 0;
        window.print = () => {
          (window as unknown as { printed: number }).printed += 1;
        };
      });
      await page.getByTestId('conf-print').click();
      expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
      expect(await page.getByTestId('nav').isVisible()).toBe(true);
      expect(await page.getByTestId('conf-print-head').isVisible()).toBe(false);
      await page.emulateMedia({ media: 'print' });
      expect(await page.getByTestId('nav').isVisible()).toBe(false);
      expect(await page.getByTestId('tab-conference').isVisible()).toBe(false);
      expect(await page.getByTestId('sync-bar').isVisible()).toBe(false);
      expect(await page.getByTestId('conf-parties').isVisible()).toBe(false);
      expect(await page.getByTestId('conf-controls').isVisible()).toBe(false);
      expect(await page.getByTestId('conf-table').isVisible()).toBe(true);
      expect(await page.getByTestId('conf-left-out').isVisible()).toBe(true);
      const head = page.getByTestId('conf-print-head');
      expect(await head.isVisible()).toBe(true);
      expect(await head.innerText()).toContain('Present: Law enforcement, Prosecutor');
      // The list takes the page's width: nothing is left beside it for a sidebar.
      const box = await page.getByTestId('conf-table').boundingBox();
      expect(box?.x ?? 999).toBeLessThan(50);
      await page.emulateMedia({ media: 'screen' });
      expect(await page.getByTestId('nav').isVisible()).toBe(true);
    } finally {
      await app.close();
    }
  });

  it("marks and unmarks a participant from the person page (the supervisor's toggle)", async () => {
    const app = await openAtNow({ hash: '#/home' });
    const { page } = app;
    try {
      const jessie = await personId(page, 'Jessie Cole');
      await page.evaluate((id) => (location.hash = `#/person/${id}`), jessie);
      const toggle = page.getByTestId('conference-toggle');
      await toggle.waitFor();
      expect(await toggle.isChecked()).toBe(false);
      await toggle.check();
      await expect.poll(() => page.getByTestId('conference-message').innerText()).toBe('Added to the case-conference list.');
      expect((await fake<{ ids: string[] }>(page, (w) => w.conferenceMarked())).ids).toContain(jessie);

      // On the list, she is left off for the police: she has signed no release.
      await page.getByTestId('tab-conference').click();
      await page.getByTestId('conf-list').waitFor();
      const police = await fake<ConferenceView>(page, (w) => w.conferenceList(['law_enforcement']));
      expect(police.left_out).toBe(2);
      await expect.poll(() => page.getByTestId('conf-left-out').getAttribute('data-count')).toBe('2');

      // Back on her page the toggle is on; taking her off takes her off.
      await page.evaluate((id) => (location.hash = `#/person/${id}`), jessie);
      await page.getByTestId('conference-toggle').waitFor();
      await expect.poll(() => page.getByTestId('conference-toggle').isChecked()).toBe(true);
      await page.getByTestId('conference-toggle').uncheck();
      await expect.poll(() => page.getByTestId('conference-message').innerText()).toBe('Taken off the case-conference list.');
      expect((await fake<{ ids: string[] }>(page, (w) => w.conferenceMarked())).ids).not.toContain(jessie);
    } finally {
      await app.close();
    }
  });
});

describe('follow-up', () => {
  it('lists an overdue referral as expired and a participant not seen for the team’s days', async () => {
    const app = await openAtNow({ hash: '#/followup' });
    const { page } = app;
    try {
      const expired = page.getByTestId('followup-referral');
      await expired.first().waitFor();
      const view = await fake<FollowupView>(page, (w) => w.followup());
      expect(await expired.count()).toBe(view.expired_referrals.length);
      const marcus = expired.filter({ hasText: 'Marcus Hill' });
      expect(await marcus.getAttribute('data-status')).toBe('expired');
      expect(await marcus.getByTestId('followup-referral-status').innerText()).toBe('Expired');
      expect(await marcus.innerText()).toContain('Arrest diversion');

      expect(await page.locator('#followup-inactive').innerText()).toBe('Not seen for 90 days or more');
      const kayla = page.getByTestId('followup-person');
      expect(await kayla.count()).toBe(view.inactive.length);
      expect(await kayla.first().innerText()).toContain('Kayla Brooks');
      expect(await kayla.first().getByTestId('followup-days').innerText()).toBe('120 days');
      expect(await kayla.first().innerText()).toContain('Alex Kim');

      // A tap on the row opens the person.
      await marcus.locator('td').nth(2).click();
      await expect.poll(() => page.getByTestId('person-name').innerText()).toBe('Marcus Hill');
      expect(await page.getByTestId('person-referrals').innerText()).toContain('Expired');
    } finally {
      await app.close();
    }
  });
});

describe('office lists on other devices', () => {
  it("are reached from the office on a supervisor's phone, and are not outreach's", async () => {
    const phone = await openAtNow({ hash: '#/office', viewport: PHONE });
    try {
      const { page } = phone;
      await page.getByTestId('office').waitFor();
      for (const tab of ['tab-duplicates', 'tab-conference', 'tab-followup']) {
        expect(await page.getByTestId(tab).count()).toBe(0);
      }
      await page.getByTestId('open-conference').click();
      await page.getByTestId('conf-list').waitFor();
      expect(await page.getByTestId('tab-office').getAttribute('aria-current')).toBe('page');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await page.evaluate(() => history.back());
      await page.getByTestId('open-duplicates').click();
      await page.getByTestId('dup-compare').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await page.evaluate(() => history.back());
      await page.getByTestId('open-followup').click();
      await page.getByTestId('followup-referral').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    } finally {
      await phone.close();
    }

    const outreach = await openAtNow({ role: 'outreach', hash: '#/duplicates' });
    try {
      const { page } = outreach;
      await page.getByTestId('office').waitFor();
      for (const tab of ['tab-duplicates', 'tab-conference', 'tab-followup']) {
        expect(await page.getByTestId(tab).count()).toBe(0);
      }
      expect(await page.getByTestId('duplicates').count()).toBe(0);
      const refused = await fake(page, (w) => w.duplicateReview().then(() => 'allowed', (e: { code: string }) => e.code));
      expect(refused).toBe('not_permitted');
      // No conference toggle on a person page either.
      const rosa = await personId(page, 'Rosa Martinez');
      await page.evaluate((id) => (location.hash = `#/person/${id}`), rosa);
      await page.getByTestId('person-name').waitFor();
      await page.getByTestId('timeline').waitFor();
      expect(await page.getByTestId('conference-toggle').count()).toBe(0);
    } finally {
      await outreach.close();
    }
  });

  it('are readable in the dark theme and in Spanish', async () => {
    const app = await openAtNow({ hash: '#/duplicates', theme: 'dark', lang: 'es' });
    const { page } = app;
    try {
      await page.getByTestId('dup-compare').waitFor();
      expect(await page.getByTestId('tab-duplicates').innerText()).toBe('Duplicados');
      expect(await page.locator('main h1').innerText()).toBe('Posibles duplicados');
      expect(await page.getByTestId('dup-level').first().innerText()).toContain('Probablemente la misma persona');
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
          'main h1',
          '[data-testid=dup-pair]',
          '[data-testid=dup-level] small',
          '[data-testid=dup-compare] th',
          '[data-testid=dup-compare] td',
          '[data-testid=dup-compare] .tag',
          '[data-testid=dup-compare] .badge',
          '[data-testid=dup-compare] .why',
          '[data-testid=dup-merge]',
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

      await page.getByTestId('tab-conference').click();
      await page.getByTestId('conf-table').waitFor();
      expect(await page.getByTestId('conf-count').innerText()).toBe('Se puede hablar de 4 participantes');
      expect(await page.getByTestId('conf-left-out').innerText()).toContain('1 participante marcado queda fuera');
      await page.getByTestId('tab-followup').click();
      await page.getByTestId('followup-referral').first().waitFor();
      expect(await page.getByTestId('followup-referral-status').first().innerText()).toBe('Vencida');
    } finally {
      await app.close();
    }
  });
});
