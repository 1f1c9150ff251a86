import type { GraphQLFormattedError } from 'graphql';
import { formatError } from '@parley/api/core';
import type { Logger } from './logger';

/** Apollo's formatError hook: the shared formatter, with the request id where Apollo gives one. */
export function formatErrorFor(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError =>
    formatError(formatted, error, { logger });
}
