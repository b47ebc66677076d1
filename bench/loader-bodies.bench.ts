/**
 * Request bodies of the loaders: they are written with `pyJson` (Python's `json.dumps` text, so
 * pScheduler durations go out as `30.0`) instead of `JSON.stringify`. This measures what that
 * costs per body, against `JSON.stringify` in the same process: a pScheduler metadata POST (the
 * latency vector's) and a gridftp bulk PUT of 200 transfers.
 * @module
 */
import { PyFloat, pyJson } from '../src/format/python-repr.js';
import { mapRecord } from '../src/model/pscheduler/map.js';
import { parseNetloggerLine } from '../src/loaders/gridftp/netlogger.js';
import { transferToEsmond } from '../src/loaders/gridftp/transfer.js';

const LINE =
  'DATE=20240501120001.250000 HOST=gftp.example.org PROG=globus-gridftp-server NL.EVNT=FTP_INFO START=20240501120000.250000 USER=u FILE=/data/f.dat ' +
  'BUFFER=87380 BLOCK=262144 NBYTES=1000000 VOLUME=/ STREAMS=4 STRIPES=1 DEST=[198.51.100.1] TYPE=RETR CODE=226 retrans=1,1,2,3';

/** Runs `fn` `n` times; ns per call. */
function timePer(n: number, fn: () => string): number {
  let sink = 0;
  for (let i = 0; i < n / 10; i++) sink += fn().length; // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += fn().length;
  const ns = Number(process.hrtime.bigint() - t0) / n;
  if (sink < 0) throw new Error('unreachable');
  return ns;
}

export default async function bench(report: (line: string) => void): Promise<void> {
  const md = mapRecord({
    testType: 'latency',
    spec: { source: '10.0.0.1', dest: '10.0.0.2', 'packet-interval': 0.1, 'packet-count': 600, 'bucket-width': 0.001 },
    result: { succeeded: true },
    leadParticipant: '10.0.0.1',
    toolName: 'pscheduler/powstream',
    duration: new PyFloat(60),
    ts: 1714564800,
  }).metadata;
  const parsed = parseNetloggerLine(LINE);
  if (parsed.kind !== 'transfer') throw new Error('bench line does not parse');
  const item = transferToEsmond(parsed.record, '192.0.2.50', {});
  const bulk = { data: Array.from({ length: 200 }, (_, i) => ({ ts: item.ts + i, val: item.values })) };
  for (const [name, body, n] of [
    ['pScheduler metadata POST', md, 50_000],
    ['gridftp bulk PUT (200 transfers)', bulk, 500],
  ] as const) {
    const plain = timePer(n, () => JSON.stringify(body));
    const py = timePer(n, () => pyJson(body));
    report(
      `${name}: JSON.stringify ${(plain / 1000).toFixed(1)} µs, pyJson ${(py / 1000).toFixed(1)} µs (ratio ${(py / plain).toFixed(2)}), ${pyJson(body).length} bytes`,
    );
  }
  await Promise.resolve();
}
