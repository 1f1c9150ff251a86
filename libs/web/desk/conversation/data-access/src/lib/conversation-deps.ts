import type { DraftStore, UploadedFile } from '@parley/web/chat/data-access';
import type { RealtimeConnection } from '@parley/web/shared/data-access';
import type {
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
import type { InboxStore } from '@parley/web/desk/inbox/data-access';

/** What each open conversation uses, injected once by OpenChatsStore. */
export interface ConversationDeps {
  conversationGql: DeskConversationGQL;
  olderGql: DeskOlderMessagesGQL;
  sendGql: DeskSendMessageGQL;
  typingGql: DeskSetTypingGQL;
  messageAddedGql: DeskMessageAddedGQL;
  typingChangedGql: DeskTypingChangedGQL;
  notesGql: DeskNotesGQL;
  noteAddedGql: DeskNoteAddedGQL;
  addNoteGql: DeskAddNoteGQL;
  readReceiptsGql: DeskReadReceiptsGQL;
  realtime: RealtimeConnection;
  inbox: InboxStore;
  drafts: DraftStore;
  /** POST /uploads with the agent's token. */
  upload: (file: File) => Promise<UploadedFile>;
}
