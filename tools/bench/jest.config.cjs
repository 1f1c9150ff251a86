// The benchmark's own smoke test: runs the harness for a few seconds against the floor.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'bench',
  rootDir: __dirname,
};
