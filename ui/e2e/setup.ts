// Global setup of the browser tests: serves the built UI (dist/, from `vite build`)
// on a free loopback port with Vite's preview server. The fake platform runs in the
// page because there is no Tauri around it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { preview } from 'vite';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dist = resolve(import.meta.dirname, '../dist');
  if (!existsSync(resolve(dist, 'index.html'))) {
    throw new Error('ui/dist is missing: run `npm run build` before the browser tests');
  }
  const server = await preview({
    root: resolve(import.meta.dirname, '..'),
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
    logLevel: 'error',
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  project.provide('baseUrl', `http://127.0.0.1:${address.port}/`);
  return async () => {
    await server.close();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
