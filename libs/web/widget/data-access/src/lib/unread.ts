import type { ChatMessageFragment } from '@parley/web/chat/data-access';

const SEEN_PREFIX = 'parley.widget.seen.';

/** Replies (agent, bot) after the last seq the visitor has seen. */
export function countUnread(messages: readonly Pick<ChatMessageFragment, 'seq' | 'kind'>[], seenSeq: number): number {
  return messages.filter((m) => m.seq > seenSeq && (m.kind === 'AGENT' || m.kind === 'BOT')).length;
}

/** The last seq seen of a chat, shared by every tab (the widget's storage); 0 when never seen. */
export function seenSeq(storage: Storage | null, chatId: string): number {
  try {
    return Number(storage?.getItem(SEEN_PREFIX + chatId)) || 0;
  } catch {
    return 0;
  }
}

export function markSeen(storage: Storage | null, chatId: string, seq: number): void {
  try {
    if (seq > seenSeq(storage, chatId)) storage?.setItem(SEEN_PREFIX + chatId, String(seq));
  } catch {
    // storage disabled: the badge counts again after a reload
  }
}
