import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { Subject, Subscription, map } from 'rxjs';
import { SessionStore } from '@parley/web/auth/data-access';
import { RealtimeConnection, describeError, toAppError } from '@parley/web/shared/data-access';
import {
  DeskAcceptChatGQL,
  DeskChatActivityGQL,
  DeskChatUpdatedGQL,
  DeskChatsGQL,
  DeskCloseChatGQL,
  DeskMarkChatReadGQL,
  DeskQueueGQL,
  DeskSearchChatsGQL,
  type ChatStatus,
  type DeskChatFragment,
  type DeskMessageFragment,
} from '@parley/web/desk/api/data-access';
import { NO_UNREAD, allOf, labelsOf, markRead, mineOf, newer, noteCustomerMessage, queueOf, unreadCount, type InboxView, type UnreadState } from './inbox-views';

const PAGE_SIZE = 100;
const READ_MARKS_KEY = 'parley.desk.read';

/** A customer message in one of my chats, for the attention service (title, notifications). */
export interface InboxActivity {
  chat: DeskChatFragment;
  message: DeskMessageFragment | null;
  kind: 'queued' | 'assigned' | 'message';
}

/**
 * Every chat the desk knows, kept live: the queue (whole), the pages of all
 * chats read so far, and every change through `chatUpdated`. My active chats
 * are followed message by message (resuming after the read mark) for their
 * unread counts.
 */
@Injectable({ providedIn: 'root' })
export class InboxStore {
  private readonly queueGql = inject(DeskQueueGQL);
  private readonly chatsGql = inject(DeskChatsGQL);
  private readonly searchGql = inject(DeskSearchChatsGQL);
  private readonly updatedGql = inject(DeskChatUpdatedGQL);
  private readonly activityGql = inject(DeskChatActivityGQL);
  private readonly acceptGql = inject(DeskAcceptChatGQL);
  private readonly closeGql = inject(DeskCloseChatGQL);
  private readonly markReadGql = inject(DeskMarkChatReadGQL);
  private readonly realtime = inject(RealtimeConnection);
  private readonly session = inject(SessionStore);

  private live: Subscription | null = null;
  private readonly followed = new Map<string, Subscription>();
  private cursor: string | null = null;
  /** The filter the pages read so far belong to (status and label). */
  private pagesFilter: string | undefined = undefined;

  private readonly byId = signal<ReadonlyMap<string, DeskChatFragment>>(new Map());
  private readonly unread = signal<UnreadState>(NO_UNREAD);
  /** The chat on screen: its messages count as read as they arrive. */
  readonly onScreen = signal<string | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly hasMore = signal(false);
  readonly allStatus = signal<ChatStatus | null>(null);
  readonly allLabel = signal<string | null>(null);

  private readonly me = computed(() => this.session.user()?.id ?? null);
  readonly queue = computed(() => queueOf(this.byId().values()));
  readonly mine = computed(() => mineOf(this.byId().values(), this.me()));
  readonly all = computed(() => allOf(this.byId().values(), this.allStatus(), this.allLabel()));
  /** Labels seen on the chats known (the label filter suggests them). */
  readonly labels = computed(() => labelsOf(this.byId().values()));
  /** Per view: the queue's length, and unread messages in mine and all. */
  readonly viewCounts = computed<Record<InboxView, number>>(() => {
    const state = this.unread();
    const sum = (chats: DeskChatFragment[]) => chats.reduce((n, c) => n + unreadCount(state, c.id), 0);
    return { queue: this.queue().length, mine: sum(this.mine()), all: sum(this.all()) };
  });
  /** What the tab title shows: customers waiting plus unread messages in my chats. */
  readonly attentionCount = computed(() => this.viewCounts().queue + this.viewCounts().mine);

  private readonly activitySubject = new Subject<InboxActivity>();
  readonly activity = this.activitySubject.asObservable();

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  chat(id: string): DeskChatFragment | null {
    return this.byId().get(id) ?? null;
  }

  unreadOf(chatId: string): number {
    return unreadCount(this.unread(), chatId);
  }

