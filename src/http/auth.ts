/**
 * The `Authorization` header for archive credentials (archive-api.md: Writing).
 * @module
 */
import { ValidationError } from './errors.js';

/** Credentials as the transport needs them (same shape as `Credentials` in query/types.ts). */
export interface AuthCredentials {
  apiKey: string;
  username?: string;
  scheme?: 'Token' | 'ApiKey' | 'Basic';
}

/**
 * `Token <key>` (esmond 2.x and later; the default) or the legacy tastypie form
 * `ApiKey <user>:<key>`. Keys with whitespace would turn into a malformed header that the server
 * answers with 401 even on reads, so they are rejected before anything is sent.
 */
export function authorizationHeader(c: AuthCredentials): string {
  if (c.apiKey === '' || /\s/.test(c.apiKey))
    throw new ValidationError('API key must be non-empty and contain no spaces', 'apiKey');
  if (c.scheme === 'Basic') {
    // OpenSearch (perfSONAR 5): `apiKey` is the password. A colon in the user would split wrongly.
    if (c.username === undefined || c.username === '' || c.username.includes(':')) {
      throw new ValidationError('Basic authentication needs a user name without colons', 'username');
    }
    return `Basic ${Buffer.from(`${c.username}:${c.apiKey}`, 'utf8').toString('base64')}`;
  }
  if (c.scheme === 'ApiKey') {
    if (c.username === undefined || c.username === '' || /[\s:]/.test(c.username)) {
      throw new ValidationError('The ApiKey scheme needs a username without spaces or colons', 'username');
    }
    return `ApiKey ${c.username}:${c.apiKey}`;
  }
  return `Token ${c.apiKey}`;
}
