import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { formatMetaLine, formatReviewLine, pyAsinList, pyFloat, pyString, reviewTimeOf } from './writers.ts';

const REAL_REVIEWS = fileURLToPath(
  new URL('../../../../shared/datasets/amazon-musical-instruments-5core-2014/reviews_Musical_Instruments_5.json.gz', import.meta.url),
);

describe('pyString', () => {
  it('matches Python repr quoting and escapes', () => {
    expect(pyString('Girls Ballet Tutu')).toBe("'Girls Ballet Tutu'");
    expect(pyString("Men's")).toBe(`"Men's"`);
    expect(pyString('12" tall')).toBe(`'12" tall'`);
    expect(pyString(`Men's 12"`)).toBe(`'Men\\'s 12"'`);
    expect(pyString('a\\b\nc\x01')).toBe(`'a\\\\b\\nc\\x01'`);
    expect(pyString(`it's a\\b`)).toBe(`"it's a\\\\b"`);
  });
});

describe('pyFloat', () => {
  it('writes floats as Python repr does', () => {
    expect(pyFloat(12)).toBe('12.0');
    expect(pyFloat(3.17)).toBe('3.17');
    expect(pyFloat(0.1)).toBe('0.1');
  });
});

describe('formatMetaLine', () => {
  it('writes the documented 2014 example shape and leaves out absent fields', () => {
    const line = formatMetaLine({
      asin: '0000031852',
      title: 'Girls Ballet Tutu',
      price: 3.17,
      imUrl: 'http://x/51f.jpg',
      alsoBought: pyAsinList(new Int32Array([0, 41]), 2),
      alsoViewed: undefined,
      boughtTogether: undefined,
      salesRank: { category: 'Toys & Games', rank: 211836 },
      brand: 'Coxlures',
      categories: [['Sports & Outdoors', 'Other Sports', 'Dance']],
    });
    expect(line).toBe(
      "{'asin': '0000031852', 'title': 'Girls Ballet Tutu', 'price': 3.17, 'imUrl': 'http://x/51f.jpg', " +
        "'related': {'also_bought': ['B000000001', 'B000000042']}, 'salesRank': {'Toys & Games': 211836}, " +
        "'brand': 'Coxlures', 'categories': [['Sports & Outdoors', 'Other Sports', 'Dance']]}",
    );
  });
});

describe('formatReviewLine', () => {
  it('writes reviewTime as MM D, YYYY', () => {
    expect(reviewTimeOf(1393545600)).toBe('02 28, 2014');
    expect(reviewTimeOf(Date.UTC(2012, 0, 1) / 1000)).toBe('01 1, 2012');
  });

  it.skipIf(!existsSync(REAL_REVIEWS))('reproduces real 2014 5-core lines byte for byte (needs ../shared/datasets)', async () => {
    const lines = createInterface({ input: createReadStream(REAL_REVIEWS).pipe(createGunzip()) });
    let checked = 0;
    for await (const line of lines) {
      const r = JSON.parse(line) as Record<string, unknown>;
      // The generator only writes ASCII; json.dumps escapes anything else, which JSON.stringify does not.
      if (!/^[\x20-\x7e]*$/.test(line) || (r.overall as number) % 1 !== 0) continue;
      const unixReviewTime = r.unixReviewTime as number;
      expect(
        formatReviewLine({
          reviewerID: r.reviewerID as string,
          asin: r.asin as string,
          reviewerName: r.reviewerName as string | undefined,
          helpful: r.helpful as [number, number],
          reviewText: r.reviewText as string,
          overall: r.overall as number,
          summary: r.summary as string,
          unixReviewTime,
          reviewTime: reviewTimeOf(unixReviewTime),
        }),
      ).toBe(line);
      if (++checked === 500) break;
    }
    expect(checked).toBe(500);
  });
});