  /** Starts (once per sign-in): first reads, then live updates. */
  start(): void {
    if (this.live) return;
    this.unread.set({ ...NO_UNREAD, readMarks: this.readStoredMarks() });
    this.live = new Subscription();
    this.reload();
    this.live.add(
      this.realtime.resilient(() => this.updatedGql.subscribe()).subscribe({
        next: (result) => {
          const chat = result.data?.chatUpdated;
          if (chat) this.upsert(chat, true);
        },
        error: (e: unknown) => this.error.set(describeError(toAppError(e))),
      }),
    );
    // chat events are not replayed: after a lost socket, read the lists again
    this.live.add(this.realtime.reconnected.subscribe(() => this.reload()));
  }

  stop(): void {
    this.live?.unsubscribe();
    this.live = null;
    for (const s of this.followed.values()) s.unsubscribe();
    this.followed.clear();
    this.byId.set(new Map());
    this.unread.set(NO_UNREAD);
    this.cursor = null;
    this.pagesFilter = undefined;
  }

  /** Shows all chats of one status (or every status), carrying one label (or any), in the "all" view. */
  filterAll(status: ChatStatus | null, label: string | null = this.allLabel()): void {
    this.allStatus.set(status);
    this.allLabel.set(label?.trim() || null);
    this.loadPage(true);
  }

  /** The next page of the "all" view (scrolling down). */
  loadMore(): void {
    if (this.hasMore() && !this.loading()) this.loadPage(false);
  }

  accept(chatId: string): Promise<DeskChatFragment> {
    return new Promise((resolve, reject) =>
      this.acceptGql.mutate({ variables: { chatId } }).subscribe({
        next: (result) => {
          const chat = result.data?.acceptChat;
          if (!chat) return reject(toAppError(new Error('No answer')));
          this.upsert(chat, false);
          resolve(chat);
        },
        error: (e: unknown) => reject(toAppError(e)),
      }),
    );
  }

  close(chatId: string): Promise<DeskChatFragment> {
    return new Promise((resolve, reject) =>
      this.closeGql.mutate({ variables: { chatId } }).subscribe({
        next: (result) => {
          const chat = result.data?.closeChat;
          if (!chat) return reject(toAppError(new Error('No answer')));
          this.upsert(chat, false);
          resolve(chat);
        },
        error: (e: unknown) => reject(toAppError(e)),
      }),
    );
  }

  /** A message seen in an open conversation (or a chat's stream): keeps lastMessage and unread counts current. */
  noteMessage(message: DeskMessageFragment): void {
    const chat = this.byId().get(message.chatId);
    if (chat && (!chat.lastMessage || chat.lastMessage.seq < message.seq)) {
      this.put({ ...chat, lastMessage: message });
    }
    if (message.kind !== 'CUSTOMER') return;
    if (this.onScreen() === message.chatId) this.markRead(message.chatId, message.seq);
    else {
      const before = this.unread();
      this.unread.set(noteCustomerMessage(before, message.chatId, message.seq));
      if (this.unread() !== before && chat) this.activitySubject.next({ chat, message, kind: 'message' });
    }
  }

  markRead(chatId: string, seq: number): void {
    const before = this.unread();
    const after = markRead(before, chatId, seq);
    if (after === before) return;
    this.unread.set(after);
    // in my own chats the read mark is the server's too (the customer's app and the team see it)
    const chat = this.byId().get(chatId);
    if (chat?.status === 'ACTIVE' && chat.agent?.id === this.me()) {
      this.markReadGql.mutate({ variables: { chatId, seq } }).subscribe({ error: () => undefined });
    }
    try {
      sessionStorage.setItem(READ_MARKS_KEY, JSON.stringify(after.readMarks));
    } catch {
      // storage full or disabled: the marks only live in this page
    }
  }

  /** Adds or updates a chat from any source, keeping the newer copy. */
  upsert(chat: DeskChatFragment, fromEvent: boolean): void {
    const before = this.byId().get(chat.id);
    const next = newer(before, chat);
    if (next === before) return;
    this.put(next);
    this.followIfMine(next);
    if (fromEvent) {
      const me = this.me();
      if (next.status === 'QUEUED' && before?.status !== 'QUEUED') this.activitySubject.next({ chat: next, message: null, kind: 'queued' });
      else if (next.status === 'ACTIVE' && me && next.agent?.id === me && before?.agent?.id !== me) {
        this.activitySubject.next({ chat: next, message: null, kind: 'assigned' });
      }
    }
  }

