import { GraphrecError } from '../errors.ts';
import { REASONS, type Reason } from '../ranker/schema.ts';
import { INT16_LEVELS } from '../vectors/maxabs.ts';

/**
 * Each item's nearest neighbours, computed at export: "similar to a known
 * item" is a lookup at the edge instead of an IVF search over many shards.
 *
 * One object per shard, little-endian: one record of `6 · depth` bytes per
 * item, in key order, so a block of items is one contiguous range:
 * - `depth` uint32 neighbour references, `shard << 16 | row`
 *   ({@link NO_NEIGHBOUR} pads a list when the catalogue is smaller than the depth);
 * - `depth` int16 scores, `round(32767 · cosine)`, or the ranker's score (in [-1, 1]) for ranked lists;
 * - ranked lists only (`similar.kind: 'ranked'`): `depth` uint8 reasons, indices into {@link REASONS}.
 * Lists are best first (score descending, key ascending on ties) and never hold the item itself.
 */

export const NO_NEIGHBOUR = 0xffffffff;
/** A shard or row must fit in 16 bits of a reference. */
export const MAX_REF_PART = 0xffff;

export interface Neighbour {
  shard: number;
  row: number;
  score: number;
  /** Why the ranker put it here (ranked lists only). */
  reason?: Reason;
}

/** Bytes of one item's record (`ranked`: with a reason byte per neighbour). */
export const similarRecordBytes = (depth: number, ranked = false): number => depth * (ranked ? 7 : 6);
export const similarBytes = (items: number, depth: number, ranked = false): number => items * similarRecordBytes(depth, ranked);

/** Writes one shard's lists: `refs[i·depth + j]`, `scores` (cosines or ranker scores) and, for ranked lists, `reasons` alike. */
export function encodeSimilarLists(refs: Uint32Array, scores: Float32Array, items: number, depth: number, reasons?: Uint8Array): Uint8Array {
  if (refs.length !== items * depth || scores.length !== items * depth || (reasons && reasons.length !== items * depth)) {
    throw new GraphrecError('export/shape', `similar lists: ${refs.length} refs, ${scores.length} scores and ${reasons?.length ?? 'no'} reasons for ${items} × ${depth}`);
  }
  const ranked = reasons !== undefined;
  const out = new Uint8Array(similarBytes(items, depth, ranked));
  const view = new DataView(out.buffer);
  const record = similarRecordBytes(depth, ranked);
  for (let i = 0; i < items; i++) {
    for (let j = 0; j < depth; j++) {
      view.setUint32(i * record + j * 4, refs[i * depth + j], true);
      view.setInt16(i * record + depth * 4 + j * 2, Math.round(Math.max(-1, Math.min(1, scores[i * depth + j])) * INT16_LEVELS), true);
      if (reasons) view.setUint8(i * record + depth * 6 + j, reasons[i * depth + j]);
    }
  }
  return out;
}

export const packRef = (shard: number, row: number): number => {
  if (shard > MAX_REF_PART || row > MAX_REF_PART) throw new GraphrecError('export/shape', `shard ${shard} row ${row} does not fit a 16-bit reference`);
  return ((shard << 16) | row) >>> 0;
};

/**
 * The lists of rows `[firstRow, firstRow + items)` of a shard as read back:
 * the whole object, or one block of it (the bytes passed their sha256
 * before they get here).
 */
export class SimilarLists {
  private readonly view: DataView;

  constructor(
    readonly shard: number,
    private readonly bytes: Uint8Array,
    readonly items: number,
    readonly depth: number,
    readonly firstRow = 0,
    readonly ranked = false,
  ) {
    if (bytes.byteLength !== similarBytes(items, depth, ranked)) {
      throw new GraphrecError('artifact/corrupt', `shard ${shard} similar lists are ${bytes.byteLength} bytes, expected ${items} × ${depth} × ${similarRecordBytes(1, ranked)}`);
    }
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get heapBytes(): number {
    return this.bytes.byteLength;
  }

  /** The first `k` neighbours of row `row` (fewer when the list is padded). */
  neighbours(row: number, k: number): Neighbour[] {
    const i = row - this.firstRow;
    if (!(i >= 0 && i < this.items)) throw new GraphrecError('artifact/corrupt', `shard ${this.shard} has no similar list for row ${row} here`);
    const out: Neighbour[] = [];
    const at = i * similarRecordBytes(this.depth, this.ranked);
    for (let j = 0; j < Math.min(k, this.depth); j++) {
      const ref = this.view.getUint32(at + j * 4, true);
      if (ref === NO_NEIGHBOUR) break;
      const n: Neighbour = { shard: ref >>> 16, row: ref & MAX_REF_PART, score: this.view.getInt16(at + this.depth * 4 + j * 2, true) / INT16_LEVELS };
      if (this.ranked) {
        const reason = REASONS[this.view.getUint8(at + this.depth * 6 + j)];
        if (!reason) throw new GraphrecError('artifact/corrupt', `shard ${this.shard} similar list of row ${row} has an unknown reason code`);
        n.reason = reason;
      }
      out.push(n);
    }
    return out;
  }
}
