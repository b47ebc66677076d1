/**
 * What the tools say when a request goes wrong: each retry as it happens (as curl does), the
 * final error (the library adds how many attempts over how long), and one hint line naming the likely
 * cause and the flag or URL to try (untrusted certificate, https to an http port, a stale API
 * key, a port that serves something else).
 * @module
 */
import { HttpError, NetworkError, ResponseError } from '../http/errors.js';

/** What `onRetry` reports (the library's callback argument). */
export interface RetryNoticeInfo {
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  error: Error;
  /** Attempts in all, when the library says (else computed from the retry limit). */
  maxAttempts?: number;
}

/** `retrying in 2.1 s (attempt 2 of 4): <reason>`: one line per retry, on stderr. */
export function retryNotice(info: RetryNoticeInfo, retries: number): string {
  const max = info.maxAttempts ?? retries + 1;
  return `retrying in ${(info.delayMs / 1000).toFixed(1)} s (attempt ${info.attempt + 1} of ${max}): ${oneLine(stripLibraryHint(info.error.message))}`;
}

/** What a hint may need to know about the run. */
export interface HintContext {
  /** The archive URL as given. */
  url: string;
  /** Where the API key came from, when one was sent (`--key`, `ESMOND_KEY`). */
  keySource?: string;
}

/** A failure as the tools report it: the message (one line) and an optional hint line. */
export interface ExplainedFailure {
  message: string;
  hint?: string;
}

/** OpenSSL's words for "the other side is not speaking TLS". */
const NOT_TLS =
  /wrong version number|packet length too long|unknown protocol|ERR_SSL_WRONG_VERSION_NUMBER|ERR_SSL_PACKET_LENGTH_TOO_LONG/i;
/**
 * OpenSSL's raw error text (`80CC…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:…/ssl3_record.c:350:`),
 * after the `write EPROTO ` node:http puts first when the request was written before the handshake failed.
 */
const OPENSSL_TEXT = /(?:write EPROTO )?[0-9A-F]{8,}:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):\S*/;
const CERT_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT/;

/** Turns a failure into the tools' one-line message plus, when the cause is recognisable, a hint. */
export function explainFailure(err: unknown, ctx: HintContext): ExplainedFailure {
  const e = err instanceof Error ? err : new Error(String(err));
  // The library's message already ends with "(4 attempts over 12.3 s)" when it retried.
  const message = oneLine(stripLibraryHint(e.message)).replace(
    OPENSSL_TEXT,
    (_all, reason: string) => `TLS handshake failed (${reason})`,
  );
  const hint = hintFor(e, ctx);
  return hint === undefined ? { message } : { message, hint };
}

function hintFor(e: Error, ctx: HintContext): string | undefined {
  let origin: URL | undefined;
  try {
    origin = new URL(ctx.url);
  } catch {
    origin = undefined;
  }
  if (e instanceof NetworkError) {
    const code = e.code ?? '';
    if (NOT_TLS.test(e.message) || NOT_TLS.test(code)) {
      const plain = origin
        ? `http://${origin.host}${origin.pathname === '/' ? '' : origin.pathname}`
        : 'an http:// URL';
      return `hint: ${origin?.host ?? 'the server'} does not speak TLS (an http port?); try --url ${plain}`;
    }
    if (CERT_CODES.test(code)) {
      return "hint: the archive's TLS certificate is not trusted (self-signed or a private CA?); trust its CA with NODE_EXTRA_CA_CERTS=ca.pem, or skip the check with --insecure";
    }
    if (code === 'ECONNREFUSED')
      return `hint: nothing listens at ${origin?.host ?? 'that address'}; check the host and port in --url`;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      return `hint: the host name ${origin?.hostname ?? ''} does not resolve; check --url`;
  }
  if (e instanceof HttpError) {
    if (e.status === 401 && ctx.keySource !== undefined) {
      return `hint: the archive refused the API key from ${ctx.keySource} (stale or revoked?); reads need no key: ${ctx.keySource === 'ESMOND_KEY' ? 'unset ESMOND_KEY' : 'leave out --key'} or pass a current one`;
    }
    if (e.status === 404 && !looksLikeEsmond(e.body)) return notAnArchiveHint(origin);
  }
  if (e instanceof ResponseError && !looksLikeEsmond(e.body)) return notAnArchiveHint(origin);
  return undefined;
}

/** esmond answers errors with `{"detail": …}` JSON; anything else came from some other server. */
function looksLikeEsmond(body: string | undefined): boolean {
  return body !== undefined && /^\s*[[{]/.test(body) && /"detail"|"metadata-key"|^\s*\[/.test(body);
}

function notAnArchiveHint(origin: URL | undefined): string {
  const base = origin ? origin.origin : 'http://host';
  return `hint: no esmond archive answers at this URL (another service on that port?); check the port, or give the archive's full URL, e.g. --url ${base}/esmond/perfsonar/archive/`;
}

/** The library suggests its own option for certificate problems; the tools name the flag instead. */
function stripLibraryHint(message: string): string {
  return message.replace(
    /\s*\(TLS certificate not trusted; verification can be turned off with tlsVerify: false\)/,
    '',
  );
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
