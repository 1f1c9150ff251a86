import type { GraphQLFormattedError } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError, formatError, type RequestContext } from '@parley/api/core';
import { ArgumentValidationError, AuthenticationError, AuthorizationError } from 'type-graphql';
import type { Logger } from './logger';

/** Apollo's formatError hook: the shared formatter (logging happens in `errorLogPlugin`, where the request id is known). */
export function formatErrorFor() {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => formatError(formatted, error);
}

const expected = (error: unknown) =>
  error instanceof AppError ||
  error instanceof ArgumentValidationError ||
  error instanceof AuthenticationError ||
  error instanceof AuthorizationError;

/**
 * Logs every unexpected error with the request's id, and puts the same id on
 * the masked INTERNAL_SERVER_ERROR the client sees, so support can find it.
 */
export function errorLogPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (error.path && !expected(original)) {
              logger.error({ err: original, requestId: contextValue.requestId, operationName, path: error.path }, 'unexpected error');
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.['code'] === 'INTERNAL_SERVER_ERROR') {
              (error.extensions as Record<string, unknown>)['requestId'] = contextValue.requestId;
            }
          }
        },
      };
    },
  };
}

/**
 * An operation that produced nothing because its input was bad answers 400,
 * as a document that fails to parse or validate does: the client's mistake,
 * never a 200 that looks like success or a 500 that looks like ours. A partial
 * result (some data, some errors) stays 200, as GraphQL over HTTP says.
 */
export function badInputStatusPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (data != null || !errors?.length || (response.http.status ?? 200) !== 200) return;
          if (errors.every((error) => error.extensions?.['code'] === 'BAD_USER_INPUT')) response.http.status = 400;
        },
      };
    },
  };
}
