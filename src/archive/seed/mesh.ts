/**
 * The imaginary network the seeder measures: perfSONAR hosts at sites hanging off a backbone
 * ring, plus the things that make real data interesting — daily load, host outages, loss bursts
 * and route changes. Every measurement model derives its values from this one picture, so a route
 * change shows up at once in traceroute hops, one-way delay, TTL and RTT.
 * @module
 */
import { Rng } from './prng.js';

/** A backbone router (one per ring city). */
export interface Core {
  readonly index: number;
  readonly hostname: string;
  readonly v4: string;
  readonly v6: string;
  /** UTC offset, hours: drives the daily load curve of sites attached here. */
  readonly utcOffset: number;
  /** Routers that never answer traceroute probes show up as empty hops. */
  readonly silent: boolean;
}

/** A measurement site with one perfSONAR host. */
export interface Site {
  readonly index: number;
  readonly hostname: string;
  readonly v4: string;
  /** Absent for IPv4-only sites. */
  readonly v6: string | undefined;
  readonly gatewayName: string;
  readonly gateway4: string;
  readonly gateway6: string;
  readonly asn: number;
  readonly core: number;
  /** Fibre length from the site gateway to its backbone router, km. */
  readonly accessKm: number;
  /** NIC speed of the test host, bits/s. */
  readonly capacity: number;
  /** MTU of the site LAN (9000 for research sites, some still 1500). */
  readonly mtu: number;
  readonly utcOffset: number;
  /** NTP-level clock error of the host, ms (feeds time-error-estimates). */
  readonly clockErrorMs: number;
}

/** A time span, unix seconds, [start, end). */
export interface Episode {
  readonly start: number;
  readonly end: number;
  /** Severity, e.g. the loss fraction of a loss burst. */
  readonly level: number;
}

/** An ordered (source → destination) pair of sites that test each other. */
export interface Pair {
  /** Position in {@link Mesh.pairs}; also used to stagger test schedules. */
  readonly index: number;
  readonly src: Site;
  readonly dst: Site;
  readonly family: 4 | 6;
  readonly sourceIp: string;
  readonly destinationIp: string;
  /** Parallel iperf3 streams used by this pair's throughput test. */
  readonly parallel: number;
  /** Chronic background loss fraction of the path (most are 0). */
  readonly baseLoss: number;
  /** Extra one-way delay caused by queues at full load, ms. */
  readonly queueMs: number;
  readonly lossBursts: readonly Episode[];
  /** Shared by both directions: when active, traffic takes the long way round the ring. */
  readonly reroutes: readonly Episode[];
}

/** One router or host on a path, as a traceroute would see it. */
export interface PathHop {
  readonly ip: string;
  readonly hostname: string;
  readonly asn: number;
  readonly owner: string;
  /** Cumulative fibre distance from the source, km. */
  readonly km: number;
  /** MTU of the link the probe arrived on. */
  readonly mtu: number;
  readonly silent: boolean;
}

/** The whole seeded network over the seeded time span. */
export interface Mesh {
  readonly start: number;
  readonly end: number;
  readonly cores: readonly Core[];
  readonly sites: readonly Site[];
  readonly pairs: readonly Pair[];
  /** Per site index: when the host was unreachable. */
  readonly outages: ReadonlyMap<number, readonly Episode[]>;
}

/** Backbone ring, in ring order, with km to the next city and UTC offset (no DST: keep it simple). */
const RING: readonly { code: string; kmToNext: number; utcOffset: number }[] = [
  { code: 'sunn', kmToNext: 1530, utcOffset: -8 },
  { code: 'denv', kmToNext: 1480, utcOffset: -7 },
  { code: 'chic', kmToNext: 1120, utcOffset: -6 },
  { code: 'wash', kmToNext: 1000, utcOffset: -5 },
  { code: 'atla', kmToNext: 1290, utcOffset: -5 },
  { code: 'hous', kmToNext: 2650, utcOffset: -6 },
];
const BACKBONE_ASN = 64500; // RFC 5398 documentation ASN
const BACKBONE_OWNER = 'EXAMPLE-NET - Example Research and Education Network, US';
const BACKBONE_MTU = 9000;
/** Light in fibre: about 204 km per millisecond. */
export const KM_PER_MS = 204;

