/**
 * What every loader produces and the sink stores: one metadata body and the values of its event
 * types at one second — the shape of one entry of an esmond bulk PUT, with its metadata beside it.
 * @module
 */
import type { WireNewMetadata } from '../model/wire.js';

/** One value of a data point: the event type it belongs to and what is stored. */
export interface EsmondValue {
  'event-type': string;
  val: unknown;
}

/** Values of one metadata at one timestamp. */
export interface EsmondItem {
  metadata: WireNewMetadata;
  /** UNIX seconds. */
  ts: number;
  values: EsmondValue[];
}
