import { Injectable, computed, inject, signal } from '@angular/core';
import { Observable, Subject, Subscription, catchError, map, tap, throwError } from 'rxjs';
import { OWN_STREAM, RealtimeConnection, toAppError, type AppError } from '@parley/web/shared/data-access';
import {
  ChatUpdatedGQL,
  MessageAddedGQL,
  MyChatsGQL,
  StartChatGQL,
  type ChatMessageFragment,
  type ChatSummaryFragment,
} from '../generated/graphql';

const PAGE_SIZE = 20;

/**
 * The customer's chats, most recently active first, kept current by the
 * chatUpdated subscription and by the messages the open conversation sees.
 */
@Injectable({ providedIn: 'root' })
export class ChatListStore {
  private readonly myChats = inject(MyChatsGQL);
  private readonly startChatGql = inject(StartChatGQL);
  private readonly chatUpdated = inject(ChatUpdatedGQL);
  private readonly realtime = inject(RealtimeConnection);
  private readonly messageAdded = inject(MessageAddedGQL);
  /** Open chats followed message by message (for their last message and the unread mark). */
  private readonly followed = new Map<string, Subscription>();
  private live: Subscription | null = null;
  /** Chats with a reply from the team the customer has not looked at yet. */
  private readonly unreadSignal = signal<ReadonlySet<string>>(new Set());
  readonly unread = this.unreadSignal.asReadonly();
  readonly unreadCount = computed(() => this.unreadSignal().size);
  /** The conversation on screen: its replies are read as they arrive. */
  readonly onScreen = signal<string | null>(null);

  private readonly chatsSignal = signal<readonly ChatSummaryFragment[]>([]);
  readonly chats = this.chatsSignal.asReadonly();
  readonly loading = signal(false);
  readonly loaded = signal(false);
  readonly error = signal<AppError | null>(null);
  readonly hasMore = signal(false);
  readonly openCount = computed(() => this.chatsSignal().filter((c) => c.status !== 'CLOSED').length);

  private endCursor: string | null = null;
  private readonly updatesSubject = new Subject<ChatSummaryFragment>();
  /** Every chat change seen (subscription, mutations), for an open conversation to follow. */
  readonly updates = this.updatesSubject.asObservable();

  /** Loads the first page and follows changes until the returned subscription ends. */
  connect(): Subscription {
    const live = new Subscription();
    this.load();
    live.add(
      this.realtime
        .resilient(() => this.chatUpdated.subscribe())
        .subscribe({
          next: (result) => {
            if (result.data) this.upsert(result.data.chatUpdated);
          },
          error: () => undefined, // a rejected session is handled by the session itself
        }),
    );
    // chatUpdated is not replayed: after a lost socket, catch up by reloading
    live.add(this.realtime.reconnected.subscribe(() => this.load()));
    live.add(() => this.unfollowAll());
    this.live = live;
    return live;
  }

  /** The customer looked at this chat: its mark goes. */
  markRead(chatId: string): void {
    if (!this.unreadSignal().has(chatId)) return;
    const next = new Set(this.unreadSignal());
    next.delete(chatId);
    this.unreadSignal.set(next);
  }

  /** Follows every open chat's new messages (chatUpdated tells of status changes only), and stops following closed ones. */
  private follow(): void {
    if (!this.live || this.live.closed) return;
    const open = new Map(this.chatsSignal().filter((c) => c.status !== 'CLOSED').map((c) => [c.id, c]));
    for (const [id, sub] of this.followed) {
      if (!open.has(id)) {
        sub.unsubscribe();
        this.followed.delete(id);
      }
    }
    for (const chat of open.values()) {
      if (this.followed.has(chat.id)) continue;
      let afterSeq = chat.lastMessage?.seq ?? 0;
      const sub = this.realtime
        .resilient(() => this.messageAdded.subscribe({ variables: { chatId: chat.id, afterSeq }, context: OWN_STREAM }))
        .subscribe({
          next: (result) => {
            const message = result.data?.messageAdded;
            if (!message) return;
            afterSeq = Math.max(afterSeq, message.seq);
            this.noteMessage(message);
            if ((message.kind === 'AGENT' || message.kind === 'BOT') && this.onScreen() !== message.chatId) {
              this.unreadSignal.set(new Set(this.unreadSignal()).add(message.chatId));
            }
          },
          error: () => undefined, // a rejected session is handled by the session itself
        });
      this.followed.set(chat.id, sub);
    }
  }

