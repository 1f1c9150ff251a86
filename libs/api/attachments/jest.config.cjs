module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api-attachments',
  rootDir: __dirname,
};
