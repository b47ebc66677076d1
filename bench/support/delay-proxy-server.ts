/**
 * Child process of the WAN benchmark: runs the delay proxy (delay-proxy.ts) in front of
 * `127.0.0.1:<port>`, so the link's timers are not held up by the client under test, which
 * decodes and writes on its own event loop (a real link does not share the client's CPU).
 * Prints `{"url": …}` once listening and exits when stdin closes.
 *
 *   node --import tsx bench/support/delay-proxy-server.ts <target-port>
 * @module
 */
import { startDelayProxy } from './delay-proxy.js';

const target = Number(process.argv[2]);
if (!Number.isInteger(target) || target <= 0) {
  console.error('usage: delay-proxy-server.ts <target-port>');
  process.exit(2);
}
const proxy = await startDelayProxy(target);
console.log(JSON.stringify({ url: `http://127.0.0.1:${proxy.port}` }));

const stop = (): void => {
  void proxy.close().then(() => process.exit(0));
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
