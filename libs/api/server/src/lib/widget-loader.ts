import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Express } from 'express';
import { WIDGET_LOADER_PATH } from '@parley/api/visitor';

/**
 * Serves the widget loader (libs/web/widget-loader, bundled by the API build)
 * at /widget.js for any site's script tag: read and gzipped once at start,
 * cacheable for a short while (sites pick up a new loader within minutes),
 * and Cross-Origin-Resource-Policy: cross-origin, since helmet's same-origin
 * would stop every other site from loading it. Absent file: 404, as any asset.
 */
export function serveWidgetLoader(app: Express, file = resolve('dist/apps/api/widget.js')): void {
  let plain: Buffer;
  try {
    plain = readFileSync(file);
  } catch {
    return;
  }
  const gzipped = gzipSync(plain, { level: 9 });
  const etag = `"${plain.length.toString(36)}-${gzipped.length.toString(36)}-${hash(plain)}"`;
  app.get(WIDGET_LOADER_PATH, (req, res) => {
    res.setHeader('content-type', 'text/javascript; charset=utf-8');
    res.setHeader('cache-control', 'public, max-age=300, stale-while-revalidate=86400');
    res.setHeader('cross-origin-resource-policy', 'cross-origin');
    res.setHeader('vary', 'Accept-Encoding');
    res.setHeader('etag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
    if (gzip) res.setHeader('content-encoding', 'gzip');
    res.send(gzip ? gzipped : plain);
  });
}

/** A short content hash for the ETag (FNV-1a; not a security measure). */
function hash(bytes: Buffer): string {
  let h = 0x811c9dc5;
  for (const byte of bytes) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h.toString(36);
}
