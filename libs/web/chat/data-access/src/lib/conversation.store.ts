import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { Subscription } from 'rxjs';
import { LIMITS } from '@parley/shared/limits';
import { RealtimeConnection, describeError, toAppError, type AppError } from '@parley/web/shared/data-access';
import { newClientId } from '@parley/web/shared/util';
import {
  CloseChatGQL,
  ConversationGQL,
  MessageAddedGQL,
  OlderMessagesGQL,
  SendMessageGQL,
  SetTypingGQL,
  TypingChangedGQL,
  type ChatMessageFragment,
  type ChatSummaryFragment,
  type MessageAttachmentFragment,
} from '../generated/graphql';
import { REQUEST_HUMAN_IN_SCHEMA, RequestHumanGQL } from '../generated/assist';
import { ChatListStore } from './chat-list.store';
import { DraftStore } from './draft.store';
import {
  EMPTY_LOG,
  addPending,
  hasConfirmed,
  lastSeq,
  mergeMessages,
  removePending,
  toTimeline,
  updatePending,
  type MessageLog,
} from './message-log';
import { TypingNotifier } from './typing-notifier';
import { retrySend } from './send-retry';
import { TypingPeople } from './typing-people';

export const MESSAGE_PAGE_SIZE = 50;
export type { TypingPerson } from './typing-people';

/**
 * One open conversation: its messages (history pages, the live stream, this
 * tab's pending sends), who is typing, and the chat's status. Provide it in
 * the conversation component; it stops everything when that is destroyed.
 */
@Injectable()
export class ConversationStore {
  private readonly conversationGql = inject(ConversationGQL);
  private readonly olderGql = inject(OlderMessagesGQL);
  private readonly sendGql = inject(SendMessageGQL);
  private readonly typingGql = inject(SetTypingGQL);
  private readonly closeGql = inject(CloseChatGQL);
  private readonly requestHumanGql = inject(RequestHumanGQL);
  private readonly messageAdded = inject(MessageAddedGQL);
  private readonly typingChanged = inject(TypingChangedGQL);
  private readonly realtime = inject(RealtimeConnection);
  private readonly list = inject(ChatListStore);
  private readonly drafts = inject(DraftStore);

  private chatId: string | null = null;
  private viewerId: string | null = null;
  private live = new Subscription();
  private olderCursor: string | null = null;
  private readonly typingPeople = new TypingPeople();

  readonly chat = signal<ChatSummaryFragment | null>(null);
  readonly log = signal<MessageLog>(EMPTY_LOG);
  readonly loading = signal(false);
  readonly loadError = signal<AppError | null>(null);
  readonly olderLoading = signal(false);
  readonly hasOlder = signal(false);
  readonly typing = this.typingPeople.list;
  /** A short notice about the last action that failed (closing, asking for a person). */
  readonly actionError = signal<string | null>(null);
  readonly closing = signal(false);
  /** Text for the screen reader live region: incoming messages. */
  readonly announcement = signal('');

  readonly timeline = computed(() => toTimeline(this.log(), this.viewerId));
  readonly closed = computed(() => this.chat()?.status === 'CLOSED');
  /** "Talk to a person" is offered while the bot answers, if the API supports it. */
  readonly canRequestHuman = computed(() => {
    const chat = this.chat();
    return REQUEST_HUMAN_IN_SCHEMA && !!chat && chat.botActive && chat.status !== 'CLOSED';
  });

