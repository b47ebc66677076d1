/**
 * What every tool's `--help` starts with (a one-line description and two examples) and what
 * `--version` prints, in one table so the tools say it the same way.
 * @module
 */
import { VERSION } from '../http/version.js';

/** The tools of this package. */
export type ToolName =
  | 'esmond-ps-get'
  | 'esmond-ps-get-bulk'
  | 'esmond-ps-get-endpoints'
  | 'esmond-ps-get-metadata'
  | 'esmond-ps-load-gridftp'
  | 'esmond-ps-load-pscheduler'
  | 'esmond-ps-pipe'
  | 'esmond-ps-archive'
  | 'esmond-ps-view';

/** A tool's description and two examples (commands as typed, without a prompt). */
export interface ToolHelp {
  description: string;
  examples: readonly [string, string];
}

const URL = 'http://archive.example.net';

export const TOOL_HELP: Readonly<Record<ToolName, ToolHelp>> & Readonly<Partial<Record<string, ToolHelp>>> = {
  'esmond-ps-get': {
    description: 'Print the data of one event type between two hosts from an esmond/perfSONAR archive.',
    examples: [
      `esmond-ps-get -u ${URL} -s host-a -d host-b -e throughput -S '7 days ago'`,
      `esmond-ps-get -u ${URL} -s host-a -d host-b -e histogram-owdelay -T statistics -W 3600 -o csv`,
    ],
  },
  'esmond-ps-get-bulk': {
    description: 'Export every matching series of an esmond/perfSONAR archive to one file each (resumable).',
    examples: [
      `esmond-ps-get-bulk -u ${URL} -t pscheduler/iperf3 -S 2024-01-01 -E 2024-07-01 -o csv -D ./export`,
      `esmond-ps-get-bulk -u ${URL} -e packet-loss-rate -S yesterday -o ndjson -D ./export --resume`,
    ],
  },
  'esmond-ps-get-endpoints': {
    description: 'List what is measured where: one row per test with its endpoints, tool and event types.',
    examples: [`esmond-ps-get-endpoints -u ${URL}`, `esmond-ps-get-endpoints -u ${URL} -t pscheduler/iperf3 -I -o csv`],
  },
  'esmond-ps-get-metadata': {
    description: 'List the tests (metadata) of an esmond/perfSONAR archive with their parameters.',
    examples: [
      `esmond-ps-get-metadata -u ${URL} -s host-a`,
      `esmond-ps-get-metadata -u ${URL} -t pscheduler/iperf3 -M -o json`,
    ],
  },
  'esmond-ps-load-gridftp': {
    description: 'Load GridFTP transfer logs into an esmond archive, resuming where the last run stopped.',
    examples: [
      `esmond-ps-load-gridftp -f /var/log/gridftp-transfer.log -U ${URL}/esmond -u gridftp -k KEY`,
      'ESMOND_KEY=KEY esmond-ps-load-gridftp -J -f /var/log/gridftp.json.log -p state.json -U https://archive.example.net -u gridftp',
    ],
  },
  'esmond-ps-load-pscheduler': {
    description: 'Store pScheduler results (files or stdin, one JSON document or one per line) in an esmond archive.',
    examples: [
      `esmond-ps-load-pscheduler -U ${URL} -u loader -k KEY results.jsonl`,
      `pscheduler result --format json RUN-URL | ESMOND_KEY=KEY esmond-ps-load-pscheduler -U ${URL} -`,
    ],
  },
  'esmond-ps-pipe': {
    description: 'Store the bwctl/iperf3 output read on stdin in an esmond archive.',
    examples: [
      `bwctl -c rcv -s snd -T iperf3 --parsable --verbose |& esmond-ps-pipe -U ${URL} -u loader -k KEY`,
      `ESMOND_KEY=KEY esmond-ps-pipe -U ${URL} -u loader -a 10.0.0.1 < saved-bwctl-output.txt`,
    ],
  },
  'esmond-ps-archive': {
    description: 'Embedded esmond-compatible perfSONAR measurement archive on SQLite.',
    examples: [
      'esmond-ps-archive add-user pscheduler --db archive.sqlite',
      'esmond-ps-archive serve --db archive.sqlite --port 8080',
    ],
  },
  'esmond-ps-view': {
    description:
      'Serve the perfSONAR mesh page (grid and pair charts) for an esmond archive, proxying its API read-only.',
    examples: [
      `esmond-ps-view -u ${URL}/esmond --port 8090`,
      'esmond-ps-view -u https://ps5.example.net --archive auto --host 0.0.0.0',
    ],
  },
};

/** The description and the examples, as the help shows them after the usage line. */
export function helpIntro(prog: string): string {
  const h = TOOL_HELP[prog];
  if (h === undefined) return '';
  return `${h.description}\n\nExamples:\n${h.examples.map((e) => `  ${e}\n`).join('')}`;
}

/** `esmond-ps-get (esmond-client) 0.1.0`. */
export function versionText(prog: string): string {
  return `${prog} (esmond-client) ${VERSION}\n`;
}
