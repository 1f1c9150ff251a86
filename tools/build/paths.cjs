// Maps the tsconfig path aliases (@parley/...) for Jest, from the one place they are declared.
const path = require('node:path');
const fs = require('node:fs');

const root = path.resolve(__dirname, '../..');

function tsPaths() {
  const base = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
  return base.compilerOptions.paths;
}

function pathsToModuleNameMapper() {
  const mapper = {};
  for (const [alias, [target]] of Object.entries(tsPaths())) {
    mapper[`^${alias.replace(/[/.]/g, (c) => '\\' + c)}$`] = path.join(root, target);
  }
  return mapper;
}

module.exports = { root, tsPaths, pathsToModuleNameMapper };
