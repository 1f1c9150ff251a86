import nx from '@nx/eslint-plugin';

/** Tags on two axes (scope, type); this is where they are enforced. */
const depConstraints = [
  { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared'] },
  { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  // The SDK is published on its own: nothing of the workspace goes into it (its tests may use the harness, a spec-only import).
  { sourceTag: 'scope:sdk', onlyDependOnLibsWithTags: ['scope:sdk', 'type:test-util'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:ui', 'type:util', 'type:test-util'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:ui', 'type:util', 'type:test-util'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:test-util'] },
  { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:ui', 'type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:test-util', onlyDependOnLibsWithTags: ['type:test-util', 'type:feature', 'type:data-access', 'type:util'] },
  // browser end-to-end tests drive the real server through the test harness
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:test-util', 'type:util'] },
];
// Specs may use the test harness whatever their lib (a unit spec of a util lib starting a real
// server on a free port, say): a cycle through tests only, as below.
const specDepConstraints = depConstraints.map((c) =>
  c.onlyDependOnLibsWithTags.includes('type:test-util') || !c.sourceTag.startsWith('type:') ? c : { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:test-util'] },
);
const moduleBoundaries = (constraints) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: constraints,
    banTransitiveDependencies: false,
    // Integration specs import the test harness, which starts the whole server: a cycle through tests only.
    ignoredCircularDependencies: [
      ['api-*', 'api-testing'],
      ['api-testing', 'api-*'],
    ],
  },
];

export default [
  // The tools' plain JavaScript is linted too (and type-checked by tsc --checkJs: tools/tsconfig.json).
  { ignores: ['**/dist', '**/node_modules', '**/.angular', '**/coverage', 'tmp', '**/*.cjs', '**/*.mjs', '**/*.js', '!tools/**/*.mjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'].map((config) => ({ ...config, files: ['tools/**/*.mjs'] })),
  {
    files: ['tools/**/*.mjs'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `.catch(() => {})` on best-effort clean-up is the tools' idiom.
      '@typescript-eslint/no-empty-function': 'off',
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries(depConstraints),
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(specDepConstraints) },
  },
  {
    // The test harness is for tests only.
    files: ['**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/api/testing/**', 'tools/**', 'apps/*-e2e/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@parley/api/testing', message: 'Test harness: only for *.spec.ts.' }] }],
    },
  },
];
