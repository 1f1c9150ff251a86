/** SQLSTATE codes the services react to. */
export const PG_UNIQUE_VIOLATION = '23505';

export function pgErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Errors that mean the database is unreachable or restarting: worth a retry, not a bug. */
export function isConnectionError(error: unknown): boolean {
  const code = pgErrorCode(error);
  if (code && (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03')) return true;
  const message = (error as Error)?.message ?? '';
  return /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect/i.test(message);
}
