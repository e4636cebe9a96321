import { describe, expect, it } from 'vitest';
import { NEEDS_FEATURES, tfidfScorer } from './content.ts';
import { toyQuery, toyView } from './fixtures.ts';

describe('tfidfScorer', () => {
  it('gives the cosine between the query and each item row', async () => {
    const scorer = tfidfScorer(toyView());
    expect(scorer.name).toBe('tfidf');
    const out = new Float32Array(12).fill(5);
    // query (f0: 1, f2: 1) normalises to 1/√2 each; item 2 renormalises to (0.6, 0.8)
    await scorer.scoreBlock([toyQuery(-1, [], [[0, 1], [2, 1]]), toyQuery(-1, [], [])], out);
    const h = Math.SQRT1_2;
    const want = [h, 0.5, 0.6 * h, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    out.forEach((s, i) => expect(s, `entry ${i}`).toBeCloseTo(want[i], 6));
  });

  it('scores identical documents 1 and disjoint ones 0', async () => {
    const out = new Float32Array(6);
    await tfidfScorer(toyView()).scoreBlock([toyQuery(-1, [], [[2, 6], [3, 8]])], out);
    expect(out[2]).toBeCloseTo(1, 6);
    expect(out[0]).toBe(0);
    expect(out[1]).toBe(0);
  });

  it('scores cold-start queries from features and refuses only when none has any', () => {
    const scorer = tfidfScorer(toyView());
    expect(scorer.cannotScore!([toyQuery(-1, [], [[1, 1]])])).toBeUndefined();
    expect(scorer.cannotScore!([toyQuery(-1, [], []), toyQuery(-1, [], [[1, 1]])])).toBeUndefined();
    expect(scorer.cannotScore!([toyQuery(0, [1, 2], [])])).toBe(NEEDS_FEATURES);
  });

  it('refuses a feature id outside the vocabulary', async () => {
    await expect(async () => tfidfScorer(toyView()).scoreBlock([toyQuery(-1, [], [[5, 1]])], new Float32Array(6))).rejects.toThrow(/outside \[0, 5\)/);
  });
});
