import type { DraftStore } from '@parley/web/chat/data-access';
import type { RealtimeConnection } from '@parley/web/shared/data-access';
import type {
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
  realtime: RealtimeConnection;
  inbox: InboxStore;
  drafts: DraftStore;
}
