import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { Diagnostics } from './diagnostics.ts';
import type { ReviewRecord } from './records.ts';
import { normalizeReview, parseReviewLine, readReviews } from './reviews.ts';
import { fixtureFolder } from '../../../test/helpers/fixtures.ts';

const DATASETS = fileURLToPath(new URL('../../../../shared/datasets/', import.meta.url));
const GIFT_CARDS = join(DATASETS, 'amazon-gift-cards-2018', 'Gift_Cards_5.json.gz');
const MUSICAL = join(DATASETS, 'amazon-musical-instruments-5core-2014', 'reviews_Musical_Instruments_5.json.gz');

const { dir, writeLines: fixture } = fixtureFolder('reviews');

async function collect(path: string, diagnostics: Diagnostics): Promise<ReviewRecord[]> {
  const out: ReviewRecord[] = [];
  for await (const record of readReviews(path, diagnostics)) out.push(record);
  return out;
}

const LINES = [
  '{"reviewerID": "A2IBPI20UZIR0U", "asin": "1384719342", "reviewerName": "cassandra", "helpful": [0, 0], "reviewText": "ok", "overall": 5.0, "summary": "good", "unixReviewTime": 1393545600, "reviewTime": "02 28, 2014"}',
  '{"overall": 4.0, "verified": true, "reviewerID": "A31UBHTUUIFJUT", "asin": "B004LLIKVU", "vote": "1,234", "unixReviewTime": 1529193600}',
  '{"overall": 1.0, "reviewerID": "U3", "asin": "B004LLIKVU", "unixReviewTime": 1528934400}',
  '{"overall": 5.0, "reviewerID": "U4", "asin": "B0',
  '{"overall": 6.0, "reviewerID": "U5", "asin": "B5", "unixReviewTime": 1}',
  '{"overall": 5.0, "asin": "B6", "unixReviewTime": 1}',
  '{"overall": "5", "reviewerID": "U7", "asin": "B7", "unixReviewTime": 1}',
  'not json at all',
  '{"overall": 3.0, "reviewerID": "U9", "asin": "B9", "unixReviewTime": 1, "helpful": [1]}',
];

describe('normalizeReview', () => {
  it('maps the 2014 fields, with helpful votes and totals', () => {
    expect(parseReviewLine(LINES[0])).toEqual({
      userId: 'A2IBPI20UZIR0U',
      asin: '1384719342',
      rating: 5,
      helpfulVotes: 0,
      totalVotes: 0,
      time: 1393545600,
    });
    expect(normalizeReview({ reviewerID: 'U', asin: 'A', overall: 3, unixReviewTime: 9, helpful: [13, 14] })).toMatchObject(
      { helpfulVotes: 13, totalVotes: 14 },
    );
  });

  it('maps the 2018 fields, with an optional vote string', () => {
    expect(parseReviewLine(LINES[1])).toEqual({
      userId: 'A31UBHTUUIFJUT',
      asin: 'B004LLIKVU',
      rating: 4,
      helpfulVotes: 1234,
      totalVotes: undefined,
      time: 1529193600,
    });
    expect(parseReviewLine(LINES[2])).toMatchObject({ helpfulVotes: 0, totalVotes: undefined, rating: 1 });
  });

  it.each([
    [{ asin: 'A', overall: 5, unixReviewTime: 1 }, 'data/missing-field', 'reviewerID'],
    [{ reviewerID: 'U', asin: 7, overall: 5, unixReviewTime: 1 }, 'data/missing-field', 'asin'],
    [{ reviewerID: 'U', asin: 'A', unixReviewTime: 1 }, 'data/missing-field', 'overall'],
    [{ reviewerID: 'U', asin: 'A', overall: 5 }, 'data/missing-field', 'unixReviewTime'],
    [{ reviewerID: 'U', asin: 'A', overall: 0, unixReviewTime: 1 }, 'data/wrong-type', 'overall: expected a rating'],
    [{ reviewerID: 'U', asin: 'A', overall: 5.5, unixReviewTime: 1 }, 'data/wrong-type', 'overall'],
    [{ reviewerID: 'U', asin: 'A', overall: '5', unixReviewTime: 1 }, 'data/wrong-type', 'overall'],
    [{ reviewerID: 'U', asin: 'A', overall: 5, unixReviewTime: '1' }, 'data/wrong-type', 'unixReviewTime'],
    [{ reviewerID: 'U', asin: 'A', overall: 5, unixReviewTime: 1, helpful: [1, -1] }, 'data/wrong-type', 'helpful'],
    [{ reviewerID: 'U', asin: 'A', overall: 5, unixReviewTime: 1, vote: 'many' }, 'data/wrong-type', 'vote'],
    [[1, 2], 'data/wrong-type', 'line'],
  ])('rejects %j with %s', (value, code, message) => {
    let caught: unknown;
    try {
      normalizeReview(value);
    } catch (err) {
      caught = err;
    }
    expect(isGraphrecError(caught, code)).toBe(true);
    expect((caught as Error).message).toContain(message);
  });

  it('rejects non-finite ratings', () => {
    for (const overall of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => normalizeReview({ reviewerID: 'U', asin: 'A', overall, unixReviewTime: 1 })).toThrow(/overall/);
    }
  });
});

