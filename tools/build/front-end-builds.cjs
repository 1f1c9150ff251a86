// Whether a front end's build (dist/apps/<app>/browser) is older than its sources: `npm start`
// (tools/scripts/start.mjs) and the browser tests (apps/web-e2e's global-setup.cjs) build then.
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

/** What every front end is built from: the web libs, the shared code, the compiler settings. */
const SHARED = ['libs/web', 'libs/shared', 'tsconfig.web.json', 'tsconfig.base.json'];

/** Each front end's own sources: its code, public files (translations among them), build settings; the widget and the desk take the site's stylesheet. */
const FRONT_ENDS = {
  web: ['apps/web/src', 'apps/web/public', 'apps/web/project.json', 'apps/web/tsconfig.app.json', ...SHARED],
  desk: ['apps/desk/src', 'apps/desk/public', 'apps/desk/project.json', 'apps/desk/tsconfig.app.json', 'apps/web/src/styles.css', ...SHARED],
  widget: ['apps/widget/src', 'apps/widget/public', 'apps/widget/project.json', 'apps/widget/tsconfig.app.json', 'apps/web/src/styles.css', ...SHARED],
};

/** The front ends this checkout has (each with its apps/<app>/project.json). */
const frontEnds = () => Object.keys(FRONT_ENDS).filter((app) => existsSync(path.join(root, 'apps', app, 'project.json')));

/** The newest modification time under a file or folder, 0 if absent; specs and node_modules do not count (no build reads them). */
function newest(p) {
  if (!existsSync(p)) return 0;
  const stat = statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(p)) {
    if (entry === 'node_modules' || entry.endsWith('.spec.ts')) continue;
    max = Math.max(max, newest(path.join(p, entry)));
  }
  return max;
}

/** The index.html a front end's build writes last. */
const builtIndex = (app) => path.join(root, 'dist/apps', app, 'browser/index.html');

/** Whether a front end's build is missing or older than one of its sources. */
function isStale(app) {
  const index = builtIndex(app);
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  return built <= Math.max(...FRONT_ENDS[app].map((source) => newest(path.join(root, source))));
}

module.exports = { FRONT_ENDS, frontEnds, newest, builtIndex, isStale };
