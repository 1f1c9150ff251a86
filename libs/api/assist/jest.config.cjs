module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api-assist',
  rootDir: __dirname,
};