describe('readReviews', () => {
  it.each([false, true])('reads a file (gzip: %s), reporting and skipping bad lines', async (gzip) => {
    const path = fixture(`reviews_${gzip}.json${gzip ? '.gz' : ''}`, LINES, gzip);
    const diagnostics = new Diagnostics({ maxExamples: 10 });
    const records = await collect(path, diagnostics);
    expect(records.map((r) => r.userId)).toEqual(['A2IBPI20UZIR0U', 'A31UBHTUUIFJUT', 'U3']);
    const summary = diagnostics.summary();
    expect(summary.counts).toEqual({ 'malformed-line': 2, 'wrong-type': 3, 'missing-field': 1 });
    expect(summary.examples.map((p) => [p.kind, p.line])).toEqual([
      ['malformed-line', 4],
      ['wrong-type', 5],
      ['missing-field', 6],
      ['wrong-type', 7],
      ['malformed-line', 8],
      ['wrong-type', 9],
    ]);
    expect(summary.examples.every((p) => p.file === path)).toBe(true);
  });

  it('reports a truncated gzip and keeps the whole lines before the cut', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) =>
      JSON.stringify({ reviewerID: `U${i}`, asin: `A${(i * 7919) % 1000}`, overall: 1 + (i % 5), unixReviewTime: i }),
    );
    const full = gzipSync(lines.join('\n') + '\n');
    const path = join(dir, 'truncated.json.gz');
    writeFileSync(path, full.subarray(0, full.length - Math.floor(full.length / 3)));
    const diagnostics = new Diagnostics();
    const records = await collect(path, diagnostics);
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(lines.length);
    expect(records.map((r) => r.userId)).toEqual(records.map((_, i) => `U${i}`));
    expect(diagnostics.summary().counts).toEqual({ 'truncated-gzip': 1 });
    expect(diagnostics.summary().examples[0].line).toBe(records.length + 1);
  });

  it('throws on the first problem when strict', async () => {
    const path = fixture('reviews_strict.json', LINES);
    const run = async () => {
      for await (const _ of readReviews(path, new Diagnostics({ strict: true })));
    };
    await expect(run()).rejects.toSatisfy((err: unknown) => isGraphrecError(err, 'data/malformed-line'));
    await expect(run()).rejects.toThrow(`${path}:4: malformed-line`);
  });

  const realData: ReadonlyArray<[string, string, number, number, number]> = [
    ['2018 Gift Cards', GIFT_CARDS, 2972, 458, 148],
    ['2014 Musical Instruments', MUSICAL, 10261, 1429, 900],
  ];
  for (const [name, path, reviews, users, items] of realData) {
    const folder = join(path, '..');
    const absent = existsSync(folder) ? '' : ` (skipped: dataset folder ${folder} is absent)`;
    it.skipIf(!existsSync(folder))(`reads the real ${name} 5-core reviews${absent}`, async () => {
      const diagnostics = new Diagnostics();
      const records = await collect(path, diagnostics);
      expect(diagnostics.total).toBe(0);
      expect(records).toHaveLength(reviews);
      expect(new Set(records.map((r) => r.userId)).size).toBe(users);
      expect(new Set(records.map((r) => r.asin)).size).toBe(items);
      expect(records.every((r) => Number.isInteger(r.rating) && r.time > 0)).toBe(true);
    });
  }
});
