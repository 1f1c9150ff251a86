import type { ScrollPlace } from '@parley/web/desk/conversation/data-access';

/** Rows are this tall (px) until one has been measured. */
const FIRST_ESTIMATE_PX = 72;

/**
 * Heights and offsets of a conversation's rows, for virtual scrolling: each
 * row's height as last measured, kept by its key (so a row keeps its height,
 * and its place, when older rows are added before it), the measured rows'
 * average for the rest, and the offsets as prefix sums, computed again only
 * when a height or the rows change.
 */
export class RowLayout {
  private keys: readonly string[] = [];
  private offsets = new Float64Array(1);
  private stale = true;
  private sum = 0;
  /** The height taken for unmeasured rows, fixed between changes of the rows: a row measured in view moves no row above it. */
  private guess = FIRST_ESTIMATE_PX;

  /** `heights` is kept by the caller, so a chat's measured rows survive its being put away. */
  constructor(readonly heights: Map<string, number> = new Map()) {
    for (const h of heights.values()) this.sum += h;
    this.guess = this.estimate();
  }

  get length(): number {
    return this.keys.length;
  }

  /** The rows, in order; false when they are the same as before. */
  setKeys(keys: readonly string[]): boolean {
    if (keys === this.keys) return false;
    this.keys = keys;
    this.guess = this.estimate();
    this.stale = true;
    return true;
  }

  keyAt(index: number): string | undefined {
    return this.keys[index];
  }

  /** A row's measured height; false when it is the one already known. */
  setHeight(key: string, height: number): boolean {
    const before = this.heights.get(key);
    if (before !== undefined && Math.abs(before - height) < 0.5) return false;
    this.sum += height - (before ?? 0);
    this.heights.set(key, height);
    this.stale = true;
    return true;
  }

  /** What an unmeasured row is taken to be: the average of the measured ones. */
  estimate(): number {
    return this.heights.size ? this.sum / this.heights.size : FIRST_ESTIMATE_PX;
  }

  total(): number {
    return this.offsetAt(this.keys.length);
  }

  /** Where row `index` starts (px from the top); the total at `length`. */
  offsetAt(index: number): number {
    this.refresh();
    return this.offsets[Math.max(0, Math.min(index, this.keys.length))];
  }

  /** The row at `px` from the top (the first or the last one beyond the ends); 0 when there are none. */
  indexAt(px: number): number {
    this.refresh();
    const n = this.keys.length;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid] <= px) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(0, lo);
  }

  /** The row at `scrollTop` and how far past its top; null when there are no rows. */
  placeAt(scrollTop: number): ScrollPlace | null {
    if (!this.keys.length) return null;
    const index = this.indexAt(scrollTop);
    return { key: this.keys[index], past: Math.max(0, scrollTop - this.offsetAt(index)) };
  }

  /** The scroll offset that shows `place` as it was; null when its row is not in the list. */
  offsetOf(place: ScrollPlace, hint = -1): number | null {
    const index = this.indexOf(place.key, hint);
    if (index < 0) return null;
    const height = this.offsetAt(index + 1) - this.offsetAt(index);
    return this.offsetAt(index) + Math.min(place.past, height);
  }

  /** A row's index: tried at `hint` first (where the caller expects it), else looked for. */
  indexOf(key: string, hint = -1): number {
    if (hint >= 0 && this.keys[hint] === key) return hint;
    return this.keys.indexOf(key);
  }

  private refresh(): void {
    if (!this.stale) return;
    const n = this.keys.length;
    if (this.offsets.length !== n + 1) this.offsets = new Float64Array(n + 1);
    let at = 0;
    for (let i = 0; i < n; i++) {
      this.offsets[i] = at;
      at += this.heights.get(this.keys[i]) ?? this.guess;
    }
    this.offsets[n] = at;
    this.stale = false;
  }
}
