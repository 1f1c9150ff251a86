// The test harness's process-level half (libs/api/testing/src/processes.ts):
// the one way to start the API, find a free port, wait for readiness and make
// people. Plain Node cannot load TypeScript, so esbuild bundles it (its
// dependencies stay in node_modules) into dist/tools before the first use.
import { buildSync } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const outfile = path.join(repoRoot, 'dist/tools/harness.cjs');

/** Newest change time under `dir` (the harness's sources). @param {string} dir */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return latest;
}

if (!existsSync(outfile) || statSync(outfile).mtimeMs < newest(path.join(repoRoot, 'libs/api/testing/src'))) {
  // Written under a name of its own, then renamed: benchmarks started side by side never read half a file.
  const [bundled] = buildSync({
    absWorkingDir: repoRoot,
    entryPoints: [path.join(repoRoot, 'libs/api/testing/src/processes.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    tsconfig: path.join(repoRoot, 'tsconfig.base.json'),
    logLevel: 'error',
    write: false,
  }).outputFiles;
  mkdirSync(path.dirname(outfile), { recursive: true });
  writeFileSync(`${outfile}.${process.pid}`, bundled.contents);
  renameSync(`${outfile}.${process.pid}`, outfile);
}

/** @type {typeof import('../../../libs/api/testing/src/processes.js')} */
export const harness = createRequire(import.meta.url)(outfile);
