/**
 * File names of bulk output: the original's `<src>_<dst>_<event-type>_<start>_<end>.<ext>`,
 * made collision-free.
 *
 * Collision rule (documented in the tool's help): when several series of one run would get the
 * same name (two metadata with the same source, destination and event type, e.g. different tools
 * or parameters — B4), **every** one of them gets `_<key>` inserted before the extension, where
 * `<key>` is the first 8 characters of its metadata key, or the whole key if 8 characters are not
 * enough to tell them apart. A name that is unique keeps the original's exact form.
 * @module
 */

/** Characters that cannot appear in one path segment (or are unpleasant there) become `_`. */
function safeSegment(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[/\\\x00-\x1f\x7f]/g, '_');
}

/** `YYYY-MM-DD` (UTC) of a UNIX time, as the original's `strftime('%Y-%m-%d')`. */
export function utcDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10);
}

/** What a file name is made of. A network-element metadata has no destination: `''`. */
export interface NameParts {
  source: string;
  destination: string;
  eventType: string;
  timeStart: number;
  timeEnd: number;
  extension: string;
}

/** The original's name for one series (before collision handling). */
export function baseFileName(p: NameParts): string {
  const stem = [p.source, p.destination, p.eventType, utcDate(p.timeStart), utcDate(p.timeEnd)].join('_');
  return `${safeSegment(stem)}.${p.extension}`;
}

function withSuffix(name: string, suffix: string): string {
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}_${safeSegment(suffix)}${name.slice(dot)}`;
}

/**
 * Makes the names of a plan unique (see the module comment). `items` carry their base name and
 * metadata key; the result is in the same order. Deterministic: depends only on the set of items.
 */
export function uniqueFileNames(items: readonly { baseName: string; metadataKey: string }[]): string[] {
  const byName = new Map<string, Array<{ index: number; metadataKey: string }>>();
  items.forEach((it, index) => {
    const entry = { index, metadataKey: it.metadataKey };
    const list = byName.get(it.baseName);
    if (list) list.push(entry);
    else byName.set(it.baseName, [entry]);
  });
  const names = items.map((it) => it.baseName);
  for (const [baseName, group] of byName) {
    if (group.length < 2) continue;
    const shortKeys = group.map((g) => g.metadataKey.slice(0, 8));
    const shortIsUnique = new Set(shortKeys).size === shortKeys.length;
    for (const { index, metadataKey: key } of group) {
      names[index] = withSuffix(baseName, shortIsUnique ? key.slice(0, 8) : key);
    }
  }
  // A suffixed name could in theory equal another series' plain name; a counter settles it.
  const seen = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let n = 2; seen.has(candidate); n++) candidate = withSuffix(name, String(n));
    seen.add(candidate);
    return candidate;
  });
}
