/**
 * hostsOf names what the loader resolves before mapping; the mapping then looks names up in that
 * table only. Every name the mapping asks for must therefore be among hostsOf's names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import {
  hostsOf,
  mapRecord,
  MappingError,
  tableLookup,
  type HostAddresses,
  type RecordInput,
} from '../../src/model/pscheduler/map.js';

/** The non-literal names a mapping of `input` looks up. */
function namesLookedUp(input: RecordInput, table: Map<string, HostAddresses>): string[] {
  const asked: string[] = [];
  const lookup = tableLookup(table);
  try {
    mapRecord(input, {
      lookup: (host) => {
        asked.push(host);
        return lookup(host);
      },
    });
  } catch (err) {
    if (!(err instanceof MappingError)) throw err;
  }
  return asked.filter((h) => isIP(h.replace(/^\[|\]$/g, '')) === 0);
}

function diskToDisk(source: string, dest: string): RecordInput {
  return {
    testType: 'disk-to-disk',
    spec: { source, dest, parallel: 2 },
    result: { succeeded: true, throughput: 1e9 },
    leadParticipant: 'lead.example',
    toolName: 'pscheduler/globus',
    duration: 5,
    ts: 1_500_000_000,
  };
}

const table = new Map<string, HostAddresses>([
  ['data.example.org', { v6: '2001:db8::2' }],
  ['lead.example', { v6: '2001:db8::3' }],
]);

for (const [name, source, dest] of [
  [
    'URL hosts with user, port, brackets and capitals',
    'gsiftp://User@[2001:DB8::1]:2811/x',
    'ftp://Data.Example.org/y',
  ],
  ['an unclosed bracket', 'gsiftp://[2001:db8::1/x', 'ftp://data.example.org/y'],
  ['a name on both ends', 'gsiftp://DATA.example.org/x', 'https://lead.example:443/y'],
] as const) {
  test(`disk-to-disk: hostsOf names every host the mapping looks up (${name})`, () => {
    const input = diskToDisk(source, dest);
    const asked = namesLookedUp(input, table);
    assert.ok(asked.length > 0);
    const named = new Set(hostsOf(input));
    for (const host of asked)
      assert.ok(named.has(host), `${host} is looked up but not in hostsOf: ${[...named].join(', ')}`);
  });
}
