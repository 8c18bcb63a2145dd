// The Tauri implementation of `Platform`: each method is one `invoke` of the shell
// command of the same name in snake_case. Tauri maps camelCase argument keys to the
// commands' snake_case parameters; input structs keep their Rust field names.
import { invoke } from '@tauri-apps/api/core';
import { isErrorCode, PlatformError, type Platform } from './index';

/** Turns whatever a command rejected with into a `PlatformError`. */
export function toPlatformError(error: unknown): PlatformError {
  if (error instanceof PlatformError) return error;
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code, message } = error as { code: unknown; message?: unknown };
    if (isErrorCode(code)) return new PlatformError(code, typeof message === 'string' ? message : code);
  }
  // Not from the device API (e.g. an IPC failure): no stable code, report it as internal.
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  return new PlatformError('storage', message);
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toPlatformError(error);
  }
}

export function tauriPlatform(): Platform {
  return {
    lookup: (query, reason) => call('lookup', { query, reason: reason ?? null }),
    personSearch: (query) => call('person_search', { query }),
    personAdd: (input) => call('person_add', { input }),
    encounterLog: (input) => call('encounter_log', { input }),
    encounterList: (personId) => call('encounter_list', { person: personId ?? null }),
    referralCreate: (input) => call('referral_create', { input }),
    referralList: () => call('referral_list'),
    referralUpdate: (id, status) => call('referral_update', { id, status }),
    sync: () => call('sync'),
  };
}
