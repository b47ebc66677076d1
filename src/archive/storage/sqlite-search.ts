/**
 * The SQL of a metadata search on SQLite: the WHERE clause with an explicit plan (which index
 * drives), and the threshold above which a page walks the key index instead of sorting.
 * @module
 */
import type { MetadataQuery } from './store.js';
import { IP_COLUMNS, STRING_COLUMNS } from './metadata-row.js';

/** Up to this many free-form parameters get one SQL term each; more share a single term. */
const MAX_SEPARATE_PARAMETER_TERMS = 16;

/** Above this many matches a search pages by walking the key index instead of sorting. */
export const KEY_WALK_THRESHOLD = 200;

/** A search's WHERE clause with its bound arguments; `indexed` when some index drives it. */
export interface MetadataFilter {
  clause: string;
  args: unknown[];
  indexed: boolean;
}

/**
 * Builds the search filter with an explicit plan: the most selective present condition (key,
 * address, input host, parameter, event-type row, tool name, in that order) drives the query
 * through its index; every other condition is written so it cannot drive (`+column`,
 * correlated EXISTS) and is only checked on the driver's rows. Exported so a test can EXPLAIN
 * the plan `SELECT … FROM metadata m ${clause}` gets.
 */
export function metadataFilter(query: MetadataQuery): MetadataFilter {
  const terms: Array<{ rank: number; drive: string; check: string; args: unknown[] }> = [];
  const column = (rank: number, col: string, values: readonly unknown[]): void => {
    const list = values.length === 1 ? '= ?' : `IN (${values.map(() => '?').join(', ')})`;
    terms.push({ rank, drive: `m.${col} ${list}`, check: `+m.${col} ${list}`, args: [...values] });
  };
  if (query.key !== undefined) column(0, 'metadata_key', [query.key]);
  for (const a of query.addresses) column(1, IP_COLUMNS[a.field], a.anyOf.length > 0 ? a.anyOf : [null]);
  for (const st of query.strings) column(st.field === 'tool-name' ? 5 : 2, STRING_COLUMNS[st.field], [st.value]);
  if (query.parameters.length <= MAX_SEPARATE_PARAMETER_TERMS) {
    for (const [key, value] of query.parameters) {
      terms.push({
        rank: 3,
        drive: 'm.id IN (SELECT p.metadata_id FROM parameters p WHERE p.key = ? AND p.value = ?)',
        check: 'EXISTS (SELECT 1 FROM parameters p WHERE p.metadata_id = m.id AND p.key = ? AND p.value = ?)',
        args: [key, value],
      });
    }
  } else {
    // Many pairs in one term (SQLite caps expression depth at 1000): keys are distinct and
    // (metadata, key) is unique, so a metadata has them all iff it matches that many pairs.
    const unique = [...new Map(query.parameters.map((pair) => [JSON.stringify(pair), pair])).values()];
    const pairs = JSON.stringify(unique);
    // CROSS JOIN fixes the join order: the posted list drives, one index probe per pair.
    // Left to itself, once sqlite_stat1 exists, the planner scans every parameter row once
    // per pair (1 296 pairs on 14 000 metadata: 18 s; this plan: under 2 ms).
    const match = 'FROM json_each(?) j CROSS JOIN parameters p ON p.key = j.value ->> 0 AND p.value = j.value ->> 1';
    terms.push({
      rank: 3,
      drive: `m.id IN (SELECT p.metadata_id ${match} GROUP BY p.metadata_id HAVING COUNT(*) = ?)`,
      check: `(SELECT COUNT(*) ${match} WHERE p.metadata_id = m.id) = ?`,
      args: [pairs, unique.length],
    });
  }
  if (query.row) {
    const r = query.row;
    const cond: string[] = [];
    const args: unknown[] = [];
    if (r.eventType !== undefined) {
      cond.push('e.event_type = ?');
      args.push(r.eventType);
    }
    if (r.summaryType !== undefined) {
      cond.push('e.summary_type = ?');
      args.push(r.summaryType);
    }
    if (r.window !== undefined) {
      cond.push('e.summary_window = ?');
      args.push(r.window);
    }
    if (r.updatedFrom !== undefined) {
      cond.push('e.time_updated >= ?');
      args.push(r.updatedFrom);
    }
    if (r.updatedTo !== undefined) {
      cond.push('e.time_updated <= ?');
      args.push(r.updatedTo);
    }
    if (r.updatedFrom !== undefined || r.updatedTo !== undefined) cond.push('e.time_updated IS NOT NULL');
    const filter = cond.length > 0 ? cond.join(' AND ') : '1';
    terms.push({
      rank: 4,
      drive: `m.id IN (SELECT e.metadata_id FROM event_types e WHERE ${filter})`,
      check: `EXISTS (SELECT 1 FROM event_types e WHERE e.metadata_id = m.id AND ${filter})`,
      args,
    });
  }
  if (query.subjectType !== undefined) {
    terms.push({ rank: 9, drive: '+m.subject_type = ?', check: '+m.subject_type = ?', args: [query.subjectType] });
  }
  const driver = terms.reduce<(typeof terms)[number] | undefined>(
    (best, t) => (!best || t.rank < best.rank ? t : best),
    undefined,
  );
  const indexed = driver !== undefined && driver.rank < 9;
  const where = terms.map((t) => (t === driver ? t.drive : t.check));
  const args = terms.flatMap((t) => t.args);
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  return { clause, args, indexed };
}