  readonly typingNotifier = new TypingNotifier((typing) => this.sendTyping(typing));

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  /** Loads the newest page of a chat, then follows it live. */
  open(chatId: string, viewerId: string | null): void {
    this.stop();
    this.chatId = chatId;
    this.viewerId = viewerId;
    this.log.set(EMPTY_LOG);
    this.chat.set(this.list.find(chatId) ?? null);
    this.loadError.set(null);
    this.actionError.set(null);
    this.hasOlder.set(false);
    this.olderCursor = null;
    this.typingPeople.clear();
    this.announcement.set('');
    this.loading.set(true);
    this.live = new Subscription();
    this.live.add(
      this.conversationGql.fetch({ variables: { id: chatId, last: MESSAGE_PAGE_SIZE } }).subscribe({
        next: (result) => {
          if (chatId !== this.chatId) return;
          this.loading.set(false);
          const chat = result.data?.chat;
          if (!chat) {
            this.loadError.set({ code: 'NOT_FOUND', message: 'No such chat', fields: {}, retryAfterSeconds: null });
            return;
          }
          const { messages, ...summary } = chat;
          this.chat.set(summary);
          this.log.update((log) => mergeMessages(log, messages.edges.map((e) => e.node), this.viewerId));
          this.hasOlder.set(messages.pageInfo.hasPreviousPage);
          this.olderCursor = messages.pageInfo.startCursor;
          this.follow(chatId);
        },
        error: (e: unknown) => {
          this.loading.set(false);
          this.loadError.set(toAppError(e));
        },
      }),
    );
  }

