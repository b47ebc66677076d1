/**
 * Child process of the archive benchmark: serves an archive (a SQLite file or a postgres:// URL)
 * on 127.0.0.1 so the server's CPU is not shared with the load generator. Prints `{"url": …}` on
 * stdout once listening and exits cleanly when stdin closes (the parent died or is done).
 *
 *   node --import tsx bench/support/archive-server.ts <db-path|postgres-url>
 * @module
 */
import { serveArchive } from '../../src/archive/serve.js';
import { createArchiveService } from '../../src/archive/service.js';
import { openStore } from '../../src/archive/storage/open.js';

const dbPath = process.argv[2];
if (dbPath === undefined) {
  console.error('usage: archive-server.ts <db-path>');
  process.exit(2);
}
const service = createArchiveService(await openStore(dbPath), { resolver: false });
const running = await serveArchive({
  service,
  host: '127.0.0.1',
  port: 0,
  log: (line) => {
    console.error(line);
  },
});
console.log(JSON.stringify({ url: running.url }));

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await running.close();
  await service.close();
  process.exit(0);
}
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
