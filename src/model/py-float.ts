/**
 * The marker for a number Python holds as a `float`, shared by the layers that make such numbers
 * (the pScheduler mapper, response decoding) and the one that prints them (`format/python-repr`).
 * @module
 */

/**
 * A number Python held as a `float` (esmond returns every numeric-type value and every
 * statistic as a float; pScheduler's archiver computes durations as floats), so it prints and is
 * sent as one: `9000000000.0`, `30.0`, not `9000000000`, `30`. `JSON.stringify` writes the plain
 * number (ndjson); `pyJson` (format) writes Python's float repr.
 */
export class PyFloat {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
  /** The number, for arithmetic and comparisons (`Number(x)`, `x > 1`). */
  valueOf(): number {
    return this.value;
  }
}
