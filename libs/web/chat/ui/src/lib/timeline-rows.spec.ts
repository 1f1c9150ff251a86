import { composerHint, toRows, type MessageItem } from './timeline-rows';
import { typingText } from './typing-indicator.component';
import { chatStatusLabel } from './chat-status-badge.component';

const at = (d: number, h: number, m = 0) => new Date(2026, 0, d, h, m).toISOString();
function item(key: string, createdAt: string, over: Partial<MessageItem> = {}): MessageItem {
  return { key, seq: 1, kind: 'AGENT', body: key, senderName: 'Alex', mine: false, createdAt, state: 'sent', error: null, clientMessageId: null, ...over };
}

describe('toRows', () => {
  it('adds a heading per day and groups consecutive messages of one author', () => {
    const rows = toRows([
      item('a', at(1, 9)),
      item('b', at(1, 9, 2)),
      item('c', at(1, 9, 3), { kind: 'CUSTOMER', mine: true }),
      item('d', at(1, 9, 30), { kind: 'CUSTOMER', mine: true }),
      item('e', at(2, 8), { kind: 'SYSTEM', senderName: null }),
      item('f', at(2, 8, 1), { kind: 'BOT', senderName: null }),
    ]);
    expect(rows.map((r) => (r.type === 'day' ? 'day' : `${r.key}${r.startsGroup ? '*' : ''}:${r.author}`))).toEqual([
      'day',
      'a*:Alex',
      'b:Alex',
      'c*:You',
      'd*:You', // more than five minutes later
      'day',
      'e*:Parley',
      'f*:Parley Assistant',
    ]);
  });
});

describe('composerHint', () => {
  it('shows the counter before the 4000-character limit is hit', () => {
    expect(composerHint(100, 4000)).toEqual({ remaining: 3900, showCounter: false, atLimit: false });
    expect(composerHint(3600, 4000)).toEqual({ remaining: 400, showCounter: true, atLimit: false });
    expect(composerHint(4000, 4000)).toEqual({ remaining: 0, showCounter: true, atLimit: true });
  });
});

describe('labels', () => {
  it('names who is typing and the chat status', () => {
    expect(typingText([])).toBe('');
    expect(typingText(['Alex'])).toBe('Alex is typing…');
    expect(typingText(['Alex', 'Sam'])).toBe('Alex and Sam are typing…');
    expect(chatStatusLabel('QUEUED')).toBe('Waiting');
  });
});
