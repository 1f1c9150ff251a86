import { GraphQLError } from 'graphql';
import type { ErrorCode } from '@parley/shared/limits';

export interface FieldProblem {
  field: string;
  message: string;
  /**
   * A stable key for what is wrong, so a client can word it in its own language:
   * for an input type's rules the rule's name (`maxLength`, `isEmail`,
   * `trimmedLength`…), for a domain's own checks its key (`notUrl`, `overlap`).
   */
  reason?: string;
}

/**
 * An error the client is meant to see, carrying one of the contract's codes.
 * Domains throw these; everything else is masked as INTERNAL_SERVER_ERROR.
 */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...extra } });
    this.name = 'AppError';
  }
}

export const unauthenticated = (message = 'Sign in to do this.') => new AppError('UNAUTHENTICATED', message);
export const forbidden = (message = 'You may not do this.') => new AppError('FORBIDDEN', message);
export const notFound = (what: string) => new AppError('NOT_FOUND', `No such ${what}.`);
export const conflict = (message: string) => new AppError('CONFLICT', message);
export const badUserInput = (fields: FieldProblem[], message = 'Some input is not valid.') =>
  new AppError('BAD_USER_INPUT', message, { fields });
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s.`, { retryAfterSeconds });

/** A dependency (the database) is unreachable for now: not a bug, and safe to retry. */
export const temporarilyUnavailable = (what: string) =>
  new AppError('INTERNAL_SERVER_ERROR', `${what} is unavailable for a moment; retry shortly.`, { retryable: true });
