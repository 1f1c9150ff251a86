module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api-server',
  rootDir: __dirname,
};
