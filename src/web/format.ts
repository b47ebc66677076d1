/**
 * Numbers and times as the page shows them (units: Gb/s, ms, %).
 * @module
 */

/** `9.41 Gb/s`, `940 Mb/s`. */
export function bps(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  return v >= 1e9 ? `${(v / 1e9).toFixed(2)} Gb/s` : `${(v / 1e6).toFixed(0)} Mb/s`;
}

/** A loss fraction as a percentage: `0.012 %`. */
export function pct(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  return `${(v * 100).toFixed(v < 0.001 && v > 0 ? 4 : 2)} %`;
}

/** Milliseconds. */
export function ms(v: number | null | undefined): string {
  return v === null || v === undefined ? '–' : `${v.toFixed(v < 10 ? 2 : 1)} ms`;
}

/** UNIX seconds as `2024-05-01 10:00Z`. */
export function when(ts: number | null | undefined): string {
  if (ts === null || ts === undefined) return 'never';
  return `${new Date(ts * 1000).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/** `3 min ago`, `5 h ago`. */
export function ago(ts: number | null, now: number): string {
  if (ts === null) return 'no result';
  const s = Math.max(0, now - ts);
  if (s < 120) return `${Math.round(s)} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

/** Escapes text for innerHTML. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
