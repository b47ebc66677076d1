/**
 * `/metrics`: the mesh summary in the OpenMetrics text format, for Prometheus/Grafana. Labels
 * are only host names, tool and event type (never keys, IPs or times), one series per test, and
 * at most {@link DEFAULT_MAX_TESTS} tests, so the label cardinality is bounded by the mesh.
 *
 * When the latest result was is published as its UNIX time (`esmond_last_result_timestamp_seconds`),
 * not as an age: that is Prometheus' own advice for "time since something happened"
 * (`time() - esmond_last_result_timestamp_seconds` in a query or a Grafana panel gives the age at
 * any moment, also between scrapes and from an old sample). It also makes the whole text a
 * function of the summary alone, so it is rendered (and gzipped) once per refresh and a scrape
 * sends stored bytes.
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

/** A number as OpenMetrics writes it. */
function num(v: number): string {
  return Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
}

const family = (name: string, help: string, lines: readonly string[]): string =>
  `# TYPE ${name} gauge\n# HELP ${name} ${help}\n${lines.length > 0 ? `${lines.join('\n')}\n` : ''}`;

/**
 * The whole `/metrics` text of `summary`, in one pass over its cells (each test's labels are
 * escaped once and shared by its lines).
 */
export function renderMetrics(summary: MeshSummary, maxTests = DEFAULT_MAX_TESTS): string {
  const cells = summary.cells.slice(0, maxTests);
  const throughput: string[] = [];
  const loss: string[] = [];
  const delay: string[] = [];
  const hops: string[] = [];
  const lastResult: string[] = [];
  for (const c of cells) {
    const pair =
      `source="${escapeLabel(c.source)}",destination="${escapeLabel(c.destination)}",` +
      `tool="${escapeLabel(c.tool)}",event_type=`;
    const labels = `{${pair}"${EVENT[c.family]}"}`;
    if (c.last !== null) lastResult.push(`esmond_last_result_timestamp_seconds${labels} ${num(c.last)}`);
    if (c.value === null) continue;
    if (c.family === 'throughput') throughput.push(`esmond_throughput_bits_per_second${labels} ${num(c.value)}`);
    if (c.family === 'trace') hops.push(`esmond_trace_hops${labels} ${num(c.value)}`);
    if (c.family !== 'latency') continue;
    loss.push(`esmond_packet_loss_ratio${labels} ${num(c.value)}`);
    if (!c.delay) continue;
    const owdelay = `esmond_one_way_delay_seconds{${pair}"histogram-owdelay",stat=`;
    delay.push(
      `${owdelay}"min"} ${num(c.delay.min / 1000)}`,
      `${owdelay}"median"} ${num(c.delay.median / 1000)}`,
      `${owdelay}"p95"} ${num(c.delay.p95 / 1000)}`,
    );
  }
  return (
    family('esmond_throughput_bits_per_second', 'Latest throughput result, bits per second.', throughput) +
    family('esmond_packet_loss_ratio', 'Packet loss of the latest one-way latency result, 0 to 1.', loss) +
    family('esmond_one_way_delay_seconds', 'One-way delay of the latest latency result (min, median, p95).', delay) +
    family('esmond_trace_hops', 'Hops of the latest traceroute.', hops) +
    family(
      'esmond_last_result_timestamp_seconds',
      'UNIX time of the latest result of the test (its age: time() minus this).',
      lastResult,
    ) +
    family('esmond_mesh_tests', 'Tests in the mesh summary.', [`esmond_mesh_tests ${summary.cells.length}`]) +
    family('esmond_mesh_tests_dropped', 'Tests left out to bound the label cardinality.', [
      `esmond_mesh_tests_dropped ${summary.cells.length - cells.length}`,
    ]) +
    family('esmond_mesh_summary_timestamp_seconds', 'UNIX time the mesh summary was computed at.', [
      `esmond_mesh_summary_timestamp_seconds ${num(summary.generated)}`,
    ]) +
    family('esmond_mesh_summary_compute_seconds', 'Seconds the mesh summary took to compute.', [
      `esmond_mesh_summary_compute_seconds ${num(summary.computeSeconds)}`,
    ]) +
    '# EOF\n'
  );
}
