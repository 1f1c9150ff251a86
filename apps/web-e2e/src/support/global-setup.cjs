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

function buildIfStale(app, sources) {
  const index = path.join(root, `dist/apps/${app}/browser/index.html`);
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const changed = Math.max(...sources.map((s) => newest(path.join(root, s))));
  if (built > changed) return;
  process.stdout.write(`\n[web-e2e] building ${app} (dist/apps/${app}/browser)…\n`);
  const result = spawnSync(process.execPath, [require.resolve('nx/bin/nx', { paths: [root] }), 'build', app], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NODE_OPTIONS: '' },
  });
  if (result.status !== 0) throw new Error(`Building ${app} failed; see the output above.`);
}

module.exports = async function globalSetup() {
  for (const [app, sources] of Object.entries(apps)) buildIfStale(app, sources);
};
