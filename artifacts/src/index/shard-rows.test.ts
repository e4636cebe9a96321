import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ItemDisplay } from '../manifest/schema.ts';
import { encodeShardRows, RowBlock, ShardRows } from './shard-rows.ts';

const bytesOf = (s: string): Uint8Array => new TextEncoder().encode(s);
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

describe('shard rows object', () => {
  it('round-trips any display rows, newlines and unicode in titles included', () => {
    const row = fc.record({ id: fc.string({ minLength: 1 }), title: fc.string({ unit: 'binary' }), price: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }), popularity: fc.nat() }, { requiredKeys: ['id', 'title', 'popularity'] });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.nat(1000), (rows, shard) => {
        const keys = rows.map((_, i) => 3 * i + 1);
        const parsed = ShardRows.parse(bytesOf(encodeShardRows(shard, keys, rows as ItemDisplay[])), shard);
        expect(parsed.keys).toEqual(keys);
        rows.forEach((r, i) => expect(parsed.row(i)).toEqual(JSON.parse(JSON.stringify(r))));
        // Any run of rows, cut at the line starts, reads alone as a block.
        const bytes = bytesOf(encodeShardRows(shard, keys, rows as ItemDisplay[]));
        for (let first = 0; first < rows.length; first += 7) {
          const count = Math.min(7, rows.length - first);
          const block = RowBlock.parse(bytes.subarray(parsed.starts[first], parsed.starts[first + count]), shard, first, count);
          for (let i = first; i < first + count; i++) expect(block.row(i)).toEqual(parsed.row(i));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses another shard, unsorted keys, missing or extra rows, and an out-of-range row', () => {
    const good = encodeShardRows(4, [1, 5], [{ id: 'a', title: 'A', popularity: 1 }, { id: 'b', title: 'B', popularity: 2 }]);
    expect(codeOf(() => ShardRows.parse(bytesOf(good), 3))).toBe('artifact/corrupt');
    expect(codeOf(() => ShardRows.parse(bytesOf(good.replace('[1,5]', '[5,1]')), 4))).toBe('artifact/corrupt');
    expect(codeOf(() => ShardRows.parse(bytesOf(good.split('\n').slice(0, 2).join('\n') + '\n'), 4))).toBe('artifact/corrupt');
    expect(codeOf(() => ShardRows.parse(bytesOf(good + '{"id":"c"}\n'), 4))).toBe('artifact/corrupt');
    expect(codeOf(() => ShardRows.parse(bytesOf('not json\n'), 4))).toBe('artifact/corrupt');
    expect(codeOf(() => ShardRows.parse(new Uint8Array(0), 4))).toBe('artifact/corrupt');
    expect(codeOf(() => ShardRows.parse(bytesOf(good), 4).row(2))).toBe('artifact/corrupt');
    const lines = bytesOf('{"id":"a","title":"A","popularity":1}\n{"id":"b","title":"B","popularity":2}\n');
    expect(RowBlock.parse(lines, 4, 256, 2).row(257).id).toBe('b');
    expect(codeOf(() => RowBlock.parse(lines, 4, 256, 3))).toBe('artifact/corrupt');
    expect(codeOf(() => RowBlock.parse(lines, 4, 256, 1))).toBe('artifact/corrupt');
    expect(codeOf(() => RowBlock.parse(lines, 4, 256, 2).row(255))).toBe('artifact/corrupt');
    expect(codeOf(() => RowBlock.parse(bytesOf('{"id":\n'), 4, 0, 1).row(0))).toBe('artifact/corrupt');
  });
});
