/**
 * The loaders' log lines, in the original's format (the original GridFTP loader):
 * `ts=<local YYYY-MM-DD HH:MM:SS,mmm> event=<event> id=<epoch seconds> <message>`.
 * @module
 */

/** Where log lines go and what time it is. */
export interface LoaderLog {
  (event: string, message: string): void;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `asctime` of Python logging: local time with milliseconds after a comma. */
export function asctime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
}

/** A log writing whole lines to `write`. */
export function createLoaderLog(write: (line: string) => void, now: () => number): LoaderLog {
  return (event, message) => {
    const t = now();
    write(`ts=${asctime(t)} event=${event} id=${Math.floor(t / 1000)} ${message}\n`);
  };
}
