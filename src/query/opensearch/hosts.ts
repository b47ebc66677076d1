/**
 * Host filters of the OpenSearch backend (source, destination, agent): an IP literal stands for
 * itself, a name is resolved here, client-side, with esmond's `dns-match-rule` (archive-api.md: Metadata search:
 * `v4v6` both families, `only-v4`, `only-v6`, `prefer-v4`, `prefer-v6`), since OpenSearch
 * matches `meta.*.ip` against addresses only.
 * @module
 */
import { isIP } from 'node:net';
import { ValidationError } from '../../http/errors.js';
import type { ForwardResolver } from '../../util/dns.js';

/** One address of a family for a name, or undefined. */
export type HostLookup = ForwardResolver;

const RULES = ['v4v6', 'only-v4', 'only-v6', 'prefer-v4', 'prefer-v6'] as const;
type Rule = (typeof RULES)[number];

/**
 * The addresses `value` stands for under `rule` (default `v4v6`).
 * @throws ValidationError when it stands for none (esmond answers 400 there).
 */
export async function hostAddresses(value: string, rule: string | undefined, resolve: HostLookup): Promise<string[]> {
  const r = (rule ?? 'v4v6') as Rule;
  if (!RULES.includes(r)) throw new ValidationError(`Invalid dns-match-rule parameter ${String(rule)}`, 'dnsMatchRule');
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  const literal = isIP(bare);
  const one = async (family: 4 | 6): Promise<string | undefined> =>
    literal !== 0 ? (literal === family ? bare : undefined) : resolve(bare, family);
  const out: string[] = [];
  const push = (a: string | undefined): boolean => (a === undefined ? false : (out.push(a), true));
  if (r === 'v4v6') {
    const [a4, a6] = await Promise.all([one(4), one(6)]);
    push(a4);
    push(a6);
  } else if (r === 'only-v4') push(await one(4));
  else if (r === 'only-v6') push(await one(6));
  else if (r === 'prefer-v4') {
    if (!push(await one(4))) push(await one(6));
  } else if (!push(await one(6))) push(await one(4));
  if (out.length === 0) throw new ValidationError(`Unable to find address for host ${value}`, 'source');
  return out;
}
