/**
 * An HTTPS server with a throwaway self-signed certificate for 127.0.0.1 (test/client/fixtures),
 * answering every request with an empty JSON list: what a client must refuse unless told not to
 * verify TLS.
 * @module
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { listenLocal } from './listen.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../client/fixtures/${name}`, import.meta.url));

/** Starts the server; `url` is `https://127.0.0.1:PORT`. */
export async function startSelfSignedServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(
    { key: fixture('selfsigned-key.pem'), cert: fixture('selfsigned-cert.pem') },
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    },
  );
  const { port, close } = await listenLocal(server);
  return { url: `https://127.0.0.1:${port}`, close };
}
