// Compiles TypeScript with SWC, and the ES modules found in node_modules to CommonJS, which Jest's module
// system needs (the built app loads those packages natively with Node's require(esm)). CommonJS files in
// node_modules pass through untouched.
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const swcJest = require('@swc/jest');

const swc = swcJest.createTransformer();
const packageTypes = new Map();

function packageType(dir) {
  if (packageTypes.has(dir)) return packageTypes.get(dir);
  const manifest = join(dir, 'package.json');
  let type;
  if (existsSync(manifest)) {
    type = JSON.parse(readFileSync(manifest, 'utf8')).type ?? 'commonjs';
  } else {
    const parent = dirname(dir);
    type = parent === dir ? 'commonjs' : packageType(parent);
  }
  packageTypes.set(dir, type);
  return type;
}

const isEsModule = (filename) =>
  filename.endsWith('.mjs') || (filename.endsWith('.js') && packageType(dirname(filename)) === 'module');

module.exports = {
  process(source, filename, options) {
    if (filename.includes('/node_modules/') && !isEsModule(filename)) return { code: source };
    return swc.process(source, filename, options);
  },
  getCacheKey(source, filename, options) {
    return swc.getCacheKey(source, filename, options);
  },
};
