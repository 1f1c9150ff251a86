// Every project's own jest.config.cjs, run together by `npm test`.
module.exports = {
  projects: ['<rootDir>/apps/*/jest.config.cjs', '<rootDir>/libs/**/jest.config.cjs', '<rootDir>/tools/*/jest.config.cjs'],
};
