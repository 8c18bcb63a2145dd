// The real app enrolling with a relay that serves HTTPS under its own, self-signed
// certificate for 127.0.0.1 (made for the run with openssl): the CLI supervisor enrolls
// with `--ca-cert` and invites an outreach device. In the app's first-run form, the
// code alone is refused with a clear message (the phone does not trust the relay's
// certificate) and nothing is used up; with the certificate pasted, the same code
// enrolls. A person added in the app then reaches the supervisor over TLS.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PASSPHRASE, World, appShot, clickCentered, testIds } from './world';

const world = new World({ tls: true });
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

interface Listed {
  id: string;
  display_name?: string;
}

it('refuses the relay without its certificate, then enrolls with it and syncs over TLS', async () => {
  const certificate = world.certificate;
  if (!certificate) throw new Error('the world has no relay certificate');
  expect(world.relayUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const code = await world.invite('outreach');

  await visible('first-run');
  await (await el('choose-enroll')).click();
  await (await visible('start-relay')).setValue(world.relayUrl);
  await (await el('start-code')).setValue(code);
  await (await el('start-pass')).setValue(PASSPHRASE);
  await (await el('start-pass2')).setValue(PASSPHRASE);

  // Without the certificate: refused, in words that say what to do.
  await (await el('start-submit')).click();
  const error = await visible('start-error', 30_000);
  const refusal = await error.getText();
  expect(refusal).toContain('This phone does not trust the relay’s certificate');
  expect(refusal).toContain('the invitation code was not used');
  expect(await error.getAttribute('role')).toBe('alert');
  // Still the first run: no store was made, and the certificate field is open.
  expect(await (await el('first-run')).isDisplayed()).toBe(true);
  expect(existsSync(join(world.dir, 'app', 'store', 'waymark.db'))).toBe(false);
  const field = await visible('start-ca');
  await error.scrollIntoView({ block: 'end' });
  await appShot(browser, 'app-enroll-certificate');

  // With the certificate pasted (its line breaks kept, as a paste does; WebDriver's
  // typing would drop them), the same code enrolls.
  await browser.execute((pem: string) => {
    const area = document.querySelector<HTMLTextAreaElement>('[data-testid="start-ca"]');
    if (!area) throw new Error('no certificate field');
    area.focus();
    area.value = pem;
    area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste', data: pem }));
  }, certificate.pem);
  expect((await field.getValue()).trim()).toBe(certificate.pem.trim());
  await (await el('start-submit')).click();
  await visible('new-person', 60_000);
  const relay = await (await el('sync-bar')).getText();
  expect(relay).not.toContain('relay cannot be reached');

  // A person added in the app reaches the supervisor's device (the CLI) by itself.
  await (await el('new-person')).click();
  await (await visible('np-name')).setValue('Tess Secure');
  await clickCentered(browser, await el('np-save').getElement());
  await visible('np-saved');

  let tess: Listed | undefined;
  const end = Date.now() + 60_000;
  while (!tess && Date.now() < end) {
    await world.cli('supervisor', ['sync']);
    const persons = JSON.parse(await world.cli('supervisor', ['person', 'list', '--json'])) as Listed[];
    tess = persons.find((p) => p.display_name === 'Tess Secure');
    if (!tess) await new Promise((r) => setTimeout(r, 1000));
  }
  expect(tess, 'the app synced the new person over TLS').toBeDefined();
  // And nothing of the app's is left waiting for the relay.
  await browser.waitUntil(
    async () => /:\s*0\s*$/.test(await (await el('pending')).getText()),
    { timeout: 30_000, timeoutMsg: 'the app never finished syncing' },
  );
});
