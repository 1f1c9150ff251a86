// Browser end-to-end tests: Debian's Chromium (playwright-core) against the
// real API server, a fresh PostgreSQL database and the built web app.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'web-e2e',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  globalSetup: '<rootDir>/src/support/global-setup.cjs',
  slowTestThreshold: 60,
};
