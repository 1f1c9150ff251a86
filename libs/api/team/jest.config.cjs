module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api-team',
  rootDir: __dirname,
};
