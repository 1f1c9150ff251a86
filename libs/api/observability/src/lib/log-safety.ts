import pino from 'pino';

/**
 * Fields that may hold what a log must never: passwords and their hashes,
 * tokens, emails, message bodies, GraphQL variables. pino replaces them
 * wherever these paths reach (the safety net under the rule: log ids, not data).
 */
export const LOG_REDACT_PATHS = [
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'token',
  '*.token',
  'refreshToken',
  '*.refreshToken',
  'authorization',
  '*.authorization',
  'email',
  '*.email',
  'body',
  '*.body',
  'variables',
  '*.variables',
  'connectionParams',
  '*.connectionParams',
  'parameters',
  '*.parameters',
];

// PostgreSQL quotes the offending value in some messages: `invalid input syntax for type uuid: "…"`.
const QUOTED_VALUE = /((?:invalid input|malformed|invalid byte sequence)[^:]*: )".*"/s;

/**
 * Errors as the log may keep them: type, message, code, stack and where in the
 * schema a statement failed, never the statement's parameters (TypeORM's
 * QueryFailedError carries them all: bodies, emails, password hashes) nor the
 * driver's `detail` (PostgreSQL's "Failing row contains (…)", "Key (email)=(…)").
 */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: typeof error === 'string' ? scrub(error) : String(typeof error) };
  const source = error as Error & Record<string, unknown>;
  const safe: Record<string, unknown> = {
    type: error.name,
    message: scrub(error.message),
    stack: error.stack ? scrub(error.stack) : undefined,
  };
  for (const key of ['code', 'constraint', 'table', 'column', 'routine', 'query', 'retryable']) {
    if (typeof source[key] === 'string' || typeof source[key] === 'boolean') safe[key] = source[key];
  }
  if (source['cause'] !== undefined) safe['cause'] = safeError(source['cause']);
  return safe;
}

const scrub = (text: string) => text.replace(QUOTED_VALUE, '$1"[redacted]"');

/** pino options that keep data out of the log: the redact list and the error serializer. */
export const safeLogOptions: Pick<pino.LoggerOptions, 'redact' | 'serializers'> = {
  redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
  serializers: { err: safeError, error: safeError },
};
