// Builds the explorer bundle (dist/explorer) when it is missing or older than its sources.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  const root = path.resolve(__dirname, '../../..');
  execFileSync(process.execPath, [path.join(root, 'tools/build/build-explorer.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
};
