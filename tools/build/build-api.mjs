#!/usr/bin/env node
// Bundles the API (apps/api) with esbuild. esbuild cannot emit decorator
// metadata, which type-graphql and TypeORM read at run time, so each .ts file
// is compiled by SWC first; esbuild then resolves the @parley/* paths and bundles.
import { build } from 'esbuild';
import { transformFile } from '@swc/core';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { cpSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

const swcDecorators = {
  name: 'swc-decorators',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const { code, map } = await transformFile(args.path, {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          keepClassNames: true,
        },
        module: { type: 'es6' },
        sourceMaps: 'inline',
        sourceFileName: args.path,
      });
      return { contents: code + (map ? '' : ''), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

const entries = {
  main: 'apps/api/src/main.ts',
  'print-schema': 'apps/api/src/print-schema.ts',
  'generate-migration': 'apps/api/src/generate-migration.ts',
  'kb-import': 'apps/api/src/kb-import.ts',
  'kb-eval': 'apps/api/src/kb-eval.ts',
  'move-attachments': 'apps/api/src/move-attachments.ts',
};

const started = Date.now();
await build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(root, file)])),
  outdir: join(root, 'dist/apps/api'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Dependencies stay in node_modules; only Parley's own code is bundled.
  packages: 'external',
  sourcemap: true,
  // No keepNames: it wraps every named closure in __name(), a property write (and a few dozen bytes
  // for as long as the closure lives) each time one is created, on every request and subscription.
  // GraphQL type names come from class names; a renamed class would change the schema, which the
  // committed-schema test catches.
  tsconfig: join(root, 'tsconfig.base.json'),
  plugins: [swcDecorators],
  logLevel: 'warning',
});
// The widget loader (GET /widget.js): browser code for any host site, one small IIFE.
await build({
  absWorkingDir: root,
  entryPoints: [join(root, 'libs/web/widget-loader/src/widget-loader.ts')],
  outfile: join(root, 'dist/apps/api/widget.js'),
  bundle: true,
  platform: 'browser',
  target: 'es2019',
  format: 'iife',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
// The starter knowledge base ships beside the bundle (SEED_DEMO loads it from there).
cpSync(join(root, 'libs/api/assist/src/knowledge-base'), join(root, 'dist/apps/api/knowledge-base'), { recursive: true });
console.log(`api built in ${Date.now() - started} ms -> dist/apps/api`);
