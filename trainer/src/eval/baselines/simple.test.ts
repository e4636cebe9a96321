import { describe, expect, it } from 'vitest';
import { evaluateRanking } from '../ranking.ts';
import { popularityScorer, randomScorer } from './simple.ts';
import { toyQuery, toyView } from './fixtures.ts';

const score = async (scorer: ReturnType<typeof randomScorer>, numQueries: number): Promise<Float32Array> => {
  const out = new Float32Array(numQueries * 6);
  await scorer.scoreBlock(Array.from({ length: numQueries }, () => toyQuery(-1, [])), out);
  return out;
};

describe('popularityScorer', () => {
  it('scores items by training degree for every query, cold start included', async () => {
    const scorer = popularityScorer(toyView());
    expect(scorer.name).toBe('popularity');
    expect(scorer.cannotScore).toBeUndefined();
    expect(Array.from(await score(scorer, 2))).toEqual([2, 3, 3, 3, 1, 0, 2, 3, 3, 3, 1, 0]);
  });

  it('refuses a buffer of the wrong shape', async () => {
    await expect(async () => popularityScorer(toyView()).scoreBlock([toyQuery(0, [])], new Float32Array(5))).rejects.toThrow(/expected 1 queries × 6 items/);
  });
});

describe('randomScorer', () => {
  it('is reproducible per seed, differs per query and lies in [0, 1)', async () => {
    const a = await score(randomScorer(toyView(), 9), 2);
    expect(Array.from(await score(randomScorer(toyView(), 9), 2))).toEqual(Array.from(a));
    expect(Array.from(await score(randomScorer(toyView(), 10), 2))).not.toEqual(Array.from(a));
    expect(Array.from(a.subarray(0, 6))).not.toEqual(Array.from(a.subarray(6)));
    for (const s of a) expect(s >= 0 && s < 1).toBe(true);
  });

  it('does not depend on the block size', async () => {
    const whole = await score(randomScorer(toyView(), 3), 4);
    const split = randomScorer(toyView(), 3);
    const parts = [...(await score(split, 1)), ...(await score(split, 3))];
    expect(parts).toEqual(Array.from(whole));
  });

  it('ranks a relevant item near the middle on average', async () => {
    const view = { ...toyView(), graph: { numNodes: 101, offsets: new Int32Array(102), targets: new Int32Array(0) } };
    const numQueries = 300;
    const r = await evaluateRanking(
      {
        numItems: 101,
        queries: Array.from({ length: numQueries }, () => toyQuery(-1, [])),
        relevant: Array.from({ length: numQueries }, () => Int32Array.of(0)),
        excluded: Array.from({ length: numQueries }, () => new Int32Array(0)),
      },
      randomScorer(view, 1),
      { seed: 1, ks: [50] },
    );
    expect(r.metrics!['hr@50']).toBeGreaterThan(0.4);
    expect(r.metrics!['hr@50']).toBeLessThan(0.6);
  });
});
