import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

describe('generated operations', () => {
  it('match src/operations and apps/api/schema.graphql (run `npx graphql-codegen --config libs/sdk/codegen.ts` after changing either)', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', 'libs/sdk/codegen.ts', '--check', '--silent'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect({ status: result.status, output: result.status === 0 ? '' : `${result.stdout}${result.stderr}` }).toEqual({ status: 0, output: '' });
  }, 60_000);
});
