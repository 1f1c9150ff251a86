module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api-config',
  rootDir: __dirname,
};
