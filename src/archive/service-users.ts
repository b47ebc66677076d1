/**
 * The archive core's write users: API keys are stored only as SHA-256 hashes and compared in
 * constant time; verified keys are cached for a bounded time (see {@link UserKeys}).
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyCheck } from './types.js';
import type { ArchiveStore } from './storage/store.js';

function keyHash(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * How long a verified key is trusted without asking the store again, ms: the most a user
 * disabled (or a key rotated) by another process, e.g. `esmond-ps-archive disable-user` while
 * `serve` runs, keeps working. Changes made through this service take effect at once.
 */
export const DEFAULT_KEY_CACHE_MS = 5_000;

/** Entries of the key cache at most (it holds only verified keys: no anonymous request fills it). */
const KEY_CACHE_ENTRIES = 1_000;

/**
 * Key checks and user administration over a store. A key that checked 'ok' is remembered (by
 * its hash, never the key) with the names of the active users it belongs to, for
 * `keyCacheMs`; anything else (unknown key, disabled user, another user's name) is always asked
 * of the store, so the cache can only delay a revocation, never grant a key the store refuses.
 */
export class UserKeys {
  private readonly verified = new Map<string, { users: ReadonlySet<string>; until: number }>();

  constructor(
    private readonly store: ArchiveStore,
    private readonly keyCacheMs = DEFAULT_KEY_CACHE_MS,
  ) {}

  async verifyKey(key: string, user?: string): Promise<boolean> {
    return (await this.checkKey(key, user)) === 'ok';
  }

  async checkKey(key: string, user?: string): Promise<KeyCheck> {
    const hash = keyHash(key);
    const id = hash.toString('base64');
    const now = Date.now();
    const known = this.verified.get(id);
    if (known !== undefined && known.until > now && (user === undefined || known.users.has(user))) return 'ok';
    let result: KeyCheck = 'unknown';
    const active = new Set<string>();
    for (const u of await this.store.usersByKeyHash(hash)) {
      const same = u.keyHash.length === hash.length && timingSafeEqual(u.keyHash, hash);
      if (!same) continue;
      if (u.active) active.add(u.name);
      if (user !== undefined && u.name !== user) continue;
      if (u.active) result = 'ok';
      else if (result === 'unknown') result = 'inactive';
    }
    if (result === 'ok' && this.keyCacheMs > 0) {
      if (this.verified.size >= KEY_CACHE_ENTRIES) this.verified.clear();
      this.verified.set(id, { users: active, until: now + this.keyCacheMs });
    } else {
      this.verified.delete(id);
    }
    return result;
  }

  setUserActive(name: string, active: boolean): Promise<boolean> {
    this.verified.clear();
    return this.store.setUserActive(name, active);
  }

  listUsers(): Promise<{ name: string; active: boolean }[]> {
    return this.store.listUsers();
  }

  async addUser(name: string, key?: string): Promise<string> {
    const secret = key ?? randomBytes(20).toString('hex');
    this.verified.clear();
    await this.store.addUser(name, keyHash(secret));
    return secret;
  }
}
