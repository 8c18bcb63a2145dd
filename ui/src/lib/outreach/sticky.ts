// Keeps a screen's main button in reach: a bar stuck to the bottom of the screen,
// just above the app's bottom tab bar when there is one (phone layout), so "Save" is
// one thumb away however long the list of chips above it is.

/** The height of a bar pinned to the bottom of the viewport (sticky or fixed), or 0. */
export function bottomBarHeight(except: HTMLElement): number {
  let height = 0;
  for (const el of document.querySelectorAll<HTMLElement>('nav, footer')) {
    if (el.contains(except) || except.contains(el)) continue;
    const style = getComputedStyle(el);
    if ((style.position === 'sticky' || style.position === 'fixed') && style.bottom === '0px') {
      height = Math.max(height, el.offsetHeight);
    }
  }
  return height;
}

/** Svelte action: sets `--bottom-bar` on `node` to the bottom bar's height, kept current. */
export function aboveBottomBar(node: HTMLElement): { destroy(): void } {
  const set = () => node.style.setProperty('--bottom-bar', `${bottomBarHeight(node)}px`);
  set();
  const observer = new ResizeObserver(set);
  for (const el of document.querySelectorAll<HTMLElement>('nav, footer')) observer.observe(el);
  window.addEventListener('resize', set);
  return {
    destroy() {
      observer.disconnect();
      window.removeEventListener('resize', set);
    },
  };
}
