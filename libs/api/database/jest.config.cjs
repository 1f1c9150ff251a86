module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api-database',
  rootDir: __dirname,
};