  /** The page before the oldest message held (scrolling up). */
  loadOlder(): void {
    const chatId = this.chatId;
    if (!chatId || !this.hasOlder() || this.olderLoading() || !this.olderCursor) return;
    this.olderLoading.set(true);
    this.live.add(
      this.olderGql.fetch({ variables: { id: chatId, last: MESSAGE_PAGE_SIZE, before: this.olderCursor } }).subscribe({
        next: (result) => {
          this.olderLoading.set(false);
          const page = result.data?.chat?.messages;
          if (!page || chatId !== this.chatId) return;
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

  /** Shows the message at once as pending, then sends it (retrying network failures with the same clientMessageId). */
  send(text: string, attachments: readonly MessageAttachmentFragment[] = []): boolean {
    const body = text.trim();
    // With files the text may be empty.
    const minLength = attachments.length ? 0 : LIMITS.messageBodyMin;
    if (!this.chatId || this.closed() || body.length < minLength || body.length > LIMITS.messageBodyMax) return false;
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

  close(): void {
    const chatId = this.chatId;
    if (!chatId || this.closing()) return;
    this.closing.set(true);
    this.actionError.set(null);
    this.closeGql.mutate({ variables: { chatId } }).subscribe({
      next: (result) => {
        this.closing.set(false);
        // the list follows at once (it tells the open conversation too)
        if (result.data) this.list.upsert(result.data.closeChat);
      },
      error: (e: unknown) => {
        this.closing.set(false);
        this.actionError.set(`We couldn't close the conversation. ${describeError(toAppError(e))}`);
      },
    });
  }

  requestHuman(): void {
    const chatId = this.chatId;
    if (!chatId || !this.canRequestHuman()) return;
    this.actionError.set(null);
    this.requestHumanGql.mutate({ variables: { chatId } }).subscribe({
      next: (result) => {
        const current = this.chat();
        const changed = result.data?.requestHuman;
        if (current && changed) this.applySummary({ ...current, status: changed.status, botActive: changed.botActive });
      },
      error: (e: unknown) => this.actionError.set(describeError(toAppError(e))),
    });
  }

  private follow(chatId: string): void {
    this.live.add(
      this.realtime
        .resilient(() =>
          // resume after the last message held: a reconnect misses nothing and repeats nothing
          this.messageAdded.subscribe({ variables: { chatId, afterSeq: lastSeq(this.log()) } }),
        )
        .subscribe({
          next: (result) => {
            if (result.data) this.receive(result.data.messageAdded);
          },
          error: (e: unknown) => this.actionError.set(describeError(toAppError(e))),
        }),
    );
    this.live.add(
      this.realtime
        .resilient(() => this.typingChanged.subscribe({ variables: { chatId } }))
        .subscribe({
          next: (result) => {
            const event = result.data?.typingChanged;
            if (event && event.user.id !== this.viewerId) this.setTyping({ id: event.user.id, name: event.user.displayName }, event.typing);
          },
          error: () => undefined,
        }),
    );
    this.live.add(
      this.list.updates.subscribe((chat) => {
        if (chat.id === chatId) this.applySummary(chat);
      }),
    );
    // status changes are not replayed: after a lost socket, re-read the chat
    this.live.add(this.realtime.reconnected.subscribe(() => this.refreshSummary(chatId)));
  }

  /** Re-reads the chat's status and agent (never its messages: those come from the messageAdded stream). */
  private refreshSummary(chatId: string): void {
    this.conversationGql.fetch({ variables: { id: chatId, last: 1 } }).subscribe({
      next: (result) => {
        const chat = result.data?.chat;
        if (chat && chat.id === this.chatId) {
          // adding the newest message here would make a later resume skip the ones before it
          const { messages: _latest, ...summary } = chat;
          this.applySummary(summary);
        }
      },
      error: () => undefined,
    });
  }

  private receive(message: ChatMessageFragment): void {
    if (message.chatId !== this.chatId) return;
    const before = this.log();
    const after = mergeMessages(before, [message], this.viewerId);
    if (after === before) return;
    this.log.set(after);
    this.list.noteMessage(message);
    // Every change of status or agent comes with a SYSTEM message, and this stream is replayed while
    // chatUpdated is not: a change made before that subscription was live still reaches the header.
    if (message.kind === 'SYSTEM' && before.confirmed.every((m) => m.seq !== message.seq)) this.refreshSummary(message.chatId);
    if (message.sender) this.setTyping({ id: message.sender.id, name: message.sender.displayName }, false);
    const mine = message.kind === 'CUSTOMER';
    if (!mine && before.confirmed.every((m) => m.seq !== message.seq)) {
      const who = message.kind === 'BOT' ? 'Assistant' : message.kind === 'SYSTEM' ? 'Update' : (message.sender?.displayName ?? 'Agent');
      this.announcement.set(`${who}: ${message.body}`);
    }
  }

  private deliver(clientMessageId: string, body: string, attachmentIds?: string[]): void {
    const chatId = this.chatId;
    if (!chatId) return;
    if (hasConfirmed(this.log(), clientMessageId)) {
      this.log.update((log) => removePending(log, clientMessageId));
      return;
    }
    this.live.add(
      this.sendGql
        .mutate({ variables: { input: { chatId, body, clientMessageId, ...(attachmentIds?.length ? { attachmentIds } : {}) } } })
        .pipe(retrySend())
        .subscribe({
          next: (result) => {
            const message = result.data?.sendMessage;
            if (message) this.receive(message);
          },
          error: (e: unknown) => {
            const error = toAppError(e);
            if (error.code === 'UNAUTHENTICATED') {
              // the session ended: keep the text as the draft for after signing in again
              const draft = this.drafts.get(chatId);
              this.drafts.set(chatId, draft ? `${body}\n${draft}` : body);
              this.log.update((log) => removePending(log, clientMessageId));
              return;
            }
            const reason = error.code === 'NETWORK' ? 'Not sent: no connection.' : `Not sent. ${describeError(error)}`;
            this.log.update((log) => updatePending(log, clientMessageId, { state: 'failed', error: reason }));
          },
        }),
    );
  }

  private sendTyping(typing: boolean): void {
    const chatId = this.chatId;
    if (!chatId || (typing && this.closed())) return;
    // best effort: a lost typing signal is harmless
    this.typingGql.mutate({ variables: { chatId, typing } }).subscribe({ error: () => undefined });
  }

  private setTyping(person: { id: string; name: string }, typing: boolean): void {
    this.typingPeople.set(person, typing);
  }

  private applySummary(summary: ChatSummaryFragment): void {
    const current = this.chat();
    if (current && current.updatedAt > summary.updatedAt) return;
    this.chat.set(summary);
    if (summary.status === 'CLOSED') this.typingPeople.clear();
  }

  private stop(): void {
    this.typingNotifier.stop();
    this.live.unsubscribe();
    this.typingPeople.clear();
  }
}
