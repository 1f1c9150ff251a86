/**
 * A push-driven async iterator for subscriptions. Unlike an async generator,
 * `return()` takes effect at once even while the consumer waits, so a client
 * that unsubscribes releases its listeners immediately.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly values: T[] = [];
  // Only each waiting promise's resolve function is kept (a failure resolves it with a rejection): a
  // subscriber waits for its next event for seconds, and what it holds meanwhile reaches the old generation.
  private readonly waiters: Array<(result: IteratorResult<T> | Promise<never>) => void> = [];
  private failure: unknown;
  private closed = false;

  constructor(
    private readonly onClose: () => void = () => undefined,
    private readonly maxBuffered = 10_000,
  ) {}

  push(value: T): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter({ value, done: false });
    else if (this.values.length >= this.maxBuffered) this.fail(new Error('subscriber too slow'));
    else this.values.push(value);
  }

  /** Ends the stream with an error, after the values already queued. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = error;
    if (this.values.length === 0 && this.waiters.length) {
      for (const waiter of this.waiters.splice(0)) waiter(Promise.reject(error));
      this.finish();
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.values.length) return Promise.resolve({ value: this.values.shift() as T, done: false });
    if (this.failure !== undefined && !this.closed) {
      this.finish();
      return Promise.reject(this.failure);
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.values.length = 0;
    for (const waiter of this.waiters.splice(0)) waiter({ value: undefined, done: true });
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

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
