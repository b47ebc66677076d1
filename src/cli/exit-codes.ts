/**
 * The exit statuses of the tools, by name. The query tools keep the original's statuses (a
 * drop-in promise: scripts test them): 2 for an option-parser error, 255 for a validation
 * error (the original's `sys.exit(-1)`).
 * @module
 */

/** Named exit statuses of every tool. */
export const ExitCode = {
  /** Success; also `--help`, `--version` and `-L`. */
  Ok: 0,
  /** A runtime failure: the archive could not be reached or refused a request, a series failed. */
  Failure: 1,
  /** An option-parser error (optparse's status): unknown flag, missing or malformed value. */
  Usage: 2,
  /** Stopped by Ctrl-C (128 + SIGINT), as a shell reports it. */
  Interrupted: 130,
  /** A validation error of the query tools, and esmond-ps-pipe's fatal exit (the original's -1). */
  Invalid: 255,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
