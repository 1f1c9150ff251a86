import { backoffDelay } from './backoff.js';
import { fromGraphQLErrors, isParleyError, ParleyError, type GraphQLFormattedError } from './errors.js';
import type { SessionKeeper } from './session.js';
import type { SocketLink } from './socket.js';

export interface ReconnectOptions {
  /** First delay before reconnecting; doubles up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Failed reconnections in a row before giving up with NETWORK_ERROR (default: never give up). */
  maxAttempts?: number;
}

export interface LiveOptions<T> {
  /** Ends the stream (the iterator finishes, the server subscription is completed). */
  signal?: AbortSignal;
  /** Callback style: each item goes here instead of the iterator. */
  onData?: (item: T) => void;
  /** Callback style: the error that ended the stream. */
  onError?: (error: ParleyError) => void;
  /** Callback style: the server ended the stream. */
  onComplete?: () => void;
}

/** What `accept` says about one result: deliver this item, drop it (already seen), or resubscribe (a gap). */
export type Verdict<T> = { item: T } | 'skip' | 'resync';

export interface LiveSource<T> {
  /** Work before the first subscription (reading where to start); its error ends the stream. */
  prepare?: () => Promise<void>;
  /** The operation to send, asked again at every (re)subscription. */
  request: () => { query: string; variables: Record<string, unknown> };
  accept: (data: any) => Verdict<T>;
}

// graphql-ws close codes that another try cannot fix.
const FATAL_CLOSE_CODES = new Set([4400, 4401, 4406, 4409]);
const UNAUTHORIZED_CLOSE = 4403;

const isCloseEvent = (value: unknown): value is { code: number; reason: string } =>
  typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number' && 'reason' in value;

/**
 * A subscription that outlives its socket: after any disconnect it
 * subscribes again (backing off), after a 4403 it renews the session first,
 * and it ends only when the caller stops, the server completes it, or the
 * server refuses it for good (the error is a ParleyError). Read it with
 * `for await`, or pass callbacks.
 */
export class LiveStream<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private readonly waiting: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }> = [];
  private failure: ParleyError | null = null;
  private done = false;
  private generation = 0;
  private attempt = 0;
  private refusals = 0;
  private stopCurrent: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly unlisten: () => void;
  private readonly onAbort = () => this.close();

  constructor(
    private readonly link: SocketLink,
    private readonly session: SessionKeeper,
    private readonly source: LiveSource<T>,
    private readonly options: LiveOptions<T> & { reconnect?: ReconnectOptions } = {},
  ) {
    this.unlisten = link.onConnected(() => {
      this.attempt = 0;
      this.refusals = 0;
    });
    if (options.signal?.aborted) {
      this.close();
      return;
    }
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    const prepared = source.prepare ? source.prepare() : Promise.resolve();
    prepared.then(
      () => this.subscribe(),
      (error) => this.fail(isParleyError(error) ? error : new ParleyError('BAD_RESPONSE', String(error), { cause: error })),
    );
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length) return Promise.resolve({ value: this.buffer.shift() as T, done: false });
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      return Promise.reject(failure);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  async return(): Promise<IteratorResult<T>> {
    this.close();
    return { value: undefined, done: true };
  }

  /** Stops: completes the server subscription and ends the iterator. */
  close(): void {
    if (this.done) return;
    this.finish();
    for (const waiter of this.waiting.splice(0)) waiter.resolve({ value: undefined, done: true });
  }

  private subscribe(): void {
    if (this.done) return;
    this.stopCurrent?.();
    const generation = ++this.generation;
    const current = () => generation === this.generation && !this.done;
    this.stopCurrent = this.link.client.subscribe<unknown>(this.source.request(), {
      next: (result) => {
        if (!current()) return;
        if (result.errors?.length) return this.onFailure(result.errors as GraphQLFormattedError[]);
        const verdict = this.source.accept(result.data);
        if (verdict === 'resync') return this.retryLater();
        if (verdict !== 'skip') this.deliver(verdict.item);
      },
      error: (error) => {
        if (current()) this.onFailure(error);
      },
      complete: () => {
        if (!current()) return;
        this.close();
        this.options.onComplete?.();
      },
    });
  }

  private deliver(item: T): void {
    if (this.options.onData) return this.options.onData(item);
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve({ value: item, done: false });
    else this.buffer.push(item);
  }

  private onFailure(error: unknown): void {
    if (Array.isArray(error)) {
      const parleyError = fromGraphQLErrors(error as GraphQLFormattedError[]);
      if (parleyError.code === 'UNAUTHENTICATED') return this.renewAndResubscribe(parleyError);
      return parleyError.transient ? this.retryLater() : this.fail(parleyError);
    }
    if (isParleyError(error)) return error.transient ? this.retryLater() : this.fail(error);
    if (isCloseEvent(error)) {
      if (error.code === UNAUTHORIZED_CLOSE) return this.renewAndResubscribe(new ParleyError('UNAUTHENTICATED', error.reason || 'Socket refused'));
      if (FATAL_CLOSE_CODES.has(error.code)) return this.fail(new ParleyError('BAD_RESPONSE', `Socket closed: ${error.code} ${error.reason}`));
    }
    // The network: a reset, a refused connection, a server going away (1001), a missing pong.
    this.retryLater();
  }

  /** The server refused the token (expired, or the session ended): renew it, then subscribe again at once. */
  private renewAndResubscribe(refusal: ParleyError): void {
    const stale = this.link.tokenInUse;
    // Refused twice without being accepted in between: the renewed token does not help either.
    if (!stale || ++this.refusals > 2) return this.fail(refusal);
    this.session.renew(stale).then(
      () => this.subscribe(),
      (error) => (isParleyError(error) && error.transient ? this.retryLater() : this.fail(isParleyError(error) ? error : refusal)),
    );
  }

  private retryLater(): void {
    if (this.done) return;
    this.stopCurrent?.();
    this.stopCurrent = null;
    const { baseDelayMs = 100, maxDelayMs = 5_000, maxAttempts = Infinity } = this.options.reconnect ?? {};
    if (this.attempt >= maxAttempts) return this.fail(new ParleyError('NETWORK_ERROR', `Could not reconnect after ${this.attempt} attempts`));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.subscribe(), backoffDelay(this.attempt++, { baseDelayMs, maxDelayMs }));
  }

  private fail(error: ParleyError): void {
    if (this.done) return;
    this.finish();
    if (this.options.onError) return this.options.onError(error);
    const waiters = this.waiting.splice(0);
    if (waiters.length) waiters.forEach((waiter) => waiter.reject(error));
    else this.failure = error;
  }

  private finish(): void {
    this.done = true;
    clearTimeout(this.timer);
    this.unlisten();
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.stopCurrent?.();
    this.stopCurrent = null;
  }
}
