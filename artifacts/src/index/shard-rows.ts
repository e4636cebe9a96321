import { GraphrecError } from '../errors.ts';
import type { ItemDisplay } from '../manifest/schema.ts';

/**
 * A shard's display rows as one newline-delimited JSON object: line 0 is
 * `{"shard":id,"keys":[…]}` (ascending item keys), line `i + 1` the display
 * row of `keys[i]`. A reader finds the line starts with one byte scan and
 * parses only the rows it serves: parsing a 4,096-item JSON array whole was
 * a third of a cold shard load, and its objects cost twice the bytes in heap.
 */

const NEWLINE = 0x0a;

/** The rows object of a shard (JSON.stringify escapes newlines inside strings, so a line is a row). */
export function encodeShardRows(shard: number, keys: readonly number[], rows: readonly ItemDisplay[]): string {
  if (rows.length !== keys.length) throw new GraphrecError('export/shape', `shard ${shard}: ${keys.length} keys but ${rows.length} rows`);
  return [JSON.stringify({ shard, keys }), ...rows.map((r) => JSON.stringify(r))].join('\n') + '\n';
}

const decoder = new TextDecoder();

/** A decoded rows object: keys parsed, rows parsed on demand. */
export class ShardRows {
  private constructor(
    readonly shard: number,
    /** Ascending item keys. */
    readonly keys: readonly number[],
    private readonly bytes: Uint8Array,
    /** Start of row `i`'s line at `starts[i]`, its end (newline) at `starts[i + 1] - 1`: the item offsets a block table is built from. */
    readonly starts: Uint32Array,
  ) {}

  /** Bytes it holds in memory. */
  get heapBytes(): number {
    return this.bytes.byteLength + this.starts.byteLength + this.keys.length * 8;
  }

  /**
   * Reads a rows object, checking its shape (not each row: the bytes passed
   * their sha256 against the manifest before they get here).
   * @throws GraphrecError `artifact/corrupt` when the object is not a rows object of `expectedShard`.
   */
  static parse(bytes: Uint8Array, expectedShard: number): ShardRows {
    const problem = (what: string): GraphrecError => new GraphrecError('artifact/corrupt', `shard ${expectedShard} rows object ${what}`);
    const firstEnd = bytes.indexOf(NEWLINE);
    if (firstEnd < 0) throw problem('has no header line');
    let header: unknown;
    try {
      header = JSON.parse(decoder.decode(bytes.subarray(0, firstEnd)));
    } catch {
      throw problem('header is not JSON');
    }
    const h = header as { shard?: unknown; keys?: unknown };
    if (h.shard !== expectedShard) throw problem(`says shard ${String(h.shard)}`);
    if (!Array.isArray(h.keys) || !h.keys.every((k, i, a) => Number.isSafeInteger(k) && k >= 0 && (i === 0 || k > a[i - 1]))) throw problem('keys are not ascending non-negative integers');
    const keys = h.keys as number[];
    const starts = new Uint32Array(keys.length + 1);
    let at = firstEnd + 1;
    for (let i = 0; i < keys.length; i++) {
      starts[i] = at;
      const end = bytes.indexOf(NEWLINE, at);
      if (end < 0) throw problem(`has ${i} rows for ${keys.length} keys`);
      at = end + 1;
    }
    starts[keys.length] = at;
    if (at !== bytes.byteLength) throw problem(`has more rows than its ${keys.length} keys`);
    return new ShardRows(expectedShard, keys, bytes, starts);
  }

  /** Display row `i` (in key order). */
  row(i: number): ItemDisplay {
    if (!(i >= 0 && i < this.keys.length)) throw new GraphrecError('artifact/corrupt', `shard ${this.shard} has no row ${i}`);
    return decodeRow(this.bytes.subarray(this.starts[i], this.starts[i + 1] - 1), this.shard, i);
  }
}

function decodeRow(line: Uint8Array, shard: number, i: number): ItemDisplay {
  let row: unknown;
  try {
    row = JSON.parse(decoder.decode(line));
  } catch {
    throw new GraphrecError('artifact/corrupt', `shard ${shard} row ${i} is not JSON`);
  }
  if (typeof (row as { id?: unknown } | null)?.id !== 'string') throw new GraphrecError('artifact/corrupt', `shard ${shard} row ${i} has no id`);
  return row as ItemDisplay;
}

/**
 * One block of a rows object, read on its own with a ranged read: the lines
 * of rows `[firstRow, firstRow + count)`.
 */
export class RowBlock {
  private constructor(
    readonly shard: number,
    readonly firstRow: number,
    private readonly bytes: Uint8Array,
    private readonly starts: Uint32Array,
  ) {}

  get heapBytes(): number {
    return this.bytes.byteLength + this.starts.byteLength;
  }

  /** @throws GraphrecError `artifact/corrupt` unless `bytes` are exactly `count` newline-terminated lines. */
  static parse(bytes: Uint8Array, shard: number, firstRow: number, count: number): RowBlock {
    const starts = new Uint32Array(count + 1);
    let at = 0;
    for (let i = 0; i < count; i++) {
      starts[i] = at;
      const end = bytes.indexOf(NEWLINE, at);
      if (end < 0) throw new GraphrecError('artifact/corrupt', `shard ${shard} rows block at row ${firstRow} has ${i} of its ${count} rows`);
      at = end + 1;
    }
    starts[count] = at;
    if (at !== bytes.byteLength) throw new GraphrecError('artifact/corrupt', `shard ${shard} rows block at row ${firstRow} has more than its ${count} rows`);
    return new RowBlock(shard, firstRow, bytes, starts);
  }

  /** Display row `row` of the shard (it must be in this block). */
  row(row: number): ItemDisplay {
    const i = row - this.firstRow;
    if (!(i >= 0 && i < this.starts.length - 1)) throw new GraphrecError('artifact/corrupt', `shard ${this.shard} row ${row} is not in the block at row ${this.firstRow}`);
    return decodeRow(this.bytes.subarray(this.starts[i], this.starts[i + 1] - 1), this.shard, row);
  }
}
