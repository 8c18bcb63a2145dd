// A tiny hash router: `#/person/ID` and friends. The hash survives a reload and the
// Android back button walks it; no library needed for a handful of routes.

export interface Route {
  /** The first path segment: `home`, `person`, `contact`, `queue`, … */
  name: string;
  /** The remaining segments, e.g. a person id. */
  params: string[];
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return { name: parts[0] ?? '', params: parts.slice(1) };
}

export function routeHash(name: string, ...params: string[]): string {
  return '#/' + [name, ...params].map(encodeURIComponent).join('/');
}

class Router {
  current: Route = $state(parseRoute(typeof location === 'undefined' ? '' : location.hash));
  /** How many screens deep the user went inside the app (so "back" never leaves it). */
  private depth = 0;
  private goingBack = false;

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('hashchange', () => {
        if (this.goingBack) this.goingBack = false;
        else this.depth += 1;
        this.current = parseRoute(location.hash);
      });
    }
  }

  go(name: string, ...params: string[]): void {
    const hash = routeHash(name, ...params);
    if (typeof location !== 'undefined' && location.hash !== hash) location.hash = hash;
    this.current = parseRoute(hash);
  }

  /** Back to the previous screen of the app, or to `fallback` when there is none. */
  back(fallback = 'home'): void {
    if (this.depth > 0 && typeof history !== 'undefined') {
      this.depth -= 1;
      this.goingBack = true;
      history.back();
    } else {
      this.go(fallback);
    }
  }
}

export const router = new Router();
