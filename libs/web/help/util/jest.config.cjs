const config = require('../../jest.web.cjs')(__dirname);
// marked's package entry is ESM only; Jest here runs CommonJS, so it loads marked's UMD build (the same code).
config.moduleNameMapper = { '^marked$': require('node:path').join(__dirname, '../../../../node_modules/marked/lib/marked.umd.js'), ...config.moduleNameMapper };
module.exports = config;
