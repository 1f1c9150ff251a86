import { countUnread, markSeen, seenSeq } from './unread';

describe('unread replies', () => {
  beforeEach(() => localStorage.clear());

  it('counts agent and bot messages after the last one seen, never the visitor\'s own or system lines', () => {
    const log = [
      { seq: 1, kind: 'CUSTOMER' as const },
      { seq: 2, kind: 'BOT' as const },
      { seq: 3, kind: 'SYSTEM' as const },
      { seq: 4, kind: 'AGENT' as const },
      { seq: 5, kind: 'CUSTOMER' as const },
    ];
    expect(countUnread(log, 0)).toBe(2);
    expect(countUnread(log, 2)).toBe(1);
    expect(countUnread(log, 4)).toBe(0);
  });

  it('remembers the last seq seen per chat, only ever moving forward', () => {
    expect(seenSeq(localStorage, 'c1')).toBe(0);
    markSeen(localStorage, 'c1', 5);
    markSeen(localStorage, 'c1', 3);
    expect(seenSeq(localStorage, 'c1')).toBe(5);
    expect(seenSeq(localStorage, 'c2')).toBe(0);
    expect(seenSeq(null, 'c1')).toBe(0);
  });
});
