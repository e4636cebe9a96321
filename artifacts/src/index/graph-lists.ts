import { GraphrecError } from '../errors.ts';
import type { GraphList } from '../ranker/rank.ts';
import { MAX_REF_PART } from './similar-lists.ts';

/**
 * Each item's co-purchase list, exported for the served ranker's graph
 * signals: what the edge needs to rank the neighbours of a shopper's history
 * or of a new product's given neighbours (Adamic-Adar, ItemKNN, popularity).
 *
 * One object per shard, little-endian, one variable-length record per item
 * in key order (the block table holds the record offsets):
 * - uint32 the item's full degree;
 * - uint16 `count`, the neighbours kept (the highest-degree ones, see `ranker/rank.ts` `capNeighbours`);
 * - `count` × (uint32 reference `shard << 16 | row`, uint32 that neighbour's full degree).
 */

const HEADER = 6;
const ENTRY = 8;

/** A list in served references, as written and read. */
export interface RefList {
  degree: number;
  refs: ArrayLike<number>;
  degrees: ArrayLike<number>;
}

/** Encodes one shard's lists in row order; returns the bytes and the `items + 1` record offsets. */
export function encodeGraphLists(lists: readonly RefList[]): { bytes: Uint8Array; starts: Uint32Array } {
  const starts = new Uint32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) {
    const count = lists[i].refs.length;
    if (count > 0xffff || lists[i].degrees.length !== count) throw new GraphrecError('export/shape', `graph list ${i}: ${count} neighbours and ${lists[i].degrees.length} degrees`);
    starts[i + 1] = starts[i] + HEADER + ENTRY * count;
  }
  const bytes = new Uint8Array(starts[lists.length]);
  const view = new DataView(bytes.buffer);
  lists.forEach((list, i) => {
    const at = starts[i];
    view.setUint32(at, list.degree, true);
    view.setUint16(at + 4, list.refs.length, true);
    for (let j = 0; j < list.refs.length; j++) {
      view.setUint32(at + HEADER + j * ENTRY, list.refs[j], true);
      view.setUint32(at + HEADER + j * ENTRY + 4, list.degrees[j], true);
    }
  });
  return { bytes, starts };
}

/**
 * The lists of rows `[firstRow, firstRow + items)` of a shard as read back (a
 * block, its sha256 already checked); decoding walks the records once and
 * refuses bytes that do not hold exactly `items` well-formed records.
 */
export class GraphLists {
  private readonly offsets: Uint32Array;
  private readonly view: DataView;

  constructor(
    readonly shard: number,
    private readonly bytes: Uint8Array,
    readonly items: number,
    readonly firstRow = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offsets = new Uint32Array(items + 1);
    let at = 0;
    for (let i = 0; i < items; i++) {
      if (at + HEADER > bytes.byteLength) throw this.corrupt(`record ${i} starts past the end`);
      this.offsets[i] = at;
      at += HEADER + ENTRY * this.view.getUint16(at + 4, true);
    }
    if (at !== bytes.byteLength) throw this.corrupt(`${items} records take ${at} bytes, the block has ${bytes.byteLength}`);
    this.offsets[items] = at;
  }

  private corrupt(why: string): GraphrecError {
    return new GraphrecError('artifact/corrupt', `shard ${this.shard} graph lists at row ${this.firstRow}: ${why}`);
  }

  get heapBytes(): number {
    return this.bytes.byteLength + this.offsets.byteLength;
  }

  /** Row `row`'s list, neighbours as served references (`shard << 16 | row`). */
  list(row: number): GraphList {
    const i = row - this.firstRow;
    if (!(i >= 0 && i < this.items)) throw this.corrupt(`no list for row ${row} here`);
    const at = this.offsets[i];
    const count = this.view.getUint16(at + 4, true);
    const keys = new Array<number>(count);
    const degrees = new Array<number>(count);
    for (let j = 0; j < count; j++) {
      keys[j] = this.view.getUint32(at + HEADER + j * ENTRY, true);
      degrees[j] = this.view.getUint32(at + HEADER + j * ENTRY + 4, true);
    }
    return { degree: this.view.getUint32(at, true), keys, degrees };
  }
}

/** Splits a served reference into its shard and row. */
export const unpackRef = (ref: number): { shard: number; row: number } => ({ shard: ref >>> 16, row: ref & MAX_REF_PART });
