// The place of a contact: the phone's position, asked for when a sheet opens and shown
// as it comes ("here (±12 m)" or "no location"), or a place the worker pinned on the
// map, or none because the worker cleared it. Never allowed to hold up a save.
import type { Platform, Position } from '../../platform';
import { chosenPlace, placeSource, type PlaceSource } from '../pin/pin';
import { within } from './timing';

export type Fix = 'locating' | 'found' | 'none';

export class Locator {
  /** The phone's fix: asked, found or none. */
  state: Fix = $state('locating');
  /** The phone's latest position. */
  position: Position | null = $state(null);
  /** A place pinned on the map: saved instead of the phone's position. */
  pinned: Position | null = $state(null);
  /** The worker cleared the place: saved with none, whatever the phone says later. */
  cleared = $state(false);
  private fix: Promise<Position | null> = Promise.resolve(null);
  private readonly platform: Platform;

  constructor(platform: Platform) {
    this.platform = platform;
    this.refresh();
  }

  /** Where the place to save comes from now. */
  get source(): PlaceSource {
    return placeSource({ pinned: this.pinned, cleared: this.cleared, phone: this.position });
  }

  /** The place a save would use now (the pin, the phone's fix or none). */
  get place(): Position | null {
    return chosenPlace({ pinned: this.pinned, cleared: this.cleared, phone: this.position });
  }

  /** Uses a place pinned on the map from now on (until changed or cleared). */
  pin(position: Position): void {
    this.pinned = { ...position };
    this.cleared = false;
  }

  /** Saves with no place from now on (until a pin is set). */
  clear(): void {
    this.pinned = null;
    this.cleared = true;
  }

  /**
   * Asks for a new fix in the background (after a save, the worker may have moved).
   * A pinned or cleared place stays as the worker chose it.
   */
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

  /**
   * The position to save with: a pinned place at once, none at once when cleared,
   * else the phone's fix if it comes within `ms`, else the last one known.
   */
  forSave(ms = 1000): Promise<Position | null> {
    if (this.pinned) return Promise.resolve({ ...this.pinned });
    if (this.cleared) return Promise.resolve(null);
    return within(this.fix, ms, this.position);
  }
}
