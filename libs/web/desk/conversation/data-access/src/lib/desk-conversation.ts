import { computed, signal } from '@angular/core';
import { Subscription } from 'rxjs';
import { LIMITS } from '@parley/shared/limits';
import { TypingNotifier, TypingPeople, addPending, retrySend, hasConfirmed, lastSeq, mergeMessages, removePending, toTimeline, updatePending, type MessageLog } from '@parley/web/chat/data-access';
import { describeError, toAppError, type AppError } from '@parley/web/shared/data-access';
import { newClientId } from '@parley/web/shared/util';
import type { DeskChatFragment, DeskMessageFragment } from '@parley/web/desk/api/data-access';
import type { ConversationDeps } from './conversation-deps';

export const DESK_PAGE_SIZE = 50;

/**
 * One chat open in the desk: its history (pages loaded backwards as the
 * agent scrolls up), the live stream resumed with afterSeq, this agent's
 * pending sends, the customer's typing, the draft and the scroll position.
 * Several live at once (see OpenChatsStore), so switching keeps all of it.
 */
export class DeskConversation {
  /** The inbox's copy: accepting, closing or reassigning anywhere shows here at once. */
  readonly chat = computed<DeskChatFragment | null>(() => this.deps.inbox.chat(this.chatId));
  readonly log = signal<MessageLog<DeskMessageFragment>>({ confirmed: [], pending: [] });
  readonly loading = signal(true);
  readonly loadError = signal<AppError | null>(null);
  readonly olderLoading = signal(false);
  readonly hasOlder = signal(false);
  private readonly typingPeople = new TypingPeople();
  readonly typing = this.typingPeople.list;
  readonly actionError = signal<string | null>(null);
  readonly announcement = signal('');
  /** The unsent text, kept while the agent works in other chats. */
  readonly draft = signal('');
  /** Where the agent had scrolled to when they left this chat (px from the top); null: at the newest, follow it. */
  scrollTop: number | null = null;

  readonly timeline = computed(() => toTimeline(this.log(), this.viewerId, 'AGENT'));
  readonly closed = computed(() => this.chat()?.status === 'CLOSED');
  readonly typingNotifier = new TypingNotifier((typing) => this.sendTyping(typing));

  private readonly live = new Subscription();
  private olderCursor: string | null = null;

  constructor(
    readonly chatId: string,
    private readonly viewerId: string | null,
    private readonly deps: ConversationDeps,
  ) {
    this.draft.set(deps.drafts.get(`desk.${chatId}`));
    this.load();
  }

  setDraft(text: string): void {
    this.draft.set(text);
    this.deps.drafts.set(`desk.${this.chatId}`, text);
    this.typingNotifier.input(text);
  }

  loadOlder(): void {
    if (!this.hasOlder() || this.olderLoading() || !this.olderCursor) return;
    this.olderLoading.set(true);
    this.live.add(
      this.deps.olderGql.fetch({ variables: { id: this.chatId, last: DESK_PAGE_SIZE, before: this.olderCursor } }).subscribe({
        next: (result) => {
          this.olderLoading.set(false);
          const page = result.data?.chat?.messages;
          if (!page) return;
          this.log.update((log) => mergeMessages(log, page.edges.map((e) => e.node), this.viewerId));
          this.hasOlder.set(page.pageInfo.hasPreviousPage);
          this.olderCursor = page.pageInfo.startCursor;
        },
        error: (e: unknown) => {
          this.olderLoading.set(false);
          this.actionError.set(describeError(toAppError(e)));
        },
      }),
    );
  }

  /** Shows the reply at once as pending, then sends it (network failures retried under the same clientMessageId). */
  send(): boolean {
    const body = this.draft().trim();
    if (this.closed() || body.length < LIMITS.messageBodyMin || body.length > LIMITS.messageBodyMax) return false;
    const clientMessageId = newClientId();
    this.log.update((log) => addPending(log, { clientMessageId, body, createdAt: new Date().toISOString() }));
    this.draft.set('');
    this.deps.drafts.clear(`desk.${this.chatId}`);
    this.typingNotifier.stop();
    this.deliver(clientMessageId, body);
    return true;
  }

  retry(clientMessageId: string): void {
    const pending = this.log().pending.find((p) => p.clientMessageId === clientMessageId);
    if (!pending) return;
    this.log.update((log) => updatePending(log, clientMessageId, { state: 'sending', error: null }));
    this.deliver(clientMessageId, pending.body);
  }

  /** The newest message seq held, for read marks. */
  newestSeq(): number {
    return lastSeq(this.log()) ?? 0;
  }

