/**
 * Reads what pScheduler hands to an archiver — the http-archiver envelope (`{id, schedule, test,
 * tool, run, task, participants, result, reference}`) or the esmond archiver's own input
 * (`{data, task-href, run-href, result: <envelope>, attempts}`) — into a {@link RecordInput}.
 * @module
 */
import { dataTypeOf } from '../event-types.js';
import { PyFloat } from '../py-float.js';
import { isJsonObject as isObj, type JsonObject as Obj } from '../json-object.js';
import { urlHost } from './addresses.js';
import { isoDateSeconds, isoDurationSeconds, MappingError } from './iso.js';
import { FORMATTING_POLICIES, type ArchiverSummary, type FormattingPolicy, type RecordInput } from './types.js';

/** Settings an archive spec would carry, for envelopes that arrive without one. */
export interface EnvelopeDefaults {
  /** Used when the document has no `data.measurement-agent`. */
  measurementAgent?: string | undefined;
  /** Used when the document has no `data.data-formatting-policy`. */
  policy?: FormattingPolicy | undefined;
  /** Used when the document has no `data.summaries`. */
  summaries?: readonly ArchiverSummary[] | undefined;
  /**
   * Start of the run, UNIX seconds, for bare results (`{test, tool, result}` without `schedule`);
   * without it such documents are rejected.
   */
  start?: number | undefined;
  /** Duration in seconds for bare results. @defaultValue 0 */
  duration?: number | undefined;
}

function policyOf(v: unknown): FormattingPolicy {
  if (typeof v === 'string' && (FORMATTING_POLICIES as readonly string[]).includes(v)) return v as FormattingPolicy;
  throw new MappingError(`data-formatting-policy must be one of ${FORMATTING_POLICIES.join(', ')}`);
}

function summariesOf(v: unknown): ArchiverSummary[] {
  if (!Array.isArray(v)) throw new MappingError('"summaries" must be a list');
  const out: ArchiverSummary[] = [];
  for (const s of v) {
    if (!isObj(s) || typeof s['event-type'] !== 'string') continue; // the archiver skips these too
    // Only esmond event types: a name like `__proto__` or `toString` must stay a plain string.
    if (dataTypeOf(s['event-type']) === undefined) {
      throw new MappingError(`summary event-type ${JSON.stringify(s['event-type'])} is not an esmond event type`);
    }
    if (typeof s['summary-type'] !== 'string') throw new MappingError('each summary needs a "summary-type"');
    const w = Number(s['summary-window']);
    if (!Number.isInteger(w) || w < 0) throw new MappingError('each summary needs an integer "summary-window"');
    out.push({ 'event-type': s['event-type'], 'summary-type': s['summary-type'], 'summary-window': w });
  }
  return out;
}

/** A participant entry: a host string, or `{host}` in the oldest envelopes. */
function participantHost(p: unknown): string | undefined {
  if (typeof p === 'string' && p !== '') return p;
  if (isObj(p) && typeof p.host === 'string' && p.host !== '') return p.host;
  return undefined;
}

/** Deepest nesting a result document may have; real ones stay under 20 (a deeper one is refused, not a stack overflow). */
export const MAX_DOCUMENT_DEPTH = 256;

/**
 * The document without object members whose names start with `#` (pScheduler's comment
 * convention), at every depth, as pScheduler's JSON reader drops them before the archiver sees
 * the document. Unchanged parts are shared, not copied.
 * @throws MappingError when the document nests deeper than {@link MAX_DOCUMENT_DEPTH}.
 */
export function withoutComments(value: unknown, depth = 0): unknown {
  if (depth > MAX_DOCUMENT_DEPTH) throw new MappingError(`the document nests deeper than ${MAX_DOCUMENT_DEPTH} levels`);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const w = withoutComments(v, depth + 1);
      if (w !== v) (out ??= value.slice())[i] = w;
    });
    return out ?? value;
  }
  if (!isObj(value)) return value;
  let changed = false;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('#')) {
      changed = true;
      continue;
    }
    const w = withoutComments(v, depth + 1);
    if (w !== v) changed = true;
    // A plain assignment to "__proto__" would set the copy's prototype instead of keeping the member.
    Object.defineProperty(out, k, { value: w, enumerable: true, writable: true, configurable: true });
  }
  return changed ? out : value;
}

/** True when `doc` is the esmond archiver input rather than a bare envelope. */
function isArchiverInput(doc: Obj): boolean {
  return (
    isObj(doc.result) &&
    !isObj(doc.schedule) &&
    (isObj(doc.result.schedule) || isObj(doc.result.test) || isObj(doc.result.task))
  );
}

/**
 * The mapper's input for one document.
 * @throws MappingError naming the first missing or malformed member.
 */
