// Builds the web app once before the browser tests, unless the build in
// dist/apps/web/browser is newer than every source file it comes from.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../../../..');
const index = path.join(root, 'dist/apps/web/browser/index.html');
const sources = ['apps/web/src', 'apps/web/public', 'apps/web/project.json', 'apps/web/tsconfig.app.json', 'libs/web', 'libs/shared', 'tsconfig.web.json', 'tsconfig.base.json'];

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

module.exports = async function globalSetup() {
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const changed = Math.max(...sources.map((s) => newest(path.join(root, s))));
  if (built > changed) return;
  process.stdout.write('\n[web-e2e] building the web app (dist/apps/web/browser)…\n');
  const result = spawnSync(process.execPath, [require.resolve('nx/bin/nx', { paths: [root] }), 'build', 'web'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NODE_OPTIONS: '' },
  });
  if (result.status !== 0) throw new Error('Building the web app failed; see the output above.');
};
