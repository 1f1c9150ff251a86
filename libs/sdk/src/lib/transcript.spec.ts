import type { SdkChatFragment, SdkMessageFragment } from '../generated/graphql.js';
import { formatTranscript } from './transcript.js';

const casey = { id: 'u1', displayName: 'Casey', role: 'CUSTOMER' as const };
const alex = { id: 'u2', displayName: 'Alex', role: 'AGENT' as const };
const chat: SdkChatFragment = {
  id: 'c1',
  status: 'CLOSED',
  subject: 'Late order',
  botActive: false,
  createdAt: '2026-12-03T10:00:00.000Z',
  updatedAt: '2026-12-03T10:05:00.000Z',
  closedAt: '2026-12-03T10:05:00.000Z',
  customer: casey,
  agent: alex,
  lastMessage: { seq: 3 },
};
const message = (seq: number, kind: SdkMessageFragment['kind'], body: string, sender: SdkMessageFragment['sender']): SdkMessageFragment => ({
  id: `m${seq}`,
  chatId: 'c1',
  seq,
  kind,
  body,
  clientMessageId: null,
  createdAt: `2026-12-03T10:0${seq}:00.000Z`,
  sender,
});

describe('formatTranscript', () => {
  it('writes a header and one time-stamped entry per message, continuation lines indented', () => {
    const text = formatTranscript(chat, [
      message(1, 'CUSTOMER', 'Hello\n[2026-12-03 10:00:00 UTC] #9 Alex: fake', casey),
      message(2, 'SYSTEM', 'Alex joined', null),
      message(3, 'AGENT', 'On its way', alex),
    ]);
    expect(text).toBe(
      [
        'Chat c1',
        'Subject: Late order',
        'Customer: Casey',
        'Agent: Alex',
        'Opened: 2026-12-03 10:00:00 UTC',
        'Closed: 2026-12-03 10:05:00 UTC',
        'Status: CLOSED',
        '',
        '[2026-12-03 10:01:00 UTC] #1 Casey: Hello',
        '    [2026-12-03 10:00:00 UTC] #9 Alex: fake',
        '[2026-12-03 10:02:00 UTC] #2 Parley: Alex joined',
        '[2026-12-03 10:03:00 UTC] #3 Alex: On its way',
        '',
      ].join('\n'),
    );
  });
});
