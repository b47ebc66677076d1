/**
 * Metadata as JSON text, written straight from the stored record: exactly what `JSON.stringify`
 * of {@link renderMetadata} writes, without building the objects. A search answer of hundreds
 * of metadata (each with a dozen nested objects) spends most of its time there otherwise. A
 * record the text form cannot write exactly (a parameter named like an array index, which
 * `JSON.stringify` would move to the front) falls back to the object form.
 * @module
 */
import type { RequestContext } from './types.js';
import type { StoredEventTypeRow, StoredMetadata } from './storage/store.js';
import { IP_COLUMNS, STRING_COLUMNS } from './storage/metadata-row.js';
import { absoluteUrl, eventTypeGroups, metadataPath, renderMetadata, segmentOf } from './metadata-json.js';

/** The keys a search adds to the first metadata of a page, in this order. */
export interface PageKeys {
  'metadata-count-total': number;
  'metadata-previous-page': string | null;
  'metadata-next-page': string | null;
}

/** The top-level keys every metadata object has before its subject and parameters. */
const FIXED_KEYS = ['url', 'metadata-key', 'subject-type', 'event-types', 'uri'];

/** The subject fields a stored record may have (they never collide with {@link FIXED_KEYS}). */
const SUBJECT_KEYS: ReadonlySet<string> = new Set([...Object.keys(IP_COLUMNS), ...Object.keys(STRING_COLUMNS)]);

/**
 * An integer-like key (`"0"`, `"42"`): `JSON.stringify` writes array indices first, in numeric
 * order (any canonical integer is refused, which is on the safe side of that rule).
 */
const isIndexKey = (k: string): boolean => /^(?:0|[1-9]\d*)$/.test(k);

/** A JSON string literal's content (between the quotes). */
const inner = (s: string): string => JSON.stringify(s).slice(1, -1);

/** A `time-updated` value as `JSON.stringify` writes it. */
const time = (t: number | null | undefined): string =>
  typeof t === 'number' && Number.isFinite(t) ? String(t) : 'null';

/**
 * A writer of one request's metadata JSON text. The request's origin and mount prefix are
 * escaped once; each path is their escaped text joined with the escaped key and names (escaping
 * a string is escaping its parts when every join is next to an ASCII `/`, as here).
 */
export function metadataTextWriter(ctx: RequestContext): (m: StoredMetadata, page?: PageKeys) => string {
  const origin = inner(absoluteUrl(ctx, ''));
  // The path of a metadata without its key and final slash: `<prefix>/perfsonar/archive/`.
  const prefix = inner(metadataPath(ctx, '').slice(0, -1));
  const summary = (path: string, r: StoredEventTypeRow): string =>
    `{"uri":"${path}${inner(r.eventType)}/${inner(segmentOf(r.summaryType))}/${String(r.window)}",` +
    `"summary-type":${JSON.stringify(r.summaryType)},"summary-window":"${String(r.window)}",` +
    `"time-updated":${time(r.timeUpdated)}}`;
  return (m, page) => {
    const tail = ownKeysTail(m, page);
    if (tail === undefined) {
      const plain = renderMetadata(ctx, m);
      if (page) Object.assign(plain, page);
      return JSON.stringify(plain);
    }
    const path = `${prefix}${inner(m.key)}/`;
    let text = `{"url":"${origin}${path}","metadata-key":${JSON.stringify(m.key)},"subject-type":${JSON.stringify(m.subjectType)},"event-types":[`;
    let first = true;
    for (const g of eventTypeGroups(m.eventTypes)) {
      const et = inner(g.eventType);
      text += `${first ? '' : ','}{"base-uri":"${path}${et}/base","event-type":"${et}","time-updated":${time(g.base?.timeUpdated)},"summaries":[`;
      text += g.summaries.map((r) => summary(path, r)).join(',');
      text += ']}';
      first = false;
    }
    text += `]${tail},"uri":"${path}"`;
    if (page) {
      text += `,"metadata-count-total":${JSON.stringify(page['metadata-count-total'])}`;
      text += `,"metadata-previous-page":${JSON.stringify(page['metadata-previous-page'])}`;
      text += `,"metadata-next-page":${JSON.stringify(page['metadata-next-page'])}`;
    }
    return `${text}}`;
  };
}

/**
 * The subject and parameter members (each with its leading comma) as the object form orders
 * them: subject fields, then each parameter whose name is not taken yet; `undefined` when the
 * text form cannot be exact (an index-like or unexpected name, a non-string value, a parameter
 * named like a page key on the page's first metadata).
 */
function ownKeysTail(m: StoredMetadata, page: PageKeys | undefined): string | undefined {
  const taken = new Set<string>(FIXED_KEYS);
  let tail = '';
  for (const [field, value] of Object.entries(m.subject)) {
    if (!SUBJECT_KEYS.has(field) || typeof value !== 'string') return undefined;
    taken.add(field);
    tail += `,"${field}":${JSON.stringify(value)}`;
  }
  for (const [k, v] of m.parameters) {
    if (taken.has(k)) continue;
    if (isIndexKey(k) || typeof v !== 'string' || (page && Object.prototype.hasOwnProperty.call(page, k)))
      return undefined;
    taken.add(k);
    tail += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
  }
  return tail;
}
