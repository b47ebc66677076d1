/**
 * An archive whose clock stands at `now`, holding one point-to-point metadata with one event type:
 * the start of the HTTP tests that read one big series (streaming, compression, export under load).
 * @module
 */
import { startArchive, type TestArchive } from '../../helpers/archive.js';
import type { RequestContext } from '../../../src/archive/types.js';

export interface OneSeriesArchive {
  archive: TestArchive;
  /** The metadata's key. */
  key: string;
  /** The request context the tests' own service writes use. */
  ctx: RequestContext;
}

/** Starts the archive and creates the metadata (no data yet: each test writes its own). */
export async function startOneSeriesArchive(now: number, eventType: string): Promise<OneSeriesArchive> {
  const archive = await startArchive({ now: () => now * 1000 });
  const ctx: RequestContext = {
    requestUrl: new URL(`${archive.url}/esmond/perfsonar/archive/`),
    prefix: '/esmond',
    now,
  };
  const { metadata } = await archive.service.createMetadata(
    {
      'subject-type': 'point-to-point',
      source: '10.0.0.1',
      destination: '10.0.0.2',
      'measurement-agent': '10.0.0.1',
      'event-types': [{ 'event-type': eventType }],
    },
    ctx,
  );
  return { archive, key: metadata['metadata-key'], ctx };
}
