import type { ChatStatus, DeskChatFragment } from '@parley/web/desk/api/data-access';

export type InboxView = 'queue' | 'mine' | 'all';
export const INBOX_VIEWS: readonly InboxView[] = ['queue', 'mine', 'all'];
/** The views of the desk's left-hand list: the inbox's three, and search. */
export type DeskView = InboxView | 'search';
export const DESK_VIEWS: readonly DeskView[] = [...INBOX_VIEWS, 'search'];

/** The queue, oldest first: whoever has waited longest is answered first. */
export function queueOf(chats: Iterable<DeskChatFragment>): DeskChatFragment[] {
  return [...chats].filter((c) => c.status === 'QUEUED').sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** My open chats, most recently active first. */
export function mineOf(chats: Iterable<DeskChatFragment>, me: string | null): DeskChatFragment[] {
  return [...chats].filter((c) => c.status === 'ACTIVE' && !!me && c.agent?.id === me).sort(byRecent);
}

/** Every chat known, optionally of one status and carrying one label (compared case-insensitively), most recently active first. */
export function allOf(chats: Iterable<DeskChatFragment>, status: ChatStatus | null, label: string | null = null): DeskChatFragment[] {
  const wanted = label?.trim().toLowerCase() || null;
  return [...chats]
    .filter((c) => (status === null || c.status === status) && (wanted === null || c.labels.some((l) => l.toLowerCase() === wanted)))
    .sort(byRecent);
}

/** Every label on the chats known, for the label filter's suggestions. */
export function labelsOf(chats: Iterable<DeskChatFragment>): string[] {
  const seen = new Map<string, string>();
  for (const chat of chats) for (const label of chat.labels) if (!seen.has(label.toLowerCase())) seen.set(label.toLowerCase(), label);
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

function byRecent(a: DeskChatFragment, b: DeskChatFragment): number {
  return b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id);
}

/** Keeps the newer of two copies of a chat (events may arrive out of order). */
export function newer(current: DeskChatFragment | undefined, next: DeskChatFragment): DeskChatFragment {
  if (!current || current.updatedAt <= next.updatedAt) {
    // a chat event carries no lastMessage newer than the one a message stream already gave us
    const last = current?.lastMessage && next.lastMessage && current.lastMessage.seq > next.lastMessage.seq ? current.lastMessage : next.lastMessage ?? current?.lastMessage ?? null;
    return { ...next, lastMessage: last };
  }
  return current;
}

/**
 * Unread customer messages per chat: the seqs received after the chat's read
 * mark. Immutable, for a signal.
 */
export interface UnreadState {
  readMarks: Readonly<Record<string, number>>;
  unseen: Readonly<Record<string, readonly number[]>>;
}

export const NO_UNREAD: UnreadState = { readMarks: {}, unseen: {} };

export function noteCustomerMessage(state: UnreadState, chatId: string, seq: number): UnreadState {
  const mark = state.readMarks[chatId] ?? 0;
  const seen = state.unseen[chatId] ?? [];
  if (seq <= mark || seen.includes(seq)) return state;
  return { ...state, unseen: { ...state.unseen, [chatId]: [...seen, seq] } };
}

export function markRead(state: UnreadState, chatId: string, seq: number): UnreadState {
  const mark = state.readMarks[chatId] ?? 0;
  const seen = state.unseen[chatId] ?? [];
  if (seq <= mark && seen.length === 0) return state;
  const unseen = { ...state.unseen };
  const left = seen.filter((s) => s > seq);
  if (left.length) unseen[chatId] = left;
  else delete unseen[chatId];
  return { readMarks: { ...state.readMarks, [chatId]: Math.max(mark, seq) }, unseen };
}

export function unreadCount(state: UnreadState, chatId: string): number {
  return state.unseen[chatId]?.length ?? 0;
}
