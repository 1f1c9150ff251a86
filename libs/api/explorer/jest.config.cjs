module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api-explorer',
  rootDir: __dirname,
  // The browser test needs dist/explorer; rebuilt only when its sources changed.
  globalSetup: '<rootDir>/jest.global-setup.cjs',
};
