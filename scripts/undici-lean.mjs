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

// As undici's index.js does: the request API on every dispatcher (Agent.prototype.request …).
Object.assign(Dispatcher.prototype, api);

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
