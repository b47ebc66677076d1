/**
 * pScheduler → esmond mapping, the entry point shared by `esmond-ps-load-pscheduler`, the
 * embedded archive's ingest route and the OpenSearch backend (which is why it lives in `model/`:
 * the archive and the query library share it without importing each other or the loaders).
 * Pure (no I/O): host names are looked up synchronously through {@link RecordOptions.lookup};
 * callers that want DNS resolve {@link hostsOf} first.
 * @module
 */
import { recordInputFromDocument, type EnvelopeDefaults } from './envelope.js';
import { mapRecord } from './record.js';
import type { MappedRecord, RecordOptions } from './types.js';

export { MappingError, UnresolvedHostError, isoDurationSeconds, isoDateSeconds } from './iso.js';
export { literalAddresses, tableLookup, type AddressLookup, type HostAddresses } from './addresses.js';
export { recordInputFromDocument, recordInputWithTypes, hostsOf, type EnvelopeDefaults } from './envelope.js';
export { mapRecord, checkRecord, recordPoint, declaredValues } from './record.js';
export {
  DEFAULT_SUMMARIES,
  FORMATTING_POLICIES,
  type ArchiverSummary,
  type FormattingPolicy,
  type MappedRecord,
  type PointValue,
  type RecordInput,
  type RecordOptions,
} from './types.js';

/**
 * Maps one envelope or archiver input to the esmond metadata and data point.
 * @throws MappingError with a one-line reason when the document cannot be mapped.
 */
export function mapPschedulerDocument(
  doc: unknown,
  options: RecordOptions & { defaults?: EnvelopeDefaults } = {},
): MappedRecord {
  return mapRecord(recordInputFromDocument(doc, options.defaults), options);
}
