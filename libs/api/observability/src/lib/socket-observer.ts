import type { DocumentNode } from 'graphql';
import type { Logger } from 'pino';
import type { ParleyMetrics } from './metrics';

/** What the observer reads from a graphql-ws connection's `extra`. */
export interface ObservedSocket {
  connectionId?: string;
  viewer?: { id: string };
}

interface SocketRecord {
  openedAt: number;
  /**
   * Created with the first subscription: most sockets hold one or two (at most
   * the per-socket cap), and an idle socket should cost little; a short array
   * costs less than a Map's table.
   */
  subscriptions?: Array<{ id: string; startedAt: number; operation: string }>;
}

/** The first root field of the operation that runs (bounded by the schema). */
function rootFieldOf(document: DocumentNode, operationName?: string | null): string {
  for (const definition of document.definitions) {
    if (definition.kind !== 'OperationDefinition') continue;
    if (operationName && definition.name?.value !== operationName) continue;
    const selection = definition.selectionSet.selections[0];
    return selection?.kind === 'Field' ? selection.name.value : 'unknown';
  }
  return 'unknown';
}

const msSince = (start: number) => Math.round((performance.now() - start) * 10) / 10;

/**
 * graphql-ws hooks: one log line when a connection opens and closes, and when
 * a subscription starts and ends (user id, duration); the socket and
 * subscription gauges. Every end is counted once, whether the client completed,
 * the server finished or the socket closed.
 */
export class SocketObserver {
  private readonly sockets = new WeakMap<ObservedSocket, SocketRecord>();

  constructor(
    private readonly logger: Logger,
    private readonly metrics: ParleyMetrics,
  ) {}

  /** A GraphQL error sent over a socket (subscribe refused, or an error in an event), by contract code. */
  errorSent(code: unknown): void {
    this.metrics.errors.inc({ code: String(code ?? 'INTERNAL_SERVER_ERROR') });
  }

  opened(socket: ObservedSocket): void {
    this.sockets.set(socket, { openedAt: performance.now() });
    this.metrics.openSockets.inc();
    this.logger.info({ connectionId: socket.connectionId, userId: socket.viewer?.id }, 'websocket opened');
  }

  /** After execution started; only subscriptions (a stream of results) count as active. */
  operationStarted(
    socket: ObservedSocket,
    id: string,
    document: DocumentNode,
    operationName: string | null | undefined,
    streaming: boolean,
  ): void {
    const record = this.sockets.get(socket);
    if (!record || !streaming) return;
    const operation = rootFieldOf(document, operationName);
    const entry = { id, startedAt: performance.now(), operation };
    const subscriptions = record.subscriptions;
    const known = subscriptions?.findIndex((s) => s.id === id) ?? -1;
    // The first as a literal of one: pushed into an empty array, it got room for 17 (152 bytes a socket).
    if (!subscriptions) record.subscriptions = [entry];
    else if (known >= 0) subscriptions[known] = entry;
    else subscriptions.push(entry);
    this.metrics.activeSubscriptions.inc({ operation });
    this.logger.info(
      {
        requestId: `${socket.connectionId}/${id}`,
        connectionId: socket.connectionId,
        userId: socket.viewer?.id,
        operation,
        operationName: operationName ?? undefined,
      },
      'subscription started',
    );
  }

  operationEnded(socket: ObservedSocket, id: string): void {
    const record = this.sockets.get(socket);
    const at = record?.subscriptions?.findIndex((s) => s.id === id) ?? -1;
    if (!record?.subscriptions || at < 0) return;
    const subscription = record.subscriptions[at];
    record.subscriptions.splice(at, 1);
    this.metrics.activeSubscriptions.dec({ operation: subscription.operation });
    this.logger.info(
      {
        requestId: `${socket.connectionId}/${id}`,
        connectionId: socket.connectionId,
        userId: socket.viewer?.id,
        operation: subscription.operation,
        durationMs: msSince(subscription.startedAt),
      },
      'subscription ended',
    );
  }

  closed(socket: ObservedSocket, code: number | undefined): void {
    const record = this.sockets.get(socket);
    if (!record) return; // never authenticated: not counted
    for (const { id } of [...(record.subscriptions ?? [])]) this.operationEnded(socket, id);
    this.sockets.delete(socket);
    this.metrics.openSockets.dec();
    this.logger.info(
      {
        connectionId: socket.connectionId,
        userId: socket.viewer?.id,
        code,
        durationMs: msSince(record.openedAt),
      },
      'websocket closed',
    );
  }
}
