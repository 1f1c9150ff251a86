import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printSchema, lexicographicSortSchema } from 'graphql';
import { buildParleySchema, schemaOnlyContainer } from '@parley/api/server';

/** Writes the schema the API serves to apps/api/schema.graphql (committed; a test fails when it is stale). */
async function main() {
  const schema = await buildParleySchema(schemaOnlyContainer);
  const file = resolve(process.argv[2] ?? 'apps/api/schema.graphql');
  writeFileSync(file, printSchema(lexicographicSortSchema(schema)) + '\n');
  console.log(`schema written to ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
