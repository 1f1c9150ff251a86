import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { Subscription, map } from 'rxjs';
import { OWN_STREAM, RealtimeConnection, describeError, toAppError } from '@parley/web/shared/data-access';
import {
  CloseChatGQL,
  ConversationGQL,
  MessageAddedGQL,
  OlderMessagesGQL,
  RateChatGQL,
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
import { LiveConversation, chatWithPage, liveEvents, pageOf, type ConversationTransport } from './live-conversation';
import { EMPTY_LOG } from './message-log';

export const MESSAGE_PAGE_SIZE = 50;
export type { TypingPerson } from './typing-people';

/**
 * The customer's open conversation (one at a time): a LiveConversation for
 * the chat on screen, plus what only the customer does (end the chat, ask for
 * a person). Provide it in the conversation component; it stops everything
 * when that is destroyed.
 */
@Injectable()
export class ConversationStore {
  private readonly closeGql = inject(CloseChatGQL);
  private readonly requestHumanGql = inject(RequestHumanGQL);
  private readonly rateGql = inject(RateChatGQL);
  private readonly list = inject(ChatListStore);
  private readonly drafts = inject(DraftStore);
  private readonly transport = customerTransport();

  private readonly current = signal<LiveConversation<ChatMessageFragment, ChatSummaryFragment> | null>(null);
  private updates = new Subscription();

  readonly chat = signal<ChatSummaryFragment | null>(null);
  readonly log = computed(() => this.current()?.log() ?? EMPTY_LOG);
  readonly loading = computed(() => this.current()?.loading() ?? false);
  readonly loadError = computed(() => this.current()?.loadError() ?? null);
  readonly olderLoading = computed(() => this.current()?.olderLoading() ?? false);
  readonly hasOlder = computed(() => this.current()?.hasOlder() ?? false);
  readonly typing = computed(() => this.current()?.typing() ?? []);
  readonly timeline = computed(() => this.current()?.timeline() ?? []);
  /** Text for the screen reader live region: incoming messages. */
  readonly announcement = computed(() => this.current()?.announcement() ?? '');
  /** A short notice about the last action that failed (closing, asking for a person). */
  readonly actionError = signal<string | null>(null);
  readonly closing = signal(false);
  readonly rating = signal(false);
  /** Why the last rating was not saved. */
  readonly ratingError = signal<string | null>(null);

  readonly closed = computed(() => this.chat()?.status === 'CLOSED');
  /** "Talk to a person" is offered while the bot answers, if the API supports it. */
  readonly canRequestHuman = computed(() => {
    const chat = this.chat();
    return REQUEST_HUMAN_IN_SCHEMA && !!chat && chat.botActive && chat.status !== 'CLOSED';
  });

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  /** Loads the newest page of a chat, then follows it live. */
  open(chatId: string, viewerId: string | null): void {
    this.stop();
    this.chat.set(this.list.find(chatId) ?? null);
    this.actionError.set(null);
    this.ratingError.set(null);
    this.current.set(
      new LiveConversation(
        chatId,
        viewerId,
        this.transport,
        {
          summary: (summary) => this.applySummary(summary),
          message: (message) => this.list.noteMessage(message),
          closed: () => this.closed(),
          author: (m) =>
            m.kind === 'CUSTOMER'
              ? null
              : m.kind === 'BOT'
                ? $localize`:@@site.announce.bot:Assistant`
                : m.kind === 'SYSTEM'
                  ? $localize`:@@site.announce.update:Update`
                  : (m.sender?.displayName ?? $localize`:@@chat.author.agent:Agent`),
          error: (text) => this.actionError.set(text),
          // the session ended: keep the text as the draft for after signing in again
          keepUnsent: (body) => {
            const draft = this.drafts.get(chatId);
            this.drafts.set(chatId, draft ? `${body}\n${draft}` : body);
          },
        },
        { pageSize: MESSAGE_PAGE_SIZE, pendingKind: 'CUSTOMER' },
      ),
    );
    this.updates = this.list.updates.subscribe((chat) => {
      if (chat.id === chatId) this.applySummary(chat);
    });
  }

  /** Sends what the customer typed (and the files uploaded with it); false when there is nothing to send. */
  send(text: string, attachments: readonly MessageAttachmentFragment[] = []): boolean {
    return this.current()?.send(text, attachments) ?? false;
  }

  /** What the customer is typing now (for "is typing…" on the agent's side). */
  typed(text: string): void {
    this.current()?.typingNotifier.input(text);
  }

  loadOlder(): void {
    this.current()?.loadOlder();
  }

  retry(clientMessageId: string): void {
    this.current()?.retry(clientMessageId);
  }

  discard(clientMessageId: string): void {
    this.current()?.discard(clientMessageId);
  }

  close(): void {
    const chatId = this.current()?.chatId;
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
        this.actionError.set($localize`:@@site.close.failed:We couldn't close the conversation. ${describeError(toAppError(e))}:reason:`);
      },
    });
  }

  /** The customer's rating of the closed chat, 1 to 5, with an optional comment. */
  rate(rating: number, comment: string): void {
    const chatId = this.current()?.chatId;
    if (!chatId || this.rating()) return;
    this.rating.set(true);
    this.ratingError.set(null);
    this.rateGql.mutate({ variables: { chatId, rating, comment: comment.trim() || null } }).subscribe({
      next: (result) => {
        this.rating.set(false);
        if (result.data) this.list.upsert(result.data.rateChat);
      },
      error: (e: unknown) => {
        this.rating.set(false);
        this.ratingError.set(describeError(toAppError(e)));
      },
    });
  }

  requestHuman(): void {
    const chatId = this.current()?.chatId;
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

  private applySummary(summary: ChatSummaryFragment): void {
    const current = this.chat();
    if (current && current.id === summary.id && current.updatedAt > summary.updatedAt) return;
    this.chat.set(summary);
    if (summary.status === 'CLOSED') this.current()?.clearTyping();
  }

  private stop(): void {
    this.current()?.dispose();
    this.current.set(null);
    this.updates.unsubscribe();
  }
}

/** The customer app's documents behind a LiveConversation. */
function customerTransport(): ConversationTransport<ChatMessageFragment, ChatSummaryFragment> {
  const conversation = inject(ConversationGQL);
  const older = inject(OlderMessagesGQL);
  const send = inject(SendMessageGQL);
  const typing = inject(SetTypingGQL);
  const messageAdded = inject(MessageAddedGQL);
  const typingChanged = inject(TypingChangedGQL);
  return {
    realtime: inject(RealtimeConnection),
    load: (id, last) => conversation.fetch({ variables: { id, last } }).pipe(map((result) => chatWithPage(result.data?.chat))),
    older: (id, last, before) =>
      older.fetch({ variables: { id, last, before } }).pipe(map((result) => (result.data?.chat ? pageOf(result.data.chat.messages) : null))),
    send: (input) => send.mutate({ variables: { input } }).pipe(map((result) => result.data?.sendMessage ?? null)),
    setTyping: (chatId, on) => typing.mutate({ variables: { chatId, typing: on } }),
    messageAdded: (chatId, afterSeq) => liveEvents(messageAdded.subscribe({ variables: { chatId, afterSeq }, context: OWN_STREAM }), (d) => d.messageAdded),
    typingChanged: (chatId) => liveEvents(typingChanged.subscribe({ variables: { chatId } }), (d) => d.typingChanged),
  };
}
