import helmet from 'helmet';
import type { RequestHandler } from 'express';
import { EXPLORER_CSP_DIRECTIVES } from '@parley/api/explorer';

/**
 * Security headers for everything the server sends. One Content-Security-Policy
 * serves the customer app and the explorer alike: only this origin (its
 * WebSocket included), inline styles for Angular's component styles and
 * Monaco, no framing by other sites. HSTS only where the server itself speaks TLS.
 */
export function securityHeaders(options: { tls: boolean }): RequestHandler {
  const directives: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(EXPLORER_CSP_DIRECTIVES)) directives[name] = [...values];
  directives['base-uri'] = ["'self'"];
  directives['form-action'] = ["'self'"];
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    strictTransportSecurity: options.tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    xFrameOptions: { action: 'deny' },
  });
}
