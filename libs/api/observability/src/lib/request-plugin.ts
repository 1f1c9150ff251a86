import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import type { Logger } from 'pino';
import type { RequestContext } from '@parley/api/core';
import type { ParleyMetrics } from './metrics';
import { currentTraceId } from './tracing';

/** The first root field of the operation (`sendMessage`): bounded by the schema, unlike client-chosen operation names. */
export function rootField(requestContext: Pick<GraphQLRequestContext<RequestContext>, 'operation'>): string {
  const selection = requestContext.operation?.selectionSet.selections[0];
  return selection?.kind === 'Field' ? selection.name.value : 'unknown';
}

/**
 * One JSON log line and one duration sample per GraphQL request over HTTP:
 * request id, operation, user id, duration, result code (the contract code of
 * the first error, or OK) and the trace id. Never variables: they hold
 * passwords and message bodies.
 */
export function requestObservabilityPlugin(logger: Logger, metrics: ParleyMetrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(requestContext) {
          const { response, contextValue } = requestContext;
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const codes = errors?.map((error) => String(error.extensions?.['code'] ?? 'INTERNAL_SERVER_ERROR')) ?? [];
          for (const code of codes) metrics.errors.inc({ code });
          const operation = rootField(requestContext);
          metrics.requestDuration.observe({ operation, outcome: codes.length ? 'error' : 'ok' }, seconds);
          // Not even built when the level is off: this runs for every request.
          if (!logger.isLevelEnabled('info')) return;
          logger.info(
            {
              requestId: contextValue.requestId,
              operationName: requestContext.operationName ?? undefined,
              operation,
              userId: contextValue.viewer?.id,
              durationMs: Math.round(seconds * 1e4) / 10,
              code: codes[0] ?? 'OK',
              traceId: currentTraceId(),
            },
            'graphql request',
          );
        },
      };
    },
  };
}
