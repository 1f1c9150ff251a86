import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, HostListener, Injector, afterNextRender, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { CdkVirtualScrollViewport, ScrollingModule } from '@angular/cdk/scrolling';
import { Router, RouterLink, RouterOutlet } from '@angular/router';
import { describeError, toAppError } from '@parley/web/shared/data-access';
import { formatShortTime, noticeText } from '@parley/web/shared/util';
import type { ChatStatus, DeskChatFragment } from '@parley/web/desk/api/data-access';
import { OpenChatsStore } from '@parley/web/desk/conversation/data-access';
import { InboxStore, SearchStore, statusLabel, type DeskView } from '@parley/web/desk/inbox/data-access';
import { plainKey, typingInField } from '@parley/web/desk/shell/feature';
import { formatWaiting } from './waiting';

/** Rows are one fixed height, which is what lets the CDK viewport scroll 10,000 chats smoothly. */
export const ROW_HEIGHT = 76;

/** A view of the inbox (queue, mine, all) or search results on the left, the chat on screen to its right. */
@Component({
  selector: 'parley-desk-inbox',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ScrollingModule, RouterLink, RouterOutlet],
  templateUrl: './inbox.page.html',
  styleUrl: './inbox.page.css',
})
export class InboxPage {
  readonly view = input.required<DeskView>();
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly inbox = inject(InboxStore);
  protected readonly search = inject(SearchStore);
  private readonly injector = inject(Injector);
  protected readonly openChats = inject(OpenChatsStore);
  protected readonly rowHeight = ROW_HEIGHT;
  protected readonly now = signal(Date.now());
  protected readonly selected = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  private readonly viewport = viewChild(CdkVirtualScrollViewport);

  protected readonly chats = computed<DeskChatFragment[]>(() => {
    switch (this.view()) {
      case 'queue':
        return this.inbox.queue();
      case 'mine':
        return this.inbox.mine();
      case 'search':
        return this.search.results();
      default:
        return this.inbox.all();
    }
  });
  protected readonly current = computed(() => this.openChats.current()?.chatId ?? null);

  constructor() {
    // the waiting times tick
    const tick = setInterval(() => this.now.set(Date.now()), 1_000);
    inject(DestroyRef).onDestroy(() => clearInterval(tick));
    // a picked chat that leaves the view (accepted by someone else) gives way to its neighbour
    effect(() => {
      const list = this.chats();
      const picked = this.selected();
      if (picked && !list.some((c) => c.id === picked)) this.selected.set(null);
    });
    // arriving in Search (4, s, or the link): the words field is ready
    effect(() => {
      if (this.view() === 'search') untracked(() => afterNextRender(() => this.focusSearch(), { injector: this.injector }));
    });
  }

  protected waiting(chat: DeskChatFragment): string {
    return formatWaiting(chat.createdAt, this.now());
  }

  protected when(chat: DeskChatFragment): string {
    return formatShortTime(chat.updatedAt, new Date(this.now()));
  }

  protected status(chat: DeskChatFragment): string {
    return statusLabel(chat.status);
  }

  protected preview(chat: DeskChatFragment): string {
    const m = chat.lastMessage;
    if (!m) return chat.subject ?? '';
    return noticeText(m);
  }

  protected filter(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    this.inbox.filterAll(value === '' ? null : (value as ChatStatus));
  }

  protected filterLabel(event: Event): void {
    event.preventDefault();
    const label = (event.target as HTMLInputElement).value.trim() || null;
    if (label !== this.inbox.allLabel()) this.inbox.filterAll(this.inbox.allStatus(), label);
  }

  protected runSearch(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.search.run({ query: String(data.get('query') ?? ''), label: String(data.get('label') ?? '') });
    this.selected.set(null);
    this.viewport()?.scrollToIndex(0);
  }

  /** ↓ in a search field: to the first result (a datalist's suggestions keep their own arrows). */
  protected toResults(event: Event): void {
    const field = event.target as HTMLInputElement;
    if (!this.chats().length || (field.list && field.value === '')) return;
    event.preventDefault();
    this.selected.set(null);
    this.move(1);
  }

  private focusSearch(): void {
    this.host.nativeElement.querySelector<HTMLInputElement>('#desk-search')?.focus();
  }

  protected onScrolled(): void {
    const viewport = this.viewport();
    if (!viewport || (this.view() !== 'all' && this.view() !== 'search')) return;
    if (viewport.getRenderedRange().end < this.chats().length - 10) return;
    if (this.view() === 'all') this.inbox.loadMore();
    else this.search.loadMore();
  }

  protected open(chat: DeskChatFragment): void {
    this.selected.set(chat.id);
    void this.router.navigate(['/', this.view(), chat.id]);
  }

  /** Accepts a chat and opens it in "mine", with the composer ready. */
  async accept(chatId?: string): Promise<void> {
    const target = chatId ?? this.acceptTarget();
    if (!target) return;
    this.notice.set(null);
    try {
      await this.inbox.accept(target);
      void this.router.navigate(['/mine', target], { state: { focus: 'composer' } });
    } catch (e) {
      const error = toAppError(e);
      this.notice.set(
        error.code === 'CONFLICT' ? $localize`:@@desk.accept.taken:Another agent took that chat first.` : describeError(error),
      );
    }
  }

  /** The chat `a` accepts: the one on screen if it waits, else the one picked in the queue, else the oldest. */
  private acceptTarget(): string | null {
    const shown = this.current() ? this.inbox.chat(this.current() as string) : null;
    if (shown?.status === 'QUEUED') return shown.id;
    const picked = this.selected() ? this.inbox.chat(this.selected() as string) : null;
    if (picked?.status === 'QUEUED') return picked.id;
    return this.inbox.queue()[0]?.id ?? null;
  }

  @HostListener('document:keydown', ['$event'])
  protected onKey(event: KeyboardEvent): void {
    if (typingInField(event) || !plainKey(event) || document.querySelector('.cdk-overlay-container [role="dialog"]')) return;
    switch (event.key) {
      case 'j':
      case 'ArrowDown':
        if (event.key === 'ArrowDown' && !this.inList(event)) return;
        event.preventDefault();
        this.move(1);
        break;
      case 'k':
      case 'ArrowUp':
        if (event.key === 'ArrowUp' && !this.inList(event)) return;
        event.preventDefault();
        this.move(-1);
        break;
      case 'a':
        event.preventDefault();
        void this.accept();
        break;
      case 'f':
        if (this.view() !== 'all') return;
        event.preventDefault();
        this.host.nativeElement.querySelector<HTMLElement>('#desk-status-filter')?.focus();
        break;
    }
  }

  private inList(event: KeyboardEvent): boolean {
    return !!(event.target as HTMLElement | null)?.closest?.('.rows');
  }

  protected readonly trackById = (_: number, chat: DeskChatFragment) => chat.id;

  private move(step: 1 | -1): void {
    const list = this.chats();
    if (!list.length) return;
    const index = list.findIndex((c) => c.id === (this.selected() ?? this.current()));
    const next = index < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + step));
    this.selected.set(list[next].id);
    this.viewport()?.scrollToIndex(Math.max(0, next - 2));
    // the row may only exist once the viewport has rendered it
    requestAnimationFrame(() => this.host.nativeElement.querySelector<HTMLElement>(`[data-chat="${list[next].id}"]`)?.focus());
  }
}
