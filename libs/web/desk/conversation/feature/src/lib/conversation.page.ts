import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  HostListener,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
  Injector,
} from '@angular/core';
import { CdkVirtualScrollViewport, ScrollingModule } from '@angular/cdk/scrolling';
import { Router, RouterLink } from '@angular/router';
import { SessionStore } from '@parley/web/auth/data-access';
import { AttachmentClient } from '@parley/web/chat/data-access';
import { ATTACHMENT_FILES, AttachmentListComponent } from '@parley/web/chat/ui';
import { describeError, toAppError } from '@parley/web/shared/data-access';
import { formatClock, formatShortTime, noticeText, type MessageNoticeLike } from '@parley/web/shared/util';
import { OpenChatsStore, withNotes, type DeskConversation, type DeskRow } from '@parley/web/desk/conversation/data-access';
import { Dialog } from '@angular/cdk/dialog';
import { InboxStore, TeamStore, statusLabel } from '@parley/web/desk/inbox/data-access';

import { ChatScrollDirective } from './chat-scroll.directive';
import type { ScrollList } from './chat-scroll-strategy';
import { DeskComposerComponent } from './desk-composer.component';
import { TransferDialogComponent } from './transfer-dialog.component';
import type { ChatStatus } from '@parley/web/desk/api/data-access';
import { plainKey, typingInField } from '@parley/web/desk/shell/feature';

/** Start loading the previous page when the top is this close (px): a few screens ahead, so a reader scrolling back rarely waits. */
const OLDER_THRESHOLD_PX = 2400;

/**
 * The chat on screen: open chats as tabs, the whole history (virtual
 * scrolling, older pages loaded as the agent scrolls back), the composer, and
 * the customer beside it.
 */
@Component({
  selector: 'parley-desk-conversation',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ScrollingModule, ChatScrollDirective, RouterLink, AttachmentListComponent, DeskComposerComponent],
  // Files on messages are read with the agent's token (chat/ui's attachment list).
  providers: [{ provide: ATTACHMENT_FILES, useExisting: AttachmentClient }],
  templateUrl: './conversation.page.html',
  styleUrl: './conversation.page.css',
})
export class ConversationPage {
  readonly chatId = input.required<string>();
  /** The view the chat was opened from (the parent route's param). */
  readonly view = input.required<string>();
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly inbox = inject(InboxStore);
  protected readonly openChats = inject(OpenChatsStore);
  private readonly me = inject(SessionStore).user;
  protected readonly conversation = signal<DeskConversation | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly busy = signal(false);
  private readonly team = inject(TeamStore);
  private readonly dialog = inject(Dialog);
  /** The composer writes a private note (for the team alone) instead of a reply. */
  protected readonly noteMode = signal(false);
  protected readonly rows = computed<DeskRow[]>(() => {
    const c = this.conversation();
    return c ? withNotes(c.timeline(), c.notes(), this.me()?.id ?? null) : [];
  });
  /** Notes can be written on any chat that is not closed; replies only in the agent's own. */
  protected readonly canWrite = computed(() => this.canReply() || (this.noteMode() && !!this.chat() && this.chat()?.status !== 'CLOSED'));
  protected readonly canHandOver = computed(() => {
    const chat = this.chat();
    if (!chat || chat.status === 'CLOSED') return false;
    return chat.agent?.id === this.me()?.id || this.me()?.role === 'ADMIN';
  });
  private readonly viewport = viewChild(CdkVirtualScrollViewport);
  private readonly scroller = viewChild(ChatScrollDirective);
  /** What the message list lays out: the rows' keys, and the chat's remembered heights and place. */
  private readonly scrollList = computed<ScrollList | null>(() => {
    const state = this.conversation();
    return state ? { keys: this.rows().map((r) => r.key), state } : null;
  });
  protected readonly listSource = () => this.scrollList();
  private readonly composer = viewChild(DeskComposerComponent);

  protected readonly chat = computed(() => this.conversation()?.chat() ?? null);
  protected readonly mine = computed(() => {
    const chat = this.chat();
    return !!chat && chat.status === 'ACTIVE' && chat.agent?.id === this.me()?.id;
  });
  /** Replies go to chats the agent holds; a queued one is accepted first. */
  protected readonly canReply = this.mine;
  /** A past chat without a subject, by its last message (a SYSTEM one in the desk's language). */
  protected pastPreview(chat: { id: string; lastMessage?: { kind: string; body: string; notice?: MessageNoticeLike | null } | null }): string {
    const m = chat.lastMessage;
    if (!m) return chat.id;
    return noticeText(m);
  }

