import type { ExecutionArgs, ExecutionResult } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { isPromiseLike, isTakingStream } from '@parley/api/core';

/** What a Delivery tells its connection (Connection's methods). */
export interface DeliveryOwner {
  deliver(delivery: Delivery, event: ExecutionResult): Promise<void>;
  streamEnded(delivery: Delivery): Promise<void>;
  streamFailed(delivery: Delivery, error: unknown, closeSource: boolean): Promise<void>;
}

/**
 * One subscription's events, each sent once the one before it is written: a
 * `for await` loop written as a promise chain. A widget's subscription waits
 * for its chat's next message for hours; this way what waits is this object
 * and its two handlers, given to the stream itself when it takes one
 * (core's TakingStream: AsyncQueue), else to the pending `next()`'s promise.
 * A suspended async function held its frame (registers and all), its promise,
 * the await's context and two closures, and the awaited promise with its
 * resolving functions and reaction.
 */
export class Delivery {
  /** Whether the promise waited on is an event's send (else: the next event). */
  private sending = false;
  // One pair of handlers for every promise this subscription waits on, made once.
  private readonly settled = this.resume.bind(this);
  private readonly rejected = this.fail.bind(this);

  constructor(
    private readonly owner: DeliveryOwner,
    readonly id: string,
    readonly payload: SubscribePayload,
    readonly args: ExecutionArgs,
    readonly events: AsyncIterator<ExecutionResult> | undefined,
  ) {}

  /** Asks for the next event. */
  pull(): void {
    this.sending = false;
    const events = this.events as AsyncIterator<ExecutionResult>;
    let next: Promise<IteratorResult<ExecutionResult>>;
    try {
      if (isTakingStream(events)) return events.takeNext(this.settled);
      next = Promise.resolve(events.next());
    } catch (error) {
      return this.fail(error);
    }
    next.then(this.settled, this.rejected);
  }

  /** A result taken (or a promise of it), or an event sent. */
  private resume(value: unknown): void {
    if (this.sending) return this.pull();
    if (isPromiseLike(value)) return void value.then(this.settled, this.rejected);
    const result = value as IteratorResult<ExecutionResult>;
    if (!isObject(result)) return this.fail(new TypeError(`Iterator result ${String(result)} is not an object`));
    if (result.done) return void this.owner.streamEnded(this);
    this.sending = true;
    this.owner.deliver(this, result.value).then(this.settled, this.rejected);
  }

  private fail(error: unknown): void {
    void this.owner.streamFailed(this, error, this.sending);
  }
}

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null;
}
