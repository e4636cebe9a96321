import { z } from 'zod';
import { GraphrecError } from '../errors.ts';
import { fromBase64, toBase64 } from '../vectors/base64.ts';

/**
 * Per-block checksums of a shard object whose items are stored in order
 * (display rows, similar lists, codes), so the edge can read and verify only
 * the block of items a request needs with a ranged read. A cold "similar" at
 * 1M items read and hashed ~1 MB objects whole for ~10 rows each; a block of
 * 256 items is ~50 KB.
 *
 * Stored in the manifest with the object's {@link ObjectRef}: `offsets` are
 * `blocks + 1` little-endian uint32 byte offsets (block `b` is
 * `[offsets[b], offsets[b + 1])`), `sha256` the blocks' raw digests, both
 * base64. Bytes outside every block (a header line) are covered only by the
 * whole object's sha256.
 */
export const BlockTableSchema = z.object({
  /** Items per block; the last block may hold fewer. */
  rows: z.number().int().positive(),
  offsets: z.string(),
  sha256: z.string(),
});
export type BlockTableJson = z.infer<typeof BlockTableSchema>;

/** Items per block by default: ~50 KB of display rows or lists, small enough that a cold read is a few ms. */
export const DEFAULT_BLOCK_ROWS = 256;

/** A byte range of an object. */
export interface ByteRange {
  offset: number;
  length: number;
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** A decoded block table. */
export class BlockTable {
  private constructor(
    readonly rowsPerBlock: number,
    private readonly offsets: Uint32Array,
    private readonly digests: Uint8Array,
  ) {}

  get count(): number {
    return this.offsets.length - 1;
  }

  /** Block holding item row `row`. */
  blockOf(row: number): number {
    return Math.floor(row / this.rowsPerBlock);
  }

  /** First item row of block `b`. */
  firstRow(b: number): number {
    return b * this.rowsPerBlock;
  }

  /** @throws GraphrecError `artifact/corrupt` for a block the table does not have. */
  range(b: number): ByteRange {
    this.check(b);
    return { offset: this.offsets[b], length: this.offsets[b + 1] - this.offsets[b] };
  }

  /** Hex sha256 of block `b`. */
  sha256(b: number): string {
    this.check(b);
    return hex(this.digests.subarray(b * 32, b * 32 + 32));
  }

  private check(b: number): void {
    if (!(Number.isInteger(b) && b >= 0 && b < this.count)) throw new GraphrecError('artifact/corrupt', `block ${b} is outside the object's ${this.count} blocks`);
  }

  /**
   * Decodes a table and checks it against the object it describes: it must
   * cover `items` items in ascending, in-bounds ranges.
   * @throws GraphrecError `artifact/corrupt` (a manifest that passed its schema can still be inconsistent).
   */
  static parse(json: BlockTableJson, object: { key: string; bytes: number }, items: number): BlockTable {
    const bad = (why: string): GraphrecError => new GraphrecError('artifact/corrupt', `block table of ${object.key} ${why}`);
    let rawOffsets: Uint8Array;
    let digests: Uint8Array;
    try {
      rawOffsets = fromBase64(json.offsets);
      digests = fromBase64(json.sha256);
    } catch {
      throw bad('is not base64');
    }
    const blocks = Math.ceil(items / json.rows);
    if (rawOffsets.byteLength !== 4 * (blocks + 1)) throw bad(`has ${rawOffsets.byteLength / 4 - 1} blocks for ${items} items of ${json.rows}`);
    if (digests.byteLength !== 32 * blocks) throw bad(`has ${digests.byteLength / 32} digests for ${blocks} blocks`);
    const view = new DataView(rawOffsets.buffer, rawOffsets.byteOffset, rawOffsets.byteLength);
    const offsets = new Uint32Array(blocks + 1);
    for (let b = 0; b <= blocks; b++) offsets[b] = view.getUint32(4 * b, true);
    for (let b = 0; b < blocks; b++) if (offsets[b + 1] <= offsets[b]) throw bad(`has an empty or backward block ${b}`);
    if (offsets[blocks] > object.bytes) throw bad(`ends at byte ${offsets[blocks]} of a ${object.bytes}-byte object`);
    return new BlockTable(json.rows, offsets, digests);
  }
}

/**
 * Builds the block table of an object from each item's start offset.
 * @param starts `items + 1` offsets: item `i` is `[starts[i], starts[i + 1])`.
 */
export async function buildBlockTable(bytes: Uint8Array, starts: ArrayLike<number>, rowsPerBlock: number = DEFAULT_BLOCK_ROWS): Promise<BlockTableJson> {
  const items = starts.length - 1;
  const blocks = Math.ceil(items / rowsPerBlock);
  const offsets = new Uint8Array(4 * (blocks + 1));
  const view = new DataView(offsets.buffer);
  const digests = new Uint8Array(32 * blocks);
  for (let b = 0; b <= blocks; b++) view.setUint32(4 * b, starts[Math.min(items, b * rowsPerBlock)], true);
  for (let b = 0; b < blocks; b++) {
    const block = bytes.slice(view.getUint32(4 * b, true), view.getUint32(4 * (b + 1), true));
    digests.set(new Uint8Array(await crypto.subtle.digest('SHA-256', block)), 32 * b);
  }
  return { rows: rowsPerBlock, offsets: toBase64(offsets), sha256: toBase64(digests) };
}

/** Item start offsets of fixed-size records: `items + 1` values `base + i · recordBytes`. */
export function fixedStarts(items: number, recordBytes: number, base = 0): Uint32Array {
  return Uint32Array.from({ length: items + 1 }, (_, i) => base + i * recordBytes);
}
