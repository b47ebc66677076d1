/**
 * A TCP proxy on 127.0.0.1 that behaves like a wide-area link: every chunk of at most 64 KB is
 * delayed 25 ms each way (a 50 ms round trip), and each direction is one link of about 20 Mbit/s
 * shared by all connections (a chunk leaves only when the link has sent the ones before it).
 * A connection that has more than {@link WINDOW_BYTES} on the way is paused, like a TCP window.
 * Loopback only: it accepts on 127.0.0.1 and connects to 127.0.0.1.
 *
 *   const p = await startDelayProxy(archivePort);
 *   ... http://127.0.0.1:${p.port}/ ...
 *   await p.close();
 * @module
 */
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Options of {@link startDelayProxy}. */
export interface DelayProxyOptions {
  /** One-way delay, ms. @defaultValue 25 */
  delayMs?: number;
  /** Bandwidth of each direction, bits per second. @defaultValue 20 000 000 */
  bitsPerSecond?: number;
  /** Largest chunk delayed as one, bytes. @defaultValue 65536 */
  chunkBytes?: number;
}

/** Bytes a connection may have on the way before its sender is paused. */
const WINDOW_BYTES = 512 * 1024;

/** One direction of the link: when it is free again, ms (performance.now clock). */
interface Link {
  busyUntil: number;
}

/** A running proxy. */
export interface DelayProxy {
  port: number;
  close(): Promise<void>;
}

/** Forwards `from` to `to` over `link`, delaying and pacing every chunk. */
function forward(from: Socket, to: Socket, link: Link, o: Required<DelayProxyOptions>): void {
  const bytesPerMs = o.bitsPerSecond / 8 / 1000;
  let onTheWay = 0;
  let ended = false;
  const send = (piece: Buffer): void => {
    const now = performance.now();
    const departs = Math.max(now, link.busyUntil) + piece.length / bytesPerMs;
    link.busyUntil = departs;
    onTheWay += piece.length;
    if (onTheWay > WINDOW_BYTES) from.pause();
    setTimeout(
      () => {
        onTheWay -= piece.length;
        if (!to.destroyed) to.write(piece);
        if (onTheWay <= WINDOW_BYTES) from.resume();
        if (ended && onTheWay === 0) to.end();
      },
      departs + o.delayMs - now,
    );
  };
  from.on('data', (chunk: Buffer) => {
    for (let i = 0; i < chunk.length; i += o.chunkBytes) send(chunk.subarray(i, i + o.chunkBytes));
  });
  from.on('end', () => {
    ended = true;
    if (onTheWay === 0) to.end();
  });
}

/** Starts the proxy in front of `127.0.0.1:targetPort`. */
export async function startDelayProxy(targetPort: number, options: DelayProxyOptions = {}): Promise<DelayProxy> {
  const o: Required<DelayProxyOptions> = {
    delayMs: options.delayMs ?? 25,
    bitsPerSecond: options.bitsPerSecond ?? 20_000_000,
    chunkBytes: options.chunkBytes ?? 64 * 1024,
  };
  const up: Link = { busyUntil: 0 };
  const down: Link = { busyUntil: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const target = connect(targetPort, '127.0.0.1');
    for (const s of [client, target]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        target.destroy();
      });
    }
    client.on('close', () => target.destroy());
    target.on('close', () => client.destroy());
    forward(client, target, up, o);
    forward(target, client, down, o);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
