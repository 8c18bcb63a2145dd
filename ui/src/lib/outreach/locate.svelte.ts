// The phone's position for a contact: asked for when a sheet opens, shown as it
// comes ("here (±12 m)" or "no location"), and never allowed to hold up a save.
import type { Platform, Position } from '../../platform';
import { within } from './timing';

export type Fix = 'locating' | 'found' | 'none';

export class Locator {
  state: Fix = $state('locating');
  position: Position | null = $state(null);
  private fix: Promise<Position | null> = Promise.resolve(null);
  private readonly platform: Platform;

  constructor(platform: Platform) {
    this.platform = platform;
    this.refresh();
  }

  /** Asks for a new fix in the background (after a save, the worker may have moved). */
  refresh(): void {
    this.state = this.position ? this.state : 'locating';
    const fix: Promise<Position | null> = this.platform.locate().catch(() => null);
    this.fix = fix;
    void fix.then((position) => {
      if (this.fix !== fix) return;
      this.position = position;
      this.state = position ? 'found' : 'none';
    });
  }

  /** The position to save with: the fix if it comes within `ms`, else the last one known. */
  forSave(ms = 1000): Promise<Position | null> {
    return within(this.fix, ms, this.position);
  }
}
