// Every project's own jest.config.cjs, run together by `npm test`.
module.exports = {
  // A global option: with several projects, each project's own testTimeout (jest.preset.js) is not applied.
  testTimeout: 20_000,
  // Every file runs in one worker (2 cores), and a module registry per file adds up: past about a hundred
  // files an in-band run outgrew V8's heap. The worker is replaced once it holds more than this after a file.
  workerIdleMemoryLimit: '1536MB',
  projects: ['<rootDir>/apps/*/jest.config.cjs', '<rootDir>/libs/**/jest.config.cjs', '<rootDir>/tools/*/jest.config.cjs'],
};
