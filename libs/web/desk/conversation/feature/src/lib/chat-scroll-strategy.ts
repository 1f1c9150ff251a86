import type { CdkVirtualScrollViewport, VirtualScrollStrategy } from '@angular/cdk/scrolling';
import { Subject, distinctUntilChanged } from 'rxjs';
import type { ScrollPlace } from '@parley/web/desk/conversation/data-access';
import { RowLayout } from './row-layout';

/** Rows kept rendered beyond each edge of the list (px), and the least left before more are rendered. */
const BUFFER_PX = 900;
const MIN_BUFFER_PX = 300;
/** This close to the end (px) counts as at the newest row, following it. */
const END_SLACK_PX = 4;

/** What the list shows: its rows' keys in order, and the conversation's remembered heights and place. */
export interface ScrollList {
  keys: readonly string[];
  state: { readonly rowHeights: Map<string, number>; place: ScrollPlace | null };
}

/**
 * CDK virtual scrolling for a conversation: rows of any height (each measured
 * by a ResizeObserver as it renders, remembered by its key), opened at the
 * newest row and kept following it while the reader is there, and anchored
 * otherwise: when older rows come in above, or a row above changes height
 * (an image loading), the row being read stays where it is on screen.
 * CDK's autosize strategy (cdk-experimental) estimates what it has not
 * rendered and keeps no place when rows are added before it: the desk
 * jumped on each older page and did not open at the true end of a long chat.
 */
export class ChatScrollStrategy implements VirtualScrollStrategy {
  private readonly topIndex = new Subject<number>();
  readonly scrolledIndexChange = this.topIndex.pipe(distinctUntilChanged());
  private viewport: CdkVirtualScrollViewport | null = null;
  private layout = new RowLayout();
  /** At the newest row: new rows keep it in view. */
  private following = true;
  /** Where to put the reader at the next layout (a chat shown again), until they scroll. */
  private restore: ScrollPlace | null = null;
  /** Where the reader was at their last scroll. */
  private last: ScrollPlace | null = null;
  private resizes: ResizeObserver | null = null;
  private mutations: MutationObserver | null = null;
  /** The rows on screen when the rendered range last changed, until the new range is rendered (onContentRendered). */
  private drawn: Set<string> | null = null;

  constructor(private readonly list: () => ScrollList | null) {}

  attach(viewport: CdkVirtualScrollViewport): void {
    this.viewport = viewport;
    this.resizes = new ResizeObserver((entries) => this.measured(entries));
    // rows come and go as the range moves: each is measured as it comes
    this.mutations = new MutationObserver((records) => {
      for (const record of records) {
        record.addedNodes.forEach((node) => node instanceof HTMLElement && node.dataset['key'] && this.resizes?.observe(node));
        record.removedNodes.forEach((node) => node instanceof HTMLElement && this.resizes?.unobserve(node));
      }
    });
    const wrapper = viewport._contentWrapper.nativeElement;
    this.mutations.observe(wrapper, { childList: true });
    for (const row of Array.from(wrapper.children)) if (row instanceof HTMLElement && row.dataset['key']) this.resizes.observe(row);
    // the list itself changes height too (the composer or a notice coming and going), not only with the window
    this.resizes.observe(viewport.elementRef.nativeElement);
    this.layOut(null, -1);
  }

  detach(): void {
    this.mutations?.disconnect();
    this.resizes?.disconnect();
    this.viewport = null;
  }

  onContentScrolled(): void {
    const viewport = this.viewport;
    if (!viewport) return;
    const top = this.topOf();
    this.following = this.atEnd(top);
    this.restore = null;
    this.last = this.following ? null : this.layout.placeAt(top);
    this.renderAround(top, false);
    this.topIndex.next(this.layout.indexAt(top));
  }

  onDataLengthChanged(): void {
    // the row being read, found among the rows as they were (before older ones come in above it)
    const top = this.topOf();
    this.layOut(this.following ? null : this.readingAt(top, this.renderedKeys()), this.layout.indexAt(top));
  }

