import type { AppError } from '../lib/app-error';

/** For specs: a BAD_USER_INPUT as toAppError reads it, with these fields' messages and, where given, their reasons. */
export const refusedInput = (fields: Record<string, string>, fieldReasons?: Record<string, string>): AppError => ({
  code: 'BAD_USER_INPUT',
  message: 'Some input is not valid.',
  fields,
  retryAfterSeconds: null,
  fieldReasons,
});
