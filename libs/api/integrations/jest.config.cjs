module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api-integrations',
  rootDir: __dirname,
};
