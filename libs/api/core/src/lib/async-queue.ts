const nothing = () => undefined;

/** Who is handed a stream's next result (or a promise of it), once. */
export type Taker<T> = (result: IteratorResult<T> | Promise<IteratorResult<T>>) => void;

/**
 * A stream whose next result can be handed to a function, called at once when
 * it is there and later when it is not: a consumer that waits for hours (an
 * idle widget's subscription) then holds no promise, resolving functions and
 * reaction of its own, only the function it gave.
 */
export interface TakingStream<T> extends AsyncIterator<T> {
  takeNext(taker: Taker<T>): void;
}

/** Whether `stream` hands its results to a function (AsyncQueue, and what its mapEach returns). */
export function isTakingStream<T>(stream: AsyncIterator<T>): stream is TakingStream<T> {
  return typeof (stream as Partial<TakingStream<T>>).takeNext === 'function';
}

/**
 * A push-driven async iterator for subscriptions. Unlike an async generator,
 * `return()` takes effect at once even while the consumer waits, so a client
 * that unsubscribes releases its listeners immediately.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T>, TakingStream<T> {
  // Made when needed: an idle subscription's queue holds no array (an array's first push
  // gives it room for 16, about 150 bytes), and one emptied by its consumer gives its room back.
  private values?: T[] = undefined;
  // Only each waiting promise's resolve function (or taker) is kept (a failure resolves it with a rejection):
  // a subscriber waits for its next event for seconds, and what it holds meanwhile reaches the old generation.
  // A subscriber waits for one event at a time: the oldest waiter has a field, any others an array.
  private waiter?: Taker<T> = undefined;
  private laterWaiters?: Array<Taker<T>> = undefined;
  private failure: unknown;
  private closed = false;
  private mapping?: EventMapping<T, unknown>;
  /** Who waits for every value pushed so far to be handed out (drained()). */
  private drainWaiters?: Array<() => void>;

  constructor(
    private readonly onClose: () => void = nothing,
    private readonly maxBuffered = 10_000,
  ) {}

  push(value: T): void {
    if (this.closed) return;
    const waiter = this.takeWaiter();
    if (waiter) waiter(this.handOut(value));
    else if ((this.values?.length ?? 0) >= this.maxBuffered) this.fail(new Error('subscriber too slow'));
    else (this.values ??= []).push(value);
  }

  /** Ends the stream with an error, after the values already queued. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = error;
    if (!this.values?.length && this.waiter) {
      for (const waiter of this.takeWaiters()) waiter(Promise.reject(error));
      this.finish();
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves once every value pushed so far has been handed to the consumer (at once when none waits), or the queue ends. */
  drained(): Promise<void> {
    if (!this.values?.length || this.closed) return Promise.resolve();
    return new Promise((resolve) => (this.drainWaiters ??= []).push(resolve));
  }

  next(): Promise<IteratorResult<T>> {
    const ready = this.take();
    return ready === undefined ? new Promise((resolve) => this.addWaiter(resolve)) : Promise.resolve(ready);
  }

  /** next() without a promise: `taker` is called with what next() would resolve to, at once if it is there. */
  takeNext(taker: Taker<T>): void {
    const ready = this.take();
    if (ready === undefined) this.addWaiter(taker);
    else taker(ready);
  }

  /** The next result if there is one now (a value, the end, or the failure as a rejection). */
  private take(): IteratorResult<T> | Promise<IteratorResult<T>> | undefined {
    const values = this.values;
    if (values?.length) {
      const value = values.shift() as T;
      if (values.length === 0) {
        this.values = undefined;
        this.wakeDrainWaiters();
      }
      return this.handOut(value);
    }
    if (this.failure !== undefined && !this.closed) {
      this.finish();
      return Promise.reject(this.failure);
    }
    if (this.closed) return { value: undefined, done: true };
    return undefined;
  }

  return(): Promise<IteratorResult<T>> {
    this.values = undefined;
    for (const waiter of this.takeWaiters()) waiter({ value: undefined, done: true });
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * This queue's values, each passed through `map` as it is handed out, with
   * `release` given a mapped value back once the consumer asks for the next.
   * The consumer reads through the returned iterator from then on. Unlike a
   * promise chained on each `next()`, a consumer waiting for its next event
   * waits on the queue's own promise alone: a subscriber waits for seconds, so
   * whatever it holds meanwhile outlives young collections.
   */
  mapEach<R>(map: (value: T) => R | Promise<R>, release: (value: R) => void): AsyncIterableIterator<R> {
    const mapped = new MappedQueue<T, R>(this, map, release);
    this.mapping = mapped.mapping as EventMapping<T, unknown>;
    return mapped;
  }

  private handOut(value: T): IteratorResult<T> | Promise<IteratorResult<T>> {
    return this.mapping ? (this.mapping.handOut(value) as IteratorResult<T> | Promise<IteratorResult<T>>) : { value, done: false };
  }

  private addWaiter(waiter: Taker<T>): void {
    if (this.waiter === undefined) this.waiter = waiter;
    else (this.laterWaiters ??= []).push(waiter);
  }

  /** The oldest waiter, no longer waiting. */
  private takeWaiter(): Taker<T> | undefined {
    const waiter = this.waiter;
    const later = this.laterWaiters;
    this.waiter = later?.shift();
    if (later?.length === 0) this.laterWaiters = undefined;
    return waiter;
  }

  /** Every waiter, oldest first, none waiting any more. */
  private takeWaiters(): Array<Taker<T>> {
    const waiters = this.waiter === undefined ? [] : [this.waiter, ...(this.laterWaiters ?? [])];
    this.waiter = undefined;
    this.laterWaiters = undefined;
    return waiters;
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.wakeDrainWaiters();
    this.ended();
  }

  /** The queue has ended (returned, or failed and drained): what it listened to can stop. */
  protected ended(): void {
    this.onClose();
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    if (!waiters) return;
    this.drainWaiters = undefined;
    for (const wake of waiters) wake();
  }
}

