/**
 * The SQLite store's `users` rows: write users and the SHA-256 hashes of their keys (never a key).
 * Each function takes the store's cached statement lookup.
 * @module
 */
import type Database from 'better-sqlite3';
import type { StoredUser } from './store.js';

/** The store's prepared statement of an SQL text (cached by the store). */
export type StatementOf = (text: string) => Database.Statement;

/** Adds a user, or gives an existing one this key hash and enables it. */
export function addUserRow(sql: StatementOf, name: string, keyHash: Buffer): void {
  sql(
    `INSERT INTO users (name, key_hash, active) VALUES (?, ?, 1)
     ON CONFLICT(name) DO UPDATE SET key_hash = excluded.key_hash, active = 1`,
  ).run(name, keyHash);
}

/** Enables or disables a user; false when there is no such user. */
export function setUserActiveRow(sql: StatementOf, name: string, active: boolean): boolean {
  return sql('UPDATE users SET active = ? WHERE name = ?').run(active ? 1 : 0, name).changes > 0;
}

/** Every user by name. */
export function userRows(sql: StatementOf): { name: string; active: boolean }[] {
  const rows = sql('SELECT name, active FROM users ORDER BY name').all() as Array<{ name: string; active: number }>;
  return rows.map((r) => ({ name: r.name, active: r.active !== 0 }));
}

/** The users whose key has this hash. */
export function userRowsByKeyHash(sql: StatementOf, keyHash: Buffer): StoredUser[] {
  const rows = sql('SELECT name, key_hash, active FROM users WHERE key_hash = ?').all(keyHash) as Array<{
    name: string;
    key_hash: Buffer;
    active: number;
  }>;
  return rows.map((r) => ({ name: r.name, keyHash: r.key_hash, active: r.active !== 0 }));
}
