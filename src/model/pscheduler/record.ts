/**
 * pScheduler result → esmond metadata + one data point, exactly as pScheduler's `esmond` archiver
 * builds them (pScheduler's esmond archiver): the subject, the declared event types with their
 * summaries, the parameters and the values, with the test type's rules (`rules/`). Pure: no
 * I/O; host names are looked up through an injected synchronous lookup ({@link RecordOptions.lookup}).
 * @module
 */
import { isJsonObject as isObj, type JsonObject as Obj } from '../json-object.js';
import type { WireNewEventType, WireNewMetadata } from '../wire.js';
import { commonFamily, literalAddresses, urlHost } from './addresses.js';
import { flattenParameters, specAsParameters } from './flatten.js';
import { MappingError, UnresolvedHostError } from './iso.js';
import { has, truthy } from './rules/common.js';
import { rulesFor, type AddValue, type TypeRules } from './rules/index.js';
import {
  DEFAULT_SUMMARIES,
  type ArchiverSummary,
  type MappedRecord,
  type PointValue,
  type RecordInput,
  type RecordOptions,
} from './types.js';

const FAILURE_TEXT = 'The test failed for an unspecified reason. See the server logs of the testing host(s).';

/**
 * The error for hosts without usable addresses: {@link UnresolvedHostError} (it may pass) when a
 * host name is involved, a plain {@link MappingError} when only IP literals are (they never change).
 */
function resolutionError(message: string, hosts: readonly (string | undefined)[]): MappingError {
  const names = hosts.filter(
    (h): h is string => h !== undefined && literalAddresses(h).v4 === undefined && literalAddresses(h).v6 === undefined,
  );
  return names.length > 0 ? new UnresolvedHostError(message, [...new Set(names)]) : new MappingError(message);
}

/** The subject of the metadata (who measured what), its members in the archiver's order. */
type Subject = Pick<
  WireNewMetadata,
  'subject-type' | 'source' | 'destination' | 'input-destination' | 'input-source' | 'measurement-agent'
>;

/**
 * The subject: source and destination as addresses of one family (`input-*` keep the names as
 * given), and the measurement agent's address.
 */
function subjectOf(input: RecordInput, options: RecordOptions, raw: boolean, d2d: boolean): Subject {
  const lookup = options.lookup ?? literalAddresses;
  const { spec, testType } = input;
  let inputSource: string | undefined;
  let inputDest: string | undefined;
  if (d2d) {
    inputSource =
      urlHost(spec.source) ?? (has(spec, 'source') ? input.measurementAgent : undefined) ?? input.leadParticipant;
    inputDest = urlHost(spec.dest) ?? (has(spec, 'dest') ? input.measurementAgent : undefined) ?? input.leadParticipant;
  } else {
    const src = raw && !options.rawPointToPoint ? undefined : spec.source;
    inputSource = typeof src === 'string' ? src : input.leadParticipant;
    if (!raw || options.rawPointToPoint) {
      if (typeof spec.dest !== 'string') throw new MappingError(`${testType} spec has no "dest"`);
      inputDest = spec.dest;
    }
  }
  if (inputSource === undefined)
    throw new MappingError('no source: the spec has none and there is no lead participant');
  const [srcIp, dstIp] = commonFamily(inputSource, inputDest ?? inputSource, lookup, spec['ip-version']);
  if (srcIp === undefined || dstIp === undefined) {
    throw resolutionError(
      inputDest === undefined
        ? `cannot resolve source ${JSON.stringify(inputSource)} to an IP address`
        : `cannot resolve source ${JSON.stringify(inputSource)} and destination ${JSON.stringify(inputDest)} to addresses of one IP family`,
      [inputSource, inputDest],
    );
  }
  const agentHost = input.measurementAgent ?? input.leadParticipant;
  if (agentHost === undefined) throw new MappingError('no measurement agent and no lead participant');
  const [, agentIp] = commonFamily(srcIp, agentHost, lookup);
  const own = lookup(agentHost);
  const agent = agentIp ?? own.v4 ?? own.v6;
  if (agent === undefined)
    throw resolutionError(`cannot resolve measurement agent ${JSON.stringify(agentHost)} to an IP address`, [
      agentHost,
    ]);
  return {
    'subject-type': inputDest === undefined ? 'network-element' : 'point-to-point',
    source: srcIp,
    ...(inputDest === undefined ? {} : { destination: dstIp, 'input-destination': inputDest }),
    'input-source': inputSource,
    'measurement-agent': agent,
  };
}

/** The summaries of each event type: `data.summaries` when given, else the archiver's defaults. */
function summaryTable(input: RecordInput): Record<string, readonly ArchiverSummary[]> {
  // Prototype-free: an event type named `__proto__` or `toString` is just a key.
  const table = Object.create(null) as Record<string, readonly ArchiverSummary[]>;
  if (input.summaries && input.summaries.length > 0) {
    for (const s of input.summaries) table[s['event-type']] = [...(table[s['event-type']] ?? []), s];
  } else Object.assign(table, DEFAULT_SUMMARIES);
  return table;
}

/** The parameters: mapped spec members, computed ones, the whole spec (raw, disk-to-disk) and the reference. */
function parametersOf(input: RecordInput, rules: TypeRules, keepSpec: boolean): Obj {
  const { spec, testType } = input;
  const parameters: Obj = {};
  for (const [field, name] of Object.entries(rules.fieldMap)) {
    if (has(spec, field) && spec[field] !== null) parameters[name] = spec[field];
  }
  rules.extraMetadata?.(spec, parameters);
  if (keepSpec) specAsParameters(testType, spec, parameters);
  if (isObj(input.reference)) {
    for (const [k, v] of Object.entries(input.reference))
      if (!k.startsWith('_')) flattenParameters(parameters, `pscheduler-reference-${k}`, v);
  }
  return parameters;
}

