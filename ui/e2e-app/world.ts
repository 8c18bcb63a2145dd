// The real end-to-end world: the real relay binary on 127.0.0.1, real `waymark` CLI
// devices, and the real Tauri app (debug build) under Xvfb, driven over WebDriver by
// tauri-driver + WebKitWebDriver. Binaries come from the shared cargo target folder.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { remote } from 'webdriverio';

const run = promisify(execFile);

export const BIN_DIR = resolve(
  process.env.WAYMARK_BIN_DIR ?? join(process.env.CARGO_TARGET_DIR ?? resolve(import.meta.dirname, '../../target'), 'debug'),
);
export const PASSPHRASE = 'end to end passphrase';
const SCREENSHOTS = resolve(import.meta.dirname, '../../docs/screenshots');

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** Waits for `pattern` in a child's stdout; answers the first capture group. */
function waitFor(child: ChildProcess, pattern: RegExp, what: string, ms = 30_000): Promise<string> {
  return new Promise((done, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`${what}: no ${pattern} within ${ms} ms; saw: ${seen}`)), ms);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        done(match[1] ?? match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (seen += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${what} exited (${code}) early; saw: ${seen}`));
    });
  });
}

async function until(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface WorldOptions {
  /**
   * Serve HTTPS with a self-signed certificate for 127.0.0.1 made for the run (the
   * `openssl` CLI); the CLI supervisor enrolls with `--ca-cert`.
   */
  tls?: boolean;
}

/** The relay's TLS certificate and key, as files and the certificate's PEM text. */
export interface RelayCertificate {
  certFile: string;
  keyFile: string;
  pem: string;
}

/**
 * A self-signed certificate for 127.0.0.1 (and localhost), P-256, valid two days. It
 * says CA:FALSE: devices refuse a CA's certificate as the relay's own.
 */
export async function selfSignedCertificate(dir: string): Promise<RelayCertificate> {
  mkdirSync(dir, { recursive: true });
  const certFile = join(dir, 'relay-cert.pem');
  const keyFile = join(dir, 'relay-key.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-addext',
    'basicConstraints=critical,CA:FALSE',
  ]);
  return { certFile, keyFile, pem: readFileSync(certFile, 'utf8') };
}

export class World {
  readonly dir = mkdtempSync(join(tmpdir(), 'waymark-e2e-'));
  relayUrl = '';
  /** Where the app saves copies of exports (`WAYMARK_SAVE_DIR`, instead of the dialog). */
  readonly saveDir = join(this.dir, 'saved');
  /** The relay's certificate, with `tls`. */
  certificate: RelayCertificate | null = null;
  private children: ChildProcess[] = [];

  constructor(private readonly options: WorldOptions = {}) {}

  /** Starts the relay and makes a team whose supervisor is a CLI device. */
  async start(): Promise<void> {
    const args = ['serve', '--data', join(this.dir, 'relay'), '--listen', '127.0.0.1:0'];
    if (this.options.tls) {
      this.certificate = await selfSignedCertificate(join(this.dir, 'tls'));
      args.push('--tls-cert', this.certificate.certFile, '--tls-key', this.certificate.keyFile);
    }
    const relay = spawn(join(BIN_DIR, 'waymark-relay'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(relay);
    this.relayUrl = (await waitFor(relay, /listening on (\S+)/, 'relay')).trim();
    const team = await this.relayCli(['team', 'create', '--data', join(this.dir, 'relay'), '--name', 'E2E team', '--json']);
    const code = (JSON.parse(team) as { code: string }).code;
    const trust = this.certificate ? ['--ca-cert', this.certificate.certFile] : [];
    await this.cli('supervisor', ['enroll', '--relay', this.relayUrl, '--code', code, ...trust]);
  }

  async relayCli(args: string[]): Promise<string> {
    const { stdout } = await run(join(BIN_DIR, 'waymark-relay'), args);
    return stdout;
  }

  /** Runs the `waymark` CLI on the named device's store. */
  async cli(device: string, args: string[]): Promise<string> {
    const { stdout } = await run(join(BIN_DIR, 'waymark'), ['--data', join(this.dir, device), ...args], {
      env: { ...process.env, WAYMARK_PASSPHRASE: PASSPHRASE },
    });
    return stdout;
  }

  /** An invitation code for a new device of `role`, made by the supervisor. */
  async invite(role: string): Promise<string> {
    const out = await this.cli('supervisor', ['device', 'invite', '--role', role, '--label', `e2e ${role}`, '--json']);
    await this.cli('supervisor', ['sync']);
    return (JSON.parse(out) as { code: string }).code;
  }

  /** Starts the real app under Xvfb via tauri-driver; answers a WebDriver session. */
  async app(): Promise<WebdriverIO.Browser> {
    const port = await freePort();
    const nativePort = await freePort();
    const appData = join(this.dir, 'app');
    mkdirSync(appData, { recursive: true });
    mkdirSync(this.saveDir, { recursive: true });
    const driver = spawn(
      'xvfb-run',
      ['-a', '-s', '-screen 0 1280x1024x24', process.env.TAURI_DRIVER ?? 'tauri-driver', '--port', String(port), '--native-port', String(nativePort)],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WAYMARK_DATA: join(appData, 'store'), WAYMARK_SAVE_DIR: this.saveDir }, detached: true },
    );
    this.children.push(driver);
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/status`)).ok,
      'tauri-driver to listen',
      30_000,
    );
    return remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'error',
      capabilities: {
        browserName: 'wry',
        'wdio:enforceWebDriverClassic': true,
        'tauri:options': { application: join(BIN_DIR, 'waymark-app') },
      } as WebdriverIO.Capabilities,
    });
  }

  async stop(): Promise<void> {
    for (const child of this.children.reverse()) {
      try {
        // xvfb-run and tauri-driver start children of their own: end the whole group.
        if (child.pid && child.spawnargs[0] === 'xvfb-run') process.kill(-child.pid, 'SIGTERM');
        else child.kill('SIGTERM');
      } catch {
        // Already gone.
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The app's elements by `data-testid` (`el`), and the same once shown (`visible`),
 * in the session `current()` answers (set in `beforeAll`).
 */
export function testIds(current: () => WebdriverIO.Browser) {
  const el = (testid: string) => current().$(`[data-testid="${testid}"]`);
  const visible = async (testid: string, timeout = 20_000): Promise<WebdriverIO.Element> => {
    const element = await el(testid).getElement();
    await element.waitForDisplayed({ timeout, timeoutMsg: `${testid} not shown` });
    return element;
  };
  return { el, visible };
}

/**
 * Scrolls `element` to the middle of the window with the page's own `scrollIntoView`
 * (WebDriver scrolls an element only to the window's bottom edge, where the phone's
 * tab bar covers it, and WebKitWebDriver does not scroll for wheel actions).
 */
export async function scrollToCenter(browser: WebdriverIO.Browser, element: WebdriverIO.Element): Promise<void> {
  await browser.execute((el: HTMLElement) => el.scrollIntoView({ block: 'center' }), element as unknown as HTMLElement);
}

/** Clicks `element` once it is scrolled to the middle of the window. */
export async function clickCentered(browser: WebdriverIO.Browser, element: WebdriverIO.Element): Promise<void> {
  await scrollToCenter(browser, element);
  await element.click();
}

/** Two animation frames, then a screenshot into docs/screenshots/. */
export async function appShot(browser: WebdriverIO.Browser, name: string): Promise<void> {
  await browser.executeAsync((done: () => void) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  mkdirSync(SCREENSHOTS, { recursive: true });
  await browser.saveScreenshot(join(SCREENSHOTS, `${name}.png`));
}

export { until };
