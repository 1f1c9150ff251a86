module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api-email',
  rootDir: __dirname,
};
