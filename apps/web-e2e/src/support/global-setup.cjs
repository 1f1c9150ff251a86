// Builds the site, the widget and the agent desk once before the browser tests, each only when
// older than its sources (tools/build/front-end-builds.cjs, as `npm start` judges it). The tests
// serve the builds where they are, as `npm start` does: dist/apps/web/browser, the desk and the
// widget beside it (libs/api/server's web-app.ts). Every build speaks every language: translations
// load at run time, so one build is all the tests need.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { builtIndex, frontEnds, isStale } = require('../../../../tools/build/front-end-builds.cjs');

const root = path.resolve(__dirname, '../../../..');

/** The web root the tests serve (startTestServer's `webRoot`): the site's build, the desk's and the widget's beside it. */
const TEST_WEB_ROOT = path.join(root, 'dist/apps/web/browser');

/** Builds what is stale in one Nx run (one project graph, not one per build), one build at a time: on two cores, overlapping them saved nothing. */
function buildStale() {
  const stale = frontEnds().filter(isStale);
  if (stale.length === 0) return;
  for (const app of stale) process.stdout.write(`\n[web-e2e] building ${app} (${path.relative(root, path.dirname(builtIndex(app)))})…\n`);
  const nx = require.resolve('nx/bin/nx', { paths: [root] });
  const result = spawnSync(process.execPath, [nx, 'run-many', '-t', 'build', '-p', stale.join(','), '--parallel=1'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NODE_OPTIONS: '' },
  });
  if (result.status !== 0) throw new Error(`Building ${stale.join(', ')} failed; see the output above.`);
}

module.exports = async function globalSetup() {
  buildStale();
};
module.exports.TEST_WEB_ROOT = TEST_WEB_ROOT;
