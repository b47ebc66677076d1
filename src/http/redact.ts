/**
 * Credential redaction for URLs that end up in error messages, logs and `onRetry` callbacks.
 * @module
 */

/** What replaces a secret. */
export const REDACTED = 'REDACTED';

/** Query parameter names whose values are secrets (api_key, apikey, token, password, …). */
const SECRET_PARAM = /(key|token|pass|secret|auth|signature|credential)/i;

/**
 * Returns `url` with user info and secret-looking query values replaced by {@link REDACTED}.
 * A string that is not a URL is returned unchanged apart from a `user:pass@` prefix, because an
 * error message must still say *something* about where the request went.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.replace(/\/\/[^/@\s]*@/, `//${REDACTED}@`);
  }
  if (u.username !== '' || u.password !== '') {
    u.username = REDACTED;
    u.password = '';
  }
  let changed = false;
  const params = new URLSearchParams(u.search);
  for (const name of new Set(params.keys())) {
    if (SECRET_PARAM.test(name)) {
      params.set(name, REDACTED);
      changed = true;
    }
  }
  // Re-serialising the query re-encodes it; only do so when something was actually hidden, so
  // ordinary URLs appear in errors exactly as they were requested.
  if (changed) u.search = params.toString();
  return u.toString();
}
