#!/usr/bin/env node
// `npm test`: builds what the tests start (the API bundle), then runs every Jest project.
import { spawnSync } from 'node:child_process';

const run = (cmd, args, env = {}) => {
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run('node', ['tools/build/build-api.mjs']);
run('node', ['tools/build/build-explorer.mjs']);
// --forceExit: a handle left open by a library (a Redis reconnect timer, a pool) must not hang CI after the results are in.
run('npx', ['jest', '-c', 'jest.config.cjs', '--forceExit', ...process.argv.slice(2)], {
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
  NX_NO_CLOUD: 'true',
  NX_DAEMON: 'false',
});