/** Builds the network for `hosts` sites over [start, end). */
export function buildMesh(rng: Rng, hosts: number, start: number, end: number): Mesh {
  const coreRng = rng.fork('cores');
  const cores: Core[] = RING.map((c, i) => ({
    index: i,
    hostname: `${c.code}-cr1.example.net`,
    v4: `198.51.100.${i * 8 + 1}`,
    v6: `2001:db8:ffff:${i + 1}::1`,
    utcOffset: c.utcOffset,
    silent: coreRng.chance(0.15),
  }));
  const order = shuffled(
    rng.fork('placement'),
    RING.map((_, i) => i),
  );
  const sites: Site[] = [];
  for (let i = 0; i < hosts; i++) {
    const r = rng.fork(`site ${i + 1}`);
    const n = i + 1;
    const core = order[i % order.length] ?? 0;
    // Sites 1 and 2 are always dual-stack so even a tiny mesh has IPv6 tests.
    const dualStack = n <= 2 || r.chance(0.65);
    sites.push({
      index: n,
      hostname: `perfsonar1.site${n}.example.net`,
      v4: `10.${(n >> 8) & 255}.${n & 255}.10`,
      v6: dualStack ? `2001:db8:${n.toString(16)}::10` : undefined,
      gatewayName: `rtr1.site${n}.example.net`,
      gateway4: `10.${(n >> 8) & 255}.${n & 255}.1`,
      gateway6: `2001:db8:${n.toString(16)}::1`,
      asn: 64496 + (n % 4), // documentation ASNs; the backbone is 64500
      core,
      accessKm: Math.round(r.uniform(15, 420)),
      capacity: r.pick([1e9, 10e9, 10e9, 10e9, 40e9, 100e9]),
      mtu: r.chance(0.25) ? 1500 : 9000,
      utcOffset: RING[core]?.utcOffset ?? 0,
      clockErrorMs: r.uniform(0.05, 2.5),
    });
  }
  const outages = new Map<number, Episode[]>();
  for (const site of sites) {
    outages.set(
      site.index,
      episodes(rng.fork(`outage ${site.index}`), start, end, 0.35, 600, 5400, () => 1),
    );
  }
  const reroutes = new Map<string, Episode[]>();
  const pairs: Pair[] = [];
  for (const src of sites) {
    for (const dst of sites) {
      if (src === dst) continue;
      const low = Math.min(src.index, dst.index);
      const high = Math.max(src.index, dst.index);
      const both = rng.fork(`pair ${low}-${high}`);
      const family: 4 | 6 = src.v6 !== undefined && dst.v6 !== undefined && both.chance(0.5) ? 6 : 4;
      let shared = reroutes.get(`${low}-${high}`);
      if (shared === undefined) {
        shared = episodes(both.fork('reroute'), start, end, 0.5, 1200, 8 * 3600, () => 1);
        reroutes.set(`${low}-${high}`, shared);
      }
      const r = rng.fork(`pair ${src.index}>${dst.index}`);
      const index = pairs.length;
      pairs.push({
        index,
        src,
        dst,
        family,
        sourceIp: family === 6 ? (src.v6 ?? src.v4) : src.v4,
        destinationIp: family === 6 ? (dst.v6 ?? dst.v4) : dst.v4,
        // Every fourth pair runs parallel streams, so the streams-* event types always appear.
        parallel: index % 4 === 0 ? r.pick([2, 4]) : 1,
        baseLoss: r.chance(0.15) ? r.uniform(0.00002, 0.0005) : 0,
        queueMs: r.uniform(0.02, 0.6),
        lossBursts: episodes(r.fork('loss'), start, end, 1.5, 180, 2700, (e) => Math.min(0.3, e.exponential(0.02))),
        reroutes: shared,
      });
    }
  }
  return { start, end, cores, sites, pairs, outages };
}

