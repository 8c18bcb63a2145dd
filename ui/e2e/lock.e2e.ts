// The app lock on Playwright's clock: the app locks after the team's idle
// time (5 minutes in the demo team) and activity keeps it open; wrong passphrases
// bring a growing lockout with a countdown and a warning, and the 10th erases the
// phone's data.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Platform, SessionView, UnlockState } from '../src/platform';
import { openApp, shot, type App, type OpenOptions } from './harness';

const START = new Date('2025-11-20T18:00:00Z');
/** The fake store's passphrase. */
const DEMO_PASSPHRASE = 'demo passphrase';

/**
 * Opens the app on Playwright's clock: installed, then the page loaded again, so the
 * app and its fake read the controlled time from the start (no fixed `now`).
 */
async function openOnClock(options: OpenOptions): Promise<App> {
  const app = await openApp(options);
  await app.page.clock.install({ time: START });
  await app.page.reload();
  return app;
}

function fake(page: Page) {
  return {
    session: () =>
      page.evaluate(() => (window as unknown as { __waymark: Platform }).__waymark.session()) as Promise<SessionView>,
    unlockState: () =>
      page.evaluate(() =>
        (window as unknown as { __waymark: Platform }).__waymark.unlockState(),
      ) as Promise<UnlockState>,
  };
}

/** Types a wrong passphrase and waits until the device has counted it. */
async function wrongPassphrase(page: Page, failures: number): Promise<void> {
  await page.getByTestId('unlock-pass').fill('not the passphrase');
  await page.getByTestId('unlock-submit').tap();
  await expect.poll(async () => (await fake(page).unlockState()).failures).toBe(failures);
}

describe('idle lock', () => {
  it('locks after the team’s idle time and returns to the unlock screen', async () => {
    const app = await openOnClock({ role: 'outreach' });
    const { page } = app;
    try {
      await page.getByTestId('sync-bar').waitFor();
      await page.clock.fastForward('04:58');
      expect((await fake(page).session()).phase).toBe('unlocked');
      expect(await page.getByTestId('unlock').count()).toBe(0);

      await page.clock.fastForward('00:03');
      await page.getByTestId('unlock').waitFor();
      expect((await fake(page).session()).phase).toBe('locked');
      expect(await page.getByTestId('sync-bar').count()).toBe(0);

      // The passphrase opens it again, and the idle clock starts over.
      await page.getByTestId('unlock-pass').fill(DEMO_PASSPHRASE);
      await page.getByTestId('unlock-submit').tap();
      await page.getByTestId('sync-bar').waitFor();
      await page.clock.fastForward('04:00');
      expect((await fake(page).session()).phase).toBe('unlocked');
    } finally {
      await app.close();
    }
  });

  it('stays open while someone uses it', async () => {
    const app = await openOnClock({ role: 'outreach' });
    const { page } = app;
    try {
      await page.getByTestId('sync-bar').waitFor();
      for (let i = 0; i < 3; i++) {
        await page.clock.fastForward('04:00');
        // A key, a touch or a scroll each count as use.
        if (i === 0) await page.keyboard.press('Shift');
        if (i === 1) await page.touchscreen.tap(200, 400);
        // A list scrolling (scroll events do not bubble: the lock listens in the capture phase).
        if (i === 2) await page.evaluate(() => document.querySelector('main')?.dispatchEvent(new Event('scroll')));
      }
      // 12 minutes since opening, 4 since the last use: still open.
      await page.clock.fastForward('04:00');
      expect((await fake(page).session()).phase).toBe('unlocked');
      expect(await page.getByTestId('unlock').count()).toBe(0);

      await page.clock.fastForward('01:01');
      await page.getByTestId('unlock').waitFor();
    } finally {
      await app.close();
    }
  });
});

describe('lockout', () => {
  it('counts down after the 5th wrong passphrase, with the button disabled and the erasing warned of', async () => {
    const app = await openOnClock({ role: 'outreach', phase: 'locked' });
    const { page } = app;
    try {
      await page.getByTestId('unlock').waitFor();
      for (let n = 1; n <= 4; n++) await wrongPassphrase(page, n);
      expect(await page.getByTestId('unlock-warning').count()).toBe(0);
      expect(await page.getByTestId('unlock-wait').count()).toBe(0);

      await wrongPassphrase(page, 5);
      const wait = page.getByTestId('unlock-wait');
      await wait.waitFor();
      expect(await wait.innerText()).toBe('Too many wrong passphrases. You can try again in 0:30.');
      const submit = page.getByTestId('unlock-submit');
      expect(await submit.isDisabled()).toBe(true);
      expect(await submit.innerText()).toBe('Wait 0:30');
      const warning = page.getByTestId('unlock-warning');
      expect(await warning.innerText()).toBe(
        'Warning: 5 more wrong passphrases will erase all the data on this phone for good. It cannot be undone.',
      );
      expect(await warning.getAttribute('role')).toBe('alert');
      // No "try again" while unlock is refused.
      expect(await page.getByTestId('unlock-error').innerText()).toBe('Wrong passphrase.');
      await shot(page, 'unlock-lockout');

      // Enter does not get round the disabled button.
      await page.getByTestId('unlock-pass').fill(DEMO_PASSPHRASE);
      await page.getByTestId('unlock-pass').press('Enter');
      await page.clock.fastForward('00:10');
      await expect.poll(() => wait.innerText()).toBe('Too many wrong passphrases. You can try again in 0:20.');
      expect((await fake(page).session()).phase).toBe('locked');

      await page.clock.fastForward('00:21');
      await expect.poll(() => submit.isDisabled()).toBe(false);
      expect(await wait.count()).toBe(0);
      expect(await submit.innerText()).toBe('Unlock');
      await submit.tap();
      await page.getByTestId('sync-bar').waitFor();
      expect((await fake(page).unlockState()).failures).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('erases the data at the 10th wrong passphrase, says so, and starts over', async () => {
    const app = await openOnClock({ role: 'outreach', phase: 'locked' });
    const { page } = app;
    try {
      await page.getByTestId('unlock').waitFor();
      for (let n = 1; n <= 9; n++) {
        await wrongPassphrase(page, n);
        const { wait_seconds } = await fake(page).unlockState();
        if (wait_seconds > 0) await page.clock.fastForward(wait_seconds * 1000);
        await expect.poll(() => page.getByTestId('unlock-submit').isDisabled()).toBe(false);
      }
      expect(await page.getByTestId('unlock-warning').innerText()).toContain('Last chance');

      await page.getByTestId('unlock-pass').fill('still not it');
      await page.getByTestId('unlock-submit').tap();
      const wiped = page.getByTestId('unlock-wiped');
      await wiped.waitFor();
      expect(await wiped.innerText()).toContain('The data on this phone was erased');
      expect((await fake(page).session()).phase).toBe('new');

      await page.getByTestId('unlock-start-again').tap();
      await page.getByTestId('first-run').waitFor();
    } finally {
      await app.close();
    }
  });
});
