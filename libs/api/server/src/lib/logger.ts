import pino from 'pino';
import type { Config } from '@parley/api/config';
import { safeLogOptions } from '@parley/api/observability';

export type Logger = pino.Logger;

/** JSON lines on stdout; secrets, emails and message bodies never reach it (log-safety.ts is the safety net). */
export function createLogger(
  config: Pick<Config, 'production'>,
  level = process.env['LOG_LEVEL'],
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      level: level ?? (config.production ? 'info' : 'info'),
      base: { service: 'parley-api' },
      ...safeLogOptions,
    },
    destination ??
      prettyInDevelopment(config.production) ??
      // Asynchronous: lines written while a write is pending go out together, off the request's path.
      // The shutdown path flushes it.
      pino.destination({ dest: 1, sync: false }),
  );
}

/** Readable lines for a developer at a terminal; JSON everywhere else (pipes, files, production). */
function prettyInDevelopment(production: boolean): pino.DestinationStream | undefined {
  if (production || !process.stdout.isTTY) return undefined;
  try {
    // A development dependency: absent from production installs.
    return (require('pino-pretty') as typeof import('pino-pretty'))({
      colorize: true,
      ignore: 'pid,hostname,service',
    });
  } catch {
    return undefined;
  }
}
