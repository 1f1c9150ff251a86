import type { QueryRunner } from 'typeorm';
import { ChatEvents, ChatStatus, MessageKind, type ChatEvent, type ChatOutbox, type ChatRow, type MessageRow } from '@parley/api/chat';

const chat: ChatRow = {
  id: 'c1',
  subject: null,
  status: ChatStatus.ACTIVE,
  customerId: 'u1',
  agentId: 'a1',
  lastSeq: 3,
  botActive: false,
  createdAt: new Date(),
  updatedAt: new Date(),
  closedAt: null,
};
const message = (kind: string): MessageRow => ({ id: `m-${kind}`, chatId: 'c1', seq: 1, kind: kind as MessageKind, senderId: 'a1', body: 'secret plan', clientMessageId: null, createdAt: new Date(), notice: null });

describe('chat events for the outbox', () => {
  const written: ChatEvent[] = [];
  const outbox: ChatOutbox = {
    wants: (type) => type !== 'chat.rated',
    write: async (_runner, _chatId, events) => void written.push(...events),
    sendStatementPart: () => 'x AS (SELECT 1)',
    committed: () => undefined,
  };
  const events = new ChatEvents();
  events.use(outbox);
  const runner = {} as QueryRunner;
  beforeEach(() => (written.length = 0));

  it('records only messages a customer may see: never a note, nor any kind not listed as visible', async () => {
    for (const kind of [...Object.values(MessageKind), 'NOTE', 'INTERNAL']) {
      await events.record(runner, 'c1', [{ type: 'message.created', chat, message: message(kind) }]);
    }
    expect(written.map((e) => e.message?.kind)).toEqual(['CUSTOMER', 'AGENT', 'BOT', 'SYSTEM']);
  });

  it('writes nothing at all for an event nobody takes', async () => {
    expect(await events.chatRated(runner, chat, { rating: 5, ratingComment: null })).toBe(false);
    expect(written).toEqual([]);
    expect(await events.record(runner, 'c1', [{ type: 'chat.updated', chat }])).toBe(true);
    expect(written).toHaveLength(1);
  });

  it('without an outbox, records nothing and adds nothing to the send statement', async () => {
    const bare = new ChatEvents();
    expect(await bare.record(runner, 'c1', [{ type: 'chat.updated', chat }])).toBe(false);
    expect(bare.sendStatementPart({ message: 'inserted', chat: 'bumped' })).toBeNull();
  });
});
