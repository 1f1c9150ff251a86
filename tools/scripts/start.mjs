#!/usr/bin/env node
// `npm start`: builds what is missing or stale, then runs the API (with the
// customer web app and the explorer) on the embedded database unless DATABASE_URL is set.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const { frontEnds, isStale, newest } = createRequire(import.meta.url)('../build/front-end-builds.cjs');
const builtAt = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);
const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run('node', ['tools/build/build-api.mjs']);
if (existsSync('tools/build/build-explorer.mjs') && builtAt('dist/explorer/index.html') < newest('libs/api/explorer/src')) {
  run('node', ['tools/build/build-explorer.mjs']);
}
// The site, the desk and the widget build together (Nx reuses what is current); any one missing or older
// than its sources (tools/build/front-end-builds.cjs, as the browser tests judge it) builds them.
if (frontEnds().some(isStale)) run('npm', ['run', 'build:web']);

// The API's runtime flags (apps/api/node-flags.json), as the Docker image runs it.
const nodeFlags = JSON.parse(readFileSync('apps/api/node-flags.json', 'utf8'));
const api = spawn(process.execPath, [...nodeFlags, '--enable-source-maps', 'dist/apps/api/main.js'], {
  stdio: 'inherit',
  env: { SEED_DEMO: 'true', ...process.env },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => api.kill(/** @type {NodeJS.Signals} */ (signal)));
api.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
