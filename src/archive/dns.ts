/**
 * `dns-match-rule` handling for the IP-valued search filters (archive-api.md: Metadata search): literals
 * are parsed locally with the rule's family check; names go through an injectable resolver
 * with a small time-limited cache. Only the first address of each family is kept.
 * @module
 */
import { ApiError, type Resolver } from './types.js';
import { parseIpLiteral } from './ip.js';

/** The accepted `dns-match-rule` values. */
export const DNS_MATCH_RULES = ['v4v6', 'only-v4', 'only-v6', 'prefer-v4', 'prefer-v6'] as const;
export type DnsMatchRule = (typeof DNS_MATCH_RULES)[number];

/** Validates a `dns-match-rule` value (default `v4v6`). */
export function parseDnsMatchRule(value: string | undefined): DnsMatchRule {
  if (value === undefined) return 'v4v6';
  if ((DNS_MATCH_RULES as readonly string[]).includes(value)) return value as DnsMatchRule;
  throw new ApiError(400, `Invalid dns-match-rule parameter ${value}`);
}

// A DNS name: dot-separated labels of letters, digits, '-' and '_' (no spaces, no slashes).
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;
const CACHE_LIMIT = 1024;

/** Turns host filter values into address sets according to a rule, caching name answers. */
export class HostResolver {
  private readonly cache = new Map<string, { address: string | undefined; expires: number }>();

  /**
   * @param resolver name lookups, or `false` for none (names then never resolve)
   * @param cacheMs how long an answer (also a negative one) is reused
   */
  constructor(
    private readonly resolver: Resolver | false,
    private readonly cacheMs: number,
  ) {}

  /** Addresses `value` stands for under `rule`; 400 `Unable to find address for host` if none. */
  async addresses(value: string, rule: DnsMatchRule): Promise<string[]> {
    const literal = parseIpLiteral(value);
    const one = async (family: 4 | 6): Promise<string | undefined> => {
      if (literal) return literal.family === family ? literal.canonical : undefined;
      return this.lookup(value, family);
    };
    const out: string[] = [];
    const push = (a: string | undefined): boolean => (a === undefined ? false : (out.push(a), true));
    switch (rule) {
      case 'v4v6': {
        const [a4, a6] = await Promise.all([one(4), one(6)]);
        push(a4);
        push(a6);
        break;
      }
      case 'only-v4':
        push(await one(4));
        break;
      case 'only-v6':
        push(await one(6));
        break;
      case 'prefer-v4':
        if (!push(await one(4))) push(await one(6));
        break;
      case 'prefer-v6':
        if (!push(await one(6))) push(await one(4));
        break;
    }
    if (out.length === 0) throw new ApiError(400, `Unable to find address for host ${value}`);
    return out;
  }

  private async lookup(host: string, family: 4 | 6): Promise<string | undefined> {
    if (this.resolver === false || !HOST_NAME.test(host)) return undefined;
    const id = `${family}:${host.toLowerCase()}`;
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.expires > now) return hit.address;
    let address: string | undefined;
    try {
      const answer = await this.resolver(host, family);
      // Keep only an answer of the requested family, in canonical form.
      const parsed = answer === undefined ? undefined : parseIpLiteral(answer);
      address = parsed && parsed.family === family ? parsed.canonical : undefined;
    } catch {
      address = undefined;
    }
    if (this.cacheMs > 0) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(id, { address, expires: now + this.cacheMs });
    }
    return address;
  }
}
