// First run and unlock: enroll with an invitation code, start standalone,
// the passphrase rules said in words, the device's refusals shown, and unlock with a
// wrong then the right passphrase.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Platform, SessionView } from '../src/platform';
import { openApp, shot } from './harness';

const NOW = '2025-11-20T18:00:00Z';
/** The fake store's passphrase before a first run sets another. */
const DEMO_PASSPHRASE = 'demo passphrase';

async function session(page: Page): Promise<SessionView> {
  return page.evaluate(() => (window as unknown as { __waymark: Platform }).__waymark.session());
}

async function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
}

describe('first run', () => {
  it('takes the relay certificate for a relay with its own, and refuses one that is not PEM', async () => {
    const app = await openApp({ phase: 'new', query: { now: NOW, seed: 'demo' } });
    const { page } = app;
    try {
      await page.getByTestId('choose-enroll').tap();
      await page.getByTestId('start-relay').fill('https://relay.example.org:8443');
      await page.getByTestId('start-code').fill('ABCDEFGH.JKMNPQRS.TVWXYZ23');
      await page.getByTestId('start-pass').fill('correct horse');
      await page.getByTestId('start-pass2').fill('correct horse');
      await page.getByTestId('start-ca-toggle').tap();
      await page.getByTestId('start-ca').fill('not a certificate');
      await page.getByTestId('start-submit').tap();
      await expect.poll(() => page.getByTestId('start-error').innerText()).toContain(
        'What is pasted under “Relay certificate” is not a certificate.',
      );
      expect((await session(page)).phase).toBe('new');
    } finally {
      await app.close();
    }
  });

  it('enrolls with an invitation code: passphrase rules, the device refusing a code, then open', async () => {
    const app = await openApp({ phase: 'new', query: { now: NOW, seed: 'demo' } });
    const { page } = app;
    try {
      await page.getByTestId('first-run').waitFor();
      await shot(page, 'first-run');
      await page.getByTestId('choose-enroll').tap();
      await page.getByTestId('start-relay').fill('relay.example.org');
      await page.getByTestId('start-code').fill('not-a-code');

      // Too short.
      await page.getByTestId('start-pass').fill('short');
      await page.getByTestId('start-pass2').fill('short');
      await page.getByTestId('start-submit').tap();
      expect(await page.getByTestId('start-problem').innerText()).toBe(
        'The passphrase needs at least 8 characters.',
      );
      // Not the same twice.
      await page.getByTestId('start-pass').fill('correct horse');
      await page.getByTestId('start-pass2').fill('correct hose');
      await page.getByTestId('start-submit').tap();
      expect(await page.getByTestId('start-problem').innerText()).toBe('The two passphrases are not the same.');
      expect((await session(page)).phase).toBe('new');
      expect(await page.getByTestId('start-submit').isDisabled()).toBe(false);

      // Show/hide serves both fields.
      expect(await page.getByTestId('start-pass').getAttribute('type')).toBe('password');
      await page.getByTestId('start-pass-toggle').tap();
      expect(await page.getByTestId('start-pass').getAttribute('type')).toBe('text');
      expect(await page.getByTestId('start-pass2').getAttribute('type')).toBe('text');
      expect(await page.getByTestId('start-pass-toggle').getAttribute('aria-pressed')).toBe('true');
      await page.getByTestId('start-pass-toggle').tap();
      expect(await page.getByTestId('start-pass2').getAttribute('type')).toBe('password');

      // The device refuses the code: its reason is shown in words.
      await page.getByTestId('start-pass2').fill('correct horse');
      await page.getByTestId('start-submit').tap();
      const error = page.getByTestId('start-error');
      await error.waitFor();
      expect(await error.innerText()).toContain('Please check what you entered.');
      expect(await error.innerText()).toContain('invitation code');
      expect(await error.getAttribute('role')).toBe('alert');

      await page.getByTestId('start-code').fill('abcdefgh.ijklmnop');
      await page.getByTestId('start-submit').tap();
      await page.getByTestId('sync-bar').waitFor();
      const open = await session(page);
      expect(open.phase).toBe('unlocked');
      expect(open.status?.relay).toBe('https://relay.example.org');

      // The new passphrase is the one that unlocks.
      await page.getByTestId('more').tap();
      await page.getByTestId('lock').tap();
      await page.getByTestId('unlock-pass').fill('correct horse');
      await page.getByTestId('unlock-submit').tap();
      await page.getByTestId('sync-bar').waitFor();
    } finally {
      await app.close();
    }
  });

  it('starts standalone: role, name and passphrase, then the role’s screens', async () => {
    const app = await openApp({ phase: 'new', query: { now: NOW, seed: 'demo' } });
    const { page } = app;
    try {
      await page.getByTestId('choose-standalone').tap();
      await page.getByTestId('start-submit').tap();
      expect(await page.getByTestId('start-problem').innerText()).toBe('Choose your role.');
      await page.getByTestId('start-role-officer').tap();
      expect(await page.getByTestId('start-role-officer').isChecked()).toBe(true);
      await page.getByTestId('start-submit').tap();
      expect(await page.getByTestId('start-problem').innerText()).toBe('Enter your name.');
      await page.getByTestId('start-name').fill('Officer Ana Diaz');
      await page.getByTestId('start-pass').fill('a long passphrase');
      await page.getByTestId('start-pass2').fill('a long passphrase');
      await page.getByTestId('start-submit').tap();

      await page.getByTestId('tab-lookup').waitFor();
      const open = await session(page);
      expect(open.phase).toBe('unlocked');
      expect(open.status).toMatchObject({ role: 'officer', user_name: 'Officer Ana Diaz', relay: null });
      expect(await page.getByTestId('sync-bar').innerText()).toContain('Standalone device');
    } finally {
      await app.close();
    }
  });

  it('greets in Spanish', async () => {
    const app = await openApp({ phase: 'new', lang: 'es', query: { now: NOW } });
    const { page } = app;
    try {
      await page.getByTestId('first-run').waitFor();
      const text = await page.locator('body').innerText();
      expect(text).toContain('Bienvenido a Waymark');
      expect(text).toContain('Inscribirse con un código de invitación');
      expect(text).toContain('Empezar sin equipo (independiente)');
    } finally {
      await app.close();
    }
  });
});

describe('unlock', () => {
  it('refuses a wrong passphrase in words, then opens with the right one', async () => {
    const app = await openApp({ role: 'officer', phase: 'locked', query: { now: NOW, seed: 'demo' } });
    const { page } = app;
    try {
      await page.getByTestId('unlock').waitFor();
      await expect.poll(() => focusedTestId(page)).toBe('unlock-pass');
      await shot(page, 'unlock');

      await page.getByTestId('unlock-submit').tap();
      expect(await page.getByTestId('unlock-error').innerText()).toBe('Enter your passphrase.');

      await page.getByTestId('unlock-pass').fill('not the passphrase');
      await page.getByTestId('unlock-submit').tap();
      await expect.poll(() => page.getByTestId('unlock-error').innerText()).toBe('Wrong passphrase. Try again.');
      expect((await session(page)).phase).toBe('locked');
      expect(await focusedTestId(page)).toBe('unlock-pass');

      await page.getByTestId('unlock-pass').fill(DEMO_PASSPHRASE);
      await page.getByTestId('unlock-submit').tap();
      await page.getByTestId('tab-lookup').waitFor();
      expect((await session(page)).phase).toBe('unlocked');
      expect(await page.getByTestId('unlock').count()).toBe(0);
    } finally {
      await app.close();
    }
  });
});
