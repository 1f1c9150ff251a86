import { existsSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import express, { Router, type RequestHandler, type Response } from 'express';

/** Where the explorer's files are served; tools/build/build-explorer.mjs writes the same prefix into index.html. */
export const EXPLORER_ASSETS_PATH = '/explorer';

/**
 * The Content-Security-Policy the explorer works under (tested in Chromium):
 * everything from the API's own origin, the WebSocket included ('self' covers
 * ws: and wss: on the same host). Monaco adds <style> elements at run time
 * (style-src 'unsafe-inline') and draws its error squiggles with data: SVG
 * images (img-src data:); the apps show attachments through blob: URLs
 * (read with the viewer's token). Applied to the explorer page when no other
 * middleware set a policy first.
 */
export const EXPLORER_CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'worker-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

export const EXPLORER_CSP = Object.entries(EXPLORER_CSP_DIRECTIVES)
  .map(([name, values]) => `${name} ${values.join(' ')}`)
  .join('; ');

const NOT_BUILT = 'The GraphQL explorer is not built. Run `npm run build` (or `npm run build:explorer`) and reload.\n';

/** Content-hashed names (esbuild's [name]-[hash], the build's font-/image-<sha>) never change content. */
const HASHED = /-[A-Z0-9]{8}\.(js|css|ttf|woff2?|png|svg)$|^(font|image)-[0-9a-f]{10}\.[a-z0-9]+$/;
/** Every file the build writes sits directly in the assets folder. */
const FLAT_FILE = /^\/(\w[\w.-]*)$/;

/** Candidate bundle folders: the current directory (repo root), then beside a bundled or a source-run API. */
function defaultAssetDirs(): string[] {
  const dirs = [resolve(process.cwd(), 'dist/explorer')];
  if (typeof __dirname === 'string') {
    // dist/apps/api/main.js -> dist/explorer; libs/api/explorer/src/lib -> dist/explorer
    dirs.push(resolve(__dirname, '../../explorer'), resolve(__dirname, '../../../../../dist/explorer'));
  }
  return [...new Set(dirs)];
}

function cacheHeaders(res: Response, file: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', HASHED.test(basename(file)) ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/**
 * The GraphQL explorer (GraphiQL, bundled by tools/build/build-explorer.mjs).
 * Mount before the GraphQL handler: `GET /graphql` from a browser (Accept
 * prefers text/html) gets the explorer page, any other request goes on to the
 * next handler; the page's files are served under `/explorer/`.
 *
 * @param assetsDir the built bundle; by default `dist/explorer`, looked up
 * from the current directory and from this module's location.
 */
export function explorerRouter(assetsDir?: string): Router {
  const candidates = assetsDir ? [resolve(assetsDir)] : defaultAssetDirs();
  // Looked up per request until found, so a bundle built after start-up is picked up.
  let found: string | undefined;
  const bundleDir = (): string | undefined => {
    if (found && existsSync(join(found, 'index.html'))) return found;
    found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
    return found;
  };

  const statics = new Map<string, RequestHandler>();
  const staticFor = (dir: string): RequestHandler => {
    let handler = statics.get(dir);
    if (!handler) {
      handler = express.static(dir, { index: false, redirect: false, dotfiles: 'ignore', setHeaders: (res, file) => cacheHeaders(res, file) });
      statics.set(dir, handler);
    }
    return handler;
  };

  const router = Router();

  router.get('/graphql', (req, res, next) => {
    // The same URL answers JSON or HTML: shared caches must keep them apart.
    res.vary('Accept');
    if (req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) !== 'text/html') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const dir = bundleDir();
    if (!dir) {
      res.status(503).type('text/plain').send(NOT_BUILT);
      return;
    }
    if (!res.getHeader('Content-Security-Policy')) res.setHeader('Content-Security-Policy', EXPLORER_CSP);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.sendFile(join(dir, 'index.html'), { headers: { 'Cache-Control': 'no-cache' } }, (error) => {
      if (error && !res.headersSent) next(error);
    });
  });

  router.use(EXPLORER_ASSETS_PATH, (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const dir = bundleDir();
    const name = FLAT_FILE.exec(req.path)?.[1];
    if (!dir || !name) {
      res.status(404).type('text/plain').send('Not found\n');
      return;
    }
    // Precompressed copies from the build; Monaco alone is megabytes.
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip' && existsSync(join(dir, `${name}.gz`))) {
      res.vary('Accept-Encoding');
      res.setHeader('Content-Encoding', 'gzip');
      res.type(extname(name));
      cacheHeaders(res, name);
      res.sendFile(join(dir, `${name}.gz`), (error) => {
        if (error && !res.headersSent) next(error);
      });
      return;
    }
    staticFor(dir)(req, res, () => {
      res.status(404).type('text/plain').send('Not found\n');
    });
  });

  return router;
}
