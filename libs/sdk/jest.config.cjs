const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'sdk',
  rootDir: __dirname,
  // The sources are ES modules importing './x.js'; under Jest they are TypeScript files.
  moduleNameMapper: { ...preset.moduleNameMapper, '^(\\.{1,2}/.*)\\.js$': '$1' },
};