  private unfollowAll(): void {
    for (const sub of this.followed.values()) sub.unsubscribe();
    this.followed.clear();
    this.live = null;
  }

  load(): void {
    this.loading.set(true);
    this.myChats
      .fetch({ variables: { first: PAGE_SIZE } })
      .pipe(map((r) => r.data?.chats))
      .subscribe({
        next: (page) => {
          this.loading.set(false);
          this.loaded.set(true);
          if (!page) return;
          this.error.set(null);
          this.chatsSignal.set(sortChats(page.edges.map((e) => e.node)));
          this.hasMore.set(page.pageInfo.hasNextPage);
          this.endCursor = page.pageInfo.endCursor;
          this.follow();
        },
        error: (e: unknown) => {
          this.loading.set(false);
          this.error.set(toAppError(e));
        },
      });
  }

  loadMore(): void {
    if (!this.hasMore() || this.loading() || !this.endCursor) return;
    this.loading.set(true);
    this.myChats
      .fetch({ variables: { first: PAGE_SIZE, after: this.endCursor } })
      .pipe(map((r) => r.data?.chats))
      .subscribe({
        next: (page) => {
          this.loading.set(false);
          if (!page) return;
          for (const edge of page.edges) this.upsert(edge.node, false);
          this.hasMore.set(page.pageInfo.hasNextPage);
          this.endCursor = page.pageInfo.endCursor;
        },
        error: (e: unknown) => {
          this.loading.set(false);
          this.error.set(toAppError(e));
        },
      });
  }

  /** Opens a chat; the same clientMessageId again (a double submit, a retry) returns the same chat. */
  start(input: { subject: string | null; message: string; clientMessageId: string; attachmentIds?: string[] }): Observable<ChatSummaryFragment> {
    return this.startChatGql.mutate({ variables: { input } }).pipe(
      map((r) => {
        if (!r.data) throw new Error('The server returned no data');
        return r.data.startChat;
      }),
      tap((chat) => this.upsert(chat)),
      catchError((e: unknown) => throwError(() => toAppError(e))),
    );
  }

  find(id: string): ChatSummaryFragment | undefined {
    return this.chatsSignal().find((c) => c.id === id);
  }

  upsert(chat: ChatSummaryFragment, announce = true): void {
    this.chatsSignal.update((list) => {
      const existing = list.find((c) => c.id === chat.id);
      // keep the newest last message we know of (the summary may be older than the live stream)
      const merged =
        existing?.lastMessage && chat.lastMessage && existing.lastMessage.seq > chat.lastMessage.seq
          ? { ...chat, lastMessage: existing.lastMessage }
          : chat;
      return sortChats([...list.filter((c) => c.id !== chat.id), merged]);
    });
    this.follow();
    if (announce) this.updatesSubject.next(chat);
  }

  /** A message seen live in a conversation becomes the chat's last message. */
  noteMessage(message: ChatMessageFragment): void {
    this.chatsSignal.update((list) => {
      const chat = list.find((c) => c.id === message.chatId);
      if (!chat || (chat.lastMessage && chat.lastMessage.seq >= message.seq)) return list;
      const updatedAt = message.createdAt > chat.updatedAt ? message.createdAt : chat.updatedAt;
      return sortChats(list.map((c) => (c.id === chat.id ? { ...c, lastMessage: message, updatedAt } : c)));
    });
  }

  reset(): void {
    this.unfollowAll();
    this.unreadSignal.set(new Set());
    this.chatsSignal.set([]);
    this.loaded.set(false);
    this.hasMore.set(false);
    this.endCursor = null;
    this.error.set(null);
  }
}

export function sortChats(chats: readonly ChatSummaryFragment[]): ChatSummaryFragment[] {
  return [...chats].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
}
