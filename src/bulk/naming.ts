/**
 * File names of bulk output: the original's `<src>_<dst>_<event-type>_<start>_<end>.<ext>`,
 * made collision-free.
 *
 * Collision rule (documented in the tool's help): when several series of one run would get the
 * same name (two metadata with the same source, destination and event type, e.g. different tools
 * or parameters — B4), **every** one of them gets its tool name after the event type
 * (`…_failures_pscheduler-ping_2024-05-01_….csv`); those the tool name does not tell apart get
 * `_<key>` before the extension as well, where `<key>` is the first 8 characters of the metadata
 * key, or the whole key if 8 characters are not enough. A unique name keeps the original's form.
 *
 * `--safe-names` also replaces `:` (IPv6 addresses) with `-`, for scp and Windows.
 * @module
 */

/** Characters that cannot appear in one path segment (or are unpleasant there) become `_`. */
function safeSegment(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[/\\\x00-\x1f\x7f]/g, '_');
}

/** `--safe-names`: no `:` (scp reads `host:path`; Windows refuses it). */
export function portableName(name: string): string {
  return name.replace(/:/g, '-');
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
  /** Inserted after the event type when given (collisions). */
  tool?: string;
  timeStart: number;
  timeEnd: number;
  extension: string;
}

/** The original's name for one series (before collision handling). */
export function baseFileName(p: NameParts): string {
  const tool = p.tool === undefined ? [] : [p.tool.replace(/\//g, '-')];
  const stem = [p.source, p.destination, p.eventType, ...tool, utcDate(p.timeStart), utcDate(p.timeEnd)].join('_');
  return `${safeSegment(stem)}.${p.extension}`;
}

function withSuffix(name: string, suffix: string): string {
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}_${safeSegment(suffix)}${name.slice(dot)}`;
}

/**
 * Makes the names of a plan unique (see the module comment). `items` carry their name parts and
 * metadata key; the result is in the same order. Deterministic: depends only on the set of items.
 */
export function uniqueFileNames(
  items: readonly { parts: NameParts; metadataKey: string; toolName: string }[],
  opts: { safe?: boolean } = {},
): string[] {
  const finish = (name: string): string => (opts.safe === true ? portableName(name) : name);
  const groups = (names: readonly string[]): Map<string, number[]> => {
    const byName = new Map<string, number[]>();
    names.forEach((n, i) => {
      const list = byName.get(n);
      if (list) list.push(i);
      else byName.set(n, [i]);
    });
    return byName;
  };
  const names = items.map((it) => finish(baseFileName(it.parts)));
  // First the tool name, for every member of a colliding group.
  for (const group of groups(names).values()) {
    if (group.length < 2) continue;
    for (const i of group) {
      const it = items[i];
      if (it !== undefined && it.toolName !== '') names[i] = finish(baseFileName({ ...it.parts, tool: it.toolName }));
    }
  }
  // Then the metadata key, for those the tool name did not tell apart.
  for (const group of groups(names).values()) {
    if (group.length < 2) continue;
    const keys = group.map((i) => items[i]?.metadataKey ?? '');
    const shortIsUnique = new Set(keys.map((k) => k.slice(0, 8))).size === keys.length;
    group.forEach((i, j) => {
      const key = keys[j] ?? '';
      names[i] = withSuffix(names[i] ?? '', shortIsUnique ? key.slice(0, 8) : key);
    });
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
