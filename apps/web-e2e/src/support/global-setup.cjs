// Builds the web app, the widget and the agent desk once before the browser tests, unless
// each build (dist/apps/<app>/browser) is newer than every source file it comes from.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../../../..');
const shared = ['libs/web', 'libs/shared', 'tsconfig.web.json', 'tsconfig.base.json'];
// the desk also takes the site's stylesheet (its design tokens)
const apps = {
  web: ['apps/web/src', 'apps/web/public', 'apps/web/project.json', 'apps/web/tsconfig.app.json', ...shared],
  widget: ['apps/widget/src', 'apps/widget/public', 'apps/widget/project.json', 'apps/widget/tsconfig.app.json', 'apps/web/src/styles.css', ...shared],
  desk: ['apps/desk/src', 'apps/desk/public', 'apps/desk/project.json', 'apps/desk/tsconfig.app.json', 'apps/web/src/styles.css', ...shared],
};

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

/**
 * Builds `app` (its `configuration`, when given) unless `index` (its built
 * index.html; the default build's by default) is newer than every source file.
 */
function buildIfStale(app, sources, { configuration, index = `dist/apps/${app}/browser/index.html` } = {}) {
  const built = existsSync(path.join(root, index)) ? statSync(path.join(root, index)).mtimeMs : 0;
  const changed = Math.max(...sources.map((s) => newest(path.join(root, s))));
  if (built > changed) return;
  const target = configuration ? `${app}:build:${configuration}` : `${app}:build`;
  process.stdout.write(`\n[web-e2e] building ${target} (${path.dirname(index)})…\n`);
  const result = spawnSync(process.execPath, [require.resolve('nx/bin/nx', { paths: [root] }), 'run', target], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NODE_OPTIONS: '' },
  });
  if (result.status !== 0) throw new Error(`Building ${target} failed; see the output above.`);
}

module.exports = async function globalSetup() {
  for (const [app, sources] of Object.entries(apps)) buildIfStale(app, sources);
};
// a spec that needs another build (the desk in French) makes it the same way, only when it runs
module.exports.buildIfStale = buildIfStale;
module.exports.appSources = apps;
