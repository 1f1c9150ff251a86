import { dayKey } from '@parley/web/shared/util';
import type { AttachmentItem } from './attachment-list.component';

/** What the message list needs of a message (the data-access TimelineMessage fits). */
export interface MessageItem {
  key: string;
  seq: number | null;
  kind: 'CUSTOMER' | 'AGENT' | 'BOT' | 'SYSTEM';
  body: string;
  senderName: string | null;
  mine: boolean;
  createdAt: string;
  state: 'sent' | 'sending' | 'failed';
  error: string | null;
  clientMessageId: string | null;
  attachments?: readonly AttachmentItem[];
}

export type TimelineRow =
  | { type: 'day'; key: string; at: string }
  | { type: 'message'; key: string; message: MessageItem; startsGroup: boolean; author: string };

/** Messages closer than this, from the same author, share one name and avatar. */
const GROUP_GAP_MS = 5 * 60 * 1000;

export function authorOf(m: MessageItem): string {
  if (m.mine) return $localize`:@@chat.author.you:You`;
  switch (m.kind) {
    case 'BOT':
      return $localize`:@@chat.author.bot:Parley Assistant`;
    case 'SYSTEM':
      return 'Parley';
    case 'AGENT':
      return m.senderName ?? $localize`:@@chat.author.agent:Agent`;
    case 'CUSTOMER':
      return m.senderName ?? $localize`:@@chat.author.customer:Customer`;
  }
}

/** Inserts a heading before each new day, and marks where a run of one author's messages starts. */
export function toRows(messages: readonly MessageItem[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let prev: MessageItem | null = null;
  for (const m of messages) {
    const day = dayKey(m.createdAt);
    const newDay = !prev || dayKey(prev.createdAt) !== day;
    if (newDay) rows.push({ type: 'day', key: `day:${day}`, at: m.createdAt });
    const author = authorOf(m);
    const startsGroup =
      newDay ||
      !prev ||
      m.kind === 'SYSTEM' ||
      prev.kind === 'SYSTEM' ||
      authorOf(prev) !== author ||
      Date.parse(m.createdAt) - Date.parse(prev.createdAt) > GROUP_GAP_MS;
    rows.push({ type: 'message', key: m.key, message: m, startsGroup, author });
    prev = m;
  }
  return rows;
}

export interface ComposerHint {
  remaining: number;
  /** Show the counter once the end is near, before the limit is hit. */
  showCounter: boolean;
  atLimit: boolean;
}

export function composerHint(length: number, max: number): ComposerHint {
  const remaining = max - length;
  return { remaining, showCounter: remaining <= Math.max(200, Math.round(max * 0.1)), atLimit: remaining <= 0 };
}
