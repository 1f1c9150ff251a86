import { computed, signal } from '@angular/core';
import { map } from 'rxjs';
import { LiveConversation, chatWithPage, liveEvents, pageOf, type ConversationTransport } from '@parley/web/chat/data-access';
import type { DeskChatFragment, DeskMessageFragment } from '@parley/web/desk/api/data-access';
import type { ConversationDeps } from './conversation-deps';

export const DESK_PAGE_SIZE = 50;

/**
 * One chat open in the desk: the LiveConversation both apps share (history,
 * live stream, pending sends, typing) plus what the desk keeps per chat while
 * the agent works in others: the draft and the scroll position. Several live
 * at once (see OpenChatsStore).
 */
export class DeskConversation {
  /** The inbox's copy: accepting, closing or reassigning anywhere shows here at once. */
  readonly chat = computed<DeskChatFragment | null>(() => this.deps.inbox.chat(this.chatId));
  readonly closed = computed(() => this.chat()?.status === 'CLOSED');
  readonly actionError = signal<string | null>(null);
  /** The unsent text, kept while the agent works in other chats. */
  readonly draft = signal(this.deps.drafts.get(`desk.${this.chatId}`));
  /** Where the agent had scrolled to when they left this chat (px from the top); null: at the newest, follow it. */
  scrollTop: number | null = null;

  private readonly live = new LiveConversation<DeskMessageFragment, DeskChatFragment>(
    this.chatId,
    this.viewerId,
    deskTransport(this.deps),
    {
      summary: (summary) => this.deps.inbox.upsert(summary, false),
      message: (message) => this.deps.inbox.noteMessage(message),
      closed: () => this.closed(),
      author: (m) => (m.sender !== null && m.sender.id === this.viewerId ? null : authorOf(m)),
      error: (text) => this.actionError.set(text),
      // the session ended: the reply goes back into the draft, for after signing in again
      keepUnsent: (body) => this.setDraft(this.draft() ? `${body}\n${this.draft()}` : body),
    },
    { pageSize: DESK_PAGE_SIZE, pendingKind: 'AGENT' },
  );
  readonly log = this.live.log;
  readonly loading = this.live.loading;
  readonly loadError = this.live.loadError;
  readonly olderLoading = this.live.olderLoading;
  readonly hasOlder = this.live.hasOlder;
  readonly typing = this.live.typing;
  readonly announcement = this.live.announcement;
  readonly timeline = this.live.timeline;

  constructor(
    readonly chatId: string,
    private readonly viewerId: string | null,
    private readonly deps: ConversationDeps,
  ) {}

  private get draftKey(): string {
    return `desk.${this.chatId}`;
  }

  setDraft(text: string): void {
    this.draft.set(text);
    this.deps.drafts.set(this.draftKey, text);
    this.live.typingNotifier.input(text);
  }

  loadOlder(): void {
    this.live.loadOlder();
  }

  /** Shows the reply at once as pending, then sends it (network failures retried under the same clientMessageId). */
  send(): boolean {
    if (!this.live.send(this.draft())) return false;
    this.draft.set('');
    this.deps.drafts.clear(this.draftKey);
    return true;
  }

  retry(clientMessageId: string): void {
    this.live.retry(clientMessageId);
  }

  /** The newest message seq held, for read marks. */
  newestSeq(): number {
    return this.live.newestSeq();
  }

  dispose(): void {
    this.live.dispose();
  }
}

function authorOf(m: DeskMessageFragment): string {
  if (m.kind === 'BOT') return $localize`:@@desk.author.bot:Bot`;
  if (m.kind === 'SYSTEM') return $localize`:@@desk.author.system:Update`;
  return m.sender?.displayName ?? '';
}

/** The desk's documents behind a LiveConversation. */
function deskTransport(deps: ConversationDeps): ConversationTransport<DeskMessageFragment, DeskChatFragment> {
  return {
    realtime: deps.realtime,
    load: (id, last) => deps.conversationGql.fetch({ variables: { id, last } }).pipe(map((result) => chatWithPage(result.data?.chat))),
    older: (id, last, before) =>
      deps.olderGql.fetch({ variables: { id, last, before } }).pipe(map((result) => (result.data?.chat ? pageOf(result.data.chat.messages) : null))),
    send: (input) => deps.sendGql.mutate({ variables: { input } }).pipe(map((result) => result.data?.sendMessage ?? null)),
    setTyping: (chatId, typing) => deps.typingGql.mutate({ variables: { chatId, typing } }),
    messageAdded: (chatId, afterSeq) => liveEvents(deps.messageAddedGql.subscribe({ variables: { chatId, afterSeq } }), (d) => d.messageAdded),
    typingChanged: (chatId) => liveEvents(deps.typingChangedGql.subscribe({ variables: { chatId } }), (d) => d.typingChanged),
  };
}
