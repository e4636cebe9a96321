import { GraphrecError } from '../errors.ts';
import { INT16_LEVELS } from '../vectors/maxabs.ts';

/**
 * Each item's nearest neighbours, computed at export: "similar to a known
 * item" is a lookup at the edge instead of an IVF search over many shards.
 *
 * One object per shard, little-endian, for the shard's `n` items in key
 * order and a fixed `depth`:
 * - `n × depth` uint32 neighbour references, `shard << 16 | row`
 *   ({@link NO_NEIGHBOUR} pads a list when the catalogue is smaller than the depth);
 * - `n × depth` int16 scores, `round(32767 · cosine)`.
 * Lists are best first (score descending, key ascending on ties) and never hold the item itself.
 */

export const NO_NEIGHBOUR = 0xffffffff;
/** A shard or row must fit in 16 bits of a reference. */
export const MAX_REF_PART = 0xffff;

export interface Neighbour {
  shard: number;
  row: number;
  score: number;
}

export const similarBytes = (items: number, depth: number): number => items * depth * 6;

/** Writes one shard's lists: `refs[i·depth + j]` and `scores` (cosines) alike. */
export function encodeSimilarLists(refs: Uint32Array, scores: Float32Array, items: number, depth: number): Uint8Array {
  if (refs.length !== items * depth || scores.length !== items * depth) throw new GraphrecError('export/shape', `similar lists: ${refs.length} refs and ${scores.length} scores for ${items} × ${depth}`);
  const out = new Uint8Array(similarBytes(items, depth));
  const view = new DataView(out.buffer);
  const scoreAt = items * depth * 4;
  for (let i = 0; i < refs.length; i++) {
    view.setUint32(i * 4, refs[i], true);
    view.setInt16(scoreAt + i * 2, Math.round(Math.max(-1, Math.min(1, scores[i])) * INT16_LEVELS), true);
  }
  return out;
}

export const packRef = (shard: number, row: number): number => {
  if (shard > MAX_REF_PART || row > MAX_REF_PART) throw new GraphrecError('export/shape', `shard ${shard} row ${row} does not fit a 16-bit reference`);
  return ((shard << 16) | row) >>> 0;
};

/** A shard's lists as read back (the bytes passed their sha256 before they get here). */
export class SimilarLists {
  private readonly view: DataView;

  constructor(
    readonly shard: number,
    private readonly bytes: Uint8Array,
    readonly items: number,
    readonly depth: number,
  ) {
    if (bytes.byteLength !== similarBytes(items, depth)) {
      throw new GraphrecError('artifact/corrupt', `shard ${shard} similar lists are ${bytes.byteLength} bytes, expected ${items} × ${depth} × 6`);
    }
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get heapBytes(): number {
    return this.bytes.byteLength;
  }

  /** The first `k` neighbours of row `row` (fewer when the list is padded). */
  neighbours(row: number, k: number): Neighbour[] {
    if (!(row >= 0 && row < this.items)) throw new GraphrecError('artifact/corrupt', `shard ${this.shard} has no similar list for row ${row}`);
    const out: Neighbour[] = [];
    const scoreAt = this.items * this.depth * 4;
    for (let j = 0; j < Math.min(k, this.depth); j++) {
      const at = row * this.depth + j;
      const ref = this.view.getUint32(at * 4, true);
      if (ref === NO_NEIGHBOUR) break;
      out.push({ shard: ref >>> 16, row: ref & MAX_REF_PART, score: this.view.getInt16(scoreAt + at * 2, true) / INT16_LEVELS });
    }
    return out;
  }
}
