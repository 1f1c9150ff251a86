import { computed, signal } from '@angular/core';
import { Subscription, firstValueFrom, map } from 'rxjs';
import { LIMITS } from '@parley/shared/limits';
import { OWN_STREAM, toAppError } from '@parley/web/shared/data-access';
import { LiveConversation, PendingFiles, chatWithPage, liveEvents, pageOf, type ConversationTransport } from '@parley/web/chat/data-access';
import type { DeskChatFragment, DeskMessageFragment, DeskNoteFragment } from '@parley/web/desk/api/data-access';
import type { ConversationDeps } from './conversation-deps';

export const DESK_PAGE_SIZE = 50;
/** Older pages are larger: an agent scrolling back waits for fewer of them. */
export const DESK_OLDER_PAGE_SIZE = 100;

/** Where the reader is in a conversation: the row at the top edge, and how far past its top the list is scrolled (px). */
export interface ScrollPlace {
  key: string;
  past: number;
}

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
  /** Files for the next reply (uploaded as soon as chosen), kept like the draft while the agent works elsewhere. */
  readonly files = new PendingFiles(this.deps.upload);
  /** Where the agent was reading when they left this chat; null: at the newest, following it. */
  place: ScrollPlace | null = null;
  /** Its rows' heights as measured on screen (px, by row key), kept for when the agent comes back. */
  readonly rowHeights = new Map<string, number>();

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
    { pageSize: DESK_PAGE_SIZE, olderPageSize: DESK_OLDER_PAGE_SIZE, pendingKind: 'AGENT' },
  );
  readonly log = this.live.log;
  readonly loading = this.live.loading;
  readonly loadError = this.live.loadError;
  readonly olderLoading = this.live.olderLoading;
  readonly hasOlder = this.live.hasOlder;
  readonly typing = this.live.typing;
  readonly announcement = this.live.announcement;
  readonly timeline = this.live.timeline;

  /** Private notes, oldest first: the team's alone, never sent to the customer. */
  readonly notes = signal<readonly DeskNoteFragment[]>([]);
  /** The highest seq the customer has read (for "Seen"). */
  readonly customerSeen = computed(() => Math.max(this.chat()?.customerReadSeq ?? 0, this.receipt()));
  private readonly receipt = signal(0);
  private readonly team = new Subscription();

  constructor(
    readonly chatId: string,
    private readonly viewerId: string | null,
    private readonly deps: ConversationDeps,
  ) {
    this.followTeam();
  }

  /** Adds a private note; false when there is nothing to add. Throws the AppError when the server refuses. */
  async addNote(text: string): Promise<boolean> {
    const body = text.trim();
    if (body.length < LIMITS.messageBodyMin || body.length > LIMITS.messageBodyMax) return false;
    try {
      const result = await firstValueFrom(this.deps.addNoteGql.mutate({ variables: { chatId: this.chatId, body } }));
      if (result.data?.addNote) this.takeNote(result.data.addNote);
    } catch (e) {
      throw toAppError(e);
    }
    this.draft.set('');
    this.deps.drafts.clear(this.draftKey);
    return true;
  }

  private followTeam(): void {
    this.team.add(
      this.deps.notesGql.fetch({ variables: { chatId: this.chatId } }).subscribe({
        next: (result) => {
          for (const note of result.data?.chat?.notes ?? []) this.takeNote(note);
        },
        error: () => undefined,
      }),
    );
    this.team.add(
      this.deps.realtime.resilient(() => this.deps.noteAddedGql.subscribe({ variables: { chatId: this.chatId } })).subscribe({
        next: (result) => {
          if (result.data?.noteAdded) this.takeNote(result.data.noteAdded);
        },
        error: () => undefined,
      }),
    );
    this.team.add(
      this.deps.realtime.resilient(() => this.deps.readReceiptsGql.subscribe({ variables: { chatId: this.chatId } })).subscribe({
        next: (result) => {
          const receipt = result.data?.readReceipts;
          if (receipt && receipt.user.role === 'CUSTOMER') this.receipt.update((seq) => Math.max(seq, receipt.seq));
        },
        error: () => undefined,
      }),
    );
  }

  private takeNote(note: DeskNoteFragment): void {
    if (note.chatId !== this.chatId) return;
    this.notes.update((notes) => (notes.some((n) => n.id === note.id) ? notes : [...notes, note].sort((a, b) => a.createdAt.localeCompare(b.createdAt))));
  }

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

  /** Shows the reply (and its uploaded files) at once as pending, then sends it (network failures retried under the same clientMessageId). */
  send(): boolean {
    // a file still uploading goes with the reply: wait for it (the composer says so)
    if (this.files.uploading() || !this.live.send(this.draft(), this.files.ready())) return false;
    this.draft.set('');
    this.deps.drafts.clear(this.draftKey);
    this.files.clear();
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
    this.team.unsubscribe();
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
    // Pages of messages stay out of Apollo's cache: the conversation keeps its own log, and writing a long chat's
    // pages into the cache (then reading them back, and telling every watched query) cost a frame per page.
    load: (id, last) => deps.conversationGql.fetch({ variables: { id, last }, fetchPolicy: 'no-cache' }).pipe(map((result) => chatWithPage(result.data?.chat))),
    older: (id, last, before) =>
      deps.olderGql
        .fetch({ variables: { id, last, before }, fetchPolicy: 'no-cache' })
        .pipe(map((result) => (result.data?.chat ? pageOf(result.data.chat.messages) : null))),
    send: (input) => deps.sendGql.mutate({ variables: { input } }).pipe(map((result) => result.data?.sendMessage ?? null)),
    setTyping: (chatId, typing) => deps.typingGql.mutate({ variables: { chatId, typing } }),
    messageAdded: (chatId, afterSeq) => liveEvents(deps.messageAddedGql.subscribe({ variables: { chatId, afterSeq }, context: OWN_STREAM }), (d) => d.messageAdded),
    typingChanged: (chatId) => liveEvents(deps.typingChangedGql.subscribe({ variables: { chatId } }), (d) => d.typingChanged),
  };
}
