import { NEVER, Subject, of, throwError, type Observable } from 'rxjs';
import { sendWithRetry } from './send-retry';

/** A send whose attempts answer as told, counting them. */
function sends(...answers: Array<() => Observable<string>>) {
  const made: number[] = [];
  const send = () => {
    made.push(made.length + 1);
    return (answers[made.length - 1] ?? answers[answers.length - 1])();
  };
  return { send, made };
}
const offline = () => throwError(() => new TypeError('Failed to fetch'));

describe('sendWithRetry', () => {
  it('sends a network failure again at once when the connection comes back, without waiting out its backoff', () => {
    const wake = new Subject<void>();
    const { send, made } = sends(offline, () => of('stored'));
    const got: string[] = [];
    sendWithRetry(send, wake).subscribe((v) => got.push(v));
    // failed once: the next try waits for its backoff (at least 125 ms), or for the connection
    expect(made).toEqual([1]);
    wake.next();
    expect(made).toEqual([1, 2]);
    expect(got).toEqual(['stored']);
  });

  it('gives up an attempt still out when the connection comes back, and sends it again, answering once', () => {
    const wake = new Subject<void>();
    // the first request hangs on the dead connection; the server already stored it and answers the same message again
    const { send, made } = sends(() => NEVER, () => of('stored'));
    const got: string[] = [];
    let done = false;
    sendWithRetry(send, wake).subscribe({ next: (v) => got.push(v), complete: () => (done = true) });
    expect(made).toEqual([1]);
    wake.next();
    expect(made).toEqual([1, 2]);
    expect(got).toEqual(['stored']);
    expect(done).toBe(true);
    // a later reconnect sends nothing more
    wake.next();
    expect(made).toEqual([1, 2]);
  });

  it('does not send again what the server refused', () => {
    const wake = new Subject<void>();
    const refused = { code: 'CHAT_CLOSED', message: 'closed', fields: {}, retryAfterSeconds: null };
    const { send, made } = sends(() => throwError(() => refused));
    let error: unknown;
    sendWithRetry(send, wake).subscribe({ error: (e) => (error = e) });
    wake.next();
    expect(made).toEqual([1]);
    expect(error).toBe(refused);
  });
});
