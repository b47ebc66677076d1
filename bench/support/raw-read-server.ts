/**
 * Child process of the archive-speed bench: its read baseline served over HTTP, so the bench's
 * client reads the baseline's bytes exactly as it reads the archive's (same loopback, same
 * client work per byte). `GET /<form>/<seriesId>?time-start=&time-end=&limit=` answers the page
 * written by {@link writeRawPage}: better-sqlite3 in raw mode, JSON text by hand, handed to the
 * socket in 64 KiB pieces, nothing else (no routing, no checks, no backpressure wait: a
 * page is at most `limit` points). Prints `{"url": …}` once listening; exits when stdin closes.
 *
 *   node --import tsx bench/support/raw-read-server.ts <db-path>
 * @module
 */
import Database from 'better-sqlite3';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RAW_COLUMN, rawPageStatement, writeRawPage, type RawForm } from './raw-read.js';

const dbPath = process.argv[2];
if (dbPath === undefined) {
  console.error('usage: raw-read-server.ts <db-path>');
  process.exit(2);
}
const db = new Database(dbPath, { readonly: true });
const statements = new Map<string, Database.Statement>();
const isForm = (s: string): s is RawForm => Object.prototype.hasOwnProperty.call(RAW_COLUMN, s);

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const [, form = '', id = ''] = url.pathname.split('/');
  if (!isForm(form)) {
    res.writeHead(404).end();
    return;
  }
  let stmt = statements.get(form);
  if (stmt === undefined) statements.set(form, (stmt = rawPageStatement(db, form)));
  const num = (name: string): number => Number(url.searchParams.get(name));
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const page = { seriesId: Number(id), from: num('time-start'), to: num('time-end'), limit: num('limit') };
  writeRawPage(stmt, form, page, 64 * 1024, (text) => {
    res.write(text);
  });
  res.end();
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
const stop = (): void => {
  server.close();
  server.closeAllConnections();
  db.close();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
