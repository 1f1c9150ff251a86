import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type Express } from 'express';

const API_PATHS = /^\/(graphql|healthz|readyz|metrics|explorer)(\/|$)/;

/** Serves the built customer web app at `/`, with index.html for the app's own routes. */
export function serveWebApp(app: Express, webRoot?: string): void {
  const root = webRoot ?? resolve('dist/apps/web/browser');
  const index = join(root, 'index.html');
  if (!existsSync(index)) return;
  app.use(express.static(root, { index: false, maxAge: '1h' }));
  app.get(/.*/, (req, res, next) => {
    if (API_PATHS.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
}
