// Loads the CLI (dist/bundle/cli.cjs) with V8's code cache (dist/bundle/cli.cache, written by
// the build after warm-up runs, scripts/code-cache.mjs): the functions a run needs are read back
// compiled instead of being parsed and compiled again (a pre-commit run with the cache refused
// takes ~60 ms longer). Node 20 has no module.enableCompileCache and takes cached data only for
// scripts, hence one CommonJS script through vm.Script. A cache from another build (the id on
// the bundle's first line), another Node version or other V8 flags is not used, and the script
// compiles as usual.
// CommonJS like the entry beside it: an ES module entry costs Node ~8 ms more to start, and each
// further ES module it imports ~10 ms.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const BUNDLE = path.join(__dirname, '..', 'dist', 'bundle', 'cli.cjs');
const CACHE = path.join(path.dirname(BUNDLE), 'cli.cache');
/** the bundle's first line, `// tokensprawl build <32 hex digits>`, also starts the cache file */
const ID_LENGTH = '// tokensprawl build '.length + 32;

/**
 * The CLI module's exports (`main`, `run`, `runCaptured`), and `saveCache` to store the code
 * compiled so far. `useCache: false` compiles from source (the build, before it writes a cache).
 */
function loadCli({ useCache = true } = {}) {
  // ASCII only (scripts/bundle.mjs escapes the rest): read as one byte per character, the fast way.
  const source = readFileSync(BUNDLE, 'latin1');
  const id = source.slice(0, ID_LENGTH);
  let cachedData;
  if (useCache && /^\/\/ tokensprawl build [0-9a-f]{32}$/.test(id)) {
    try {
      const file = readFileSync(CACHE);
      if (file.toString('latin1', 0, ID_LENGTH) === id) cachedData = file.subarray(ID_LENGTH);
    } catch {
      // no cache (a build without one): compile
    }
  }
  // The wrapper of a CommonJS module, strict as the ES modules the bundle was built from.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {'use strict';${source}\n})`, { filename: BUNDLE, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require('node:module').createRequire(BUNDLE), module, BUNDLE, path.dirname(BUNDLE));
  return {
    cli: module.exports,
    cacheRejected: cachedData === undefined || script.cachedDataRejected === true,
    saveCache: () => writeFileSync(CACHE, Buffer.concat([Buffer.from(id, 'latin1'), script.createCachedData()])),
  };
}

exports.loadCli = loadCli;
