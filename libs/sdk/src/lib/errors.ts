/** The error codes of Parley's public contract (`extensions.code`). */
export const API_ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'CHAT_CLOSED',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/**
 * Codes the client adds for failures that never reached a GraphQL answer:
 * the network (refused, reset, timed out, an HTTP 5xx without a GraphQL body)
 * and an answer that is not GraphQL at all.
 */
export type ClientErrorCode = 'NETWORK_ERROR' | 'BAD_RESPONSE';

/** A code of the contract, a client-side code, or a code a newer server added. */
export type ParleyErrorCode = ApiErrorCode | ClientErrorCode | (string & {});

/** One GraphQL error as the server formats it. */
export interface GraphQLFormattedError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Every failure the SDK reports. `code` is the server's `extensions.code`
 * (or NETWORK_ERROR / BAD_RESPONSE); narrow on it:
 *
 *   if (isParleyError(e, 'CHAT_CLOSED')) ...
 */
export class ParleyError extends Error {
  override readonly name = 'ParleyError';
  readonly code: ParleyErrorCode;
  /** BAD_USER_INPUT: which inputs failed and why. */
  readonly fields?: FieldProblem[];
  /** RATE_LIMITED: when to try again. */
  readonly retryAfterSeconds?: number;
  /** INTERNAL_SERVER_ERROR: the id to quote to the operator (it is in the server log). */
  readonly requestId?: string;
  /** The HTTP status, when the error came over HTTP. */
  readonly status?: number;
  /** Every GraphQL error of the answer (the first one gave code and message). */
  readonly errors: GraphQLFormattedError[];

  constructor(
    code: ParleyErrorCode,
    message: string,
    details: { errors?: GraphQLFormattedError[]; status?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.errors = details.errors ?? [];
    this.status = details.status;
    const extensions = this.errors[0]?.extensions ?? {};
    if (Array.isArray(extensions['fields'])) this.fields = extensions['fields'] as FieldProblem[];
    if (typeof extensions['retryAfterSeconds'] === 'number') this.retryAfterSeconds = extensions['retryAfterSeconds'];
    if (typeof extensions['requestId'] === 'string') this.requestId = extensions['requestId'];
  }

  /** A failure worth retrying for an operation that is safe to repeat. */
  get transient(): boolean {
    return this.code === 'NETWORK_ERROR' || this.code === 'INTERNAL_SERVER_ERROR';
  }
}

/** Whether `error` is a ParleyError (with one of `codes`, when given). */
export function isParleyError(error: unknown, ...codes: ParleyErrorCode[]): error is ParleyError {
  return error instanceof ParleyError && (codes.length === 0 || codes.includes(error.code));
}

/** The error for a GraphQL answer's `errors` (code and message from the first). */
export function fromGraphQLErrors(errors: readonly GraphQLFormattedError[], status?: number): ParleyError {
  const first = errors[0];
  const code = typeof first?.extensions?.['code'] === 'string' ? (first.extensions['code'] as string) : 'INTERNAL_SERVER_ERROR';
  return new ParleyError(code, first?.message ?? 'Unknown error', { errors: [...errors], status });
}

export function networkError(cause: unknown, status?: number): ParleyError {
  const message = status ? `The server answered HTTP ${status}` : `Network error: ${cause instanceof Error ? cause.message : String(cause)}`;
  return new ParleyError('NETWORK_ERROR', message, { cause, status });
}
