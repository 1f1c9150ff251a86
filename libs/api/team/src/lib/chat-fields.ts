import DataLoader from 'dataloader';
import { isStaff, scopedValue, type RequestContext } from '@parley/api/core';
import type { ChatRow } from '@parley/api/chat';
import type { ChatFieldPart, ChatFieldsRepository, ChatFieldsRow, ChatKey } from './chat-fields.repository';

const FIELDS_LOADER = Symbol('chatTeamFields');

type Ask = { chat: Pick<ChatRow, 'id' | 'customerId' | 'agentId'>; part: ChatFieldPart };

/**
 * Chat.labels, Chat.assignmentReason and the read marks (customerReadSeq,
 * agentReadSeq, unreadCount): what each field asks for in one pass of a
 * request's (or an event's) execution is read in one statement, for every
 * chat at once. Labels and the reason are for agents and admins only: a
 * customer gets an empty list and null, and neither is read for them.
 */
export class ChatFields {
  constructor(private readonly repository: ChatFieldsRepository) {}

  async labels(ctx: RequestContext, chat: ChatRow): Promise<string[]> {
    if (!ctx.viewer || !isStaff(ctx.viewer.role)) return [];
    return (await this.loader(ctx).load({ chat, part: 'labels' })).labels;
  }

  async assignmentReason(ctx: RequestContext, chat: ChatRow): Promise<string | null> {
    if (!ctx.viewer || !isStaff(ctx.viewer.role)) return null;
    return (await this.loader(ctx).load({ chat, part: 'reason' })).reason;
  }

  /** The customer's and the agent's read marks (0 where none); the agent's is of the agent the chat row names. */
  async marks(ctx: RequestContext, chat: ChatRow): Promise<{ customer: number; agent: number }> {
    const row = await this.loader(ctx).load({ chat, part: 'marks' });
    return { customer: row.customerMark, agent: row.agentMark };
  }

  // Batched, never cached: a subscription keeps its context for every event, and each event must show the fields as they are then.
  private loader(ctx: RequestContext): DataLoader<Ask, ChatFieldsRow> {
    return scopedValue(ctx, FIELDS_LOADER, () => new DataLoader<Ask, ChatFieldsRow>((asks) => this.read(asks), { cache: false }));
  }

  private async read(asks: readonly Ask[]): Promise<ChatFieldsRow[]> {
    const parts = new Set(asks.map((ask) => ask.part));
    // One row per chat as its row names its people (two events of one chat may name different agents).
    const keyOf = (chat: Ask['chat']) => `${chat.id}:${chat.customerId}:${chat.agentId ?? ''}`;
    const chats = new Map<string, ChatKey>();
    for (const { chat } of asks) chats.set(keyOf(chat), { id: chat.id, customerId: chat.customerId, agentId: chat.agentId });
    const rows = await this.repository.read([...chats.values()], parts);
    const byKey = new Map([...chats.keys()].map((key, i) => [key, rows[i] as ChatFieldsRow]));
    return asks.map((ask) => byKey.get(keyOf(ask.chat)) as ChatFieldsRow);
  }
}
