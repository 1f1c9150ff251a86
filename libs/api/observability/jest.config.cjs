module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api-observability',
  rootDir: __dirname,
};
