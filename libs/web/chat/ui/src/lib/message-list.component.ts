import { AttachmentListComponent } from './attachment-list.component';
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterRenderEffect,
  computed,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { AvatarComponent, SpinnerComponent } from '@parley/web/shared/ui';
import { formatClock, formatDayHeading } from '@parley/web/shared/util';
import { toRows, type MessageItem } from './timeline-rows';
import { MessageBodyComponent } from './message-body.component';

/** Within this many pixels of the bottom, new messages keep the view pinned to the bottom. */
const STICK_PX = 80;
/** Within this many pixels of the top, the next older page is requested. */
const LOAD_OLDER_PX = 240;

/**
 * The conversation, oldest to newest. Keeps the reader's place: pinned to the
 * newest message while at the bottom, still when older pages are added above,
 * with a "new messages" button when something arrives while reading history.
 */
@Component({
  selector: 'parley-message-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [AvatarComponent, SpinnerComponent, MessageBodyComponent, AttachmentListComponent],
  templateUrl: './message-list.component.html',
  styleUrl: './message-list.component.css',
})
export class MessageListComponent {
  readonly messages = input.required<readonly MessageItem[]>();
  readonly hasOlder = input(false);
  readonly loadingOlder = input(false);
  readonly label = input($localize`:@@chat.messages:Messages`);
  readonly loadOlder = output<void>();
  readonly retry = output<string>();
  readonly discard = output<string>();

  private readonly scroller = viewChild.required<ElementRef<HTMLElement>>('scroller');
  protected readonly rows = computed(() => toRows(this.messages()));
  protected readonly unseen = signal(0);

  /** Distance from the bottom before the latest change, measured on every scroll. */
  private fromBottom = 0;
  private lastKey: string | null = null;
  private count = 0;

  constructor() {
    afterRenderEffect({
      write: () => {
        const messages = this.messages();
        const el = this.scroller().nativeElement;
        const newest = messages[messages.length - 1];
        const newestKey = newest?.key ?? null;
        const appended = newestKey !== this.lastKey && this.count > 0;
        const first = this.count === 0 && messages.length > 0;
        const added = messages.length - this.count;
        this.lastKey = newestKey;
        this.count = messages.length;
        if (first || (appended && (this.fromBottom <= STICK_PX || newest?.mine))) {
          el.scrollTop = el.scrollHeight;
          this.fromBottom = 0;
          untracked(() => this.unseen.set(0));
        } else if (appended) {
          // reading history while something new arrived: stay put, offer a way down
          this.fromBottom = el.scrollHeight - el.clientHeight - el.scrollTop;
          if (added > 0) untracked(() => this.unseen.update((n) => n + added));
        } else {
          // older messages went in above: keep what the reader sees where it was
          el.scrollTop = el.scrollHeight - el.clientHeight - this.fromBottom;
        }
        // a short first page may not fill the view: fetch more until it scrolls
        if (el.scrollHeight <= el.clientHeight + LOAD_OLDER_PX) this.maybeLoadOlder(el);
      },
    });
  }

  protected onScroll(): void {
    const el = this.scroller().nativeElement;
    this.fromBottom = el.scrollHeight - el.clientHeight - el.scrollTop;
    if (this.fromBottom <= STICK_PX && this.unseen() > 0) this.unseen.set(0);
    this.maybeLoadOlder(el);
  }

  protected scrollToNewest(): void {
    const el = this.scroller().nativeElement;
    el.scrollTo({ top: el.scrollHeight, behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
    this.unseen.set(0);
  }

  protected requestOlder(): void {
    if (this.hasOlder() && !this.loadingOlder()) this.loadOlder.emit();
  }

  private maybeLoadOlder(el: HTMLElement): void {
    if (el.scrollTop <= LOAD_OLDER_PX) this.requestOlder();
  }

  protected clock(iso: string): string {
    return formatClock(iso);
  }

  protected day(iso: string): string {
    return formatDayHeading(iso);
  }
}
