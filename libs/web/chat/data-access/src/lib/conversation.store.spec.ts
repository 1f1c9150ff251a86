import { TestBed } from '@angular/core/testing';
import { Observable, Subject, of } from 'rxjs';
import { REALTIME_BACKOFF, SESSION_ACCESS, type SessionAccess } from '@parley/web/shared/data-access';
import {
  ChatUpdatedGQL,
  CloseChatGQL,
  ConversationGQL,
  MessageAddedGQL,
  MyChatsGQL,
  OlderMessagesGQL,
  RateChatGQL,
  SendMessageGQL,
  SetTypingGQL,
  StartChatGQL,
  TypingChangedGQL,
  type ChatMessageFragment,
  type ChatSummaryFragment,
} from '../generated/graphql';
import { RequestHumanGQL } from '../generated/assist';
import { ConversationStore } from './conversation.store';

const ME = 'me';
const summary: ChatSummaryFragment = {
  id: 'chat-1',
  subject: 'Help',
  status: 'ACTIVE',
  botActive: false,
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:00:00.000Z',
  closedAt: null,
  rating: null,
  agent: { id: 'a1', displayName: 'Alex', role: 'AGENT' },
  lastMessage: null,
};
function message(seq: number, over: Partial<ChatMessageFragment> = {}): ChatMessageFragment {
  return {
    id: `m${seq}`,
    chatId: 'chat-1',
    seq,
    kind: 'AGENT',
    body: `body ${seq}`,
    clientMessageId: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 10, seq)).toISOString(),
    sender: { id: 'a1', displayName: 'Alex', role: 'AGENT' },
    ...over,
  };
}

