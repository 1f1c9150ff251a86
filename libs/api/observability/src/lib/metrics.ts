import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ServiceKey } from '@parley/api/core';

/** What the metrics need to know of a message (structural, so the chat domain need not depend on this lib). */
export interface ObservedMessage {
  kind: string;
  createdAt: Date;
}

// Seconds; chat traffic is mostly milliseconds, a slow database shows in the upper buckets.
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every Parley metric, in a registry of its own: one per server, so several
 * servers in one process (tests, restarts) never collide in the global one.
 */
export class ParleyMetrics {
  readonly registry = new Registry();

  readonly requestDuration = new Histogram({
    name: 'parley_graphql_request_duration_seconds',
    help: 'GraphQL requests over HTTP, by root field and outcome (ok or error).',
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'parley_graphql_errors_total',
    help: 'GraphQL errors returned over HTTP and WebSocket, by contract code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly openSockets = new Gauge({
    name: 'parley_websocket_connections',
    help: 'Open graphql-ws connections that passed authentication.',
    registers: [this.registry],
  });

  readonly activeSubscriptions = new Gauge({
    name: 'parley_subscriptions_active',
    help: 'Running GraphQL subscriptions, by root field.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  readonly messagesSent = new Counter({
    name: 'parley_messages_sent_total',
    help: 'Messages committed and published, by kind (CUSTOMER, AGENT, SYSTEM, BOT).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly messagesDelivered = new Counter({
    name: 'parley_messages_delivered_total',
    help: 'Messages handed to a messageAdded subscriber (replays included).',
    registers: [this.registry],
  });

  readonly deliveryDelay = new Histogram({
    name: 'parley_message_delivery_delay_seconds',
    help: 'From a message being stored to it being handed to a live subscriber (replays excluded).',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly chats = new Gauge({
    name: 'parley_chats',
    help: 'Open chats by status (QUEUED, ACTIVE), read from the database at scrape time.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly queueLength = new Gauge({
    name: 'parley_queue_length',
    help: 'Chats waiting for an agent.',
    registers: [this.registry],
  });

  readonly oldestWait = new Gauge({
    name: 'parley_queue_oldest_wait_seconds',
    help: 'How long the longest-waiting queued chat has waited (0 when the queue is empty).',
    registers: [this.registry],
  });

  readonly ready = new Gauge({
    name: 'parley_ready',
    help: '1 while the instance is ready (started, not shutting down, database reachable at scrape time).',
    registers: [this.registry],
  });

  readonly poolConnections = new Gauge({
    name: 'parley_db_pool_connections',
    help: 'PostgreSQL pool: connections by state (total, idle) and requests waiting for one (waiting).',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly queryDuration = new Histogram({
    name: 'parley_db_query_duration_seconds',
    help: 'PostgreSQL statements, from send to result.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** Work to do just before each scrape (database gauges); registered by the server. */
  private readonly beforeScrape: Array<() => Promise<void> | void> = [];

  constructor() {
    // Process CPU, memory, GC, handles, and event-loop lag (nodejs_eventloop_lag_*).
    collectDefaultMetrics({ register: this.registry });
  }

  onScrape(refresh: () => Promise<void> | void): void {
    this.beforeScrape.push(refresh);
  }

  /** The Prometheus text exposition, gauges refreshed first. */
  async scrape(): Promise<string> {
    await Promise.all(this.beforeScrape.map((refresh) => refresh()));
    return this.registry.metrics();
  }

  // Hooks on the send path: a counter increment each, nothing more.

  messageSent(message: ObservedMessage): void {
    this.messagesSent.inc({ kind: message.kind });
  }

  messageDelivered(message: ObservedMessage, live: boolean): void {
    this.messagesDelivered.inc();
    if (live) this.deliveryDelay.observe(Math.max(0, (Date.now() - message.createdAt.getTime()) / 1000));
  }
}

/** The process's metrics, as the server provides them to the modules. */
export const METRICS = new ServiceKey<ParleyMetrics>('metrics');
