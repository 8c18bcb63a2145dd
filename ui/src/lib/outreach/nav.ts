// Where a sheet returns after saving: the screen the worker came from inside the app
// (home list, person page), or `fallback` when the sheet was opened directly (a link,
// a reload), so "back" never leaves the app.
import { router } from '../router.svelte';

let previous: string | null = null;

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', (event) => {
    previous = new URL(event.oldURL).hash || null;
  });
}

export function returnTo(fallback: string): void {
  if (previous !== null && previous !== location.hash && typeof history !== 'undefined') history.back();
  else router.go(fallback);
}