  dispose(): void {
    this.typingNotifier.stop();
    this.live.unsubscribe();
    this.typingPeople.clear();
  }

  private load(): void {
    this.live.add(
      this.deps.conversationGql.fetch({ variables: { id: this.chatId, last: DESK_PAGE_SIZE } }).subscribe({
        next: (result) => {
          this.loading.set(false);
          const chat = result.data?.chat;
          if (!chat) {
            this.loadError.set({ code: 'NOT_FOUND', message: 'No such chat', fields: {}, retryAfterSeconds: null });
            return;
          }
          const { messages, ...summary } = chat;
          this.deps.inbox.upsert(summary, false);
          this.log.update((log) => mergeMessages(log, messages.edges.map((e) => e.node), this.viewerId));
          this.hasOlder.set(messages.pageInfo.hasPreviousPage);
          this.olderCursor = messages.pageInfo.startCursor;
          this.follow();
        },
        error: (e: unknown) => {
          this.loading.set(false);
          this.loadError.set(toAppError(e));
        },
      }),
    );
  }

  private follow(): void {
    const { realtime, messageAddedGql, typingChangedGql } = this.deps;
    this.live.add(
      realtime
        // resume after the last message held: a reconnect misses nothing and repeats nothing
        .resilient(() => messageAddedGql.subscribe({ variables: { chatId: this.chatId, afterSeq: lastSeq(this.log()) } }))
        .subscribe({
          next: (result) => {
            if (result.data) this.receive(result.data.messageAdded);
          },
          error: (e: unknown) => this.actionError.set(describeError(toAppError(e))),
        }),
    );
    this.live.add(
      realtime.resilient(() => typingChangedGql.subscribe({ variables: { chatId: this.chatId } })).subscribe({
        next: (result) => {
          const event = result.data?.typingChanged;
          if (event && event.user.id !== this.viewerId) this.typingPeople.set({ id: event.user.id, name: event.user.displayName }, event.typing);
        },
        error: () => undefined,
      }),
    );
  }

  private receive(message: DeskMessageFragment): void {
    if (message.chatId !== this.chatId) return;
    const before = this.log();
    const after = mergeMessages(before, [message], this.viewerId);
    if (after === before) return;
    this.log.set(after);
    this.deps.inbox.noteMessage(message);
    if (message.sender) this.typingPeople.set({ id: message.sender.id, name: message.sender.displayName }, false);
    // every change of status or agent comes with a SYSTEM message, and this stream is replayed while
    // chatUpdated is not: a change made while the socket was down still reaches the inbox
    if (message.kind === 'SYSTEM' && before.confirmed.every((m) => m.seq !== message.seq)) this.refreshSummary();
    if (message.sender?.id !== this.viewerId && before.confirmed.every((m) => m.seq !== message.seq)) {
      const who = message.kind === 'BOT' ? $localize`:@@desk.author.bot:Bot` : message.kind === 'SYSTEM' ? $localize`:@@desk.author.system:Update` : (message.sender?.displayName ?? '');
      this.announcement.set(`${who}: ${message.body}`);
    }
  }

  private refreshSummary(): void {
    this.deps.conversationGql.fetch({ variables: { id: this.chatId, last: 1 } }).subscribe({
      next: (result) => {
        const chat = result.data?.chat;
        if (!chat) return;
        // only the summary: adding its newest message here would make a later resume skip the ones before it
        const { messages: _latest, ...summary } = chat;
        this.deps.inbox.upsert(summary, false);
      },
      error: () => undefined,
    });
  }

  private deliver(clientMessageId: string, body: string): void {
    if (hasConfirmed(this.log(), clientMessageId)) {
      this.log.update((log) => removePending(log, clientMessageId));
      return;
    }
    this.live.add(
      this.deps.sendGql
        .mutate({ variables: { input: { chatId: this.chatId, body, clientMessageId } } })
        .pipe(retrySend())
        .subscribe({
          next: (result) => {
            const message = result.data?.sendMessage;
            if (message) this.receive(message);
          },
          error: (e: unknown) => {
            const error = toAppError(e);
            const reason = error.code === 'NETWORK' ? $localize`:@@desk.notSentOffline:Not sent: no connection.` : $localize`:@@desk.notSent:Not sent. ${describeError(error)}:reason:`;
            this.log.update((log) => updatePending(log, clientMessageId, { state: 'failed', error: reason }));
          },
        }),
    );
  }

  private sendTyping(typing: boolean): void {
    if (typing && this.closed()) return;
    // best effort: a lost typing signal is harmless
    this.deps.typingGql.mutate({ variables: { chatId: this.chatId, typing } }).subscribe({ error: () => undefined });
  }
}
