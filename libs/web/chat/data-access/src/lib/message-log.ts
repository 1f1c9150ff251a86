import { noticeText, type MessageNoticeLike } from '@parley/web/shared/util';
import type { ChatMessageFragment, MessageAttachmentFragment, MessageKind } from '../generated/graphql';

/** What the log needs of a message (the customer app's and the desk's fragments both fit). */
export type LoggedMessage = Pick<ChatMessageFragment, 'seq' | 'kind' | 'body' | 'clientMessageId' | 'createdAt'> & {
  sender: { id: string; displayName: string } | null;
  /** Absent where a client's fragment does not ask for them. */
  attachments?: readonly MessageAttachmentFragment[] | null;
  /** What a SYSTEM message says happened, worded in the viewer's language (noticeText). */
  notice?: MessageNoticeLike | null;
};

export type DeliveryState = 'sent' | 'sending' | 'failed';

/** A message the customer sent that the server has not confirmed yet. */
export interface PendingMessage {
  clientMessageId: string;
  body: string;
  createdAt: string;
  state: 'sending' | 'failed';
  error: string | null;
  /** Uploads sent with it (POST /uploads answered; the message names their ids). */
  attachments?: readonly MessageAttachmentFragment[];
}

/**
 * The messages of one conversation: what the server confirmed (unique by seq,
 * ascending) and what this tab is still sending. Immutable; every operation
 * returns a new log, so it fits a signal.
 */
export interface MessageLog<M extends LoggedMessage = ChatMessageFragment> {
  confirmed: readonly M[];
  pending: readonly PendingMessage[];
}

/** One row of the conversation as the screen shows it. */
export interface TimelineMessage {
  /** Stable across pending -> sent, for @for tracking. */
  key: string;
  seq: number | null;
  kind: MessageKind;
  body: string;
  senderName: string | null;
  mine: boolean;
  createdAt: string;
  state: DeliveryState;
  error: string | null;
  clientMessageId: string | null;
  attachments: readonly MessageAttachmentFragment[];
}

export const EMPTY_LOG: MessageLog = { confirmed: [], pending: [] };

/**
 * Adds server messages, whatever order or overlap they come in (a page of
 * history, a replay after reconnecting, the live stream, a mutation's answer):
 * each seq is kept once, and a pending send is dropped when its confirmed copy
 * (same clientMessageId, sent by the viewer) arrives.
 */
export function mergeMessages<M extends LoggedMessage>(log: MessageLog<M>, incoming: readonly M[], viewerId: string | null): MessageLog<M> {
  if (incoming.length === 0) return log;
  const ends = beforeOrAfter(log.confirmed, incoming);
  if (ends) return { confirmed: ends, pending: withoutConfirmed(log.pending, incoming, viewerId) };
  const bySeq = new Map<number, M>();
  for (const m of log.confirmed) bySeq.set(m.seq, m);
  let added = false;
  for (const m of incoming) {
    if (!bySeq.has(m.seq)) {
      bySeq.set(m.seq, m);
      added = true;
    }
  }
  const pending = withoutConfirmed(log.pending, incoming, viewerId);
  if (!added && pending === log.pending) return log;
  const confirmed = added ? [...bySeq.values()].sort((a, b) => a.seq - b.seq) : log.confirmed;
  return { confirmed, pending };
}

/**
 * The common cases without a map and a sort of the whole log: a page of older
 * messages (ascending, all before the oldest held) or newer ones (all after
 * the newest); null otherwise.
 */
function beforeOrAfter<M extends LoggedMessage>(confirmed: readonly M[], incoming: readonly M[]): readonly M[] | null {
  for (let i = 1; i < incoming.length; i++) if (incoming[i].seq <= incoming[i - 1].seq) return null;
  if (!confirmed.length) return incoming;
  if (incoming[incoming.length - 1].seq < confirmed[0].seq) return [...incoming, ...confirmed];
  if (incoming[0].seq > confirmed[confirmed.length - 1].seq) return [...confirmed, ...incoming];
  return null;
}

function withoutConfirmed<M extends LoggedMessage>(pending: readonly PendingMessage[], incoming: readonly M[], viewerId: string | null): readonly PendingMessage[] {
  if (!pending.length) return pending;
  const confirmedIds = new Set(incoming.filter((m) => m.clientMessageId && isFromViewer(m, viewerId)).map((m) => m.clientMessageId as string));
  return confirmedIds.size ? pending.filter((p) => !confirmedIds.has(p.clientMessageId)) : pending;
}

/** Sent by the viewer: by sender when the viewer is known (a customer or an agent), else any customer message. */
function isFromViewer(m: LoggedMessage, viewerId: string | null): boolean {
  return viewerId === null ? m.kind === 'CUSTOMER' : m.sender?.id === viewerId;
}

export function addPending<L extends MessageLog<LoggedMessage>>(log: L, message: Pick<PendingMessage, 'clientMessageId' | 'body' | 'createdAt' | 'attachments'>): L {
  if (log.pending.some((p) => p.clientMessageId === message.clientMessageId)) return log;
  return { ...log, pending: [...log.pending, { ...message, state: 'sending', error: null }] } as L;
}

export function updatePending<L extends MessageLog<LoggedMessage>>(log: L, clientMessageId: string, change: Partial<Pick<PendingMessage, 'state' | 'error'>>): L {
  if (!log.pending.some((p) => p.clientMessageId === clientMessageId)) return log;
  return { ...log, pending: log.pending.map((p) => (p.clientMessageId === clientMessageId ? { ...p, ...change } : p)) } as L;
}

export function removePending<L extends MessageLog<LoggedMessage>>(log: L, clientMessageId: string): L {
  return { ...log, pending: log.pending.filter((p) => p.clientMessageId !== clientMessageId) } as L;
}

/** The highest seq held: what messageAdded resumes after. */
export function lastSeq(log: MessageLog<LoggedMessage>): number | null {
  const last = log.confirmed[log.confirmed.length - 1];
  return last ? last.seq : null;
}

/** Whether a confirmed message with this clientMessageId already exists (a retry that already landed). */
export function hasConfirmed(log: MessageLog<LoggedMessage>, clientMessageId: string): boolean {
  return log.confirmed.some((m) => m.clientMessageId === clientMessageId);
}

/** The rows to show; `pendingKind` is what the viewer's own unsent messages are (CUSTOMER here, AGENT in the desk). */
export function toTimeline(log: MessageLog<LoggedMessage>, viewerId: string | null, pendingKind: MessageKind = 'CUSTOMER'): TimelineMessage[] {
  const rows: TimelineMessage[] = log.confirmed.map((m) => ({
    key: m.clientMessageId && isFromViewer(m, viewerId) ? `c:${m.clientMessageId}` : `s:${m.seq}`,
    seq: m.seq,
    kind: m.kind,
    // A SYSTEM message in the viewer's language; the server's English when it cannot be worded.
    body: noticeText(m),
    senderName: m.sender?.displayName ?? null,
    mine: isFromViewer(m, viewerId) && m.sender !== null,
    createdAt: m.createdAt,
    state: 'sent',
    error: null,
    clientMessageId: m.clientMessageId,
    attachments: m.attachments ?? [],
  }));
  for (const p of log.pending) {
    rows.push({
      key: `c:${p.clientMessageId}`,
      seq: null,
      kind: pendingKind,
      body: p.body,
      senderName: null,
      mine: true,
      createdAt: p.createdAt,
      state: p.state,
      error: p.error,
      clientMessageId: p.clientMessageId,
      attachments: p.attachments ?? [],
    });
  }
  return rows;
}
