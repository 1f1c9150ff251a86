module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'shared-limits',
  rootDir: __dirname,
};
