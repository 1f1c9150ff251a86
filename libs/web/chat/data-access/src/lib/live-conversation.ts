import { computed, signal } from '@angular/core';
import { Subscription, map, type Observable } from 'rxjs';
import { LIMITS } from '@parley/shared/limits';
import { describeError, toAppError, type AppError, type RealtimeConnection } from '@parley/web/shared/data-access';
import { newClientId, noticeText } from '@parley/web/shared/util';
import type { MessageAttachmentFragment, MessageKind } from '../generated/graphql';
import { addPending, hasConfirmed, lastSeq, mergeMessages, removePending, toTimeline, updatePending, type LoggedMessage, type MessageLog } from './message-log';
import { sendWithRetry } from './send-retry';
import { TypingNotifier } from './typing-notifier';
import { TypingPeople } from './typing-people';

/** What a live conversation needs of a message: the log's fields and its chat. */
export type LiveMessage = LoggedMessage & { chatId: string };

/** One page of a chat's messages, oldest first, and where the page before it starts. */
export interface MessagePage<M> {
  messages: readonly M[];
  hasOlder: boolean;
  cursor: string | null;
}

/** One event of a subscription: its value, or the error that ended it (RealtimeConnection.resilient decides whether to retry). */
export interface LiveEvent<T> {
  value: T | null;
  error?: unknown;
}

/** A messages connection as both apps' documents read it. */
export interface MessageConnection<M> {
  edges: ReadonlyArray<{ node: M }>;
  pageInfo: { hasPreviousPage: boolean; startCursor: string | null };
}

/** A connection as a page. */
export function pageOf<M>(connection: MessageConnection<M>): MessagePage<M> {
  return { messages: connection.edges.map((e) => e.node), hasOlder: connection.pageInfo.hasPreviousPage, cursor: connection.pageInfo.startCursor };
}

/** A chat read with its newest messages, split into its summary and the page; null stays null. */
export function chatWithPage<S, M>(chat: (S & { messages: MessageConnection<M> }) | null | undefined): { summary: S; page: MessagePage<M> } | null {
  if (!chat) return null;
  const { messages, ...summary } = chat;
  return { summary: summary as unknown as S, page: pageOf(messages) };
}

/** A subscription's results as LiveEvents of one field. */
export function liveEvents<R, T>(results: Observable<{ data?: R | null; error?: unknown }>, pick: (data: R) => T | null | undefined): Observable<LiveEvent<T>> {
  return results.pipe(map((r) => ({ value: (r.data ? pick(r.data) : null) ?? null, error: r.error })));
}

/**
 * The operations a conversation runs, each app through its own typed
 * documents (the customer app's and the desk's fragments differ). Answers of
 * null mean "no such chat" (load) or "nothing" (the rest).
 */
export interface ConversationTransport<M extends LiveMessage, S> {
  realtime: RealtimeConnection;
  load(chatId: string, last: number): Observable<{ summary: S; page: MessagePage<M> } | null>;
  older(chatId: string, last: number, before: string): Observable<MessagePage<M> | null>;
  send(input: { chatId: string; body: string; clientMessageId: string; attachmentIds?: string[] }): Observable<M | null>;
  setTyping(chatId: string, typing: boolean): Observable<unknown>;
  /** The live stream after `afterSeq` (replayed first). */
  messageAdded(chatId: string, afterSeq: number | null): Observable<LiveEvent<M>>;
  typingChanged(chatId: string): Observable<LiveEvent<{ user: { id: string; displayName: string }; typing: boolean }>>;
}

/** Where a conversation reports what it learns, and what it asks of its owner. */
export interface ConversationHooks<M extends LiveMessage, S> {
  /** The chat's status and agent as just read (on opening, and after a SYSTEM message or a reconnect). */
  summary(summary: S): void;
  /** A message new to this conversation (lists keep their last message and unread counts). */
  message(message: M): void;
  /** Whether the chat is closed now (no sending, no typing). */
  closed(): boolean;
  /** Who an incoming message is from, for screen readers; null: not announced (the viewer's own). */
  author(message: M): string | null;
  /** A short notice about something that failed (loading older messages). */
  error(text: string): void;
  /** The session ended while a message was on its way: keep its text for after signing in again. */
  keepUnsent?(body: string): void;
}

export interface ConversationOptions {
  pageSize: number;
  /** Pages of older messages, when not pageSize. */
  olderPageSize?: number;
  /** What the viewer's own unsent messages are (CUSTOMER in the customer app, AGENT in the desk). */
  pendingKind: MessageKind;
}

