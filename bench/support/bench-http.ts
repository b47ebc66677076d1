/**
 * The HTTP side of the archive benches: a small client of the archive API (keep-alive, status
 * checked), a bounded-concurrency loop, percentiles and rounding for the report lines.
 * @module
 */
import { request } from 'undici';
import type { WireMetadata } from '../../src/model/wire.js';

/** An archive API client for one server (`origin` = `http://127.0.0.1:PORT`). */
export class BenchClient {
  readonly archive: string;

  constructor(
    readonly origin: string,
    private readonly apiKey: string,
  ) {
    this.archive = `${origin}/esmond/perfsonar/archive/`;
  }

  private url(path: string): string {
    return path.startsWith('/') ? this.origin + path : this.archive + path;
  }

  /** GET `path` (relative to the archive list unless it starts with /), parsed; non-200 throws. */
  async get(path: string): Promise<unknown> {
    const res = await fetch(this.url(path));
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  }

  /**
   * PUT a bulk body; anything but 201 throws. Through undici's `request`, not `fetch`: on a
   * 100 KB body fetch's web streams cost the load generator about 1.5 ms more CPU per request,
   * taken from the cores the measured server runs on.
   */
  async put(path: string, body: string): Promise<void> {
    const res = await request(this.url(path), {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Token ${this.apiKey}` },
      body,
    });
    const text = await res.body.text();
    if (res.statusCode !== 201) throw new Error(`PUT ${path}: ${res.statusCode} ${text.slice(0, 200)}`);
  }

  async createMetadata(body: unknown): Promise<WireMetadata> {
    const res = await fetch(this.archive, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Token ${this.apiKey}` },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`POST metadata: ${res.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as WireMetadata;
  }

  /**
   * Reads a whole series the way the esmond client pages it (limit N, then time-start = last
   * ts + 1 until a short page); returns how many points came back.
   */
  async readSeries(baseUri: string, end: number, pageSize: number): Promise<number> {
    let count = 0;
    let start = 0;
    for (;;) {
      const page = (await this.get(`${baseUri}?time-start=${start}&time-end=${end}&limit=${pageSize}`)) as Array<{
        ts: number;
      }>;
      count += page.length;
      const last = page.at(-1);
      if (page.length < pageSize || last === undefined) return count;
      start = last.ts + 1;
    }
  }
}

/** Runs `fn` over `items` with `width` calls in flight. */
export async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/** The p-th percentile (nearest rank) of `values`. */
export function pct(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** A rate for a report line: a whole number. */
export function rate(n: number): string {
  return Math.round(n).toString();
}

/**
 * The metadata POST body of a bench series: one fixed point-to-point subject, told apart by
 * `bench-series`; `eventTypes` are `event-types` entries, or names for entries without summaries.
 */
export function benchMetadataBody(name: string, eventTypes: readonly (string | object)[]): Record<string, unknown> {
  return {
    'subject-type': 'point-to-point',
    source: '10.255.0.1',
    destination: '10.255.0.2',
    'measurement-agent': '10.255.0.1',
    'tool-name': 'bench',
    'bench-series': name,
    'event-types': eventTypes.map((e) => (typeof e === 'string' ? { 'event-type': e } : e)),
  };
}
