module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api-jobs',
  rootDir: __dirname,
};