/**
 * One open chat, the same in the customer app and the desk: its history
 * (pages loaded backwards), the live stream resumed with afterSeq (a
 * reconnect misses nothing and repeats nothing), the viewer's pending sends
 * (retried under one clientMessageId), who is typing, and what screen readers
 * hear. Call dispose() when it is put away.
 */
export class LiveConversation<M extends LiveMessage, S> {
  readonly log = signal<MessageLog<M>>({ confirmed: [], pending: [] });
  readonly loading = signal(true);
  readonly loadError = signal<AppError | null>(null);
  readonly olderLoading = signal(false);
  readonly hasOlder = signal(false);
  private readonly typingPeople = new TypingPeople();
  readonly typing = this.typingPeople.list;
  /** Text for the screen reader live region: incoming messages. */
  readonly announcement = signal('');
  readonly timeline = computed(() => toTimeline(this.log(), this.viewerId, this.options.pendingKind));
  readonly typingNotifier = new TypingNotifier((typing) => this.sendTyping(typing));

  private readonly live = new Subscription();
  private olderCursor: string | null = null;
  /** Sends that failed for want of a connection: sent again once the socket is back. */
  private readonly offlineFailures = new Set<string>();

  constructor(
    readonly chatId: string,
    private readonly viewerId: string | null,
    private readonly transport: ConversationTransport<M, S>,
    private readonly hooks: ConversationHooks<M, S>,
    private readonly options: ConversationOptions,
  ) {
    this.load();
  }

  /** The page before the oldest message held (scrolling up). */
  loadOlder(): void {
    if (!this.hasOlder() || this.olderLoading() || !this.olderCursor) return;
    this.olderLoading.set(true);
    this.live.add(
      this.transport.older(this.chatId, this.options.olderPageSize ?? this.options.pageSize, this.olderCursor).subscribe({
        next: (page) => {
          this.olderLoading.set(false);
          if (page) this.takePage(page);
        },
        error: (e: unknown) => {
          this.olderLoading.set(false);
          this.hooks.error(describeError(toAppError(e)));
        },
      }),
    );
  }

  /** Shows the message at once as pending, then sends it; false when there is nothing to send (or the chat is closed). */
  send(text: string, attachments: readonly MessageAttachmentFragment[] = []): boolean {
    const body = text.trim();
    // with files the text may be empty
    const minLength = attachments.length ? 0 : LIMITS.messageBodyMin;
    if (this.hooks.closed() || body.length < minLength || body.length > LIMITS.messageBodyMax) return false;
    if (attachments.length > LIMITS.attachmentsPerMessageMax) return false;
    const clientMessageId = newClientId();
    this.log.update((log) => addPending(log, { clientMessageId, body, createdAt: new Date().toISOString(), attachments }));
    this.typingNotifier.stop();
    this.deliver(clientMessageId, body, attachments.map((a) => a.id));
    return true;
  }

  /** Sends a failed message again, under the same clientMessageId (never stored twice). */
  retry(clientMessageId: string): void {
    const pending = this.log().pending.find((p) => p.clientMessageId === clientMessageId);
    if (!pending) return;
    this.log.update((log) => updatePending(log, clientMessageId, { state: 'sending', error: null }));
    this.deliver(clientMessageId, pending.body, pending.attachments?.map((a) => a.id));
  }

  /** Drops a failed message from the screen. */
  discard(clientMessageId: string): void {
    this.log.update((log) => removePending(log, clientMessageId));
  }

  /** The newest message seq held (0: none yet). */
  newestSeq(): number {
    return lastSeq(this.log()) ?? 0;
  }

  /** The chat closed: nobody is typing any more. */
  clearTyping(): void {
    this.typingPeople.clear();
  }

  dispose(): void {
    this.typingNotifier.stop();
    this.live.unsubscribe();
    this.typingPeople.clear();
  }

  private load(): void {
    this.live.add(
      this.transport.load(this.chatId, this.options.pageSize).subscribe({
        next: (answer) => {
          this.loading.set(false);
          if (!answer) {
            this.loadError.set({ code: 'NOT_FOUND', message: 'No such chat', fields: {}, retryAfterSeconds: null });
            return;
          }
          this.hooks.summary(answer.summary);
          this.takePage(answer.page);
          this.follow();
        },
        error: (e: unknown) => {
          this.loading.set(false);
          this.loadError.set(toAppError(e));
        },
      }),
    );
  }

