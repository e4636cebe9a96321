import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { evaluateRanking } from './ranking.ts';
import type { Query } from './types.ts';
import { trainingMatrix, userItemKnnScorer, userPopularityScorer, userRandomScorer } from './user-baselines.ts';
import { interactionsOf, itemIdOf, toyReviewGraph, type ToyInteraction } from './user-fixtures.ts';
import { userQuery, userRankingTask } from './user-protocols.ts';

/**
 * Planted structure: four users reviewed A then P (P is "bought with" A); six
 * users reviewed the popular X, Y, Z; user q reviewed A and B, and P is q's
 * held-out item. Popularity puts X, Y, Z above P; ItemKNN must find P.
 */
async function planted() {
  const rows: ToyInteraction[] = [];
  for (let u = 0; u < 4; u++) rows.push([`p${u}`, 'A', 1], [`p${u}`, 'P', 2]);
  for (let u = 0; u < 6; u++) rows.push([`c${u}`, 'X', 1], [`c${u}`, 'Y', 2], [`c${u}`, 'Z', 3]);
  rows.push(['q', 'A', 1], ['q', 'B', 2], ['q', 'P', 3]);
  const g = await toyReviewGraph(rows);
  const all = Int32Array.from({ length: g.item.length }, (_, e) => e);
  const test = interactionsOf(g, [['q', 'P']]);
  const split = { train: all.filter((e) => e !== test[0]), val: new Int32Array(0), test };
  return { g, split, at: itemIdOf(g) };
}

async function scoreRows(scorer: { scoreBlock(q: readonly Query[], out: Float32Array): void | Promise<void> }, queries: Query[], numItems: number): Promise<Float32Array[]> {
  const out = new Float32Array(queries.length * numItems);
  await scorer.scoreBlock(queries, out);
  return queries.map((_, q) => out.slice(q * numItems, (q + 1) * numItems));
}

describe('user baselines on a planted graph', () => {
  it('builds the training matrix from training interactions only', async () => {
    const { g, split, at } = await planted();
    const m = trainingMatrix(g, split.train);
    const q = g.userIds.indexOf('q');
    expect(Array.from(m.userItems.subarray(m.userOffsets[q], m.userOffsets[q + 1]))).toEqual([at('A'), at('B')].sort((a, b) => a - b));
    const usersOfP = Array.from(m.itemUsers.subarray(m.itemOffsets[at('P')], m.itemOffsets[at('P') + 1]), (u) => g.userIds[u]);
    expect(usersOfP.sort()).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(m.itemOffsets[g.numItems]).toBe(split.train.length);
  });

  it('popularity counts training users per item (the held-out interaction is not counted) and misses P', async () => {
    const { g, split, at } = await planted();
    const task = userRankingTask(g, split);
    const scorer = userPopularityScorer(trainingMatrix(g, split.train));
    const [row] = await scoreRows(scorer, task.queries, g.numItems);
    expect([row[at('X')], row[at('P')], row[at('A')], row[at('B')]]).toEqual([6, 4, 5, 1]);
    const r = await evaluateRanking(task, scorer, { seed: 1, ks: [1, 3, 4] });
    expect(r.metrics).toMatchObject({ 'hr@1': 0, 'hr@3': 0, 'hr@4': 1 });
  });

  it('ItemKNN finds the co-reviewed item from the history and from the latest item alone', async () => {
    const { g, split, at } = await planted();
    const task = userRankingTask(g, split);
    const m = trainingMatrix(g, split.train);
    for (const mode of ['history', 'latest-item'] as const) {
      const query = mode === 'history' ? task.queries : [userQuery([at('B'), at('A')])];
      const r = await evaluateRanking({ ...task, queries: query }, userItemKnnScorer(m, mode), { seed: 1, ks: [1] });
      expect(r.metrics?.['hr@1'], mode).toBe(1);
    }
    // Latest item B (reviewed by q alone) shares no user with P: the latest-item variant cannot see it.
    const r = await evaluateRanking(task, userItemKnnScorer(m, 'latest-item'), { seed: 1, ks: [1] });
    expect(r.method).toBe('itemknn/latest-item');
    const [row] = await scoreRows(userItemKnnScorer(m, 'latest-item'), task.queries, g.numItems);
    expect(row[at('P')]).toBe(0);
  });
});

describe('userItemKnnScorer against brute force', () => {
  it('scores Σ_h cos(h, i) over the training users of each item', async () => {
    const rng = new Rng(11);
    const rows: ToyInteraction[] = [];
    for (let u = 0; u < 9; u++) for (let i = 0; i < 14; i++) if (rng.next() < 0.35) rows.push([`u${u}`, `i${i}`, rng.int(100)]);
    const g = await toyReviewGraph(rows);
    const train = Int32Array.from({ length: g.item.length }, (_, e) => e).filter(() => rng.next() < 0.8);
    const m = trainingMatrix(g, train);
    const users = (i: number): Set<number> => new Set(m.itemUsers.subarray(m.itemOffsets[i], m.itemOffsets[i + 1]));
    const cos = (a: number, b: number): number => {
      const ua = users(a);
      const ub = users(b);
      if (ua.size === 0 || ub.size === 0) return 0;
      let both = 0;
      for (const u of ua) if (ub.has(u)) both++;
      return both / Math.sqrt(ua.size * ub.size);
    };
    const histories = [[0, 3, 5], [2], [1, 4, 6, 7, 8]].map((h) => h.filter((i) => i < g.numItems && users(i).size > 0));
    const queries = histories.filter((h) => h.length > 0).map((h) => userQuery(h));
    for (const mode of ['history', 'latest-item'] as const) {
      const got = await scoreRows(userItemKnnScorer(m, mode), queries, g.numItems);
      queries.forEach((q, k) => {
        const h = mode === 'history' ? Array.from(q.knownNeighbors) : [q.node];
        for (let i = 0; i < g.numItems; i++) {
          const want = h.reduce((s, x) => s + cos(x, i), 0);
          expect(got[k][i], `${mode} query ${k} item ${i}`).toBeCloseTo(want, 5);
        }
      });
    }
  });
});

describe('userRandomScorer', () => {
  it('fills [0, 1) scores that differ by query and repeat by seed', async () => {
    const queries = [userQuery([0]), userQuery([1])];
    const a = await scoreRows(userRandomScorer(50, 4), queries, 50);
    const b = await scoreRows(userRandomScorer(50, 4), queries, 50);
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(a[1]);
    for (const row of a) for (const s of row) expect(s >= 0 && s < 1).toBe(true);
    expect(userRandomScorer(50, 4).name).toBe('random');
  });
});
