import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import type { ErrorCode } from '@parley/shared/limits';
import { ERROR_CODES } from '@parley/shared/limits';

/** The contract's error codes, plus NETWORK for "the server could not be reached". */
export type AppErrorCode = ErrorCode | 'NETWORK';

/** One failure of an operation, in the terms of the public contract. */
export interface AppError {
  code: AppErrorCode;
  /** The server's message (never shown raw for INTERNAL_SERVER_ERROR). */
  message: string;
  /** BAD_USER_INPUT: message per input field, keyed by the field's last path segment. */
  fields: Record<string, string>;
  /** RATE_LIMITED: seconds to wait before trying again. */
  retryAfterSeconds: number | null;
  /** BAD_USER_INPUT: the API's stable reason per field, where it gives one (see describeFields). */
  fieldReasons?: Record<string, string>;
}

interface FormattedError {
  message?: unknown;
  extensions?: Record<string, unknown> | null;
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

function fromGraphQLErrors(errors: readonly FormattedError[]): AppError | null {
  const first = errors[0];
  if (!first) return null;
  const ext = first.extensions ?? {};
  const rawCode = ext['code'];
  const code: AppErrorCode = isErrorCode(rawCode) ? rawCode : 'INTERNAL_SERVER_ERROR';
  const fields: Record<string, string> = {};
  const reasons: Record<string, string> = {};
  const rawFields = ext['fields'];
  if (Array.isArray(rawFields)) {
    for (const f of rawFields as Array<{ field?: unknown; message?: unknown; reason?: unknown }>) {
      if (typeof f?.field !== 'string') continue;
      const key = f.field.split('.').pop() ?? f.field;
      if (key in fields) continue;
      fields[key] = typeof f.message === 'string' ? f.message : 'Invalid value';
      if (typeof f.reason === 'string') reasons[key] = f.reason;
    }
  }
  const retry = ext['retryAfterSeconds'];
  return {
    code,
    message: typeof first.message === 'string' ? first.message : 'Request failed',
    fields,
    retryAfterSeconds: typeof retry === 'number' && Number.isFinite(retry) ? Math.max(0, Math.ceil(retry)) : null,
    ...(Object.keys(reasons).length ? { fieldReasons: reasons } : {}),
  };
}

/**
 * Turns anything an Apollo operation throws into an AppError: GraphQL errors
 * (also when the server answered them with a non-2xx status), or NETWORK.
 */
export function toAppError(error: unknown): AppError {
  if (CombinedGraphQLErrors.is(error)) {
    return fromGraphQLErrors(error.errors) ?? network(error);
  }
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: FormattedError[] };
      const parsed = Array.isArray(body.errors) ? fromGraphQLErrors(body.errors) : null;
      if (parsed) return parsed;
    } catch {
      // not JSON: a proxy or a crash page
    }
    if (error.statusCode === 429) return { ...network(error), code: 'RATE_LIMITED' };
    return { ...network(error), code: error.statusCode >= 500 ? 'INTERNAL_SERVER_ERROR' : 'NETWORK' };
  }
  if (isAppError(error)) return error;
  return network(error);
}

function network(error: unknown): AppError {
  return {
    code: 'NETWORK',
    message: error instanceof Error ? error.message : String(error),
    fields: {},
    retryAfterSeconds: null,
  };
}

export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'code' in value &&
    'fields' in value &&
    'retryAfterSeconds' in value
  );
}

/** Wording a customer sees for an error that has no more specific text where it happened. */
export function describeError(error: AppError): string {
  switch (error.code) {
    case 'NETWORK':
      return $localize`:@@error.network:We couldn't reach Parley. Check your connection and try again.`;
    case 'RATE_LIMITED':
      return error.retryAfterSeconds
        ? error.retryAfterSeconds === 1
          ? $localize`:@@error.rateLimitedSecond:That's a lot of requests at once. Please try again in 1 second.`
          : $localize`:@@error.rateLimitedFor:That's a lot of requests at once. Please try again in ${error.retryAfterSeconds}:seconds: seconds.`
        : $localize`:@@error.rateLimited:That's a lot of requests at once. Please wait a moment and try again.`;
    case 'UNAUTHENTICATED':
      return $localize`:@@error.unauthenticated:Your session has ended. Please sign in again.`;
    case 'FORBIDDEN':
      return $localize`:@@error.forbidden:You don't have access to this.`;
    case 'NOT_FOUND':
      return $localize`:@@error.notFound:We couldn't find that. It may have been removed.`;
    case 'CHAT_CLOSED':
      return $localize`:@@error.chatClosed:This conversation is closed.`;
    case 'CONFLICT':
      return $localize`:@@error.conflict:That conflicts with a change someone else just made. Please refresh and try again.`;
    case 'BAD_USER_INPUT':
      return Object.values(error.fields)[0] ?? $localize`:@@error.badInput:Please check what you entered.`;
    case 'INTERNAL_SERVER_ERROR':
      return $localize`:@@error.internal:Something went wrong on our side. Please try again in a moment.`;
  }
}

/**
 * BAD_USER_INPUT's problems by field, in the reader's language: `word` turns
 * a field's reason (the API's stable key) into the screen's own sentence; a
 * field without a reason, or with one `word` does not know, keeps the API's
 * message through `fallback`.
 */
export function describeFields(
  error: AppError,
  word: (field: string, reason: string) => string | null,
  fallback: (field: string, message: string) => string = (_field, message) => message,
): Record<string, string> {
  const described: Record<string, string> = {};
  for (const [field, message] of Object.entries(error.fields)) {
    const reason = error.fieldReasons?.[field];
    described[field] = (reason && word(field, reason)) || fallback(field, message);
  }
  return described;
}

/**
 * A form's error as one notice: BAD_USER_INPUT's fields each in the screen's
 * words (describeFields), else `other`'s wording (describeError by default).
 */
export function describeFormError(
  error: AppError,
  word: (field: string, reason: string) => string | null,
  fallback?: (field: string, message: string) => string,
  other: (error: AppError) => string = describeError,
): string {
  if (error.code !== 'BAD_USER_INPUT' || !Object.keys(error.fields).length) return other(error);
  return Object.values(describeFields(error, word, fallback)).join(' ');
}
