module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api-testing',
  rootDir: __dirname,
};