  /** The customer's other chats among those the desk has read. */
  protected readonly pastChats = computed(() => {
    const chat = this.chat();
    if (!chat) return [];
    return this.inbox
      .all()
      .filter((c) => c.customer.id === chat.customer.id && c.id !== chat.id)
      .slice(0, 10);
  });
  protected readonly tabs = computed(() =>
    this.openChats.conversations().map((c) => ({ id: c.chatId, name: c.chat()?.customer.displayName ?? '…', unread: this.inbox.unreadOf(c.chatId) })),
  );

  constructor() {
    effect(() => {
      const id = this.chatId();
      untracked(() => this.show(id));
    });
    // what arrives while the chat is on screen is read
    effect(() => {
      const conversation = this.conversation();
      if (!conversation) return;
      conversation.log();
      untracked(() => this.inbox.markRead(conversation.chatId, conversation.newestSeq()));
    });
    // older pages load as the agent nears the oldest message held; read on scroll events without a change detection each
    // (following the newest message and keeping the place as pages come in is the list's own: ChatScrollStrategy)
    effect((onCleanup) => {
      const viewport = this.viewport();
      if (!viewport) return;
      const scrolled = viewport.elementScrolled().subscribe(() => this.loadOlderNearTop());
      onCleanup(() => scrolled.unsubscribe());
    });
    // a page that came in while the agent stayed near the top: the next one
    effect(() => {
      const conversation = this.conversation();
      if (conversation && !conversation.olderLoading() && conversation.hasOlder()) untracked(() => afterNextRender(() => this.loadOlderNearTop(), { injector: this.injector }));
    });
    inject(DestroyRef).onDestroy(() => {
      this.remember();
      this.inbox.onScreen.set(null);
      this.openChats.hide();
    });
  }

  private show(id: string): void {
    this.remember();
    const conversation = this.openChats.show(id);
    this.conversation.set(conversation);
    this.inbox.onScreen.set(id);
    this.notice.set(null);
    this.noteMode.set(false);
    // the list lays out the chat now (its rows, heights and place), not once its template has run
    this.scroller()?.strategy.refresh();
    afterNextRender(
      () => {
        this.viewport()?.checkViewportSize();
        this.focusStart();
      },
      { injector: this.injector },
    );
  }

  /** Keeps this chat's place for when the agent comes back to it. */
  private remember(): void {
    const conversation = this.conversation();
    const scroller = this.scroller();
    if (conversation && scroller) conversation.place = scroller.strategy.place();
  }

  /** Where focus goes when a chat comes on screen: the composer when the agent can reply, else the heading. */
  private focusStart(): void {
    const active = document.activeElement as HTMLElement | null;
    const wantsComposer = (history.state as { focus?: string } | null)?.focus === 'composer';
    // keep focus where the agent put it in the list (moving with j/k), unless a chat was just accepted
    if (!wantsComposer && active && active !== document.body && active.closest('.rows')) return;
    if (this.canReply()) this.composer()?.focus();
    else this.host.nativeElement.querySelector<HTMLElement>('#conversation-heading')?.focus();
  }

  private loadOlderNearTop(): void {
    const strategy = this.scroller()?.strategy;
    const conversation = this.conversation();
    if (!strategy || !conversation || !conversation.hasOlder() || conversation.olderLoading()) return;
    // near the top, once the agent has left the newest rows (a chat whose first page fits the screen stays as it is)
    if (strategy.topOf() < OLDER_THRESHOLD_PX && !strategy.atNewest()) conversation.loadOlder();
  }

  /** After a reply or note: the newest row in view, and followed. */
  protected scrollToNewest(): void {
    this.scroller()?.strategy.toEnd();
  }

  /** Reply or private note, and the composer ready for it. */
  protected writeNote(on: boolean): void {
    this.noteMode.set(on);
    afterNextRender(() => this.composer()?.focus(), { injector: this.injector });
  }

  protected async transfer(): Promise<void> {
    const chat = this.chat();
    if (!chat || !this.canHandOver() || this.busy() || this.dialog.openDialogs.length) return;
    this.team.loadAgents();
    const ref = this.dialog.open<string>(TransferDialogComponent, {
      data: { colleagues: this.team.colleagues() },
      ariaLabelledBy: 'transfer-title',
      restoreFocus: true,
    });
    ref.closed.subscribe((agentId) => {
      if (agentId) void this.handOver(() => this.team.transfer(chat.id, agentId));
    });
  }

  protected release(): void {
    const chat = this.chat();
    if (chat && this.canHandOver() && chat.status === 'ACTIVE') void this.handOver(() => this.team.release(chat.id));
  }

