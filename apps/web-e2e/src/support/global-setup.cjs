// Builds the web app, the widget and the agent desk once before the browser tests, unless each
// build is newer than every source file it comes from, then lays out the web root the tests serve.
// The desk is built once, in every language (desk:build:localized): the tests serve its source
// locale as the desk, and a spec that needs another language (desk.ts) serves that one; the
// default desk build (dist/apps/desk, what `npm start` serves) is not made for the tests.
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../../../..');
const shared = ['libs/web', 'libs/shared', 'tsconfig.web.json', 'tsconfig.base.json'];
// the desk also takes the site's stylesheet (its design tokens)
const apps = {
  web: ['apps/web/src', 'apps/web/public', 'apps/web/project.json', 'apps/web/tsconfig.app.json', ...shared],
  widget: ['apps/widget/src', 'apps/widget/public', 'apps/widget/project.json', 'apps/widget/tsconfig.app.json', 'apps/web/src/styles.css', ...shared],
  desk: ['apps/desk/src', 'apps/desk/public', 'apps/desk/project.json', 'apps/desk/tsconfig.app.json', 'apps/web/src/styles.css', ...shared],
};

/** Where the localized desk build puts one folder per language (apps/desk/project.json, configuration "localized"). */
const LOCALIZED_DESK = 'dist/apps/desk-localized/browser';
/** The web root the tests serve (startTestServer's `webRoot`): see composeWebRoot. */
const TEST_WEB_ROOT = path.join(root, 'tmp/web-e2e/apps/web/browser');

/** The desk's languages by the folder each has in the localized build, the source language first. */
function deskLocales() {
  const { i18n } = JSON.parse(readFileSync(path.join(root, 'apps/desk/project.json'), 'utf8'));
  const folder = (code, spec) => (typeof spec === 'object' && spec.subPath !== undefined ? spec.subPath : code);
  const source = typeof i18n.sourceLocale === 'object' ? folder(i18n.sourceLocale.code, i18n.sourceLocale) : i18n.sourceLocale;
  return [source, ...Object.entries(i18n.locales ?? {}).map(([code, spec]) => folder(code, spec))];
}

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

/** Whether a build is older than one of its sources (or missing): an index.html it writes, or more, against the sources' newest file. */
function isStale({ indexes, sources }) {
  const built = Math.min(...indexes.map((index) => (existsSync(path.join(root, index)) ? statSync(path.join(root, index)).mtimeMs : 0)));
  return built <= Math.max(...sources.map((s) => newest(path.join(root, s))));
}

/** The builds the browser tests serve, each with the index.html files it writes. */
function testBuilds() {
  return [
    { app: 'web', configuration: undefined, indexes: ['dist/apps/web/browser/index.html'], sources: apps.web },
    { app: 'widget', configuration: undefined, indexes: ['dist/apps/widget/browser/index.html'], sources: apps.widget },
    { app: 'desk', configuration: 'localized', indexes: deskLocales().map((locale) => `${LOCALIZED_DESK}/${locale}/index.html`), sources: apps.desk },
  ];
}

/**
 * Builds what is stale in one Nx run (one project graph, not one per build), one build at a
 * time: on two cores, overlapping them saved nothing. `-c localized` reaches the desk alone:
 * Nx gives a project without that configuration its default one.
 */
function buildStale() {
  const stale = testBuilds().filter(isStale);
  if (stale.length === 0) return;
  for (const { app, configuration, indexes } of stale) {
    process.stdout.write(`\n[web-e2e] building ${app}:build${configuration ? `:${configuration}` : ''} (${indexes.map((index) => path.dirname(index)).join(', ')})…\n`);
  }
  const nx = require.resolve('nx/bin/nx', { paths: [root] });
  const args = ['run-many', '-t', 'build', '-p', stale.map(({ app }) => app).join(','), '-c', 'localized', '--parallel=1'];
  const result = spawnSync(process.execPath, [nx, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NODE_OPTIONS: '' },
  });
  if (result.status !== 0) throw new Error(`Building ${stale.map(({ app }) => app).join(', ')} failed; see the output above.`);
}

/**
 * Lays out in `dir` a web root as the server expects one (apps/web/browser, and
 * beside it apps/widget/browser and apps/desk/browser: libs/api/server's web-app.ts):
 * the built site and widget linked, and a copy of the localized desk in `deskLocale`
 * with its base href made /desk/, where the server serves it (the localized build
 * says /desk/<locale>/). Returns the site's folder, for startTestServer's `webRoot`.
 */
function composeWebRoot(dir, deskLocale) {
  const from = path.join(root, LOCALIZED_DESK, deskLocale);
  if (!existsSync(path.join(from, 'index.html'))) throw new Error(`No desk built for "${deskLocale}" in ${path.dirname(from)}`);
  for (const app of ['web', 'widget']) {
    mkdirSync(path.join(dir, 'apps', app), { recursive: true });
    symlinkSync(path.join(root, 'dist/apps', app, 'browser'), path.join(dir, 'apps', app, 'browser'));
  }
  const desk = path.join(dir, 'apps/desk/browser');
  cpSync(from, desk, { recursive: true });
  const index = path.join(desk, 'index.html');
  writeFileSync(index, readFileSync(index, 'utf8').replace(/<base href="[^"]*"\s*\/?>/, '<base href="/desk/">'));
  return path.join(dir, 'apps/web/browser');
}

module.exports = async function globalSetup() {
  buildStale();
  const dir = path.resolve(TEST_WEB_ROOT, '../../..');
  rmSync(dir, { recursive: true, force: true });
  composeWebRoot(dir, deskLocales()[0]);
};
module.exports.composeWebRoot = composeWebRoot;
module.exports.TEST_WEB_ROOT = TEST_WEB_ROOT;