  onContentRendered(): void {
    // The rows just rendered are measured now, in the task that rendered them, rather than by the ResizeObserver
    // before the next frame: nothing in between (a scroll, a read of the page) sees them at their real heights
    // with the row being read not yet put back in place. The observer measures what changes later.
    const drawn = this.drawn ?? new Set<string>();
    this.drawn = null;
    const wrapper = this.viewport?._contentWrapper.nativeElement;
    if (!wrapper) return;
    const rows: [HTMLElement, number][] = [];
    for (const row of Array.from(wrapper.children)) {
      const key = row instanceof HTMLElement ? row.dataset['key'] : undefined;
      if (key && !drawn.has(key)) rows.push([row as HTMLElement, row.getBoundingClientRect().height]);
    }
    this.learn(rows, drawn);
  }

  onRenderedOffsetChanged(): void {
    /* offsets are the layout's own */
  }

  scrollToIndex(index: number, behavior: ScrollBehavior): void {
    this.viewport?.scrollToOffset(this.layout.offsetAt(index), behavior);
  }

  /** The list's conversation or rows changed outside a change of their number (another chat shown): lay it out again. */
  refresh(): void {
    this.onDataLengthChanged();
  }

  /** Where the reader is: null at the newest row (following it), else the row at the top. */
  place(): ScrollPlace | null {
    return this.following ? null : (this.restore ?? this.last);
  }

  /** To the newest row, following it from now on. */
  toEnd(): void {
    this.following = true;
    this.restore = null;
    this.layOut(null, -1);
  }

  /**
   * How far the list is scrolled from its oldest row held (px). The viewport scrolls itself, so this is
   * its scrollTop: the viewport's measureScrollOffset reads two bounding rectangles too, each scroll event.
   */
  topOf(): number {
    return this.viewport?.elementRef.nativeElement.scrollTop ?? 0;
  }

  /** Whether the newest row's end is in view now (read from the scroll position, not from the last scroll event handled). */
  atNewest(): boolean {
    return this.atEnd(this.topOf());
  }

  private atEnd(top: number): boolean {
    const viewport = this.viewport;
    return !!viewport && top + viewport.getViewportSize() >= this.layout.total() - END_SLACK_PX;
  }

  /** The rows changed (or the list is new): render around the place being read (`index` where it was), and scroll to it. */
  private layOut(place: ScrollPlace | null, index: number): void {
    const viewport = this.viewport;
    const list = this.list();
    if (!viewport) return;
    if (list && list.state.rowHeights !== this.layout.heights) {
      // another conversation: its own heights, and where it was read
      this.layout = new RowLayout(list.state.rowHeights);
      this.following = list.state.place === null;
      this.restore = this.last = list.state.place;
      index = -1;
      // none of its rows are on screen yet (another chat's rows may have the same keys)
      this.drawn = new Set();
    }
    const before = this.layout.length;
    this.layout.setKeys(list?.keys ?? []);
    let top = this.targetFor(this.restore ?? place, index < 0 ? -1 : index + this.layout.length - before);
    if (top !== null) this.restore = null;
    top ??= Math.min(this.topOf(), this.maxTop());
    this.renderAround(top, true);
    this.scrollTo(top);
  }

  /** Where the list should be scrolled to: its end when following, else the place; null when the place is gone. */
  private targetFor(place: ScrollPlace | null, hint: number): number | null {
    if (this.following) return this.maxTop();
    const at = place ? this.layout.offsetOf(place, hint) : null;
    return at === null ? null : Math.min(at, this.maxTop());
  }

  private maxTop(): number {
    return Math.max(0, this.layout.total() - (this.viewport?.getViewportSize() ?? 0));
  }

  /** Rows measured by the ResizeObserver (rendered earlier, or changing height: an image, fonts, the width). */
  private measured(entries: ResizeObserverEntry[]): void {
    const viewport = this.viewport;
    if (!viewport) return;
    const rows: [HTMLElement, number][] = [];
    let resized = false;
    for (const entry of entries) {
      const row = entry.target as HTMLElement;
      if (row === viewport.elementRef.nativeElement) resized = entry.contentRect.height !== viewport.getViewportSize();
      else rows.push([row, entry.borderBoxSize?.[0]?.blockSize ?? entry.contentRect.height]);
    }
    this.learn(rows, this.renderedKeys());
    // measures the list again, and lays it out around the same place (onDataLengthChanged)
    if (resized) viewport.checkViewportSize();
  }

