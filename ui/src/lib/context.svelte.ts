// What every screen may use: the platform (device API), the language and its
// strings, the device's status, and error messages in the user's language. Set once
// by App.svelte; screens call `app()`.
import { getContext, setContext } from 'svelte';
import { isPlatformError, type Platform, type Role, type StatusView, type SyncState } from '../platform';
import { t as translate, type Key, type Lang } from './i18n';

const KEY = Symbol('waymark-app');

export type Theme = 'light' | 'dark';

export class AppContext {
  readonly platform: Platform;
  readonly demo: boolean;
  lang: Lang = $state('en');
  theme: Theme = $state('light');
  status: StatusView | null = $state(null);
  sync: SyncState = $state({ syncing: false, online: null, last_sync: null, pending: 0, error: null });
  /** True at ≥ 1024 px: the office layout. */
  wide = $state(false);
  /** Bumped when this device changed the team's settings (the idle lock re-reads them). */
  teamRevision = $state(0);

  constructor(platform: Platform, demo: boolean, lang: Lang, theme: Theme) {
    this.platform = platform;
    this.demo = demo;
    this.lang = lang;
    this.theme = theme;
  }

  get role(): Role {
    const role = this.status?.role;
    return role === 'officer' || role === 'supervisor' ? role : 'outreach';
  }

  t = (key: Key, values?: Record<string, string | number>): string => translate(key, this.lang, values);

  /** A failure in the user's language, with the device's detail after it. */
  errorText = (error: unknown): string => {
    if (isPlatformError(error)) return `${translate(`error.${error.code}`, this.lang)} ${error.message}`;
    return error instanceof Error ? error.message : String(error);
  };

  /** Re-reads the status line (after a save, the unsynced count changes). */
  refreshStatus = async (): Promise<void> => {
    try {
      this.status = await this.platform.status();
      this.sync = { ...this.sync, pending: this.status.pending, last_sync: this.status.last_sync };
    } catch {
      // Locked or gone: the session gate will show why.
    }
  };
}

export function provideApp(ctx: AppContext): AppContext {
  return setContext(KEY, ctx);
}

export function app(): AppContext {
  const ctx = getContext<AppContext | undefined>(KEY);
  if (!ctx) throw new Error('app context missing: render screens inside App.svelte');
  return ctx;
}
