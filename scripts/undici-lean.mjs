// What the bundled bins take from undici instead of its package entry (scripts/build-bins.mjs
// points `undici` here). undici's index.js loads every part of the package (fetch, WebSocket,
// caches, mocks, EventSource …): about 1.2 MB of code to compile on every start of a tool that
// only sends requests on an Agent. This module loads the Agent and the request API, nothing else.
// A name the sources import from 'undici' and this module does not export fails the build
// (esbuild: "No matching export"): add it here from undici's own module, as its index.js does.
// The sources, the tests and esmond-client's users import the whole package as usual.
import Agent from 'undici/lib/dispatcher/agent.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';
import errors from 'undici/lib/core/errors.js';
import util from 'undici/lib/core/util.js';
import { setFlagsFromString } from 'node:v8';

// As undici's index.js does: the request API on every dispatcher (Agent.prototype.request …).
Object.assign(Dispatcher.prototype, api);

// undici parses HTTP with llhttp compiled to WebAssembly. V8 runs wasm with its baseline compiler
// (Liftoff) and recompiles a function with TurboFan once it has run for a small budget; llhttp's
// main function is one huge state machine, and that recompilation took about half the CPU of a
// one-page esmond-ps-get (0.50 s of 0.55 s vs 0.27 s, measured side by side on a loaded 2-core
// machine). With a budget 100x V8's default, a short run stays on Liftoff and a long export still
// tiers up: a 200 000-point esmond-ps-get took no more CPU (0.94x). Set here, so only the bundled
// tools (the only users of this module) change the process-wide flag, and only when they load
// undici, before its first connection compiles the parser.
setFlagsFromString('--wasm-tiering-budget=180000000');

export { Agent, errors };

/**
 * undici's top-level `request(url, options)` for an absolute URL (its index.js, `makeDispatcher`),
 * for a caller that always names its `dispatcher`: the bins never use undici's global one.
 */
export function request(url, options) {
  if (options === null || typeof options !== 'object' || options.dispatcher === undefined)
    throw new errors.InvalidArgumentError('request(): options.dispatcher is required in the bundled tools');
  const parsed = util.parseURL(url);
  return api.request.call(options.dispatcher, {
    ...options,
    origin: parsed.origin,
    path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname,
    method: options.method || (options.body ? 'PUT' : 'GET'),
  });
}
