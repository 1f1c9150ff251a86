import { Injectable, computed, inject, signal } from '@angular/core';
import { Observable, Subject, Subscription, catchError, map, tap, throwError } from 'rxjs';
import { RealtimeConnection, toAppError, type AppError } from '@parley/web/shared/data-access';
import {
  ChatUpdatedGQL,
  MyChatsGQL,
  StartChatGQL,
  type ChatMessageFragment,
  type ChatSummaryFragment,
} from '../generated/graphql';

const PAGE_SIZE = 20;

/**
 * The customer's chats, most recently active first, kept current by one
 * chatUpdated subscription (the server sends a customer's chat again with
 * each new message, so the last message and the unread mark follow every
 * chat through it) and by the messages the open conversation sees.
 */
@Injectable({ providedIn: 'root' })
export class ChatListStore {
  private readonly myChats = inject(MyChatsGQL);
  private readonly startChatGql = inject(StartChatGQL);
  private readonly chatUpdated = inject(ChatUpdatedGQL);
  private readonly realtime = inject(RealtimeConnection);
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
    return live;
  }

  /** The customer looked at this chat: its mark goes. */
  markRead(chatId: string): void {
    if (!this.unreadSignal().has(chatId)) return;
    const next = new Set(this.unreadSignal());
    next.delete(chatId);
    this.unreadSignal.set(next);
  }

  /** A newer last message from the team (an agent, the bot) in a chat not on screen: a reply to look at. */
  private noteUnread(before: ChatSummaryFragment | undefined, after: ChatSummaryFragment): void {
    const last = after.lastMessage;
    if (!before || !last || (before.lastMessage && before.lastMessage.seq >= last.seq)) return;
    if ((last.kind === 'AGENT' || last.kind === 'BOT') && this.onScreen() !== after.id && !this.unreadSignal().has(after.id)) {
      this.unreadSignal.set(new Set(this.unreadSignal()).add(after.id));
    }
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
          const before = this.chatsSignal();
          const chats = page.edges.map((e) => e.node);
          // a reload after a lost socket: replies that came meanwhile are marked too
          for (const chat of chats) this.noteUnread(before.find((c) => c.id === chat.id), chat);
          this.chatsSignal.set(sortChats(chats));
          this.hasMore.set(page.pageInfo.hasNextPage);
          this.endCursor = page.pageInfo.endCursor;
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
    this.noteUnread(this.find(chat.id), chat);
    this.chatsSignal.update((list) => {
      const existing = list.find((c) => c.id === chat.id);
      // keep the newest last message we know of (the summary may be older than the live stream)
      const merged =
        existing?.lastMessage && chat.lastMessage && existing.lastMessage.seq > chat.lastMessage.seq
          ? { ...chat, lastMessage: existing.lastMessage }
          : chat;
      return sortChats([...list.filter((c) => c.id !== chat.id), merged]);
    });
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