  private put(chat: DeskChatFragment): void {
    const map = new Map(this.byId());
    map.set(chat.id, chat);
    this.byId.set(map);
  }

  private reload(): void {
    this.queueGql.fetch().subscribe({
      next: (result) => {
        const queued = result.data?.queue ?? [];
        const ids = new Set(queued.map((c) => c.id));
        for (const chat of queued) this.upsert(chat, false);
        // chats that left the queue while we were away
        for (const chat of this.byId().values()) {
          if (chat.status === 'QUEUED' && !ids.has(chat.id)) this.refetchLater(chat.id);
        }
      },
      error: (e: unknown) => this.error.set(describeError(toAppError(e))),
    });
    // my active chats come with the ACTIVE pages; a desk starts on them
    this.chatsGql.fetch({ variables: { first: PAGE_SIZE, status: 'ACTIVE' } }).subscribe({
      next: (result) => {
        for (const edge of result.data?.chats.edges ?? []) this.upsert(edge.node, false);
      },
      error: (e: unknown) => this.error.set(describeError(toAppError(e))),
    });
    this.loadPage(true);
  }

  /** A chat that left the queue unseen: drop it from the queue until its next event or page says where it went. */
  private refetchLater(chatId: string): void {
    const map = new Map(this.byId());
    map.delete(chatId);
    this.byId.set(map);
  }

  /** A page of the "all" view: `chats` by status, or, with a label, `searchChats` by label (the status then filters here). */
  private loadPage(first: boolean): void {
    const status = this.allStatus();
    const label = this.allLabel();
    const filter = `${status ?? ''}|${label ?? ''}`;
    if (first) this.cursor = null;
    if (!first && this.pagesFilter !== filter) return;
    this.pagesFilter = filter;
    this.loading.set(true);
    const variables = { first: PAGE_SIZE, after: this.cursor };
    const pages = label
      ? this.searchGql.fetch({ variables: { ...variables, label } }).pipe(map((r) => r.data?.searchChats))
      : this.chatsGql.fetch({ variables: { ...variables, status } }).pipe(map((r) => r.data?.chats));
    pages.subscribe({
      next: (page) => {
        this.loading.set(false);
        if (this.pagesFilter !== filter || !page) return;
        for (const edge of page.edges) this.upsert(edge.node, false);
        this.cursor = page.pageInfo.endCursor;
        this.hasMore.set(page.pageInfo.hasNextPage);
        this.error.set(null);
        // a label's pages hold every status: read on while the status leaves too few to scroll
        if (label && status && page.pageInfo.hasNextPage && this.all().length < PAGE_SIZE / 2) this.loadPage(false);
      },
      error: (e: unknown) => {
        this.loading.set(false);
        this.error.set(describeError(toAppError(e)));
      },
    });
  }

  /** Follows the messages of each of my active chats (one socket carries them all), from its read mark on. */
  private followIfMine(chat: DeskChatFragment): void {
    const mine = chat.status === 'ACTIVE' && chat.agent?.id === this.me();
    const current = this.followed.get(chat.id);
    if (!mine) {
      current?.unsubscribe();
      this.followed.delete(chat.id);
      return;
    }
    if (current || !this.live) return;
    let after = this.unread().readMarks[chat.id] ?? chat.lastMessage?.seq ?? 0;
    const sub = this.realtime
      .resilient(() => this.activityGql.subscribe({ variables: { chatId: chat.id, afterSeq: after } }))
      .subscribe({
        next: (result) => {
          const message = result.data?.messageAdded;
          if (!message) return;
          after = Math.max(after, message.seq);
          this.noteMessage(message);
        },
        error: () => undefined,
      });
    this.followed.set(chat.id, sub);
  }

  private readStoredMarks(): Record<string, number> {
    try {
      const parsed = JSON.parse(sessionStorage.getItem(READ_MARKS_KEY) ?? '{}') as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, number>) : {};
    } catch {
      return {};
    }
  }
}
