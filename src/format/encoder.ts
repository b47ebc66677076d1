/**
 * Points of one series → output text, with a fast path for the commonest series (one number
 * per point): its rows differ only in timestamp and value, so the text of the other columns is
 * made once and each point costs two small strings. Every other point goes through
 * {@link rowsForPoint} and {@link renderRow}; the bytes are the same either way (tests compare
 * them with a plain rendering of the rows).
 * @module
 */
import type { WirePoint } from '../model/wire.js';
import { BASE_COLUMNS, familyOf, type OutputFormat } from './columns.js';
import { csvField } from './csv.js';
import { pyFloat, PyFloat, pyJson } from './python-repr.js';
import { cellText, HUMAN_SEPARATOR, renderRow, type RenderOptions, type RenderState } from './render.js';
import { baseRow, formatTimestamp, rowsForPoint, type RowContext } from './rows.js';

/** Encodes points of one series; rendering state is the caller's (see {@link RenderState}). */
export interface PointEncoder {
  /** The text of the rows of `points`; advances `state`. */
  encode(points: readonly WirePoint[], state: RenderState): string;
}

/** The leading columns that are the same in every row of a series. */
const CONSTANT_COLUMNS = BASE_COLUMNS.slice(0, 6);

/** Text of a numeric row around its timestamp and value, per format. */
interface NumericTemplate {
  /** Everything up to the timestamp text. */
  head: string;
  /** Between timestamp and value. */
  middle: string;
  /** After the value. */
  tail: string;
  value: (x: number) => string;
}

function numericTemplate(format: OutputFormat, ctx: RowContext): NumericTemplate {
  const row = baseRow(ctx, 0);
  const values = CONSTANT_COLUMNS.map((c) => row[c]);
  switch (format) {
    case 'csv':
      return { head: `${values.map((v) => csvField(cellText(v, false, ''))).join(',')},`, middle: ',', tail: '\r\n', value: pyFloat };
    case 'json':
      return {
        head: `{${CONSTANT_COLUMNS.map((c, i) => `${pyJson(c)}: ${pyJson(values[i])}`).join(', ')}, "timestamp": "`,
        middle: '", "value": ',
        tail: '}',
        value: (x) => (Number.isFinite(x) ? pyFloat(x) : pyJson(new PyFloat(x))),
      };
    case 'ndjson': {
      const lead = JSON.stringify(Object.fromEntries(CONSTANT_COLUMNS.map((c, i) => [c, values[i]])));
      return { head: `${lead.slice(0, -1)},"timestamp":"`, middle: '","value":', tail: '}\n', value: (x) => JSON.stringify(x) }; // 'null' for NaN/inf, as JSON.stringify of the row gave
    }
    case 'human':
      return {
        head: `${CONSTANT_COLUMNS.map((c, i) => `${c}: ${cellText(values[i], false, 'None')}\n`).join('')}timestamp: `,
        middle: '\nvalue: ',
        tail: '\n',
        value: pyFloat,
      };
  }
}

/**
 * The encoder of one series in `format` with the given column order (`columnsFor` of the
 * series' family). `ctx.hostnames` must answer synchronously for source and destination.
 */
export function createPointEncoder(format: OutputFormat, columns: readonly string[], ctx: RowContext, opts: RenderOptions = {}): PointEncoder {
  const family = ctx.family ?? familyOf(ctx.eventType, ctx.summaryType);
  const rowCtx: RowContext = ctx.format === format && ctx.family === family ? ctx : { ...ctx, format, family };
  const numeric =
    family === 'numeric' &&
    columns.length === BASE_COLUMNS.length + 1 &&
    BASE_COLUMNS.every((c, i) => columns[i] === c) &&
    columns[BASE_COLUMNS.length] === 'value';
  // Made at the first number, after the caller has resolved the series' host names.
  let template: NumericTemplate | undefined;
  const jsonComma = format === 'json' ? ', ' : '';
  const humanSeparator = format === 'human' ? `${HUMAN_SEPARATOR}\n` : '';
  return {
    encode(points, state) {
      let text = '';
      for (const point of points) {
        const v = point.val;
        if (numeric && typeof v === 'number') {
          // Such a row holds no list, so it may also be the row that fixes the list columns.
          state.listColumns ??= [];
          template ??= numericTemplate(format, rowCtx);
          const t = template;
          text += (state.rows > 0 ? jsonComma || humanSeparator : '') + t.head + formatTimestamp(point.ts) + t.middle + t.value(v) + t.tail;
          state.rows++;
          continue;
        }
        for (const row of rowsForPoint(rowCtx, point)) text += renderRow(format, columns, row, state, opts);
      }
      return text;
    },
  };
}
