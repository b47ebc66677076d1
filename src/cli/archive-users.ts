/**
 * The write-user subcommands of `esmond-ps-archive`: `add-user NAME` (prints a new API key once;
 * `--rotate` replaces the key of an existing user), `disable-user NAME`, `list-users`.
 * @module
 */
import { addUserGuidance } from './archive-admin.js';
import { DB_FLAGS, dbFlagsOf, openArchiveService, refuseMissing } from './archive-db.js';
import { ExitCode } from './exit-codes.js';
import { UsageError } from './flags.js';
import { subcommand } from './subcommands.js';

const TOOL = 'esmond-ps-archive';

/** Shortest key `add-user --key` accepts (a generated key is 40 hex digits, 160 bits). */
export const MIN_CHOSEN_KEY_LENGTH = 32;

/** `add-user NAME [--key KEY] [--rotate]`. */
export const ADD_USER = subcommand({
  name: 'add-user',
  args: ['NAME'],
  description: 'Create a write user and print its API key.',
  flags: [
    ...DB_FLAGS,
    {
      key: 'key',
      long: '--key',
      type: 'string',
      metavar: 'KEY',
      help: `Use this key instead of a generated one (at least ${MIN_CHOSEN_KEY_LENGTH} characters).`,
      original: false,
    },
    {
      key: 'rotate',
      long: '--rotate',
      type: 'flag',
      help: 'Give an existing user a new key (the old one stops working) and re-enable it.',
      original: false,
    },
  ],
  async run(v, [name = ''], io) {
    const db = dbFlagsOf(v);
    const key = v.string('key');
    if (name.trim() === '' || /\s/.test(name)) throw new UsageError('user name must be non-empty and without spaces');
    if (key !== undefined && (key === '' || /\s/.test(key)))
      throw new UsageError('--key must be non-empty and without spaces (it travels as "Token KEY")');
    // Keys are stored as a plain SHA-256: a short chosen key could be guessed from a stolen file.
    if (key !== undefined && key.length < MIN_CHOSEN_KEY_LENGTH) {
      throw new UsageError(
        `--key must be at least ${MIN_CHOSEN_KEY_LENGTH} characters (or omit it for a generated 160-bit key)`,
      );
    }
    const service = await openArchiveService(db, io);
    try {
      const exists = (await service.listUsers()).some((u) => u.name === name);
      if (exists && !v.flag('rotate')) {
        io.stderr.write(
          `${TOOL}: write user ${name} exists; --rotate gives it a new key (its old key stops working)\n`,
        );
        return ExitCode.Failure;
      }
      const created = await service.addUser(name, key);
      io.stdout.write(`${exists ? 'new key for' : 'added'} write user ${name}; API key: ${created}\n`);
      io.stderr.write(addUserGuidance(name, exists));
      return ExitCode.Ok;
    } finally {
      await service.close();
    }
  },
});

/** `disable-user NAME`. */
export const DISABLE_USER = subcommand({
  name: 'disable-user',
  args: ['NAME'],
  description: "Revoke a write user's key (add-user NAME --rotate gives the user a new key and re-enables it).",
  flags: DB_FLAGS,
  async run(v, [name = ''], io) {
    const db = dbFlagsOf(v);
    refuseMissing(db.db, io, 'disable-user', false);
    const service = await openArchiveService(db, io);
    try {
      if (!(await service.setUserActive(name, false))) {
        io.stderr.write(`${TOOL}: no write user named ${name}\n`);
        return ExitCode.Failure;
      }
      io.stdout.write(`disabled write user ${name}\n`);
      return ExitCode.Ok;
    } finally {
      await service.close();
    }
  },
});

/** `list-users [--create]`. */
export const LIST_USERS = subcommand({
  name: 'list-users',
  args: [],
  description: 'List the write users and whether they are active.',
  flags: [
    ...DB_FLAGS,
    {
      key: 'create',
      long: '--create',
      type: 'flag',
      help: 'Create the SQLite file when it does not exist.',
      original: false,
    },
  ],
  async run(v, _args, io) {
    const db = dbFlagsOf(v);
    refuseMissing(db.db, io, 'list-users', v.flag('create'));
    const service = await openArchiveService(db, io);
    try {
      for (const u of await service.listUsers()) io.stdout.write(`${u.name}\t${u.active ? 'active' : 'disabled'}\n`);
      return ExitCode.Ok;
    } finally {
      await service.close();
    }
  },
});
