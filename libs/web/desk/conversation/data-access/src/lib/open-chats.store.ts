import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { SessionStore } from '@parley/web/auth/data-access';
import { AttachmentClient, DraftStore } from '@parley/web/chat/data-access';
import { RealtimeConnection } from '@parley/web/shared/data-access';
import {
  DeskAddNoteGQL,
  DeskNoteAddedGQL,
  DeskNotesGQL,
  DeskReadReceiptsGQL,
  DeskConversationGQL,
  DeskMessageAddedGQL,
  DeskOlderMessagesGQL,
  DeskSendMessageGQL,
  DeskSetTypingGQL,
  DeskTypingChangedGQL,
} from '@parley/web/desk/api/data-access';
import { InboxStore } from '@parley/web/desk/inbox/data-access';
import type { ConversationDeps } from './conversation-deps';
import { DeskConversation } from './desk-conversation';

/** More open chats than this closes the one used least recently. */
export const MAX_OPEN_CHATS = 8;

/** The chats open side by side as tabs; each keeps its state while another is on screen. */
@Injectable({ providedIn: 'root' })
export class OpenChatsStore {
  private readonly session = inject(SessionStore);
  private readonly attachments = inject(AttachmentClient);
  private readonly deps: ConversationDeps = {
    conversationGql: inject(DeskConversationGQL),
    olderGql: inject(DeskOlderMessagesGQL),
    sendGql: inject(DeskSendMessageGQL),
    typingGql: inject(DeskSetTypingGQL),
    messageAddedGql: inject(DeskMessageAddedGQL),
    typingChangedGql: inject(DeskTypingChangedGQL),
    notesGql: inject(DeskNotesGQL),
    noteAddedGql: inject(DeskNoteAddedGQL),
    addNoteGql: inject(DeskAddNoteGQL),
    readReceiptsGql: inject(DeskReadReceiptsGQL),
    realtime: inject(RealtimeConnection),
    inbox: inject(InboxStore),
    drafts: inject(DraftStore),
    upload: (file) => this.attachments.upload(file),
  };
  private readonly open = signal<readonly DeskConversation[]>([]);
  readonly conversations = this.open.asReadonly();
  readonly current = signal<DeskConversation | null>(null);
  readonly ids = computed(() => this.open().map((c) => c.chatId));

  constructor() {
    inject(DestroyRef).onDestroy(() => this.closeAll());
  }

  /** Opens (or returns to) a chat and puts it on screen. */
  show(chatId: string): DeskConversation {
    let conversation = this.open().find((c) => c.chatId === chatId);
    if (!conversation) {
      conversation = new DeskConversation(chatId, this.session.user()?.id ?? null, this.deps);
      let list = [...this.open(), conversation];
      if (list.length > MAX_OPEN_CHATS) {
        const dropped = list.find((c) => c !== this.current() && c !== conversation);
        dropped?.dispose();
        list = list.filter((c) => c !== dropped);
      }
      this.open.set(list);
    }
    this.current.set(conversation);
    return conversation;
  }

  /** Nothing on screen (the inbox alone); the chats stay open. */
  hide(): void {
    this.current.set(null);
  }

  /** Closes a tab; returns the chat to show next (its neighbour), if any. */
  dismiss(chatId: string): string | null {
    const list = this.open();
    const index = list.findIndex((c) => c.chatId === chatId);
    if (index < 0) return null;
    list[index].dispose();
    const rest = list.filter((_, i) => i !== index);
    this.open.set(rest);
    if (this.current()?.chatId === chatId) this.current.set(null);
    return rest[Math.min(index, rest.length - 1)]?.chatId ?? null;
  }

  /** The neighbour tab's chat, `step` tabs away (wrapping). */
  neighbour(step: 1 | -1): string | null {
    const list = this.open();
    if (!list.length) return null;
    const index = list.findIndex((c) => c === this.current());
    return list[(index + step + list.length) % list.length].chatId;
  }

  closeAll(): void {
    for (const c of this.open()) c.dispose();
    this.open.set([]);
    this.current.set(null);
  }
}
