import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ParleyMetrics } from './metrics';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /metrics in Prometheus's text format. With a token configured, only
 * `Authorization: Bearer <token>` may read it (compared in constant time).
 */
export function metricsHandler(metrics: ParleyMetrics, token: string | undefined) {
  const expected = token ? digest(token) : undefined;
  return async (req: Request, res: Response) => {
    if (expected) {
      const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
      if (!match || !timingSafeEqual(digest(match[1] as string), expected)) {
        res.status(401).setHeader('www-authenticate', 'Bearer').type('text/plain').send('metrics token required\n');
        return;
      }
    }
    try {
      const text = await metrics.scrape();
      res.setHeader('cache-control', 'no-store');
      res.type(metrics.registry.contentType).send(text);
    } catch {
      res.status(500).type('text/plain').send('metrics unavailable\n');
    }
  };
}
