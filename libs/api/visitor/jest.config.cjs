module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api-visitor',
  rootDir: __dirname,
};
