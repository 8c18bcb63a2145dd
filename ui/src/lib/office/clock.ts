// The time the office counts its periods from. On a device: the device's clock. In
// the plain-browser demo the fake platform's clock may be fixed with the `now` query
// parameter (the browser tests do), and the weeks must match the fake's data, so the
// demo reads the same parameter. (A clock on the Platform would make this go away.)

export function officeNow(demo: boolean, search: string = typeof location === 'undefined' ? '' : location.search): Date {
  if (demo) {
    const fixed = new URLSearchParams(search).get('now');
    if (fixed && !Number.isNaN(Date.parse(fixed))) return new Date(fixed);
  }
  return new Date();
}