describe('ConversationStore', () => {
  let streams: Array<{ afterSeq: number | null | undefined; subject: Subject<{ data?: unknown; error?: unknown }> }>;
  let sent: Array<Record<string, unknown>>;
  let sendResult: () => Observable<unknown>;
  let current: ChatSummaryFragment;
  let fetches: number;
  let rated: Array<Record<string, unknown>>;
  let rateResult: () => Observable<unknown>;

  beforeEach(() => {
    current = summary;
    fetches = 0;
    rated = [];
    rateResult = () => of({ data: { rateChat: { ...current, rating: Number(rated.at(-1)?.['rating']) } } });
    streams = [];
    sent = [];
    sendResult = () => of({ data: { sendMessage: message(4, { kind: 'CUSTOMER', clientMessageId: String(sent[0]?.['clientMessageId']), sender: { id: ME, displayName: 'Me', role: 'CUSTOMER' } }) } });
    const session: SessionAccess = { accessToken: async () => 'token', hasToken: () => true, sessionRejected: () => undefined, tokenRefused: async () => false };
    TestBed.configureTestingModule({
      providers: [
        ConversationStore,
        { provide: SESSION_ACCESS, useValue: session },
        { provide: REALTIME_BACKOFF, useValue: { baseMs: 1, maxMs: 2 } },
        {
          provide: ConversationGQL,
          useValue: {
            fetch: () => {
              fetches++;
              return of({ data: { chat: { ...current, messages: { edges: [1, 2, 3].map((s) => ({ node: message(s) })), pageInfo: { hasPreviousPage: false, startCursor: 'c1' } } } } });
            },
          },
        },
        {
          provide: MessageAddedGQL,
          useValue: {
            subscribe: ({ variables }: { variables: { afterSeq?: number | null } }) => {
              const subject = new Subject<{ data?: unknown; error?: unknown }>();
              streams.push({ afterSeq: variables.afterSeq, subject });
              return subject;
            },
          },
        },
        { provide: TypingChangedGQL, useValue: { subscribe: () => new Subject() } },
        { provide: ChatUpdatedGQL, useValue: { subscribe: () => new Subject() } },
        { provide: MyChatsGQL, useValue: { fetch: () => new Subject() } },
        { provide: StartChatGQL, useValue: {} },
        { provide: OlderMessagesGQL, useValue: { fetch: () => new Subject() } },
        {
          provide: SendMessageGQL,
          useValue: {
            mutate: ({ variables }: { variables: { input: Record<string, unknown> } }) => {
              sent.push(variables.input);
              return sendResult();
            },
          },
        },
        { provide: SetTypingGQL, useValue: { mutate: () => of({ data: { setTyping: true } }) } },
        { provide: CloseChatGQL, useValue: {} },
        { provide: RequestHumanGQL, useValue: {} },
        {
          provide: RateChatGQL,
          useValue: {
            mutate: ({ variables }: { variables: Record<string, unknown> }) => {
              rated.push(variables);
              return rateResult();
            },
          },
        },
      ],
    });
  });

  it('loads the newest page, then follows the chat from the last seq', () => {
    const store = TestBed.inject(ConversationStore);
    store.open('chat-1', ME);
    expect(store.timeline().map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(streams.map((s) => s.afterSeq)).toEqual([3]);
    streams[0].subject.next({ data: { messageAdded: message(4) } });
    streams[0].subject.next({ data: { messageAdded: message(4) } });
    expect(store.timeline().map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(store.announcement()).toBe('Alex: body 4');
  });

  it('re-reads the chat when a SYSTEM message arrives, so a status change chatUpdated missed still shows', () => {
    current = { ...summary, status: 'QUEUED', agent: null };
    const store = TestBed.inject(ConversationStore);
    store.open('chat-1', ME);
    expect(store.chat()?.agent).toBeNull();
    // the agent accepted before chatUpdated was live: only the replayed message stream says so
    current = { ...summary, updatedAt: '2026-01-01T10:05:00.000Z' };
    streams[0].subject.next({ data: { messageAdded: message(4, { kind: 'AGENT' }) } });
    expect(fetches).toBe(1);
    streams[0].subject.next({ data: { messageAdded: message(5, { kind: 'SYSTEM', sender: null, body: 'Alex joined the chat.' }) } });
    streams[0].subject.next({ data: { messageAdded: message(5, { kind: 'SYSTEM', sender: null, body: 'Alex joined the chat.' }) } });
    expect(fetches).toBe(2);
    expect(store.chat()).toMatchObject({ status: 'ACTIVE', agent: { displayName: 'Alex' } });
  });

  it('resumes after the last seq it holds when the socket drops', async () => {
    const store = TestBed.inject(ConversationStore);
    store.open('chat-1', ME);
    streams[0].subject.next({ data: { messageAdded: message(4) } });
    streams[0].subject.next({ data: undefined, error: new Error('Socket closed with event 1006') });
    await new Promise((r) => setTimeout(r, 20));
    expect(streams.map((s) => s.afterSeq)).toEqual([3, 4]);
    // the replay after reconnecting overlaps nothing and misses nothing
    for (const seq of [5, 6, 7]) streams[1].subject.next({ data: { messageAdded: message(seq) } });
    expect(store.timeline().map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('shows a send as pending at once, with one clientMessageId, then confirmed once', () => {
    const pending = new Subject<unknown>();
    sendResult = () => pending;
    const store = TestBed.inject(ConversationStore);
    store.open('chat-1', ME);
    expect(store.send('  hello there  ')).toBe(true);
    expect(store.timeline().at(-1)).toMatchObject({ body: 'hello there', state: 'sending', mine: true });
    const cid = String(sent[0]['clientMessageId']);
    const confirmed = message(4, { kind: 'CUSTOMER', body: 'hello there', clientMessageId: cid, sender: { id: ME, displayName: 'Me', role: 'CUSTOMER' } });
    streams[0].subject.next({ data: { messageAdded: confirmed } });
    pending.next({ data: { sendMessage: confirmed } });
    expect(store.timeline().filter((m) => m.body === 'hello there')).toEqual([expect.objectContaining({ seq: 4, state: 'sent', key: `c:${cid}` })]);
  });

  it('refuses empty and over-long messages', () => {
    const store = TestBed.inject(ConversationStore);
    store.open('chat-1', ME);
    expect(store.send('   ')).toBe(false);
    expect(store.send('x'.repeat(4001))).toBe(false);
    expect(sent).toEqual([]);
  });

  it('rates the closed chat with a trimmed comment (none when blank) and shows the rating the server returns', () => {
    current = { ...summary, status: 'CLOSED', closedAt: '2026-01-01T11:00:00.000Z' };
    const store = TestBed.inject(ConversationStore);
    store.open('chat-1', ME);
    store.rate(4, '  Quick and kind  ');
    expect(rated).toEqual([{ chatId: 'chat-1', rating: 4, comment: 'Quick and kind' }]);
    expect(store.chat()?.rating).toBe(4);
    store.rate(5, '   ');
    expect(rated[1]).toEqual({ chatId: 'chat-1', rating: 5, comment: null });
  });

  it('keeps the question open with the reason when rating fails', () => {
    current = { ...summary, status: 'CLOSED' };
    rateResult = () => new Observable((subscriber) => subscriber.error(new Error('Network down')));
    const store = TestBed.inject(ConversationStore);
    store.open('chat-1', ME);
    store.rate(2, '');
    expect(store.chat()?.rating).toBeNull();
    expect(store.rating()).toBe(false);
    expect(store.ratingError()).toBeTruthy();
  });
});
