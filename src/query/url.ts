/**
 * Archive URL handling (fixes B22): every common way of writing an archive address resolves to
 * the same `…/perfsonar/archive/` URL, and server-supplied paths are joined onto it.
 * @module
 */
import { ValidationError } from '../http/errors.js';

/** Where an archive lives. */
export interface ArchiveLocation {
  /** Absolute archive URL ending in `/perfsonar/archive/`. */
  archiveUrl: string;
  /** Scheme, host and any prefix in front of the mount alias, e.g. `http://h:8080`. */
  origin: string;
}

const ARCHIVE_PATH = '/perfsonar/archive/';

/**
 * Normalises an archive address.
 *
 * - `http://host`, `http://host:8080`, `http://host/` → `http://host[:8080]/<alias>/perfsonar/archive/`
 *   (the perfSONAR packages mount esmond under `/esmond`; `scriptAlias` changes that).
 * - `http://host/esmond`, `http://host/esmond/`, `http://host/esmond/perfsonar` → `…/esmond/perfsonar/archive/`
 * - `http://host/esmond/perfsonar/archive[/]` → itself (with the slash)
 * - `http://host/perfsonar/archive/` → itself: a server without the alias
 * - any other path is taken as the mount prefix, e.g. a reverse-proxy location.
 *
 * @param scriptAlias - mount alias used when the URL has no path; `''` or `'/'` for none.
 * @throws ValidationError for a non-http(s) URL, a URL with credentials, a query string or a fragment.
 */
export function resolveArchiveUrl(input: string, scriptAlias = 'esmond'): ArchiveLocation {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    throw new ValidationError(
      `Invalid archive URL: ${input} (expected e.g. http://host/esmond/perfsonar/archive/)`,
      'url',
    );
  }
  // `localhost:8085` parses with protocol "localhost:", so the scheme check also catches a missing scheme.
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ValidationError(`Archive URL must start with http:// or https://: ${input}`, 'url');
  }
  if (u.username !== '' || u.password !== '') {
    throw new ValidationError('Archive URL must not contain credentials; pass them as credentials instead', 'url');
  }
  if (u.search !== '' || u.hash !== '') {
    throw new ValidationError(
      `Archive URL must not contain a query string or fragment: ${u.origin}${u.pathname}`,
      'url',
    );
  }
  const path = u.pathname.replace(/\/+/g, '/').replace(/\/+$/, '');
  let prefix: string;
  const full = /^(.*)\/perfsonar\/archive$/.exec(path);
  const root = /^(.*)\/perfsonar$/.exec(path);
  if (full) prefix = full[1] ?? '';
  else if (root) prefix = root[1] ?? '';
  else if (path === '') prefix = normaliseAlias(scriptAlias);
  else prefix = path;
  return {
    archiveUrl: `${u.origin}${prefix}${ARCHIVE_PATH}`,
    // Server paths carry the server's own mount (`/esmond/...`); whatever sits in front of it
    // (a proxy location) belongs to the origin.
    origin: `${u.origin}${prefix.replace(/\/esmond$/, '')}`,
  };
}

/** `esmond`, `/esmond`, `/esmond/` → `/esmond`; `''`, `'/'` → `''` (original's rules, B24 fixed). */
function normaliseAlias(alias: string): string {
  const a = alias.replace(/^\/+|\/+$/g, '');
  return a === '' ? '' : `/${a}`;
}

/**
 * Joins a server-supplied path (`uri`, `base-uri`, summary `uri`) onto the archive. Everything up
 * to `/perfsonar/archive/` is replaced by our own archive URL, so paths work through proxies and
 * despite a server reporting a different mount than the one we reached it on.
 */
export function resolveServerPath(loc: ArchiveLocation, path: string): string {
  const i = path.indexOf(ARCHIVE_PATH);
  if (i >= 0) return loc.archiveUrl + path.slice(i + ARCHIVE_PATH.length);
  // A path outside the archive (nothing esmond or elmond sends today) is joined onto the origin.
  if (/^https?:\/\//.test(path)) return path;
  return loc.origin + (path.startsWith('/') ? path : `/${path}`);
}

/** Percent-encodes one path segment (keys and event-type names are plain, but never trust that). */
export function segment(s: string): string {
  return encodeURIComponent(s);
}