/** The path from `pair.src` to `pair.dst` at time `t`: routers in order, then the destination host. */
export function pathAt(mesh: Mesh, pair: Pair, t: number): PathHop[] {
  const rerouted = activeEpisode(pair.reroutes, t) !== undefined;
  const v6 = pair.family === 6;
  const { src, dst } = pair;
  const hops: PathHop[] = [];
  let km = 0;
  const addSiteRouter = (site: Site, linkKm: number, mtu: number): void => {
    km += linkKm;
    hops.push({
      ip: v6 ? site.gateway6 : site.gateway4,
      hostname: site.gatewayName,
      asn: site.asn,
      owner: `SITE${site.index}-NET - Example Site ${site.index}, US`,
      km,
      mtu,
      silent: false,
    });
  };
  const addCore = (index: number, linkKm: number): void => {
    const core = mesh.cores[index];
    if (core === undefined) return;
    km += linkKm;
    hops.push({
      ip: v6 ? core.v6 : core.v4,
      hostname: core.hostname,
      asn: BACKBONE_ASN,
      owner: BACKBONE_OWNER,
      km,
      mtu: Math.min(src.mtu, BACKBONE_MTU),
      silent: core.silent,
    });
  };
  addSiteRouter(src, 0.2, src.mtu);
  addCore(src.core, src.accessKm);
  const ring = ringPath(src.core, dst.core, rerouted);
  for (const step of ring) addCore(step.core, step.km);
  // A same-core pair that is rerouted reaches the destination's backup uplink via the next city.
  const lastKm = dst.accessKm + (src.core === dst.core && rerouted ? (RING[src.core]?.kmToNext ?? 0) : 0);
  const pathMtu = Math.min(src.mtu, dst.mtu, BACKBONE_MTU);
  addSiteRouter(dst, lastKm, pathMtu);
  km += 0.2;
  hops.push({
    ip: pair.destinationIp,
    hostname: dst.hostname,
    asn: dst.asn,
    owner: `SITE${dst.index}-NET - Example Site ${dst.index}, US`,
    km,
    mtu: pathMtu,
    silent: false,
  });
  return hops;
}

/**
 * Backbone hops after the source's core: the shorter way round the ring normally, the longer way
 * while rerouted (a same-core pair detours through the neighbouring city).
 */
function ringPath(from: number, to: number, rerouted: boolean): { core: number; km: number }[] {
  const n = RING.length;
  if (from === to) {
    return rerouted ? [{ core: (from + 1) % n, km: RING[from]?.kmToNext ?? 0 }] : [];
  }
  const walk = (step: 1 | -1): { core: number; km: number }[] => {
    const out: { core: number; km: number }[] = [];
    for (let c = from; c !== to;) {
      const next = (c + step + n) % n;
      const link = step === 1 ? RING[c]?.kmToNext : RING[next]?.kmToNext;
      out.push({ core: next, km: link ?? 0 });
      c = next;
    }
    return out;
  };
  const total = (p: { km: number }[]): number => p.reduce((s, h) => s + h.km, 0);
  const cw = walk(1);
  const ccw = walk(-1);
  const shortFirst = total(cw) <= total(ccw) ? [cw, ccw] : [ccw, cw];
  return (rerouted ? shortFirst[1] : shortFirst[0]) ?? [];
}

/** Daily load of a site at `t`, 0 (night) … 1 (mid-afternoon), lighter at weekends. */
export function loadAt(site: Site, t: number): number {
  const localSeconds = t + site.utcOffset * 3600;
  const hour = (((localSeconds % 86400) + 86400) % 86400) / 3600;
  const weekday = Math.floor(localSeconds / 86400 + 4) % 7; // 1970-01-01 was a Thursday (4)
  const weekend = weekday === 0 || weekday === 6 ? 0.55 : 1;
  return weekend * 0.5 * (1 + Math.cos((2 * Math.PI * (hour - 15)) / 24));
}

/** True while the site's host was down. */
export function siteDown(mesh: Mesh, site: Site, t: number): boolean {
  return activeEpisode(mesh.outages.get(site.index) ?? [], t) !== undefined;
}

/** Packet loss fraction of the path at `t` (chronic loss plus any burst). */
export function lossAt(pair: Pair, t: number): number {
  return pair.baseLoss + (activeEpisode(pair.lossBursts, t)?.level ?? 0);
}

/** The episode covering `t`, if any (lists are short and sorted, a scan is enough). */
export function activeEpisode(list: readonly Episode[], t: number): Episode | undefined {
  for (const e of list) {
    if (e.start > t) return undefined;
    if (t < e.end) return e;
  }
  return undefined;
}

/** A Poisson process of episodes, `perDay` on average, durations uniform in [minS, maxS]. */
function episodes(
  rng: Rng,
  start: number,
  end: number,
  perDay: number,
  minS: number,
  maxS: number,
  level: (rng: Rng) => number,
): Episode[] {
  const out: Episode[] = [];
  let t = start + rng.exponential(86400 / perDay);
  while (t < end) {
    const s = Math.floor(t);
    const e = s + Math.round(rng.uniform(minS, maxS));
    out.push({ start: s, end: e, level: level(rng) });
    t = e + rng.exponential(86400 / perDay);
  }
  return out;
}

function shuffled<T>(rng: Rng, items: T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}
