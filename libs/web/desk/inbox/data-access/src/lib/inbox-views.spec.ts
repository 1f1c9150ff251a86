import type { DeskChatFragment } from '@parley/web/desk/api/data-access';
import { NO_UNREAD, allOf, labelsOf, markRead, mineOf, newer, noteCustomerMessage, queueOf, unreadCount } from './inbox-views';

const person = (id: string) => ({ id, displayName: id, email: `${id}@example.com`, role: 'AGENT' as const });
function chat(id: string, over: Partial<DeskChatFragment> = {}): DeskChatFragment {
  return {
    id,
    subject: null,
    status: 'QUEUED',
    botActive: false,
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    closedAt: null,
    agent: null,
    customer: { ...person(`customer-${id}`), role: 'CUSTOMER' },
    lastMessage: null,
    labels: [],
    assignmentReason: null,
    customerReadSeq: 0,
    ...over,
  };
}

describe('inbox views', () => {
  it('orders the queue oldest first, and leaves out chats that are not queued', () => {
    const chats = [
      chat('b', { createdAt: '2026-01-01T10:05:00.000Z' }),
      chat('a', { createdAt: '2026-01-01T10:01:00.000Z' }),
      chat('c', { status: 'ACTIVE', createdAt: '2026-01-01T09:00:00.000Z' }),
    ];
    expect(queueOf(chats).map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('shows in "mine" only my active chats, most recent first; "all" filters by status', () => {
    const chats = [
      chat('1', { status: 'ACTIVE', agent: person('me'), updatedAt: '2026-01-01T10:01:00.000Z' }),
      chat('2', { status: 'ACTIVE', agent: person('me'), updatedAt: '2026-01-01T10:03:00.000Z' }),
      chat('3', { status: 'ACTIVE', agent: person('other') }),
      chat('4', { status: 'CLOSED', agent: person('me') }),
    ];
    expect(mineOf(chats, 'me').map((c) => c.id)).toEqual(['2', '1']);
    expect(mineOf(chats, null)).toEqual([]);
    expect(allOf(chats, 'CLOSED').map((c) => c.id)).toEqual(['4']);
    expect(allOf(chats, null)).toHaveLength(4);
  });

  it('filters "all" by a label whatever its case, with the status, and lists the labels known once each', () => {
    const chats = [
      chat('1', { status: 'ACTIVE', labels: ['VIP', 'refund'] }),
      chat('2', { status: 'CLOSED', labels: ['vip'] }),
      chat('3', { status: 'CLOSED', labels: ['billing'] }),
    ];
    expect(allOf(chats, null, 'vip').map((c) => c.id).sort()).toEqual(['1', '2']);
    expect(allOf(chats, 'CLOSED', ' Vip ').map((c) => c.id)).toEqual(['2']);
    expect(allOf(chats, null, '')).toHaveLength(3);
    expect(labelsOf(chats)).toEqual(['billing', 'refund', 'VIP']);
  });

  it('keeps the newer copy of a chat whatever order events arrive in', () => {
    const older = chat('a', { updatedAt: '2026-01-01T10:00:00.000Z' });
    const accepted = chat('a', { status: 'ACTIVE', updatedAt: '2026-01-01T10:02:00.000Z' });
    expect(newer(older, accepted).status).toBe('ACTIVE');
    expect(newer(accepted, older)).toBe(accepted);
  });

  it('counts unread customer messages after the read mark, each seq once', () => {
    let state = noteCustomerMessage(NO_UNREAD, 'a', 3);
    state = noteCustomerMessage(state, 'a', 4);
    state = noteCustomerMessage(state, 'a', 4); // a replay after reconnecting
    expect(unreadCount(state, 'a')).toBe(2);
    state = markRead(state, 'a', 3);
    expect(unreadCount(state, 'a')).toBe(1);
    state = markRead(state, 'a', 4);
    expect(unreadCount(state, 'a')).toBe(0);
    // a message at or before the read mark is not unread
    expect(noteCustomerMessage(state, 'a', 2)).toBe(state);
    expect(unreadCount(noteCustomerMessage(state, 'a', 5), 'a')).toBe(1);
  });
});