  private takePage(page: MessagePage<M>): void {
    this.log.update((log) => mergeMessages(log, page.messages, this.viewerId));
    this.hasOlder.set(page.hasOlder);
    this.olderCursor = page.cursor;
  }

  private follow(): void {
    const { realtime } = this.transport;
    this.live.add(
      realtime
        // resume after the last message held: a reconnect misses nothing and repeats nothing
        .resilient(() => this.transport.messageAdded(this.chatId, lastSeq(this.log())))
        .subscribe({
          next: (event) => {
            if (event.value) this.receive(event.value);
          },
          error: (e: unknown) => this.hooks.error(describeError(toAppError(e))),
        }),
    );
    this.live.add(
      realtime.resilient(() => this.transport.typingChanged(this.chatId)).subscribe({
        next: ({ value }) => {
          if (value && value.user.id !== this.viewerId) this.typingPeople.set({ id: value.user.id, name: value.user.displayName }, value.typing);
        },
        error: () => undefined,
      }),
    );
    // status changes are not replayed: after a lost socket, read the chat again
    this.live.add(realtime.reconnected.subscribe(() => this.refreshSummary()));
    // and what failed for want of a connection goes now
    this.live.add(
      realtime.reconnected.subscribe(() => {
        for (const p of this.log().pending) if (p.state === 'failed' && this.offlineFailures.has(p.clientMessageId)) this.retry(p.clientMessageId);
      }),
    );
  }

  private receive(message: M): void {
    if (message.chatId !== this.chatId) return;
    const before = this.log();
    const after = mergeMessages(before, [message], this.viewerId);
    if (after === before) return;
    this.log.set(after);
    const isNew = before.confirmed.every((m) => m.seq !== message.seq);
    if (isNew) this.hooks.message(message);
    if (message.sender) this.typingPeople.set({ id: message.sender.id, name: message.sender.displayName }, false);
    // Every change of status or agent comes with a SYSTEM message, and this stream is replayed while
    // chat events are not: a change made while the socket was down (or before it was live) still shows.
    if (message.kind === 'SYSTEM' && isNew) this.refreshSummary();
    const who = isNew ? this.hooks.author(message) : null;
    const text = noticeText(message);
    if (who !== null) this.announcement.set(who ? `${who}: ${text}` : text);
  }

  /** Re-reads the chat's status and agent (never its messages: those come from the stream). */
  private refreshSummary(): void {
    // only the summary: adding its newest message here would make a later resume skip the ones before it
    this.live.add(
      this.transport.load(this.chatId, 1).subscribe({
        next: (answer) => {
          if (answer) this.hooks.summary(answer.summary);
        },
        error: () => undefined,
      }),
    );
  }

  private deliver(clientMessageId: string, body: string, attachmentIds?: string[]): void {
    if (hasConfirmed(this.log(), clientMessageId)) {
      this.log.update((log) => removePending(log, clientMessageId));
      return;
    }
    this.offlineFailures.delete(clientMessageId);
    const input = { chatId: this.chatId, body, clientMessageId, ...(attachmentIds?.length ? { attachmentIds } : {}) };
    this.live.add(
      // the socket back after a loss: the send goes (again) at once, under the same clientMessageId
      sendWithRetry(() => this.transport.send(input), this.transport.realtime.reconnected)
        .subscribe({
          next: (message) => {
            if (message) this.receive(message);
          },
          error: (e: unknown) => {
            const error = toAppError(e);
            if (error.code === 'NETWORK') this.offlineFailures.add(clientMessageId);
            if (error.code === 'UNAUTHENTICATED' && this.hooks.keepUnsent) {
              this.hooks.keepUnsent(body);
              this.log.update((log) => removePending(log, clientMessageId));
              return;
            }
            const reason =
              error.code === 'NETWORK' ? $localize`:@@conversation.notSentOffline:Not sent: no connection.` : $localize`:@@conversation.notSent:Not sent. ${describeError(error)}:reason:`;
            this.log.update((log) => updatePending(log, clientMessageId, { state: 'failed', error: reason }));
          },
        }),
    );
  }

  private sendTyping(typing: boolean): void {
    if (typing && this.hooks.closed()) return;
    // best effort: a lost typing signal is harmless
    this.transport.setTyping(this.chatId, typing).subscribe({ error: () => undefined });
  }
}
