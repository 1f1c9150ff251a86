import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type Express, type Request } from 'express';

/** The web app's own routes (apps/web/src/app/app.routes.ts), and `/help/…`, the bot's article links. */
const APP_ROUTES = /^\/(?:(?:sign-in|sign-up|forgot-password|reset-password|chats|help)(?:\/[\w-]+)*\/?)?$/;

/**
 * A browser loading a page: `Sec-Fetch-Mode: navigate` where the browser
 * sends it, else a GET that prefers HTML. A script's fetch, a scanner or an
 * asset that does not exist is not one.
 */
function isNavigation(req: Request): boolean {
  const mode = req.headers['sec-fetch-mode'];
  if (mode !== undefined) return mode === 'navigate';
  return req.accepts(['json', 'html']) === 'html';
}

/** The agent desk's routes (apps/desk/src/app/app.routes.ts), under `/desk`. */
const DESK_ROUTES = /^\/desk(?:\/(?:(?:(?:sign-in|forgot-password|queue|mine|all|search)(?:\/[\w-]+)?|admin(?:\/(?:reports|feedback|hours|webhooks|articles(?:\/[\w-]+)?))?)\/?)?)?$/;

/** The widget's one page (apps/widget): `/widget`, as the loader frames it, with or without a trailing slash. */
const WIDGET_ROUTES = /^\/widget\/?$/;

/**
 * Serves the built customer web app at `/`, the agent desk at `/desk` and the widget at `/widget`:
 * their files, and each one's index.html for a browser navigating to one of
 * its routes. Anything else falls through to 404, so a missing file or an
 * unknown path never looks like a page that exists.
 */
export function serveWebApp(app: Express, webRoot?: string): void {
  const root = webRoot ?? resolve('dist/apps/web/browser');
  // the desk is built beside the site (dist/apps/desk/browser next to dist/apps/web/browser)
  serveDesk(app, resolve(root, '../../desk/browser'));
  serveWidget(app, resolve(root, '../../widget/browser'));
  const index = join(root, 'index.html');
  if (existsSync(index)) {
    app.use(express.static(root, { index: false, maxAge: '1h' }));
    app.get(APP_ROUTES, (req, res, next) => {
      if (!isNavigation(req)) return next();
      res.setHeader('cache-control', 'no-cache');
      res.sendFile(index);
    });
  }
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found\n');
  });
}

function serveDesk(app: Express, root: string): void {
  const index = join(root, 'index.html');
  if (!existsSync(index)) return;
  app.use('/desk', express.static(root, { index: false, maxAge: '1h' }));
  app.get(DESK_ROUTES, (req, res, next) => {
    if (!isNavigation(req)) return next();
    // relative asset URLs resolve against /desk/, not /
    if (req.originalUrl === '/desk' || req.originalUrl.startsWith('/desk?')) return res.redirect(301, '/desk/');
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
}

/** The widget's page (framed by host sites: security-headers gives /widget/… its frame-ancestors). */
function serveWidget(app: Express, root: string): void {
  const index = join(root, 'index.html');
  if (!existsSync(index)) return;
  // redirect: false, or static would answer /widget (a folder) with a redirect to /widget/
  app.use('/widget', express.static(root, { index: false, redirect: false, maxAge: '1h' }));
  app.get(WIDGET_ROUTES, (req, res, next) => {
    if (!isNavigation(req)) return next();
    // its <base href="/widget/"> resolves the assets whether or not the path ends in a slash
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
}
