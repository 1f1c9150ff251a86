import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql';
import { buildParleySchema, schemaOnlyContainer } from './schema';
import { QUERY_LIMITS, wsValidationRules } from './query-limits';
import { overBudget } from './document-budget';

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
      expect({ operation: operation.name?.value, over: overBudget(single) }).toEqual({ operation: operation.name?.value, over: undefined });
    }
  });

  it("leave the explorer's introspection query within the document budget", () => {
    expect(overBudget(parse(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true })))).toBeUndefined();
  });

  it.each([
    ['selections', `{ ${'me { id } '.repeat(401)} }`],
    ['spreads', `{ ${'...A '.repeat(61)} } fragment A on Query { me { id } }`],
    ['fragments', Array.from({ length: 31 }, (_, i) => `fragment F${i} on Query { me { id } }`).join(' ')],
    ['depth', `{ ${'a { '.repeat(17)}b${' }'.repeat(17)} }`],
    ['aliases', `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(' ')} }`],
  ])('count %s before any rule runs', (item, query) => {
    expect(overBudget(parse(query))).toBe(item);
  });
});
