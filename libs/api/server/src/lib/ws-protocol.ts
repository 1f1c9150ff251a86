import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import {
  execute as graphqlExecute,
  getOperationAST,
  GraphQLError,
  parse,
  subscribe as graphqlSubscribe,
  validate,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import {
  areGraphQLErrors,
  CloseCode,
  MessageType,
  parseMessage,
  stringifyMessage,
  type ConnectionInitMessage,
  type Context,
  type ServerOptions,
  type SubscribePayload,
} from 'graphql-ws';
import type { DeliveryGate } from '@parley/api/core';
import { sharedPayload } from './shared-events';
import { Delivery } from './ws-delivery';

/** What every socket's context carries (graphql-ws/use/ws's `Extra`, and the socket's room as a replay paces on it). */
export interface WsExtra extends DeliveryGate {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
}

/**
 * The hooks of graphql-ws's `makeServer` that Parley uses, with the same
 * meaning and order. The query text of a subscribe message is dropped once the
 * operation has its arguments (`payload.query` is empty in the later hooks:
 * the document is in `args`).
 */
export type ProtocolOptions<P extends ConnectionInitMessage['payload'], E> = Pick<
  ServerOptions<P, E>,
  'roots' | 'execute' | 'subscribe' | 'connectionInitWaitTimeout' | 'onConnect' | 'onClose' | 'onSubscribe' | 'onOperation' | 'onNext' | 'onError' | 'onComplete'
> & { schema?: GraphQLSchema };

type Operation = AsyncGenerator<unknown> | AsyncIterable<unknown> | null;
type Operations = Record<string, Operation>;

/**
 * One socket's side of the graphql-transport-ws protocol: what graphql-ws's
 * `makeServer().opened()` does, as one object per socket whose methods live on
 * the prototype. `makeServer` keeps a scope per socket (its context, a socket
 * adapter of four closures, a connection_init timer) and runs each operation in
 * an async listener holding the whole message and three more closures for as
 * long as a subscription lasts; an idle widget socket holds that for hours.
 * The connection_init wait is the transport's heartbeat's (ws-transport.ts).
 *
 * It is its own graphql-ws `Context` and its own `extra`: the hooks read and
 * write `ctx.extra.*` on this object.
 */
export abstract class Connection<P extends ConnectionInitMessage['payload'], E> implements Context<P, WsExtra & Partial<E>> {
  connectionInitReceived = false;
  acknowledged = false;
  connectionParams?: Readonly<P> = undefined;
  /**
   * Its operations by id: the first in two fields (a widget's socket holds one subscription
   * for hours, and a Map of one entry costs it about 180 bytes), any others in a Map made
   * when needed (a null-prototype object is a dictionary from the start, and an id such as
   * "1" adds an elements dictionary of its own).
   */
  private firstId?: string = undefined;
  private first: Operation = null;
  private others?: Map<string, Operation> = undefined;
  /** Its operations were ended (closed, or over the unread budget): nothing new starts. */
  ended = false;
  /** When the heartbeat pinged it and has no answer yet (-1: none outstanding). */
  pingedAt = -1;

  constructor(
    readonly socket: WebSocket,
    public request: IncomingMessage | undefined,
    private readonly options: ProtocolOptions<P, WsExtra & Partial<E>>,
  ) {}

  get extra(): WsExtra & Partial<E> {
    return this as unknown as WsExtra & Partial<E>;
  }

  /** graphql-ws's view of its operations (a copy: the hooks only read it). */
  get subscriptions(): Operations {
    const copy = Object.create(null) as Operations;
    if (this.firstId !== undefined) copy[this.firstId] = this.first;
    for (const [id, operation] of this.others ?? []) copy[id] = operation;
    return copy;
  }

  private running(id: string): boolean {
    return this.firstId === id || (this.others?.has(id) ?? false);
  }

  private operationOf(id: string): Operation | undefined {
    return this.firstId === id ? this.first : this.others?.get(id);
  }

  /** Records operation `id` (null until it has a result), or its result. */
  private record(id: string, operation: Operation): void {
    if (this.firstId === id) this.first = operation;
    else if (this.firstId === undefined && !this.others?.has(id)) {
      this.firstId = id;
      this.first = operation;
    } else (this.others ??= new Map()).set(id, operation);
  }

  private forget(id: string): void {
    if (this.firstId === id) {
      this.firstId = undefined;
      this.first = null;
    } else if (this.others?.delete(id) && this.others.size === 0) this.others = undefined;
  }

  /** The socket's room: the transport knows what it holds unsent (ws-transport.ts). */
  abstract waitForRoom(): Promise<void>;
  abstract hasRoom(): boolean;

  send(data: string): Promise<void> {
    const socket = this.socket;
    return new Promise<void>((resolve, reject) => {
      if (socket.readyState !== WebSocket.OPEN) return resolve();
      socket.send(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** A failure inside the protocol or a hook (the transport reports it and closes with 1011). */
  failed(error: unknown): void {
    void error;
    closeSocket(this.socket, CloseCode.InternalServerError, 'Internal server error');
  }

  /**
   * One message from the client. A failure goes to `failed`, caught in the
   * step where it happens: a subscription's long wait then holds no handler
   * (nor a frame) of its own for it.
   */
  receive(data: string): void {
    let message;
    try {
      message = parseMessage(data);
    } catch {
      return this.socket.close(CloseCode.BadRequest, 'Invalid message received');
    }
    switch (message.type) {
      case MessageType.ConnectionInit:
        return void this.init(message);
      case MessageType.Ping:
        return void this.send(stringifyMessage(message.payload ? { type: MessageType.Pong, payload: message.payload } : { type: MessageType.Pong })).catch(
          (error: unknown) => this.failed(error),
        );
      case MessageType.Pong:
        return;
      case MessageType.Subscribe:
        // id and payload, not the message: an async method keeps its arguments as long as it runs
        return void this.operation(message.id, message.payload);
      case MessageType.Complete: {
        const operation = this.operationOf(message.id);
        this.forget(message.id);
        if (isAsyncGenerator(operation)) operation.return(undefined).catch((error: unknown) => this.failed(error));
        return;
      }
      default:
        return this.failed(new Error(`Unexpected message of type ${(message as { type: string }).type} received`));
    }
  }

  private async init(message: ConnectionInitMessage): Promise<void> {
    try {
      await this.acknowledge(message);
    } catch (error) {
      this.failed(error);
    }
  }

  private async acknowledge(message: ConnectionInitMessage): Promise<void> {
    if (this.connectionInitReceived) return this.socket.close(CloseCode.TooManyInitialisationRequests, 'Too many initialisation requests');
    this.connectionInitReceived = true;
    if (isObject(message.payload)) this.connectionParams = message.payload as Readonly<P>;
    const permittedOrPayload = await this.options.onConnect?.(this);
    if (permittedOrPayload === false) return this.socket.close(CloseCode.Forbidden, 'Forbidden');
    this.acknowledged = true;
    await this.send(
      stringifyMessage(isObject(permittedOrPayload) ? { type: MessageType.ConnectionAck, payload: permittedOrPayload } : { type: MessageType.ConnectionAck }),
    );
  }

  /**
   * A subscribe message: graphql-ws's steps, in its order. A stream goes on in
   * a Delivery (`stream`), which holds no suspended frame, while this one ends.
   */
  private async operation(id: string, payload: SubscribePayload): Promise<void> {
    if (!this.acknowledged) return this.socket.close(CloseCode.Unauthorized, 'Unauthorized');
    if (this.running(id)) return this.socket.close(CloseCode.SubscriberAlreadyExists, `Subscriber for ${id} already exists`);
    this.record(id, null);
    const options = this.options;
    let streaming = false;
    try {
      let args: ExecutionArgs;
      const argsOrErrors = await options.onSubscribe?.(this, id, payload);
      if (argsOrErrors) {
        if (areGraphQLErrors(argsOrErrors)) return this.running(id) ? await this.error(id, payload, argsOrErrors) : undefined;
        if (Array.isArray(argsOrErrors)) throw new Error('Invalid return value from onSubscribe hook, expected an array of GraphQLError objects');
        args = argsOrErrors as ExecutionArgs;
      } else {
        if (!options.schema) throw new Error('The GraphQL schema is not provided');
        args = { operationName: payload.operationName, document: parse(payload.query), variableValues: payload.variables, schema: options.schema };
        const errors = validate(args.schema, args.document);
        if (errors.length > 0) return this.running(id) ? await this.error(id, payload, errors) : undefined;
      }
      // The text is parsed: a subscription lasting hours should not hold it.
      (payload as { query: string }).query = '';
      const operationAST = getOperationAST(args.document, args.operationName);
      if (!operationAST) return this.running(id) ? await this.error(id, payload, [new GraphQLError('Unable to identify operation')]) : undefined;
      if (!('rootValue' in args)) args.rootValue = options.roots?.[operationAST.operation];
      let result = operationAST.operation === 'subscription' ? await (options.subscribe ?? graphqlSubscribe)(args) : await (options.execute ?? graphqlExecute)(args);
      const replaced = await options.onOperation?.(this, id, payload, args, result);
      if (replaced) result = replaced;
      if (isAsyncIterable(result)) {
        if (!this.running(id)) {
          if (isAsyncGenerator(result)) void result.return(undefined);
        } else {
          this.record(id, result);
          streaming = true;
          this.stream(id, payload, args, result);
          return;
        }
      } else if (this.running(id)) {
        await this.next(id, payload, args, result);
      }
      await this.complete(id, payload);
    } catch (error) {
      this.failed(error);
    } finally {
      if (!streaming) this.forget(id);
    }
  }

  /** A subscription's events, each sent once the one before it is written, until it ends (Delivery). */
  private stream(id: string, payload: SubscribePayload, args: ExecutionArgs, events: AsyncIterable<ExecutionResult>): void {
    let iterator: AsyncIterator<ExecutionResult>;
    try {
      iterator = events[Symbol.asyncIterator]();
    } catch (error) {
      return void this.streamFailed(new Delivery(this, id, payload, args, undefined), error, false);
    }
    new Delivery(this, id, payload, args, iterator).pull();
  }

  /** One event of a Delivery, sent (an async method: a failure rejects, never throws). */
  deliver(delivery: Delivery, event: ExecutionResult): Promise<void> {
    return this.next(delivery.id, delivery.payload, delivery.args, event);
  }

  /** A Delivery's events ended: onComplete, and the complete message unless the client completed it. */
  async streamEnded(delivery: Delivery): Promise<void> {
    try {
      await this.complete(delivery.id, delivery.payload);
    } catch (error) {
      this.failed(error);
    } finally {
      this.forget(delivery.id);
    }
  }

  /**
   * A Delivery's events failed (`closeSource` false), or sending one did (true: its events are
   * ended first, as a `for await` loop's body failing would): an error message, then onComplete.
   */
  async streamFailed(delivery: Delivery, error: unknown, closeSource: boolean): Promise<void> {
    const { id, payload } = delivery;
    try {
      if (closeSource) {
        try {
          await delivery.events?.return?.();
        } catch {
          // the failure that ended the loop is the one reported
        }
      }
      const original = error instanceof Error ? error : new Error(String(error));
      await this.error(id, payload, [new GraphQLError(original.message, { originalError: original })]);
      this.forget(id);
      await this.complete(id, payload);
    } catch (failure) {
      this.failed(failure);
    } finally {
      this.forget(id);
    }
  }

  /** onComplete, and the complete message unless the client completed it (or the socket closed). */
  private async complete(id: string, payload: SubscribePayload): Promise<void> {
    await this.options.onComplete?.(this, id, payload);
    if (this.running(id)) await this.send(stringifyMessage({ id, type: MessageType.Complete }));
  }

  private async next(id: string, payload: SubscribePayload, args: ExecutionArgs, result: ExecutionResult): Promise<void> {
    const formatted = await this.options.onNext?.(this, id, payload, args, result);
    // A result shared by every subscriber who sees the event alike comes with its payload's text (shared-events.ts).
    const payloadJson = formatted ? undefined : sharedPayload(result);
    if (payloadJson !== undefined) return this.send(`{"id":${JSON.stringify(id)},"type":"${MessageType.Next}","payload":${payloadJson}}`);
    const { errors, ...withoutErrors } = result;
    await this.send(
      stringifyMessage({
        id,
        type: MessageType.Next,
        payload: formatted || { ...withoutErrors, ...(errors ? { errors: errors.map((e) => e.toJSON()) } : {}) },
      }),
    );
  }

  private async error(id: string, payload: SubscribePayload, errors: readonly GraphQLError[]): Promise<void> {
    const formatted = await this.options.onError?.(this, id, payload, errors);
    await this.send(stringifyMessage({ id, type: MessageType.Error, payload: formatted || errors.map((e) => e.toJSON()) }));
  }

  /** The socket closed (or its operations were ended): every operation stops, then onClose. */
  async closed(code: number, reason: string): Promise<void> {
    const operations = [this.first, ...(this.others?.values() ?? [])];
    this.firstId = undefined;
    this.first = null;
    this.others = undefined;
    await Promise.all(operations.filter(isAsyncGenerator).map((operation) => operation.return(undefined)));
    await this.options.onClose?.(this, code, reason);
  }
}

function closeSocket(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(code, reason);
}

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAsyncIterable<T = unknown>(value: unknown): value is AsyncIterable<T> {
  return typeof Object(value)[Symbol.asyncIterator] === 'function';
}

function isAsyncGenerator<T = unknown>(value: unknown): value is AsyncGenerator<T> {
  return isObject(value) && typeof value[Symbol.asyncIterator] === 'function' && typeof value['return'] === 'function';
}
