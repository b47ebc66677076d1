/**
 * A small seeded pseudo-random generator for the demo/bench seeder. Not cryptographic: it only
 * has to be fast and give the same sequence for the same seed on every platform, which
 * `Math.random` cannot.
 * @module
 */

/** FNV-1a over a string, so sub-streams can be named (`fork('latency 1>2')`) instead of counted. */
export function hashString(text: string, basis = 0x811c9dc5): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A deterministic random stream (a 32-bit counter run through an avalanche mix). Every model
 * draws from its own named fork, so adding a draw in one model never shifts another's values.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A child stream whose sequence depends only on this stream's seed and `label`. */
  fork(label: string): Rng {
    return new Rng(hashString(label, this.seedWord()));
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Standard normal draw (Box–Muller; the second value is dropped to keep the stream simple). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential draw with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Poisson draw: Knuth's method for small means, a rounded normal above 30. */
  poisson(mean: number): number {
    if (mean > 30) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** A random-looking but reproducible UUID (version-4 layout), for pScheduler task/run hrefs. */
  uuid(): string {
    const hex = [this.u32(), this.u32(), this.u32(), this.u32()].map((w) => w.toString(16).padStart(8, '0')).join('');
    const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /** The next word of this stream, used as the basis of a fork. */
  private seedWord(): number {
    // Forking must not consume from this stream (or fork order would matter), so derive from state.
    let z = (this.state ^ 0x5bd1e995) >>> 0;
    z = Math.imul(z ^ (z >>> 16), 0x45d9f3b);
    return (z ^ (z >>> 16)) >>> 0;
  }
}
