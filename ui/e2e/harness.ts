// The browser tests' harness: Debian's Chromium driven by playwright-core, at a phone
// viewport (390×844) unless asked otherwise, against the built UI and its typed fake
// platform. `openApp` puts the fake's options in the query string (see
// src/platform/fake.ts `fakeFromParams`); `shot` saves a screenshot for the README.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const PHONE = { width: 390, height: 844 } as const;
export const OFFICE = { width: 1280, height: 900 } as const;
const SCREENSHOTS = resolve(import.meta.dirname, '../../docs/screenshots');

export interface OpenOptions {
  role?: 'officer' | 'outreach' | 'supervisor';
  lang?: 'en' | 'es';
  theme?: 'light' | 'dark';
  /** The fake's session phase: `new` (first run), `locked`, `unlocked` (default). */
  phase?: 'new' | 'locked' | 'unlocked';
  /** More query parameters for the fake (`now`, `online`, `seed`, `geo`, …). */
  query?: Record<string, string>;
  /** A route to open, e.g. `#/queue`. */
  hash?: string;
  viewport?: { width: number; height: number };
}

export interface App {
  page: Page;
  context: BrowserContext;
  close(): Promise<void>;
}

/** Opens the app in a fresh Chromium profile; `close()` ends it. */
export async function openApp(options: OpenOptions = {}): Promise<App> {
  const profile = mkdtempSync(join(tmpdir(), 'waymark-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    viewport: options.viewport ?? PHONE,
    deviceScaleFactor: 1,
    hasTouch: true,
    locale: options.lang === 'es' ? 'es-US' : 'en-US',
    colorScheme: options.theme ?? 'light',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const params = new URLSearchParams({
    role: options.role ?? 'outreach',
    lang: options.lang ?? 'en',
    theme: options.theme ?? 'light',
    phase: options.phase ?? 'unlocked',
    ...options.query,
  });
  await page.goto(`${inject('baseUrl')}?${params.toString()}${options.hash ?? ''}`);
  return {
    page,
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      if (errors.length > 0) throw new Error(`errors in the page: ${errors.join('; ')}`);
    },
  };
}

/** Saves `docs/screenshots/<name>.png` once the page has painted its last change. */
export async function shot(page: Page, name: string): Promise<void> {
  await settle(page);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Waits two animation frames, so what is on screen matches the DOM. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
  );
}

/** Counts the user's taps: wraps `tap` so a test can assert "≤ 3 taps". */
export class TapCounter {
  count = 0;
  constructor(private readonly page: Page) {}

  async tap(selector: string): Promise<void> {
    await this.page.locator(selector).first().tap();
    this.count += 1;
  }
}
