import { describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { evaluateRanking } from './ranking.ts';
import type { Query, RankingTask } from './types.ts';
import { alignEmbeddings, userEmbeddingScorer } from './user-embeddings.ts';
import { userQuery } from './user-protocols.ts';

const deg = (d: number): [number, number] => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)];
// Items at 0°, 90°, 80°, 45°, and item 4 without an embedding (zero row).
const ITEMS = Float32Array.from([...deg(0), ...deg(90), ...deg(80), ...deg(45), 0, 0]);

async function scores(mode: 'latest-item' | 'mean-history', queries: Query[]): Promise<number[][]> {
  const scorer = userEmbeddingScorer('pinsage', ITEMS, 2, mode);
  const out = new Float32Array(queries.length * 5);
  await scorer.scoreBlock(queries, out);
  return queries.map((_, q) => Array.from(out.subarray(q * 5, (q + 1) * 5)));
}

describe('userEmbeddingScorer', () => {
  it('latest-item ranks by the latest item, mean-history by the mean of the history', async () => {
    const task: RankingTask = { numItems: 5, queries: [userQuery([0, 1])], relevant: [Int32Array.of(2)], excluded: [Int32Array.of(0, 1)] };
    const latest = await evaluateRanking(task, userEmbeddingScorer('pinsage', ITEMS, 2, 'latest-item'), { seed: 1, ks: [1] });
    expect(latest.method).toBe('pinsage/latest-item');
    expect(latest.metrics?.['hr@1']).toBe(1);
    const mean = await evaluateRanking({ ...task, relevant: [Int32Array.of(3)] }, userEmbeddingScorer('pinsage', ITEMS, 2, 'mean-history'), { seed: 1, ks: [1] });
    expect(mean.method).toBe('pinsage/mean-history');
    expect(mean.metrics?.['hr@1']).toBe(1);
  });

  it('scores are cosines with a unit query; a missing latest item falls back to the previous one', async () => {
    const [[mean], [fallback], [none]] = await Promise.all([
      scores('mean-history', [userQuery([0, 1])]),
      scores('latest-item', [userQuery([0, 4])]),
      scores('latest-item', [userQuery([4])]),
    ]);
    expect(mean[3]).toBeCloseTo(1, 5);
    expect(mean[0]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(fallback[0]).toBeCloseTo(1, 5);
    expect(fallback[1]).toBeCloseTo(0, 5);
    expect(none).toEqual([0, 0, 0, 0, 0]);
    const [meanWithMissing] = await scores('mean-history', [userQuery([0, 4])]);
    expect(meanWithMissing[0]).toBeCloseTo(1, 5);
  });

  it('rejects a matrix that is not rows of dim', () => {
    expect(() => userEmbeddingScorer('x', new Float32Array(5), 2, 'latest-item')).toThrow(/not rows of dim 2/);
  });
});

describe('alignEmbeddings', () => {
  it('reorders rows to the target ids, zero rows for missing ids, and counts them', () => {
    const source = { ids: ['x', 'y', 'z'], matrix: Float32Array.of(1, 0, 0, 1, 0.6, 0.8), dim: 2 };
    const aligned = alignEmbeddings(source, ['z', 'w', 'x', 'v']);
    expect(Array.from(aligned.matrix)).toEqual([0.6, 0.8, 0, 0, 1, 0, 0, 0].map((v) => Math.fround(v)));
    expect(aligned).toMatchObject({ dim: 2, missing: 2, missingExamples: ['w', 'v'] });
  });

  it('rejects a source matrix of the wrong shape', () => {
    try {
      alignEmbeddings({ ids: ['x', 'y'], matrix: new Float32Array(3), dim: 2 }, ['x']);
      expect.unreachable();
    } catch (err) {
      expect(isGraphrecError(err, 'eval/dim-mismatch')).toBe(true);
    }
  });
});
