// Jest settings shared by the web libraries (Angular, jsdom). Each library's
// jest.config.cjs calls this; the API side keeps the root jest.preset.js.
const path = require('node:path');
const { createCjsPreset } = require('jest-preset-angular/presets');
const { pathsToModuleNameMapper } = require('../../tools/build/paths.cjs');

/** @returns {import('jest').Config} */
module.exports = function webJestConfig(projectDir) {
  const name = path.relative(path.join(__dirname, '..', '..'), projectDir).replace(/^libs\//, '').replace(/\//g, '-');
  return {
    ...createCjsPreset({ tsconfig: path.join(__dirname, 'tsconfig.spec.json') }),
    displayName: name,
    rootDir: projectDir,
    testMatch: ['<rootDir>/src/**/*.spec.ts'],
    setupFilesAfterEnv: [path.join(__dirname, 'jest.setup.ts')],
    moduleNameMapper: pathsToModuleNameMapper(),
    cacheDirectory: path.join(__dirname, '..', '..', 'tmp', 'jest-web'),
  };
};
