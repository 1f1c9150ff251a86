import type { TimelineMessage } from '@parley/web/chat/data-access';
import { cannedQuery, withNotes } from './rows';

const row = (seq: number, minute: number, state: TimelineMessage['state'] = 'sent'): TimelineMessage => ({
  key: `s:${seq}`,
  seq,
  kind: 'AGENT',
  body: `m${seq}`,
  senderName: 'Alex',
  mine: true,
  createdAt: `2026-01-01T10:0${minute}:00.000Z`,
  state,
  error: null,
  clientMessageId: null,
  attachments: [],
});
const note = (id: string, minute: number) => ({ id, chatId: 'c', body: id, createdAt: `2026-01-01T10:0${minute}:30.000Z`, author: { id: 'me', displayName: 'Me' } });

describe('withNotes', () => {
  it('places notes by time among sent messages, before anything still being sent', () => {
    const rows = withNotes([row(1, 1), row(2, 3), row(3, 5, 'sending')], [note('a', 2), note('b', 4)], 'me');
    expect(rows.map((r) => r.key)).toEqual(['s:1', 'n:a', 's:2', 'n:b', 's:3']);
    expect(rows[1]).toMatchObject({ kind: 'NOTE', mine: true, seq: null });
  });
});

describe('cannedQuery', () => {
  it('is what follows a leading "/", while nothing else is typed', () => {
    expect(cannedQuery('/')).toBe('');
    expect(cannedQuery('/ref')).toBe('ref');
    expect(cannedQuery('hello /ref')).toBeNull();
    expect(cannedQuery('/ref and more')).toBeNull();
  });
});
