import pino from 'pino';
import type { Config } from '@parley/api/config';

export type Logger = pino.Logger;

/** JSON lines on stdout; secrets and message bodies never reach it (the redact list is the safety net). */
export function createLogger(config: Pick<Config, 'production'>, level = process.env['LOG_LEVEL']): Logger {
  return pino({
    level: level ?? (config.production ? 'info' : 'info'),
    base: { service: 'parley-api' },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'body', '*.body'],
      censor: '[redacted]',
    },
  });
}
