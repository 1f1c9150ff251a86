import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, specifiedRules, validate } from 'graphql';
import { buildParleySchema, schemaOnlyContainer } from './schema';
import { QUERY_LIMITS, wsValidationRules } from './query-limits';

// The limits must stop query bombs, never Parley's own clients.
const root = resolve(__dirname, '../../../../..');

function graphqlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.graphql'))
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

describe('query limits', () => {
  it("accept every operation the web app sends", async () => {
    const schema = await buildParleySchema(schemaOnlyContainer);
    const files = graphqlFiles(join(root, 'libs/web'));
    expect(files.length).toBeGreaterThan(0);
    const documents = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    const document = parse(documents, { maxTokens: QUERY_LIMITS.maxTokens * 10 });
    // Each operation alone, with every fragment it may use, as the client sends it.
    const fragments = document.definitions.filter((d) => d.kind === 'FragmentDefinition');
    for (const operation of document.definitions.filter((d) => d.kind === 'OperationDefinition')) {
      const single = { ...document, definitions: [operation, ...fragments] };
      const errors = validate(schema, single, [...specifiedRules.filter((r) => r.name !== 'NoUnusedFragmentsRule'), ...wsValidationRules()]);
      expect({ operation: operation.name?.value, errors: errors.map((e) => e.message) }).toEqual({ operation: operation.name?.value, errors: [] });
    }
  });
});