  private async handOver(action: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    try {
      await action();
      this.host.nativeElement.querySelector<HTMLElement>('#conversation-heading')?.focus();
    } catch (e) {
      this.notice.set(describeError(toAppError(e)));
    } finally {
      this.busy.set(false);
    }
  }

  protected async saveLabels(event: Event): Promise<void> {
    const chat = this.chat();
    const field = event.target as HTMLInputElement;
    if (!chat) return;
    const labels = [...new Set(field.value.split(',').map((l) => l.trim()).filter(Boolean))];
    try {
      await this.team.setLabels(chat.id, labels);
      this.notice.set(null);
    } catch (e) {
      this.notice.set(describeError(toAppError(e)));
    }
  }

  /** "Seen" under the agent's replies the customer has read. */
  protected seen(row: DeskRow): boolean {
    return row.kind === 'AGENT' && row.mine && row.seq !== null && row.seq <= (this.conversation()?.customerSeen() ?? 0);
  }

  protected async accept(): Promise<void> {
    const chat = this.chat();
    if (!chat || this.busy()) return;
    this.busy.set(true);
    try {
      await this.inbox.accept(chat.id);
      if (this.view() === 'mine') afterNextRender(() => this.composer()?.focus(), { injector: this.injector });
      else void this.router.navigate(['/mine', chat.id], { state: { focus: 'composer' } });
    } catch (e) {
      const error = toAppError(e);
      this.notice.set(error.code === 'CONFLICT' ? $localize`:@@desk.accept.taken:Another agent took that chat first.` : describeError(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async close(): Promise<void> {
    const chat = this.chat();
    if (!chat || chat.status === 'CLOSED' || this.busy()) return;
    this.busy.set(true);
    try {
      await this.inbox.close(chat.id);
      this.host.nativeElement.querySelector<HTMLElement>('#conversation-heading')?.focus();
    } catch (e) {
      this.notice.set(describeError(toAppError(e)));
    } finally {
      this.busy.set(false);
    }
  }

  protected dismiss(chatId: string): void {
    const next = this.openChats.dismiss(chatId);
    if (chatId !== this.chatId()) return;
    if (next) void this.router.navigate(['/', this.view(), next]);
    else {
      void this.router.navigate(['/', this.view()]);
      this.focusList();
    }
  }

  protected status(status: ChatStatus): string {
    return statusLabel(status);
  }

  protected clock(iso: string): string {
    return formatClock(iso);
  }

  protected shortTime(iso: string): string {
    return formatShortTime(iso);
  }

  protected author(row: DeskRow): string {
    switch (row.kind) {
      case 'NOTE':
        return $localize`:@@desk.note.by:Note by ${row.mine ? $localize`:@@desk.author.you:You` : (row.senderName ?? '')}:author:`;
      case 'BOT':
        return $localize`:@@desk.author.bot:Bot`;
      case 'SYSTEM':
        return '';
      default:
        return row.mine ? $localize`:@@desk.author.you:You` : (row.senderName ?? '');
    }
  }

  protected readonly trackRow = (_: number, row: DeskRow) => row.key;

  protected closeTabLabel(name: string): string {
    return $localize`:@@desk.tabs.close:Put away the chat with ${name}:name:`;
  }

  protected focusList(): void {
    const row = document.querySelector<HTMLElement>(`[data-chat="${this.chatId()}"]`) ?? document.querySelector<HTMLElement>('#inbox-heading');
    row?.focus();
  }

  @HostListener('document:keydown', ['$event'])
  protected onKey(event: KeyboardEvent): void {
    if (typingInField(event) || !plainKey(event) || document.querySelector('.cdk-overlay-container [role="dialog"]')) return;
    switch (event.key) {
      case 'r':
        if (!this.canReply()) return;
        event.preventDefault();
        this.writeNote(false);
        break;
      case 'p':
        if (!this.chat() || this.chat()?.status === 'CLOSED') return;
        event.preventDefault();
        this.writeNote(true);
        break;
      case 't':
        event.preventDefault();
        void this.transfer();
        break;
      case 'e':
        event.preventDefault();
        this.release();
        break;
      case 'l':
        event.preventDefault();
        this.host.nativeElement.querySelector<HTMLElement>('#desk-labels')?.focus();
        break;
      case 'x':
        event.preventDefault();
        void this.close();
        break;
      case 'w':
        event.preventDefault();
        this.dismiss(this.chatId());
        break;
      case '[':
      case ']': {
        event.preventDefault();
        const next = this.openChats.neighbour(event.key === ']' ? 1 : -1);
        if (next && next !== this.chatId()) void this.router.navigate(['/', this.view(), next]);
        break;
      }
    }
  }
}
