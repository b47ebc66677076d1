/**
 * Whether a URL's host is this machine: `localhost` (and `*.localhost`), 127.0.0.0/8 and `::1`,
 * also as IPv4-mapped IPv6. The client does not ask such a host for compressed answers: on
 * loopback the CPU, not the link, is the limit, and compressing and decoding only cost time.
 * @module
 */

/** `hostname` as `URL.hostname` gives it (IPv6 in brackets or not). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const v4 = host.startsWith('::ffff:') ? host.slice('::ffff:'.length) : host;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** {@link isLoopbackHost} of an absolute URL's host; false for text that is no URL. */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
