import { TestBed } from '@angular/core/testing';
import { Subject } from 'rxjs';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { REALTIME_BACKOFF, RealtimeConnection, graphqlWsUrl } from './realtime';
import { SESSION_ACCESS } from './session-access';

describe('RealtimeConnection', () => {
  let connection: RealtimeConnection;
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        { provide: SESSION_ACCESS, useValue: { accessToken: async () => 't', hasToken: () => true, sessionRejected: jest.fn(), tokenRefused: async () => false } },
        { provide: REALTIME_BACKOFF, useValue: { baseMs: 1, maxMs: 2 } },
      ],
    });
    connection = TestBed.inject(RealtimeConnection);
  });

  it('derives the socket address from the page', () => {
    expect(graphqlWsUrl({ protocol: 'https:', host: 'chat.example.com' })).toBe('wss://chat.example.com/graphql');
    expect(graphqlWsUrl({ protocol: 'http:', host: '127.0.0.1:3000' })).toBe('ws://127.0.0.1:3000/graphql');
  });

  it('resubscribes after a lost socket, reading fresh variables each time', async () => {
    const opened: number[] = [];
    const streams: Array<Subject<{ data?: number; error?: unknown }>> = [];
    let last = 10;
    const seen: number[] = [];
    connection
      .resilient(() => {
        opened.push(last);
        const s = new Subject<{ data?: number; error?: unknown }>();
        streams.push(s);
        return s;
      })
      .subscribe((r) => {
        seen.push(r.data ?? -1);
        last = r.data ?? last;
      });
    streams[0].next({ data: 11 });
    streams[0].next({ error: new Error('Socket closed with event 1006') });
    await new Promise((r) => setTimeout(r, 20));
    streams[1].next({ data: 12 });
    expect(opened).toEqual([10, 11]);
    expect(seen).toEqual([11, 12]);
  });

  it('does not retry what the server refused (GraphQL errors)', async () => {
    let opened = 0;
    const stream = new Subject<{ error?: unknown }>();
    const failed = jest.fn();
    connection
      .resilient(() => {
        opened++;
        return stream;
      })
      .subscribe({ error: failed });
    stream.next({ error: new CombinedGraphQLErrors({ errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] }) });
    await new Promise((r) => setTimeout(r, 20));
    expect(opened).toBe(1);
    expect(failed).toHaveBeenCalled();
  });
});
