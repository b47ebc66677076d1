/**
 * What the reading tools' `-e`, `-L` and `-F key:value` may name: the event types (the
 * original's 33 first), and the `-F` keys as metadata filters, time filters or free-form
 * parameters. `-F` splits at the first `:`, takes dashed or underscored keys and free-form
 * parameters, and refuses what it cannot send (the original silently skipped a bad filter: see
 * docs/differences.md).
 * @module
 */
import { EVENT_TYPE_NAMES } from '../model/event-types.js';
import { ORIGINAL_EVENT_FORMATS } from '../format/index.js';
import type { MetadataQuery } from '../query/types.js';
import { parsePythonInt } from './abbrev.js';

/** The 33 names of the original `-L` list, then the other event types of the archive. */
export function listableEventTypes(): string[] {
  const original = ORIGINAL_EVENT_FORMATS.map(([name]) => name);
  return [...original, ...EVENT_TYPE_NAMES.filter((n) => !original.includes(n))];
}

/** The `-L` text: `\nValid event types:` and one indented line per type. */
export function eventTypeListText(): string {
  return `\nValid event types:\n${listableEventTypes()
    .map((n) => `    ${n}\n`)
    .join('')}`;
}

const METADATA_FILTER_KEYS: Readonly<Record<string, keyof MetadataQuery>> = {
  'metadata-key': 'metadataKey',
  source: 'source',
  destination: 'destination',
  'input-source': 'inputSource',
  'input-destination': 'inputDestination',
  'measurement-agent': 'measurementAgent',
  'tool-name': 'toolName',
  'event-type': 'eventType',
  'subject-type': 'subjectType',
  'summary-type': 'summaryType',
  'summary-window': 'summaryWindow',
  'dns-match-rule': 'dnsMatchRule',
};
const TIME_FILTER_KEYS: Readonly<Record<string, TimeKey>> = {
  time: 'time',
  'time-start': 'timeStart',
  'time-end': 'timeEnd',
  'time-range': 'timeRange',
};
/** Keys the client controls itself, or that were internal attributes of the original. */
const REJECTED_FILTER_KEYS = new Set([
  'limit',
  'offset',
  'format',
  'verbose',
  'ssl-verify',
  'timeout',
  'auth-username',
  'auth-apikey',
  'wrn',
  'warn',
  'metadata-filters',
  'time-filters',
]);
const DNS_MATCH_RULES = ['v4v6', 'only-v4', 'only-v6', 'prefer-v4', 'prefer-v6'];

/** The time filters of a query. */
export type TimeKey = 'time' | 'timeStart' | 'timeEnd' | 'timeRange';
export type TimeFilters = Partial<Record<TimeKey, number>>;

/**
 * Applies the `-F` filters, in order, to the metadata query `q` and to `times`. Time filters are
 * also collected in the returned `filterTimes` (they go to the metadata search as given).
 * @returns the time filters given, or the one-line problem of the first bad filter
 */
export function applyFilters(
  items: readonly string[],
  q: MetadataQuery,
  times: TimeFilters,
): { filterTimes: TimeFilters } | { problem: string } {
  const filterTimes: TimeFilters = {};
  const freeForm: Array<readonly [string, string]> = [];
  for (const item of items) {
    const colon = item.indexOf(':');
    if (colon < 0) return { problem: `--filter arg ${item} should be of the format key:value` };
    const key = item.slice(0, colon);
    const value = item.slice(colon + 1);
    const dashed = key.replace(/_/g, '-');
    if (key === '' || REJECTED_FILTER_KEYS.has(dashed))
      return { problem: `--filter arg ${key} is not a valid filtering value` };
    const timeKey = TIME_FILTER_KEYS[dashed];
    const mdKey = METADATA_FILTER_KEYS[dashed];
    if (timeKey) {
      const n = value.trim() === '' ? NaN : Number(value.trim());
      if (!Number.isFinite(n))
        return { problem: `--filter arg ${item}: the timestamp value ${value} is not a valid integer` };
      if (timeKey === 'timeRange' && n < 0) return { problem: `--filter arg ${item}: time-range must not be negative` };
      times[timeKey] = Math.trunc(n);
      filterTimes[timeKey] = Math.trunc(n);
    } else if (mdKey === 'summaryWindow') {
      const n = parsePythonInt(value);
      if (n === undefined) return { problem: `--filter arg ${item}: summary-window must be an integer` };
      q.summaryWindow = n;
    } else if (mdKey === 'dnsMatchRule') {
      if (!DNS_MATCH_RULES.includes(value))
        return { problem: `--filter arg ${item}: dns-match-rule must be one of ${DNS_MATCH_RULES.join(', ')}` };
      q.dnsMatchRule = value as NonNullable<MetadataQuery['dnsMatchRule']>;
    } else if (mdKey) {
      (q as Record<string, unknown>)[mdKey] = value;
    } else {
      freeForm.push([key, value]);
    }
  }
  if (freeForm.length > 0) q.filters = freeForm;
  return { filterTimes };
}
