/**
 * @jest-environment node
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REQUEST_HUMAN_IN_SCHEMA } from './generated/assist';

const ROOT = join(__dirname, '../../../../..');

describe('generated GraphQL services', () => {
  it('match the .graphql documents and apps/api/schema.graphql (run `npm run codegen:web` after changing either)', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', 'codegen.ts', '--check', '--silent'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect({ status: result.status, output: result.status === 0 ? '' : `${result.stdout}${result.stderr}` }).toEqual({ status: 0, output: '' });
  }, 30_000);

  it('offer "Talk to a person" exactly when the API has requestHuman', () => {
    const schema = readFileSync(join(ROOT, 'apps/api/schema.graphql'), 'utf8');
    expect(REQUEST_HUMAN_IN_SCHEMA).toBe(/\brequestHuman\s*\(/.test(schema));
  });
});
