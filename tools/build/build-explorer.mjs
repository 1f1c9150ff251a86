// Bundles the GraphQL explorer (GraphiQL + Monaco workers) into dist/explorer/
// so the API serves it from its own origin: no CDN, no inline script or style.
//
//   node tools/build/build-explorer.mjs             build
//   node tools/build/build-explorer.mjs --if-stale  build only when sources are newer than the bundle
import { createHash } from 'node:crypto';
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const clientDir = join(root, 'libs/api/explorer/src/client');
const outDir = join(root, 'dist/explorer');
/** Where the router serves the files; index.html and the worker URLs point here. */
const publicPath = '/explorer/';

const WORKERS = {
  editor: 'monaco-editor/esm/vs/editor/editor.worker.js',
  json: 'monaco-editor/esm/vs/language/json/json.worker.js',
  graphql: 'monaco-graphql/esm/graphql.worker.js',
};

/** @type {import('esbuild').BuildOptions} */
const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome111', 'firefox111', 'safari16.4'],
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
  define: { 'process.env.NODE_ENV': '"production"' },
};

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function isStale() {
  const index = join(outDir, 'index.html');
  if (!existsSync(index)) return true;
  const sources = [clientDir, fileURLToPath(import.meta.url), join(root, 'package-lock.json')].filter((p) => existsSync(p));
  return Math.max(...sources.map(newestMtime)) > statSync(index).mtimeMs;
}

/** Output file (relative to the build dir) produced for an entry point. */
function outputFor(metafile, dir, entry) {
  const wanted = relative(root, entry);
  const found = Object.entries(metafile.outputs).find(([, out]) => out.entryPoint === wanted);
  if (!found) throw new Error(`esbuild produced no output for ${wanted}`);
  return relative(dir, join(root, found[0]));
}

function html({ script, style }) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>Parley · GraphQL explorer</title>
    <link rel="icon" href="${publicPath}favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="${publicPath}${style}" />
    <script type="module" src="${publicPath}${script}"></script>
  </head>
  <body>
    <noscript>The Parley GraphQL explorer needs JavaScript.</noscript>
    <div id="root"></div>
  </body>
</html>
`;
}

// graphiql/style.css already holds Monaco's CSS; Monaco's own CSS imports would
// only add duplicates in lazy chunks that nothing loads.
const skipMonacoCss = {
  name: 'skip-monaco-css',
  setup(b) {
    b.onResolve({ filter: /\.css$/ }, (args) =>
      /[\\/]node_modules[\\/]monaco-editor[\\/]/.test(args.importer) ? { path: args.path, namespace: 'skipped-css' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'skipped-css' }, () => ({ contents: '', loader: 'css' }));
  },
};

const EMBEDDED = { 'font/ttf': 'ttf', 'font/woff': 'woff', 'font/woff2': 'woff2', 'image/png': 'png', 'image/svg+xml': 'svg' };

/** Moves fonts and images embedded as data: URLs into files, so the CSP needs no data: sources. */
function extractEmbedded(cssFile) {
  const dir = dirname(cssFile);
  const pattern = /url\((["']?)data:(font\/(?:ttf|woff2?)|image\/(?:png|svg\+xml));base64,([A-Za-z0-9+/=]+)\1\)/g;
  const css = readFileSync(cssFile, 'utf8').replace(pattern, (_match, _quote, mime, data) => {
    const bytes = Buffer.from(data, 'base64');
    const kind = mime.startsWith('font/') ? 'font' : 'image';
    const name = `${kind}-${createHash('sha256').update(bytes).digest('hex').slice(0, 10)}.${EMBEDDED[mime]}`;
    writeFileSync(join(dir, name), bytes);
    return `url(${name})`;
  });
  writeFileSync(cssFile, css);
}

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2563eb"/><path d="M8 9h16v11H14l-6 5z" fill="#fff"/></svg>\n`;

export async function buildExplorer() {
  const started = Date.now();
  // Build beside the live bundle and swap at the end, so a running API never serves half a build.
  const tmpDir = `${outDir}.tmp-${process.pid}`;
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });

  const workerEntries = Object.fromEntries(Object.entries(WORKERS).map(([name, spec]) => [name, fileURLToPath(import.meta.resolve(spec))]));
  const names = Object.fromEntries(Object.keys(WORKERS).map((name) => [name, `${name}.worker`]));
  // Workers first: the main bundle needs their hashed names.
  const workerResult = await build({
    ...common,
    entryPoints: Object.fromEntries(Object.entries(workerEntries).map(([name, file]) => [names[name], file])),
    outdir: tmpDir,
  });
  const workerUrls = Object.fromEntries(
    Object.entries(workerEntries).map(([name, file]) => [name, publicPath + outputFor(workerResult.metafile, tmpDir, file)]),
  );

  const mainEntry = join(clientDir, 'main.tsx');
  const mainResult = await build({
    ...common,
    entryPoints: { main: mainEntry },
    outdir: tmpDir,
    jsx: 'automatic',
    // Monaco and prettier are imported lazily by GraphiQL: separate chunks let the page render first.
    splitting: true,
    chunkNames: '[name]-[hash]',
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
    plugins: [skipMonacoCss],
    define: { ...common.define, __PARLEY_EXPLORER_WORKERS__: JSON.stringify(workerUrls) },
  });
  if (!mainResult.metafile) throw new Error('esbuild returned no metafile for the explorer');
  const script = outputFor(mainResult.metafile, tmpDir, mainEntry);
  const mainOutput = mainResult.metafile.outputs[relative(root, join(tmpDir, script))];
  if (!mainOutput.cssBundle) throw new Error('esbuild produced no CSS bundle for the explorer');
  const style = relative(tmpDir, join(root, mainOutput.cssBundle));
  extractEmbedded(join(tmpDir, style));
  // CSS chunks left empty by skipMonacoCss.
  for (const name of readdirSync(tmpDir)) {
    if (name.endsWith('.css') && statSync(join(tmpDir, name)).size === 0) rmSync(join(tmpDir, name));
  }

  writeFileSync(join(tmpDir, 'index.html'), html({ script, style }));
  writeFileSync(join(tmpDir, 'favicon.svg'), FAVICON);
  // Precompressed copies: the router sends them to clients that accept gzip.
  for (const name of readdirSync(tmpDir)) {
    if (/\.(js|css|ttf|woff|svg)$/.test(name)) writeFileSync(join(tmpDir, `${name}.gz`), gzipSync(readFileSync(join(tmpDir, name)), { level: 9 }));
  }

  const oldDir = `${outDir}.old-${process.pid}`;
  if (existsSync(outDir)) renameSync(outDir, oldDir);
  try {
    renameSync(tmpDir, outDir);
  } catch (error) {
    // Another build swapped its result in first; both come from the same sources.
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    rmSync(tmpDir, { recursive: true, force: true });
  }
  rmSync(oldDir, { recursive: true, force: true });

  const size = (file) => statSync(join(outDir, file)).size;
  const kb = (bytes) => `${Math.round(bytes / 1024)} KB`;
  const total = readdirSync(outDir)
    .filter((f) => !f.endsWith('.gz'))
    .reduce((sum, f) => sum + size(f), 0);
  console.log(
    `explorer built in ${Date.now() - started} ms: ${relative(root, outDir)}/ (${kb(total)}; ${basename(script)} ${kb(size(script))}, ${kb(size(`${script}.gz`))} gzipped)`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--if-stale') && !isStale()) {
    console.log('explorer bundle is up to date');
  } else {
    await buildExplorer().catch((error) => {
      console.error(error);
      process.exit(1);
    });
  }
}
