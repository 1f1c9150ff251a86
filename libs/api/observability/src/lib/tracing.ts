import { context, SpanStatusCode, trace } from '@opentelemetry/api';

interface Tracing {
  shutdown(): Promise<void>;
}

let running: Tracing | undefined;

/**
 * OpenTelemetry for the process, only when OTEL_EXPORTER_OTLP_ENDPOINT is set
 * (nothing is even loaded otherwise). Must run before pg, express, graphql and
 * http are first required: apps/api/src/tracing.ts is main.ts's first import.
 * The standard OTEL_* variables (service name, sampler, batch delay) apply.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): boolean {
  if (running || !env['OTEL_EXPORTER_OTLP_ENDPOINT']) return Boolean(running);
  // Loaded synchronously, and only when tracing is on.
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation } =
    require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { GraphQLInstrumentation } =
    require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const sdk = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] ?? 'parley-api',
    traceExporter: new OTLPTraceExporter(),
    // Metrics are Prometheus's (/metrics) and logs go to stdout: traces only, unless the standard variables ask for more.
    ...(env['OTEL_METRICS_EXPORTER'] ? {} : { metricReaders: [] }),
    ...(env['OTEL_LOGS_EXPORTER'] ? {} : { logRecordProcessors: [] }),
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes every few seconds would drown the traces that matter.
        ignoreIncomingRequestHook: (request) => /^\/(healthz|readyz|metrics)\b/.test(request.url ?? ''),
      }),
      new ExpressInstrumentation(),
      // Trivial field resolvers (plain properties) would add a span per field of every result.
      new GraphQLInstrumentation({
        ignoreTrivialResolveSpans: true,
        mergeItems: true,
      }),
      new PgInstrumentation(),
    ],
  });
  sdk.start();
  running = sdk;
  return true;
}

/** Flushes the spans still buffered; call before the process exits. */
export async function stopTracing(): Promise<void> {
  const sdk = running;
  running = undefined;
  await sdk?.shutdown();
}

/** The active trace's id, for log lines; undefined when tracing is off. */
export function currentTraceId(): string | undefined {
  const span = trace.getSpan(context.active());
  if (!span) return undefined;
  const { traceId, traceFlags } = span.spanContext();
  return traceFlags !== undefined && /[^0]/.test(traceId) ? traceId : undefined;
}

const tracer = trace.getTracer('parley');

/** Runs `work` inside a span of its own (a no-op span when tracing is off). */
export async function inSpan<T>(name: string, attributes: Record<string, string>, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Names the incoming request's span after its route (`POST /graphql`), as
 * Express's instrumentation does for the routes Express serves. For handlers
 * that run outside Express; nothing happens when tracing is off.
 */
export function nameRequestSpan(method: string, route: string): void {
  if (!running) return;
  const span = trace.getSpan(context.active());
  span?.setAttribute('http.route', route);
  span?.updateName(`${method} ${route}`);
}

/** Whether startTracing() turned tracing on in this process. */
export function tracingEnabled(): boolean {
  return running !== undefined;
}

interface Publisher {
  publish(topic: string, key: string, payload: never): Promise<void>;
}

/**
 * The same pubsub with a span around each publish, so a sendMessage trace shows
 * the hand-off to subscribers. Untouched (no cost) when tracing is off.
 */
export function tracedPubSub<P extends Publisher>(pubsub: P): P {
  if (!tracingEnabled()) return pubsub;
  const publish = pubsub.publish.bind(pubsub);
  const traced = Object.create(pubsub) as P;
  traced.publish = (topic: string, key: string, payload: never) =>
    inSpan(`pubsub.publish ${topic}`, { 'messaging.operation': 'publish', 'messaging.destination.name': topic }, () =>
      publish(topic, key, payload),
    );
  return traced;
}