/**
 * What mapEach hands the consumer: the queue's values, mapped. Its methods are
 * the prototype's (an object of four closures per subscription before).
 */
class MappedQueue<T, R> implements AsyncIterableIterator<R>, TakingStream<R> {
  readonly mapping: EventMapping<T, R>;

  constructor(
    private readonly queue: AsyncQueue<T>,
    map: (value: T) => R | Promise<R>,
    release: (value: R) => void,
  ) {
    this.mapping = new EventMapping(map, release, queue);
  }

  next(): Promise<IteratorResult<R>> {
    this.mapping.releaseLast();
    return this.queue.next() as unknown as Promise<IteratorResult<R>>;
  }

  takeNext(taker: Taker<R>): void {
    this.mapping.releaseLast();
    this.queue.takeNext(taker as unknown as Taker<T>);
  }

  return(): Promise<IteratorResult<R>> {
    return this.queue.return() as Promise<IteratorResult<never>>;
  }

  throw(error?: unknown): Promise<IteratorResult<R>> {
    return this.queue.throw(error) as Promise<IteratorResult<never>>;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Events mapped one at a time for a consumer that asks for the next once it is
 * done with the last: that one is then given to `release`. A failing `map`
 * ends the source (`end`) and then rejects with the failure.
 */
export class EventMapping<T, R> {
  private handedOut: R | undefined;

  constructor(
    private readonly map: (value: T) => R | Promise<R>,
    private readonly release: (value: R) => void,
    /** The source, whose return() ends it. */
    private readonly source: { return(): unknown },
  ) {}

  // The handlers of a mapping that answers with a promise, made at its first such event: an idle
  // subscription that never had one holds none.
  private onMapped?: (mapped: R) => IteratorResult<R>;
  private onFailed?: (error: unknown) => Promise<never>;

  /** The consumer is done with the value handed out last. */
  releaseLast(): void {
    if (this.handedOut === undefined) return;
    const last = this.handedOut;
    this.handedOut = undefined;
    this.release(last);
  }

  handOut(value: T): IteratorResult<R> | Promise<IteratorResult<R>> {
    let mapped: R | Promise<R>;
    try {
      mapped = this.map(value);
    } catch (error) {
      return this.endWith(error);
    }
    if (!isPromiseLike(mapped)) return this.resultOf(mapped);
    return mapped.then((this.onMapped ??= (result) => this.resultOf(result)), (this.onFailed ??= (error) => this.endWith(error)));
  }

  private resultOf(mapped: R): IteratorResult<R> {
    this.handedOut = mapped;
    return { value: mapped, done: false };
  }

  private endWith(error: unknown): Promise<never> {
    return Promise.resolve(this.source.return()).then(() => {
      throw error;
    });
  }
}

/** Whether `value` is a promise or another thenable. */
export function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown })?.then === 'function';
}

/** A stream that maps its own events as it hands them out (AsyncQueue is one). */
export interface SelfMappingStream<T> extends AsyncIterable<T> {
  mapEach<R>(map: (value: T) => R | Promise<R>, release: (value: R) => void): AsyncIterableIterator<R>;
}

/**
 * Each event of `source` mapped through `map`, ending (and ending the source)
 * when the consumer stops. Asking for the next event means the consumer is
 * done with the previous one, which `release` is then given. A stream that
 * maps its own events (SelfMappingStream) does it; any other is wrapped.
 *
 * Plain promise chains, no async functions: a subscription waits for its
 * chat's next event for seconds, and whatever that wait holds outlives a young
 * collection and is promoted. An async function's suspended frame (its
 * register file, its own promise and the await's reaction) was most of what
 * every delivered message left in the old generation (docs/benchmarks.md,
 * sixth round).
 */
export function mapEvents<T, R>(source: AsyncIterable<T>, map: (event: T) => R | Promise<R>, release: (value: R) => void): AsyncIterableIterator<R> {
  const self = source as Partial<SelfMappingStream<T>>;
  if (typeof self.mapEach === 'function') return self.mapEach(map, release);
  const iterator = source[Symbol.asyncIterator]();
  const mapping = new EventMapping(map, release, { return: () => iterator.return?.() });
  const onEvent = (result: IteratorResult<T>): IteratorResult<R> | Promise<IteratorResult<R>> =>
    result.done ? { done: true, value: undefined } : mapping.handOut(result.value);
  return {
    next() {
      mapping.releaseLast();
      return iterator.next().then(onEvent);
    },
    return: () => (iterator.return ? iterator.return().then(onEvent) : Promise.resolve({ done: true, value: undefined })),
    throw: (error?: unknown) => (iterator.throw ? iterator.throw(error).then(onEvent) : Promise.reject(error)),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
