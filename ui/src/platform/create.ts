import { insideTauri, type Platform, type Role } from './index';

export interface PlatformChoice {
  platform: Platform;
  /** True when running on the in-memory demo fake (plain browser). */
  demo: boolean;
}

/** The real device API inside Tauri; otherwise the fake with demo data. */
export async function createPlatform(role: Role = 'outreach'): Promise<PlatformChoice> {
  if (insideTauri()) {
    const { tauriPlatform } = await import('./tauri');
    return { platform: tauriPlatform(), demo: false };
  }
  const { demoPlatform } = await import('./fake');
  return { platform: demoPlatform({ role }), demo: true };
}
