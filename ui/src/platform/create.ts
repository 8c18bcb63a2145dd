import { insideTauri, type Platform } from './index';

export interface PlatformChoice {
  platform: Platform;
  /** True when running on the in-memory demo fake (plain browser). */
  demo: boolean;
}

/**
 * The real device API inside Tauri; otherwise the fake with demo data, configured
 * from the page's query string (see `fakeFromParams`).
 */
export async function createPlatform(params: URLSearchParams): Promise<PlatformChoice> {
  if (insideTauri()) {
    const { tauriPlatform } = await import('./tauri');
    return { platform: tauriPlatform(), demo: false };
  }
  const { fakeFromParams } = await import('./fake');
  return { platform: fakeFromParams(params), demo: true };
}
