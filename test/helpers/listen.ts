/**
 * Stand-in servers of the tests listen on 127.0.0.1 only, at a port the system picks.
 * @module
 */
import type { AddressInfo, Server } from 'node:net';

/** A server listening on 127.0.0.1. */
export interface Listening {
  port: number;
  /** Drops the open connections (keep-alive ones too, or `close` would wait for them) and stops. */
  close: () => Promise<void>;
}

/** Starts `server` on 127.0.0.1 at a free port. */
export async function listenLocal(server: Server & { closeAllConnections(): void }): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
