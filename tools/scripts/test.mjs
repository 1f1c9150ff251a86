#!/usr/bin/env node
// `npm test`: readies the machine (test-setup.mjs), builds what the tests start
// (the API bundle, the explorer), then runs every Jest project.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { prepareTestMachine } from './test-setup.mjs';

/** @param {string} cmd @param {string[]} args @param {Record<string, string>} env */
const run = (cmd, args, env = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
/** @param {string} cmd @param {string[]} args */
const must = (cmd, args) => {
  const status = run(cmd, args);
  if (status !== 0) process.exit(status);
};

try {
  await prepareTestMachine();
} catch (err) {
  console.error(`npm test: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

must('node', ['tools/build/build-api.mjs']);
must('node', ['tools/build/build-explorer.mjs']);

mkdirSync('tmp', { recursive: true });
const results = 'tmp/jest-results.json';
// Jest runs the files in a worker that it replaces when it grows (jest.config.cjs). jest-preset-angular transforms Angular's .mjs
// with esbuild's transformSync, which by default starts a worker thread and a service process that can
// outlive the run: ESBUILD_WORKER_THREADS=0 has it run each transform as a plain child process instead.
const status = run('npx', ['jest', '-c', 'jest.config.cjs', '--json', `--outputFile=${results}`, ...process.argv.slice(2)], {
  NODE_OPTIONS: [process.env['NODE_OPTIONS'], '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
  NX_NO_CLOUD: 'true',
  NX_DAEMON: 'false',
  ESBUILD_WORKER_THREADS: '0',
});
if (existsSync(results)) {
  const { numPassedTests, numFailedTests, numPendingTests, numRuntimeErrorTestSuites } = JSON.parse(readFileSync(results, 'utf8'));
  // A suite that could not run (a failed hook, a compile error) counts as a failure, or the line would read clean.
  console.log(`\n${numPassedTests} passed, ${numFailedTests + numRuntimeErrorTestSuites} failed, ${numPendingTests} skipped`);
}
process.exit(status);
