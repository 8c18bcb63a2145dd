// Reports and exports in the real app: a supervisor's phone enrolled with a real relay
// gets the team's records (made on another supervisor device, the CLI), shows this
// month's figures and charts from the device's report, and the exports write their
// files into `exports/<UTC time>-<kind>/` under the app's data folder, whose path the
// screen shows; "Save a copy" writes the HMIS export as one .zip.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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

async function text(testid: string): Promise<string> {
  return (await el(testid)).getText();
}

/** Painted pixels of a chart's canvas. */
async function painted(chart: string): Promise<number> {
  return browser.execute((id: string) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid=chart-${id}-canvas]`);
    const context = canvas?.getContext('2d');
    if (!canvas || !context || !canvas.width || !canvas.height) return 0;
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
    return n;
  }, chart);
}

it("shows this month's figures and writes the exports into the app's data folder", async () => {
  // The team's records, made on the CLI supervisor's device.
  const added = JSON.parse(await world.cli('supervisor', ['person', 'add', '--name', 'Rosa Sample', '--json'])) as {
    id: string;
  };
  const rosa = added.id;
  const services = ['--service', 'naloxone=2', '--service', 'fentanyl_test_strips=3'];
  const place = ['--lat', '47.6031', '--lon', '-122.3301'];
  await world.cli('supervisor', ['encounter', 'log', '--person', rosa, ...services, ...place, '--json']);
  // An anonymous contact: supplies only.
  const elsewhere = ['--lat', '47.61', '--lon', '-122.34'];
  await world.cli('supervisor', ['encounter', 'log', '--service', 'naloxone=1', ...elsewhere, '--json']);
  await world.cli('supervisor', ['referral', 'create', '--pathway', 'community', '--person', rosa, '--json']);
  await world.cli('supervisor', ['consent', 'add', '--person', rosa, '--party', 'hmis', '--json']);
  const code = await world.invite('supervisor');

  // The app enrolls as a second supervisor device and pulls the records.
  await visible('first-run');
  await (await el('choose-enroll')).click();
  await (await visible('start-relay')).setValue(world.relayUrl);
  await (await el('start-code')).setValue(code);
  await (await el('start-pass')).setValue(PASSPHRASE);
  await (await el('start-pass2')).setValue(PASSPHRASE);
  await (await el('start-submit')).click();
  await visible('sync-now', 60_000);
  await (await el('sync-now')).click();
  await browser.waitUntil(async () => (await text('last-sync')).length > 0, { timeout: 30_000 });

  // On a phone, Reports opens from the office.
  await (await visible('tab-office')).click();
  await (await visible('open-reports')).click();
  await visible('report-figures', 30_000);
  await (await el('quick-this_month')).click();
  await browser.waitUntil(async () => (await text('fig-contacts-value')) === '2', {
    timeout: 30_000,
    timeoutMsg: `contacts: ${await text('fig-contacts-value').catch(() => '?')}`,
  });
  expect(await text('fig-unique-value')).toBe('1');
  expect(await text('fig-anonymous-value')).toBe('1');
  expect(await text('fig-naloxone-value')).toBe('3');
  expect(await text('fig-test-strips-value')).toBe('3');
  expect(await text('fig-referrals-value')).toBe('1');
  for (const chart of ['weeks', 'supplies', 'pathway', 'outcome']) {
    await browser.waitUntil(async () => (await painted(chart)) > 500, {
      timeout: 20_000,
      timeoutMsg: `chart ${chart} not drawn`,
    });
  }
  await appShot(browser, 'app-reports');

  // Each export writes a new folder under the app's data folder and shows where.
  const exportsDir = join(world.dir, 'app', 'store', 'exports');
  const folderOf = async (kind: string): Promise<string> => {
    // Clear of the phone's tab bar, which stays at the bottom of the window.
    await clickCentered(browser, await el(`export-${kind}-button`).getElement());
    const shown = await visible(`export-${kind}-folder`, 30_000);
    return shown.getText();
  };

  const csv = await folderOf('csv');
  expect(dirname(csv)).toBe(exportsDir);
  expect(basename(csv)).toMatch(/^\d{8}T\d{6}Z-csv(-\d+)?$/);
  expect(readdirSync(csv).sort()).toEqual(['contacts.csv', 'services.csv']);
  const contacts = readFileSync(join(csv, 'contacts.csv'), 'utf8').split('\r\n');
  expect(contacts[0]).toBe(
    'contact_id,at,date,person_id,kind,services,living_situation,duration_minutes,lat,lon,author_device',
  );
  expect(contacts.filter(Boolean)).toHaveLength(3);
  expect(await text('export-csv-files')).toContain('contacts.csv');

  const hmis = await folderOf('hmis');
  expect(basename(hmis)).toMatch(/-hmis(-\d+)?$/);
  expect(readdirSync(hmis)).toEqual(expect.arrayContaining(['Export.csv', 'Client.csv', 'Enrollment.csv', 'Services.csv']));
  expect(readFileSync(join(hmis, 'Client.csv'), 'utf8')).toContain(',Rosa,,Sample,');
  expect(await text('export-hmis-done')).toContain('Clients: 1.');

  // "Save a copy" puts one .zip of the eight files where the user chooses (the native
  // save dialog is the OS's edge: this run's app saves into `world.saveDir`).
  await clickCentered(browser, await el('export-hmis-save').getElement());
  const saved = await visible('export-hmis-saved', 30_000);
  const zip = join(world.saveDir, `${basename(hmis)}.zip`);
  expect(await saved.getText()).toBe(`Copy saved: ${zip} (${readdirSync(hmis).length} files)`);
  const bytes = readFileSync(zip);
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
  for (const name of readdirSync(hmis)) {
    expect(bytes.includes(Buffer.from(name)), `${name} is in the .zip`).toBe(true);
  }

  const geo = await folderOf('geojson');
  const file = join(geo, 'contacts.geojson');
  expect(existsSync(file)).toBe(true);
  const collection = JSON.parse(readFileSync(file, 'utf8')) as { type: string; features: unknown[] };
  expect(collection.type).toBe('FeatureCollection');
  expect(collection.features).toHaveLength(2);
});
