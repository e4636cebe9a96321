import { describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { leaveLastOut, temporalSplit } from '../graph/interaction-splits.ts';
import { evaluateRanking } from './ranking.ts';
import type { Scorer } from './types.ts';
import { interactionsOf, itemIdOf, toyReviewGraph } from './user-fixtures.ts';
import { leaveLastOutTask, userQuery, userRankingTask } from './user-protocols.ts';

const ids = (a: Int32Array): number[] => Array.from(a);
const sorted = (xs: number[]): number[] => xs.slice().sort((a, b) => a - b);

/** Scores from a per-item table (by external id), the same for every query; unlisted items score 0. */
function tableScorer(itemOf: (asin: string) => number, numItems: number, table: Record<string, number>): Scorer {
  const row = new Float32Array(numItems);
  for (const [asin, s] of Object.entries(table)) row[itemOf(asin)] = s;
  return { name: 'table', scoreBlock: (queries, out) => queries.forEach((_, q) => out.set(row, q * numItems)) };
}

// u1: A B | C (val) | D (test); u2 has two interactions, so keeps both in training; u3: B | C | E.
const LLO = [
  ['u1', 'A', 1], ['u1', 'B', 2], ['u1', 'C', 3], ['u1', 'D', 4],
  ['u2', 'A', 1], ['u2', 'E', 2],
  ['u3', 'B', 5], ['u3', 'C', 6], ['u3', 'E', 7],
] as const;

describe('leaveLastOutTask (DGL protocol)', () => {
  it('queries each user with a test item by the latest training item and the history; masks training and validation items', async () => {
    const g = await toyReviewGraph(LLO);
    const at = itemIdOf(g);
    const task = leaveLastOutTask(g, leaveLastOut(g));
    expect(Array.from(task.queryUsers, (u) => g.userIds[u])).toEqual(['u1', 'u3']);
    expect(task.queries.map((q) => q.node)).toEqual([at('B'), at('B')]);
    expect(ids(task.queries[0].knownNeighbors)).toEqual([at('A'), at('B')]);
    expect(ids(task.queries[1].knownNeighbors)).toEqual([at('B')]);
    expect(task.relevant.map(ids)).toEqual([[at('D')], [at('E')]]);
    expect(task.excluded.map(ids)).toEqual([sorted([at('A'), at('B'), at('C')]), sorted([at('B'), at('C')])]);
    expect(task.candidates).toBeUndefined();
    // D is only ever u1's test item: a cold item, counted.
    expect(task.stats).toMatchObject({ users: 3, queries: 2, usersWithoutTest: 1, usersWithoutHistory: 0, testInteractions: 2, coldTestInteractions: 1, usersAllTestCold: 1, warmItems: 3, candidates: 5 });
  });

  it('rejects a split that gives a user more than one test item', async () => {
    const g = await toyReviewGraph(LLO);
    const split = {
      train: interactionsOf(g, [['u1', 'A'], ['u2', 'A'], ['u2', 'E'], ['u3', 'B']]),
      val: new Int32Array(0),
      test: interactionsOf(g, [['u1', 'B'], ['u1', 'C'], ['u1', 'D'], ['u3', 'C'], ['u3', 'E']]),
    };
    expect(() => leaveLastOutTask(g, split)).toThrow(/one test item; user/);
  });

  it('ranks a test item first even when seen items score higher (they are masked)', async () => {
    const g = await toyReviewGraph(LLO);
    const at = itemIdOf(g);
    const task = leaveLastOutTask(g, leaveLastOut(g));
    const scorer = tableScorer(at, g.numItems, { A: 9, B: 8, C: 7, D: 6, E: 5 });
    const r = await evaluateRanking(task, scorer, { seed: 3, ks: [1] });
    // u1: A, B, C masked → D first. u3: B, C masked → A (9) and D (6) outrank E (5), so E is third.
    expect(r.metrics!['hr@1']).toBe(0.5);
    expect(r.metrics!.mrr).toBeCloseTo((1 + 1 / 3) / 2, 6);
  });
});

// Times put u1's A, B and u2's A, C in training; u3's E in training, G in validation; the rest in test.
const TEMPORAL = [
  ['u1', 'A', 1], ['u1', 'B', 2], ['u1', 'C', 9], ['u1', 'D', 10],
  ['u2', 'A', 3], ['u2', 'C', 4],
  ['u3', 'E', 5], ['u3', 'G', 6], ['u3', 'F', 11],
  ['u4', 'G', 12],
] as const;

async function temporalToy() {
  const g = await toyReviewGraph(TEMPORAL);
  const split = {
    train: interactionsOf(g, [['u1', 'A'], ['u1', 'B'], ['u2', 'A'], ['u2', 'C'], ['u3', 'E']]),
    val: interactionsOf(g, [['u3', 'G']]),
    test: interactionsOf(g, [['u1', 'C'], ['u1', 'D'], ['u3', 'F'], ['u4', 'G']]),
  };
  return { g, split, at: itemIdOf(g) };
}

describe('userRankingTask (the study’s temporal protocol)', () => {
  it('keeps cold test items relevant over the whole catalogue and counts them', async () => {
    const { g, split, at } = await temporalToy();
    const task = userRankingTask(g, split);
    expect(Array.from(task.queryUsers, (u) => g.userIds[u])).toEqual(['u1', 'u3']);
    expect(task.relevant.map(ids)).toEqual([sorted([at('C'), at('D')]), [at('F')]]);
    expect(task.excluded.map(ids)).toEqual([sorted([at('A'), at('B')]), sorted([at('E'), at('G')])]);
    expect(task.queries[1].node).toBe(at('E'));
    expect(task.stats).toMatchObject({ users: 4, queries: 2, usersWithoutTest: 1, usersWithoutHistory: 1, testInteractions: 3, coldTestInteractions: 2, usersAllTestCold: 1, usersDroppedCold: 0, warmItems: 4, candidates: 7 });
  });

  it("with coldItems 'drop' ranks warm items only, keeps warm test items, drops users left with none", async () => {
    const { g, split, at } = await temporalToy();
    const task = userRankingTask(g, split, { coldItems: 'drop' });
    expect(Array.from(task.queryUsers, (u) => g.userIds[u])).toEqual(['u1']);
    expect(task.relevant.map(ids)).toEqual([[at('C')]]);
    const warm = ['A', 'B', 'C', 'E'].map(at);
    expect(Array.from(task.candidates!, (c, i) => (c ? i : -1)).filter((i) => i >= 0)).toEqual(sorted(warm));
    expect(task.stats).toMatchObject({ queries: 1, usersDroppedCold: 1, testInteractions: 1, coldTestInteractions: 0, candidates: 4 });
  });

  it('counts a user as a hit at K when any one of their test items is in the top K', async () => {
    const { g, split, at } = await temporalToy();
    const task = userRankingTask(g, split);
    // u1 (A, B masked): D first, C last. u3 (E, G masked): A and D outrank F, so F is third;
    // were G (validation) not masked, F would be fourth.
    const scorer = tableScorer(at, g.numItems, { A: 10, D: 5, G: 4, F: 3, E: 2, C: -1 });
    const r = await evaluateRanking(task, scorer, { seed: 1, ks: [1, 3] });
    expect(r.metrics).toMatchObject({ 'hr@1': 0.5, 'recall@1': 0.25, 'hr@3': 1, 'recall@3': 0.75 });
  });

  it('works on temporalSplit itself: validation masked, nobody’s test item in their history', async () => {
    const g = await toyReviewGraph(TEMPORAL);
    const at = itemIdOf(g);
    // 6 train (times 1-6), 1 validation (u1's C at 9), 3 test (u1's D, u3's F, u4's G).
    const task = userRankingTask(g, temporalSplit(g, { trainFraction: 0.6, valFraction: 0.1 }));
    expect(Array.from(task.queryUsers, (u) => g.userIds[u])).toEqual(['u1', 'u3']);
    expect(task.excluded.map(ids)[0]).toEqual(sorted([at('A'), at('B'), at('C')]));
    expect(task.stats.usersWithoutHistory).toBe(1);
    task.queries.forEach((q, i) => {
      const history = new Set(q.knownNeighbors);
      for (const r of task.relevant[i]) expect(history.has(r)).toBe(false);
    });
  });

  it('rejects overlapping or out-of-range splits and empty histories', async () => {
    const { g, split } = await temporalToy();
    const overlapping = { ...split, val: Int32Array.of(split.train[0]) };
    expect(() => userRankingTask(g, overlapping)).toThrow(/and another part/);
    try {
      userRankingTask(g, { ...split, test: Int32Array.of(999) });
      expect.unreachable();
    } catch (err) {
      expect(isGraphrecError(err, 'eval/bad-split')).toBe(true);
    }
    expect(() => userQuery([])).toThrow(/at least one training item/);
  });
});
