// Device administration in the real app: a supervisor's app, enrolled with a real
// relay, invites a device; the code it shows enrolls a `waymark` CLI device, which the
// app then lists as active. Revoking it from the app shuts it out (its next sync exits
// 4 and erases its store) and renews the team's keys: the CLI supervisor syncs on at
// key epoch 2, and its audit log holds the app's revocation.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PASSPHRASE, World, appShot, clickCentered, scrollToCenter, testIds } from './world';

const world = new World();
let browser: WebdriverIO.Browser;

beforeAll(async () => {
  await world.start();
  browser = await world.app();
});

afterAll(async () => {
  await browser?.deleteSession().catch(() => undefined);
  await world.stop();
});

const { el, visible } = testIds(() => browser);
const row = (label: string) => browser.$(`//tr[@data-testid="device-row"][contains(., "${label}")]`);

/** `testid`, scrolled clear of the phone's tab bar (which stays at the bottom). */
async function centered(testid: string): Promise<WebdriverIO.Element> {
  const element = await visible(testid, 30_000);
  await scrollToCenter(browser, element);
  return element;
}

/** The CLI's exit code for `args` on `device` (0 when it succeeded). */
async function exitCode(device: string, args: string[]): Promise<number> {
  try {
    await world.cli(device, args);
    return 0;
  } catch (error) {
    return Number((error as { code?: unknown }).code ?? -1);
  }
}

interface AuditEntry {
  action: string;
  record: string;
  device_id: string;
}

it('invites a device whose code enrolls it, then revokes it and renews the keys', async () => {
  // The app enrolls as a second supervisor device.
  const code = await world.invite('supervisor');
  await visible('first-run');
  await (await el('choose-enroll')).click();
  await (await visible('start-relay')).setValue(world.relayUrl);
  await (await el('start-code')).setValue(code);
  await (await el('start-pass')).setValue(PASSPHRASE);
  await (await el('start-pass2')).setValue(PASSPHRASE);
  await (await el('start-submit')).click();
  await visible('sync-now', 60_000);

  // Team devices: a tab at office width, from the office on a phone.
  const tab = await el('tab-devices');
  if ((await tab.isExisting()) && (await tab.isDisplayed())) {
    await tab.click();
  } else {
    await (await visible('tab-office')).click();
    await (await visible('open-devices')).click();
  }
  await visible('devices-table', 30_000);

  // An invitation made in the app enrolls a CLI device.
  await (await centered('invite-role')).selectByAttribute('value', 'outreach');
  await (await centered('invite-label')).setValue('Field phone');
  await (await centered('invite-submit')).click();
  const shown = (await (await centered('invite-code')).getText()).trim();
  expect(shown).toMatch(/^[a-z2-7]+\.[a-z2-7]+\.[a-z2-7]+$/);
  const enrolled = JSON.parse(
    await world.cli('field', ['enroll', '--relay', world.relayUrl, '--code', shown, '--json']),
  ) as { device_id: string; role: string };
  expect(enrolled.role).toBe('outreach');
  await world.cli('field', ['sync']);

  // The app lists it as active once asked again.
  await (await centered('invite-done')).click();
  await (await centered('devices-refresh')).click();
  await browser.waitUntil(async () => (await row('Field phone').getAttribute('data-status')) === 'active', {
    timeout: 30_000,
    timeoutMsg: 'the enrolled device is not listed as active',
  });

  // Revoked from the app, after the confirmation.
  await clickCentered(browser, await row('Field phone').$('[data-testid="device-revoke"]').getElement());
  await visible('revoke-confirm');
  await appShot(browser, 'app-devices-revoke');
  await (await visible('revoke-yes')).click();
  const result = await visible('revoke-result', 30_000);
  expect(await result.getText()).toMatch(/Field phone is revoked\. The team’s keys are now epoch 2/);
  await browser.waitUntil(async () => (await row('Field phone').getAttribute('data-status')) === 'revoked', {
    timeout: 30_000,
  });

  // The revoked device is shut out at its next contact and erases its store.
  expect(await exitCode('field', ['sync'])).toBe(4);
  expect(existsSync(join(world.dir, 'field', 'waymark.db'))).toBe(false);

  // The CLI supervisor, still enrolled, syncs on with the new keys and reads the
  // app's revocation in the audit log (the app syncs it by itself).
  let entry: AuditEntry | undefined;
  let epoch = 0;
  const end = Date.now() + 60_000;
  while (!entry && Date.now() < end) {
    epoch = (JSON.parse(await world.cli('supervisor', ['sync', '--json'])) as { key_epoch: number }).key_epoch;
    const log = JSON.parse(await world.cli('supervisor', ['audit', '--json'])) as AuditEntry[];
    entry = log.find((e) => e.action === 'revoke' && e.record === enrolled.device_id);
    if (!entry) await new Promise((r) => setTimeout(r, 1000));
  }
  expect(entry, "the app's revocation reached the supervisor's audit log").toBeDefined();
  expect(epoch).toBe(2);
});
