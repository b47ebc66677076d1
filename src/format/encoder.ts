/**
 * Points of one series → output text, with a fast path for the commonest series (one number
 * per point): its rows differ only in timestamp and value, so the text of the other columns is
 * made once (the formatter's {@link NumericTemplate}) and each point costs two small strings.
 * Every other point goes through {@link rowsForPoint} and the formatter's row rendering; the
 * bytes are the same either way (tests compare them with a plain rendering of the rows).
 * @module
 */
import type { WirePoint } from '../model/wire.js';
import { BASE_COLUMNS, familyOf } from './columns.js';
import type { NumericTemplate } from './formatters/types.js';
import { formatterFor, type OutputFormat } from './registry.js';
import { renderWith, type RenderOptions, type RenderState } from './render.js';
import { baseRow, formatTimestamp, rowsForPoint, type RowContext } from './rows.js';

/** Encodes points of one series; rendering state is the caller's (see {@link RenderState}). */
export interface PointEncoder {
  /** The text of the rows of `points`; advances `state`. */
  encode(points: readonly WirePoint[], state: RenderState): string;
}

/** The leading columns that are the same in every row of a series. */
const CONSTANT_COLUMNS = BASE_COLUMNS.slice(0, 6);

/**
 * The encoder of one series in `format` with the given column order (`columnsFor` of the
 * series' family). `ctx.hostnames` must answer synchronously for source and destination.
 */
export function createPointEncoder(
  format: OutputFormat,
  columns: readonly string[],
  ctx: RowContext,
  opts: RenderOptions = {},
): PointEncoder {
  const formatter = formatterFor(format);
  const family = ctx.family ?? familyOf(ctx.eventType, ctx.summaryType);
  const rowCtx: RowContext = ctx.format === format && ctx.family === family ? ctx : { ...ctx, format, family };
  const numeric =
    family === 'numeric' &&
    columns.length === BASE_COLUMNS.length + 1 &&
    BASE_COLUMNS.every((c, i) => columns[i] === c) &&
    columns[BASE_COLUMNS.length] === 'value';
  // Made at the first number, after the caller has resolved the series' host names.
  let template: NumericTemplate | undefined;
  const separator = formatter.separator;
  return {
    encode(points, state) {
      let text = '';
      for (const point of points) {
        const v = point.val;
        if (numeric && typeof v === 'number') {
          // Such a row holds no list, so it may also be the row that fixes the list columns.
          state.listColumns ??= [];
          if (template === undefined) {
            const row = baseRow(rowCtx, 0);
            template = formatter.numeric(
              CONSTANT_COLUMNS,
              CONSTANT_COLUMNS.map((c) => row[c]),
            );
          }
          const t = template;
          text +=
            (state.rows > 0 ? separator : '') + t.head + formatTimestamp(point.ts) + t.middle + t.value(v) + t.tail;
          state.rows++;
          continue;
        }
        for (const row of rowsForPoint(rowCtx, point)) text += renderWith(formatter, columns, row, state, opts);
      }
      return text;
    },
  };
}
