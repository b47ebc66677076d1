/**
 * The archive core's write users: API keys are stored only as SHA-256 hashes and compared in
 * constant time.
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyCheck } from './types.js';
import type { ArchiveStore } from './storage/store.js';

function keyHash(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Key checks and user administration over a store. */
export class UserKeys {
  constructor(private readonly store: ArchiveStore) {}

  async verifyKey(key: string, user?: string): Promise<boolean> {
    return (await this.checkKey(key, user)) === 'ok';
  }

  async checkKey(key: string, user?: string): Promise<KeyCheck> {
    const hash = keyHash(key);
    let result: KeyCheck = 'unknown';
    for (const u of await this.store.usersByKeyHash(hash)) {
      const same = u.keyHash.length === hash.length && timingSafeEqual(u.keyHash, hash);
      if (!same || (user !== undefined && u.name !== user)) continue;
      if (u.active) return 'ok';
      result = 'inactive';
    }
    return result;
  }

  setUserActive(name: string, active: boolean): Promise<boolean> {
    return this.store.setUserActive(name, active);
  }

  listUsers(): Promise<{ name: string; active: boolean }[]> {
    return this.store.listUsers();
  }

  async addUser(name: string, key?: string): Promise<string> {
    const secret = key ?? randomBytes(20).toString('hex');
    await this.store.addUser(name, keyHash(secret));
    return secret;
  }
}
