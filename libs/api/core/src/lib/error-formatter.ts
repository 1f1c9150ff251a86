import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError, AuthenticationError, AuthorizationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import { AppError, type FieldProblem } from './errors';

export interface ErrorLogger {
  error(details: Record<string, unknown>, message: string): void;
}

/** GraphQL-level failures of a client's document or variables. */
const CLIENT_DOCUMENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/**
 * The one place where any error becomes what a client sees: contract codes
 * pass through, validation failures get `fields`, and anything unexpected is
 * logged with the request id and masked.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  meta: { requestId?: string; logger?: ErrorLogger; exposeDocumentErrors?: boolean } = {},
): GraphQLFormattedError {
  const original = unwrap(error);
  const base = { locations: formatted.locations, path: formatted.path };

  if (original instanceof AppError) {
    // `http` sets the response's status (Apollo reads it); it is not for the client's eyes.
    const { http: _status, ...extensions } = original.extensions;
    return { ...base, message: original.message, extensions };
  }
  if (original instanceof ArgumentValidationError) {
    return {
      ...base,
      message: 'Some input is not valid.',
      extensions: { code: 'BAD_USER_INPUT', fields: flattenValidation(original.extensions.validationErrors) },
    };
  }
  if (original instanceof AuthenticationError) {
    return { ...base, message: 'Sign in to do this.', extensions: { code: 'UNAUTHENTICATED' } };
  }
  if (original instanceof AuthorizationError) {
    return { ...base, message: 'You may not do this.', extensions: { code: 'FORBIDDEN' } };
  }
  const code = formatted.extensions?.['code'];
  const isDocumentError =
    (typeof code === 'string' && CLIENT_DOCUMENT_CODES.has(code)) ||
    (original instanceof GraphQLError && !original.originalError && !formatted.path);
  if (isDocumentError) {
    return {
      ...base,
      // Suggestions ("Did you mean ...?") help an attacker map the schema.
      message: formatted.message.replace(/ ?Did you mean .*$/s, ''),
      extensions: { code: 'BAD_USER_INPUT', fields: [] },
    };
  }

  meta.logger?.error({ err: original, requestId: meta.requestId, path: formatted.path }, 'unexpected error');
  return {
    ...base,
    message: 'Internal server error.',
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: meta.requestId },
  };
}

function unwrap(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError && !(current instanceof AppError)) {
    current = current.originalError;
  }
  return current;
}

/** class-validator's failures as the contract's fields, each with the name of the rule it broke as its reason (`maxLength`, `isEmail`, `trimmedLength`…). */
export function flattenValidation(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const [reason, message] of Object.entries(e.constraints ?? {})) problems.push({ field, message, reason });
    if (e.children?.length) problems.push(...flattenValidation(e.children, field));
  }
  return problems;
}
