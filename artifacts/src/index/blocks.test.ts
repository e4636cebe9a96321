import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../manifest/sha256.ts';
import { BlockTable, buildBlockTable, fixedStarts } from './blocks.ts';

const bytesOf = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);

describe('block tables', () => {
  it('cover every item, in blocks of the given size, each with the sha256 of its bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 12 }), async (sizes, rows, header) => {
        const starts = [header];
        for (const s of sizes) starts.push(starts.at(-1)! + s);
        const bytes = bytesOf(starts.at(-1)!);
        const table = BlockTable.parse(await buildBlockTable(bytes, starts, rows), { key: 'x', bytes: bytes.byteLength }, sizes.length);
        expect(table.count).toBe(Math.ceil(sizes.length / rows));
        for (let item = 0; item < sizes.length; item++) {
          const b = table.blockOf(item);
          const { offset, length } = table.range(b);
          expect(offset).toBeLessThanOrEqual(starts[item]!);
          expect(offset + length).toBeGreaterThanOrEqual(starts[item + 1]!);
          expect(table.firstRow(b)).toBeLessThanOrEqual(item);
        }
        for (let b = 0; b < table.count; b++) {
          const { offset, length } = table.range(b);
          expect(table.sha256(b)).toBe(await sha256Hex(bytes.slice(offset, offset + length)));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a table that does not fit its object: wrong block count, missing digests, out of bounds, bad base64, unknown block', async () => {
    const bytes = bytesOf(100);
    const json = await buildBlockTable(bytes, fixedStarts(10, 10), 4);
    const ref = { key: 'shards/0000.similar', bytes: 100 };
    expect(() => BlockTable.parse(json, ref, 13)).toThrow(/block table of shards\/0000.similar has 3 blocks for 13 items/);
    expect(() => BlockTable.parse({ ...json, sha256: json.sha256.slice(0, 44) }, ref, 10)).toThrow(/digests/);
    expect(() => BlockTable.parse(json, { ...ref, bytes: 99 }, 10)).toThrow(/ends at byte 100 of a 99-byte object/);
    expect(() => BlockTable.parse({ ...json, offsets: '!!' }, ref, 10)).toThrow(/base64/);
    const table = BlockTable.parse(json, ref, 10);
    expect(table.range(2)).toEqual({ offset: 80, length: 20 });
    expect(() => table.range(3)).toThrow(/outside the object's 3 blocks/);
  });
});
