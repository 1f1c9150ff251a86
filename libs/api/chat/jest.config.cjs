module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api-chat',
  rootDir: __dirname,
};