export function recordInputFromDocument(document: unknown, defaults: EnvelopeDefaults = {}): RecordInput {
  const doc = withoutComments(document);
  if (!isObj(doc)) throw new MappingError('a pScheduler result must be a JSON object');
  let envelope: Obj = doc;
  let data: Obj = {};
  let runHref: unknown;
  if (isArchiverInput(doc)) {
    envelope = doc.result as Obj;
    if (doc.data !== undefined && doc.data !== null) {
      if (!isObj(doc.data)) throw new MappingError('"data" must be an object');
      data = doc.data;
    }
    runHref = doc['run-href'];
  } else if (isObj(doc.run)) {
    runHref = doc.run.href;
  }
  const test = isObj(envelope.test)
    ? envelope.test
    : isObj(envelope.task) && isObj(envelope.task.test)
      ? envelope.task.test
      : undefined;
  if (test === undefined)
    throw new MappingError('Unable to find test definition in JSON (no "test" and no "task.test")');
  if (typeof test.type !== 'string' || test.type === '')
    throw new MappingError('"test.type" must be a non-empty string');
  if (!isObj(test.spec)) throw new MappingError('"test.spec" must be an object');
  const tool = envelope.tool;
  const toolName =
    typeof tool === 'string' ? tool : isObj(tool) && typeof tool.name === 'string' ? tool.name : undefined;
  if (toolName === undefined || toolName === '') throw new MappingError('"tool.name" must be a non-empty string');
  let ts: number;
  let duration: PyFloat;
  if (isObj(envelope.schedule)) {
    ts = isoDateSeconds(envelope.schedule.start, 'schedule.start');
    // timedelta.total_seconds(): a float, sent as `30.0`.
    duration = new PyFloat(isoDurationSeconds(envelope.schedule.duration, 'schedule.duration'));
  } else if (envelope.schedule === undefined && defaults.start !== undefined) {
    // A bare result: the caller says when it ran.
    ts = Math.trunc(defaults.start);
    duration = new PyFloat(defaults.duration ?? 0);
  } else {
    throw new MappingError(
      '"schedule" with "start" and "duration" is required (for a bare result, give its start time)',
    );
  }
  const participants = envelope.participants;
  if (participants !== undefined && participants !== null && !Array.isArray(participants)) {
    throw new MappingError('"participants" must be a list');
  }
  const result = envelope.result ?? {};
  if (!isObj(result)) throw new MappingError('"result" must be an object or null');
  const reference = envelope.reference;
  if (reference !== undefined && reference !== null && !isObj(reference))
    throw new MappingError('"reference" must be an object or null');
  if (runHref !== undefined && runHref !== null && typeof runHref !== 'string')
    throw new MappingError('"run-href" must be a string');

  const agent = data['measurement-agent'] ?? defaults.measurementAgent;
  if (agent !== undefined && typeof agent !== 'string') throw new MappingError('"measurement-agent" must be a string');
  const policy =
    data['data-formatting-policy'] !== undefined ? policyOf(data['data-formatting-policy']) : defaults.policy;
  const summaries =
    data.summaries !== undefined && data.summaries !== null ? summariesOf(data.summaries) : defaults.summaries;

  return {
    testType: test.type,
    spec: test.spec,
    result,
    // Bare results name no participants: the spec's source (or the agent) stands in for the lead.
    leadParticipant:
      participantHost(Array.isArray(participants) ? participants[0] : undefined) ??
      (envelope.schedule === undefined
        ? (participantHost(test.spec.source) ?? (typeof agent === 'string' ? agent : undefined))
        : undefined),
    measurementAgent: typeof agent === 'string' && agent !== '' ? agent : undefined,
    toolName: `pscheduler/${toolName}`,
    duration,
    ts,
    runHref: typeof runHref === 'string' && runHref !== '' ? runHref : undefined,
    reference: reference,
    summaries: summaries ?? null,
    policy,
  };
}

/**
 * {@link recordInputFromDocument}, with the test spec and the reference taken from `typed`, the
 * same document read as Python reads it ({@link SourceDoc.typed}): the archiver copies their
 * values into the metadata as they are, so `"packet-timeout": 2.0` must stay a float.
 */
export function recordInputWithTypes(doc: unknown, typed: unknown, defaults: EnvelopeDefaults = {}): RecordInput {
  const input = recordInputFromDocument(doc, defaults);
  if (typed === undefined) return input;
  try {
    const t = recordInputFromDocument(typed, defaults);
    return { ...input, spec: t.spec, reference: t.reference };
  } catch {
    return input; // the plain read is the one whose errors count
  }
}

/** Host names a document's mapping may need resolved (spec source/dest, lead, agent). */
export function hostsOf(input: RecordInput): string[] {
  const hosts = new Set<string>();
  for (const h of [input.spec.source, input.spec.dest, input.leadParticipant, input.measurementAgent]) {
    if (typeof h === 'string' && h !== '') hosts.add(h);
  }
  if (input.testType === 'disk-to-disk') {
    // The names the mapping will look up: the same parse of the URLs as mapRecord's.
    for (const u of [input.spec.source, input.spec.dest]) {
      const host = urlHost(u);
      if (host !== undefined) hosts.add(host);
    }
  }
  return [...hosts];
}
