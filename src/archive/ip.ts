/**
 * IP literal parsing and the canonical text form PostgreSQL's `inet` prints, which is what
 * esmond stores and compares (archive-api.md: Metadata search, Metadata objects): IPv4 dotted quad, IPv6 lowercase with the
 * longest run (≥ 2) of zero groups compressed and embedded IPv4 for `::a.b.c.d`/`::ffff:a.b.c.d`.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';

/** A parsed address literal. */
export interface IpLiteral {
  family: 4 | 6;
  /** Canonical text, as stored and compared. */
  canonical: string;
}

/** Parses an IPv4 or IPv6 literal (no zone id, no prefix length); `undefined` otherwise. */
export function parseIpLiteral(text: string): IpLiteral | undefined {
  if (isIPv4(text)) return { family: 4, canonical: text };
  if (!isIPv6(text) || text.includes('%')) return undefined;
  const words = ipv6Words(text);
  return words && { family: 6, canonical: formatIpv6(words) };
}

/** Canonical form of `text` when it is an IP literal, else `undefined`. */
export function canonicalIp(text: string): string | undefined {
  return parseIpLiteral(text)?.canonical;
}

function ipv6Words(text: string): number[] | undefined {
  let s = text.toLowerCase();
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    // Rewrite an embedded dotted quad as two hex groups, then parse uniformly.
    const octets = last.split('.').map(Number);
    if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255))) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    s = `${s.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parts = s.split('::');
  if (parts.length > 2) return undefined;
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? Number.parseInt(g, 16) : NaN));
  const left = parse(parts[0] ?? '');
  const right = parts.length === 2 ? parse(parts[1] ?? '') : [];
  const fill = 8 - left.length - right.length;
  if (parts.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const words = [...left, ...new Array<number>(parts.length === 2 ? fill : 0).fill(0), ...right];
  return words.length === 8 && words.every((w) => w >= 0 && w <= 0xffff) ? words : undefined;
}

function formatIpv6(words: number[]): string {
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  const hex = (from: number, to: number): string =>
    words
      .slice(from, to)
      .map((w) => w.toString(16))
      .join(':');
  if (bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
    const w6 = words[6] ?? 0;
    const w7 = words[7] ?? 0;
    const quad = `${w6 >> 8}.${w6 & 255}.${w7 >> 8}.${w7 & 255}`;
    return bestLen === 5 ? `::ffff:${quad}` : `::${quad}`;
  }
  if (bestBase === -1) return hex(0, 8);
  return `${hex(0, bestBase)}::${hex(bestBase + bestLen, 8)}`;
}
