/**
 * The CommonJS entry point: `require('esmond-client')` loads the ES module, which Node.js can do
 * from 20.19 and 22.12 on (`process.features.require_module`). Older versions get a message
 * saying what to do instead of `ERR_REQUIRE_ESM`.
 * @module
 */
if ((process.features as { require_module?: boolean }).require_module !== true) {
  throw new Error(
    `esmond-client is an ES module and Node.js ${process.version} cannot require() it (too old, or require(esm) turned off): use import('esmond-client'), or Node.js >= 20.19 (>= 22.12 on 22.x)`,
  );
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a .cts entry loads the ES module the CommonJS way
import esmond = require('./index.js');
export = esmond;