  /** Heights learnt, then the row being read (among the `drawn` ones) put back where it was on screen. */
  private learn(rows: readonly (readonly [HTMLElement, number])[], drawn: ReadonlySet<string>): void {
    const viewport = this.viewport;
    if (!viewport) return;
    const top = this.topOf();
    // the place as the screen was drawn, with the heights before they change
    const following = this.following && this.atEnd(top);
    const index = this.layout.indexAt(top);
    const place = following ? null : (this.restore ?? this.readingAt(top, drawn));
    let changed = false;
    for (const [row, height] of rows) {
      const key = row.dataset['key'];
      if (key && row.isConnected && height > 0 && this.layout.setHeight(key, height)) changed = true;
    }
    if (changed) {
      this.following = following;
      // unmeasured rows keep their estimate until the rows change, so the rendered ones start where they did
      this.setTotal(this.layout.total());
      this.scrollTo(this.targetFor(place, index) ?? Math.min(top, this.maxTop()));
    }
  }

  /**
   * The row being read at `top`: the first one in view that was on screen (among `drawn`, its height known),
   * and how far the top is past its start (negative: it starts lower). A row only estimated so far (in a part
   * of the list not drawn yet when the reader scrolled there) is not the one read: keeping it in place would
   * move the drawn rows below it by the estimate's error, once the rows between are measured.
   */
  private readingAt(top: number, drawn: ReadonlySet<string>): ScrollPlace | null {
    const bottom = top + (this.viewport?.getViewportSize() ?? 0);
    for (let i = this.layout.indexAt(top); i < this.layout.length && this.layout.offsetAt(i) < bottom; i++) {
      const key = this.layout.keyAt(i);
      if (key !== undefined && drawn.has(key) && this.layout.heights.has(key)) return { key, past: top - this.layout.offsetAt(i) };
    }
    return this.layout.placeAt(top);
  }

  /** The keys of the rows in the page now. */
  private renderedKeys(): Set<string> {
    const keys = new Set<string>();
    const wrapper = this.viewport?._contentWrapper.nativeElement;
    for (const row of Array.from(wrapper?.children ?? [])) if (row instanceof HTMLElement && row.dataset['key']) keys.add(row.dataset['key']);
    return keys;
  }

  /** Renders the rows around `top`, unless those rendered still cover the screen with some to spare. */
  private renderAround(top: number, always: boolean): void {
    const viewport = this.viewport;
    if (!viewport) return;
    const n = this.layout.length;
    const size = viewport.getViewportSize();
    const range = viewport.getRenderedRange();
    if (!always && range.end > range.start && range.end <= n) {
      const covered =
        this.layout.offsetAt(range.start) <= Math.max(0, top - MIN_BUFFER_PX) &&
        this.layout.offsetAt(range.end) >= Math.min(this.layout.total(), top + size + MIN_BUFFER_PX);
      if (covered) return;
    }
    const start = n ? this.layout.indexAt(top - BUFFER_PX) : 0;
    const end = n ? Math.min(n, this.layout.indexAt(top + size + BUFFER_PX) + 1) : 0;
    // the rows on screen now: where the reader is, when the new ones are measured
    if (range.start !== start || range.end !== end) this.drawn ??= this.renderedKeys();
    viewport.setRenderedRange({ start, end });
    viewport.setRenderedContentOffset(this.layout.offsetAt(start));
    this.setTotal(this.layout.total());
  }

  private setTotal(total: number): void {
    const viewport = this.viewport;
    if (!viewport) return;
    viewport.setTotalContentSize(total);
    // The viewport sizes its spacer at its next change detection; a scroll beyond the old end made
    // before that would be cut short by the browser, so the spacer takes its height now as well.
    const spacer = viewport.elementRef.nativeElement.querySelector<HTMLElement>(':scope > .cdk-virtual-scroll-spacer');
    if (spacer) spacer.style.height = `${total}px`;
  }

  private scrollTo(top: number): void {
    const viewport = this.viewport;
    if (viewport && Math.abs(this.topOf() - top) >= 1) viewport.scrollToOffset(top);
  }
}
