import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { EXPLORER_CSP_DIRECTIVES } from '@parley/api/explorer';

/**
 * Security headers for everything the server sends. One Content-Security-Policy
 * serves the customer app and the explorer alike: only this origin (its
 * WebSocket included), inline styles for Angular's component styles and
 * Monaco, no framing by other sites. HSTS only where the server itself speaks TLS.
 */
export function securityHeaders(options: { tls: boolean; frameAncestors?: string[] }): RequestHandler {
  const directives: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(EXPLORER_CSP_DIRECTIVES)) directives[name] = [...values];
  directives['base-uri'] = ["'self'"];
  directives['form-action'] = ["'self'"];
  // The widget's pages are framed by the sites listed (CSP); X-Frame-Options cannot list sites, so it goes.
  if (options.frameAncestors) directives['frame-ancestors'] = options.frameAncestors;
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    strictTransportSecurity: options.tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    xFrameOptions: options.frameAncestors ? false : { action: 'deny' },
  });
}

/**
 * The same headers as a plain function that sets a list worked out once.
 * helmet's answer never depends on the request (no nonces here), and the
 * dozen middlewares it runs per response were a visible share of a small
 * POST /graphql; that route sets this list instead.
 */
export function precomputedHeaders(handler: RequestHandler): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const headers: Array<[string, string | number | readonly string[]]> = [];
  let done = false;
  const recorder = {
    locals: {},
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.push([name, value]);
      return recorder;
    },
    removeHeader() {
      // nothing set yet to remove
    },
    getHeader: () => undefined,
  };
  handler({ headers: {} } as never, recorder as never, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  if (!done) throw new Error('the security headers middleware did not finish synchronously');
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
