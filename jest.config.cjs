// Every project's own jest.config.cjs, run together by `npm test`.
module.exports = {
  // A global option: with several projects, each project's own testTimeout (jest.preset.js) is not applied.
  testTimeout: 20_000,
  projects: ['<rootDir>/apps/*/jest.config.cjs', '<rootDir>/libs/**/jest.config.cjs', '<rootDir>/tools/*/jest.config.cjs'],
};