/**
 * Maps one run to the archiver's metadata and data point.
 * @throws MappingError when the run cannot be mapped (no common address family, malformed
 * result members such as a trace without `paths`, `mapped-only` with an unknown type).
 */
export function mapRecord(input: RecordInput, options: RecordOptions = {}): MappedRecord {
  const policy = input.policy ?? 'prefer-mapped';
  const { spec, testType } = input;
  const { rules, raw, d2d } = rulesFor(testType, policy);
  const subject = subjectOf(input, options, raw, d2d);

  // Event types and their summaries.
  const summaries = summaryTable(input);
  const eventTypes: WireNewEventType[] = [];
  const declare = (et: string, withSummaries: boolean): void => {
    const entry: WireNewEventType = { 'event-type': et };
    const sums = withSummaries ? summaries[et] : undefined;
    if (sums !== undefined) entry.summaries = sums.map((s) => ({ ...s }));
    eventTypes.push(entry);
  };
  for (const et of rules.eventTypes(spec)) declare(et, true);
  if (input.runHref !== undefined) declare('pscheduler-run-href', true);

  const parameters = parametersOf(input, rules, raw || d2d);

  const val = pointValues(input, rules, raw, d2d, options);
  if (!raw && (d2d || policy === 'mapped-and-raw' || options.addRaw)) declare('pscheduler-raw', false);
  if (options.declareAll) {
    const declared = new Set(eventTypes.map((e) => e['event-type']));
    for (const v of val) {
      if (!declared.has(v['event-type'])) {
        declared.add(v['event-type']);
        declare(v['event-type'], false);
      }
    }
  }
  // Members in the archiver's order; a parameter named like a member before it replaces its value in place, as the archiver's dict assignment does.
  const metadata: WireNewMetadata = {
    'pscheduler-test-type': testType,
    ...subject,
    'tool-name': input.toolName,
    'time-duration': input.duration,
    ...parameters,
    'event-types': eventTypes,
  };
  return { metadata, point: { ts: input.ts, val } };
}

/** `Object.entries(rules.dataFieldMap)`, made once per rules (the values of every run walk it). */
const dataFields = new WeakMap<TypeRules, ReadonlyArray<[string, string]>>();
function dataFieldEntries(rules: TypeRules): ReadonlyArray<[string, string]> {
  let entries = dataFields.get(rules);
  if (entries === undefined) {
    entries = Object.entries(rules.dataFieldMap ?? {});
    dataFields.set(rules, entries);
  }
  return entries;
}

/** The `add` of the rules: keeps the value (of the `only` event type when one is set). */
function pushValue(this: { val: PointValue[]; only: string | undefined }, et: string, v: unknown): void {
  if (this.only === undefined || et === this.only) this.val.push({ 'event-type': et, val: v });
}

/** The values of the run's data point (the same for every lookup: the subject is not part of them). */
function pointValues(
  input: RecordInput,
  rules: TypeRules,
  raw: boolean,
  d2d: boolean,
  options: RecordOptions,
  only?: string,
): PointValue[] {
  const { spec, result } = input;
  const val: PointValue[] = [];
  // A bound module function rather than a closure: no function object is named per run.
  const add: AddValue = pushValue.bind({ val, only });
  if (truthy(result.succeeded)) {
    for (const [field, et] of dataFieldEntries(rules)) {
      if (!has(result, field)) continue;
      const v = result[field];
      if (isObj(v) && Object.keys(v).length === 0) continue; // esmond refuses empty objects
      add(et, v);
    }
    if (raw) add('pscheduler-raw', result);
    else rules.extraData?.(spec, result, add);
  } else {
    add('failures', { error: truthy(result.error) ? result.error : FAILURE_TEXT });
  }
  if (input.runHref !== undefined) add('pscheduler-run-href', { href: input.runHref });
  if (!raw && (d2d || input.policy === 'mapped-and-raw' || options.addRaw)) add('pscheduler-raw', result);
  return val;
}

/**
 * Refuses the run exactly when {@link mapRecord} would, without building anything: the subject
 * is resolved, and the parameters where building them can fail (a kept spec, a reference).
 * Depends only on the test type, spec, lead participant, reference and the lookup, not on the
 * result or times, so a reader of many runs of one test may check once per distinct set of them.
 * @throws MappingError as {@link mapRecord}.
 */
export function checkRecord(input: RecordInput, options: RecordOptions = {}): void {
  const { rules, raw, d2d } = rulesFor(input.testType, input.policy ?? 'prefer-mapped');
  subjectOf(input, options, raw, d2d);
  if (raw || d2d || isObj(input.reference)) parametersOf(input, rules, raw || d2d);
}

/**
 * The data point of {@link mapRecord} alone, for readers that throw the metadata away (a series
 * read of the OpenSearch backend), of a run {@link checkRecord} accepts: no event types,
 * summaries or parameters are built. With `eventType`, only the value of that event type is kept.
 * @throws MappingError for malformed result members, as {@link mapRecord}.
 */
export function recordPoint(
  input: RecordInput,
  options: RecordOptions = {},
  eventType?: string,
): MappedRecord['point'] {
  const { rules, raw, d2d } = rulesFor(input.testType, input.policy ?? 'prefer-mapped');
  return { ts: input.ts, val: pointValues(input, rules, raw, d2d, options, eventType) };
}

/** The values of a point whose event type the metadata declares (the ones esmond stores). */
export function declaredValues(record: MappedRecord): PointValue[] {
  const declared = new Set(record.metadata['event-types'].map((e) => e['event-type']));
  return record.point.val.filter((v) => declared.has(v['event-type']));
}
