/**
 * `/metrics`: the mesh summary in the OpenMetrics text format, for Prometheus/Grafana. Labels
 * are only host names, tool and event type (never keys, IPs or times), one series per test, and
 * at most {@link DEFAULT_MAX_TESTS} tests, so the label cardinality is bounded by the mesh.
 * @module
 */
import type { MeshCell, MeshSummary } from '../web/mesh-types.js';

/** The content type Prometheus asks for and gets. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** Tests exported at most (a 100-host full mesh has 29 700); the rest are counted as dropped. */
export const DEFAULT_MAX_TESTS = 50_000;

/** The event type each family's value comes from. */
const EVENT: Readonly<Record<MeshCell['family'], string>> = {
  throughput: 'throughput',
  latency: 'packet-loss-rate',
  trace: 'packet-trace',
};

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(cell: MeshCell, eventType: string, extra = ''): string {
  return (
    `{source="${escapeLabel(cell.source)}",destination="${escapeLabel(cell.destination)}",` +
    `tool="${escapeLabel(cell.tool)}",event_type="${eventType}"${extra}}`
  );
}

/** A number as OpenMetrics writes it. */
function num(v: number): string {
  return Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
}

/** The metrics of one summary, rendered once; only the ages change with the time of a scrape. */
export interface PreparedMetrics {
  /**
   * The whole text as seen at `now` (UNIX seconds), as UTF-8 chunks to write in order: the part
   * that does not depend on the time is encoded once per summary, the ages once per second.
   */
  chunks(now: number): readonly Buffer[];
}

const family = (name: string, help: string, lines: readonly string[]): string =>
  `# TYPE ${name} gauge\n# HELP ${name} ${help}\n${lines.length > 0 ? `${lines.join('\n')}\n` : ''}`;

/**
 * Renders everything of `summary` that does not depend on the time once (one pass over the
 * cells), and keeps the age lines' label part, so a scrape only formats 1 number per test.
 */
export function prepareMetrics(summary: MeshSummary, maxTests = DEFAULT_MAX_TESTS): PreparedMetrics {
  const cells = summary.cells.slice(0, maxTests);
  const throughput: string[] = [];
  const loss: string[] = [];
  const delay: string[] = [];
  const hops: string[] = [];
  const agePrefix: string[] = [];
  const ageLast: number[] = [];
  for (const c of cells) {
    const et = EVENT[c.family];
    if (c.last !== null) {
      agePrefix.push(`esmond_last_result_age_seconds${labels(c, et)} `);
      ageLast.push(c.last);
    }
    if (c.value === null) continue;
    if (c.family === 'throughput') throughput.push(`esmond_throughput_bits_per_second${labels(c, et)} ${num(c.value)}`);
    if (c.family === 'latency') loss.push(`esmond_packet_loss_ratio${labels(c, et)} ${num(c.value)}`);
    if (c.family === 'trace') hops.push(`esmond_trace_hops${labels(c, et)} ${num(c.value)}`);
    if (c.family === 'latency' && c.delay) {
      for (const [stat, ms] of [
        ['min', c.delay.min],
        ['median', c.delay.median],
        ['p95', c.delay.p95],
      ] as const) {
        delay.push(
          `esmond_one_way_delay_seconds${labels(c, 'histogram-owdelay', `,stat="${stat}"`)} ${num(ms / 1000)}`,
        );
      }
    }
  }
  const head = Buffer.from(
    family('esmond_throughput_bits_per_second', 'Latest throughput result, bits per second.', throughput) +
      family('esmond_packet_loss_ratio', 'Packet loss of the latest one-way latency result, 0 to 1.', loss) +
      family('esmond_one_way_delay_seconds', 'One-way delay of the latest latency result (min, median, p95).', delay) +
      family('esmond_trace_hops', 'Hops of the latest traceroute.', hops),
  );
  const counts =
    family('esmond_mesh_tests', 'Tests in the mesh summary.', [`esmond_mesh_tests ${summary.cells.length}`]) +
    family('esmond_mesh_tests_dropped', 'Tests left out to bound the label cardinality.', [
      `esmond_mesh_tests_dropped ${summary.cells.length - cells.length}`,
    ]);
  // The age lines' label parts, encoded once; a scrape copies them and writes each age between.
  const prefixes = Buffer.from(agePrefix.join(''));
  const prefixEnds = new Uint32Array(agePrefix.length);
  let end = 0;
  agePrefix.forEach((prefix, i) => (prefixEnds[i] = end += Buffer.byteLength(prefix)));
  const ageHead = Buffer.from(
    family('esmond_last_result_age_seconds', 'Seconds since the latest result of the test.', []),
  );
  let last: { now: number; chunks: readonly Buffer[] } | undefined;
  return {
    chunks(now: number): readonly Buffer[] {
      if (last?.now === now) return last.chunks;
      // An age is at most 16 digits and a newline (UNIX seconds minus UNIX seconds).
      const ages = Buffer.allocUnsafe(prefixes.length + ageLast.length * 24);
      let pos = 0;
      let from = 0;
      for (let i = 0; i < ageLast.length; i++) {
        const to = prefixEnds[i] ?? from;
        pos += prefixes.copy(ages, pos, from, to);
        from = to;
        pos += ages.write(`${num(Math.max(0, now - (ageLast[i] ?? now)))}\n`, pos, 'latin1');
      }
      const tail =
        counts +
        family('esmond_mesh_summary_age_seconds', 'Seconds since the summary was computed.', [
          `esmond_mesh_summary_age_seconds ${num(Math.max(0, now - summary.generated))}`,
        ]) +
        '# EOF\n';
      last = { now, chunks: [head, ageHead, ages.subarray(0, pos), Buffer.from(tail)] };
      return last.chunks;
    },
  };
}
