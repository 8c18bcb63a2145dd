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

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('hashchange', () => {
        this.current = parseRoute(location.hash);
      });
    }
  }

  go(name: string, ...params: string[]): void {
    const hash = routeHash(name, ...params);
    if (typeof location !== 'undefined' && location.hash !== hash) location.hash = hash;
    this.current = parseRoute(hash);
  }

  back(fallback = 'home'): void {
    if (typeof history !== 'undefined' && history.length > 1) history.back();
    else this.go(fallback);
  }
}

export const router = new Router();
