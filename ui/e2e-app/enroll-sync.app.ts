// The real app end to end: enroll the Tauri app with an invitation against a real
// relay on 127.0.0.1, add a person and log a contact by clicking through the real
// screens, sync, and see both arrive on the supervisor's device (the CLI); then a
// record made on the supervisor's device arrives in the app.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PASSPHRASE, World, appShot, clickCentered, testIds } from './world';

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

async function pendingCount(): Promise<number> {
  const text = await (await el('pending')).getText();
  return Number(/(\d+)\s*$/.exec(text)?.[1] ?? NaN);
}

interface Listed {
  id: string;
  display_name?: string;
  person_id?: string | null;
  services?: Record<string, number>;
}

it('enrolls, logs a contact, syncs, and the contact reaches another device', async () => {
  const code = await world.invite('outreach');

  await visible('first-run');
  await appShot(browser, 'app-first-run');
  await (await el('choose-enroll')).click();
  await (await visible('start-relay')).setValue(world.relayUrl);
  await (await el('start-code')).setValue(code);
  await (await el('start-pass')).setValue(PASSPHRASE);
  await (await el('start-pass2')).setValue(PASSPHRASE);
  await (await el('start-submit')).click();

  // Enrolled: the outreach home screen of the real app.
  await visible('new-person', 60_000);
  await appShot(browser, 'app-home');

  await (await el('new-person')).click();
  await (await visible('np-name')).setValue('Eve Sample');
  await (await el('np-description')).setValue('orange hat, end-to-end test');
  await clickCentered(browser, await el('np-save').getElement());
  await clickCentered(browser, await visible('np-log-now'));
  await visible('contact-save');
  await appShot(browser, 'app-contact');
  await (await el('contact-save')).click();

  // Nobody presses "Sync now": the app's background task syncs after a change.
  // The supervisor's device (the CLI) pulls until the new person and contact arrive.
  let eve: Listed | undefined;
  const end = Date.now() + 60_000;
  while (!eve && Date.now() < end) {
    await world.cli('supervisor', ['sync']);
    const persons = JSON.parse(await world.cli('supervisor', ['person', 'list', '--json'])) as Listed[];
    eve = persons.find((p) => p.display_name === 'Eve Sample');
    if (!eve) await new Promise((r) => setTimeout(r, 1000));
  }
  expect(eve, 'the app synced the new person by itself').toBeDefined();
  const contacts = JSON.parse(await world.cli('supervisor', ['encounter', 'list', '--person', eve?.id ?? '', '--json'])) as Listed[];
  expect(contacts).toHaveLength(1);
  expect(contacts[0]?.person_id).toBe(eve?.id);
  // The status bar agrees: nothing of this device's is waiting for the relay.
  await browser.waitUntil(async () => (await pendingCount()) === 0, { timeout: 30_000, timeoutMsg: 'pending never 0' });

  // And the other way: a person added on the supervisor's device reaches the app.
  await world.cli('supervisor', ['person', 'add', '--name', 'Frank Office', '--alias', 'Frankie', '--json']);
  await world.cli('supervisor', ['sync']);
  // "Sync now" pulls it at once.
  await (await el('sync-now')).click();
  await browser.waitUntil(async () => (await (await el('last-sync')).getText()).length > 0, { timeout: 30_000 });
  await (await el('tab-home')).click();
  await (await visible('home-search')).setValue('Frankie');
  await browser.waitUntil(async () => (await (await el('home-results')).getText()).includes('Frank Office'), {
    timeout: 20_000,
    timeoutMsg: 'the supervisor’s person did not reach the app',
  });
  await appShot(browser, 'app-search');
});
