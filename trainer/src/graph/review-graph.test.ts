import { describe, expect, it } from 'vitest';
import type { ReviewRecord } from '../data/records.ts';
import { leaveLastOut, temporalSplit } from './interaction-splits.ts';
import { buildItemFeatures, buildReviewGraph } from './review-graph.ts';

function review(userId: string, asin: string, time: number, extra: Partial<ReviewRecord> = {}): ReviewRecord {
  return { userId, asin, rating: 5, helpfulVotes: 0, totalVotes: 0, time, ...extra };
}

async function* stream(records: ReviewRecord[]): AsyncGenerator<ReviewRecord> {
  yield* records;
}

const reviews = [
  review('u1', 'A', 30),
  review('u2', 'B', 5, { helpfulVotes: 3, totalVotes: 4 }),
  review('u1', 'B', 10),
  review('u1', 'C', 20),
  review('u1', 'A', 40),
  review('u2', 'C', 6, { totalVotes: undefined, helpfulVotes: 9 }),
  review('u3', 'A', 1),
];

describe('buildReviewGraph', () => {
  it('groups interactions by user in time order, drops repeated pairs, indexes by item', async () => {
    const g = await buildReviewGraph(stream(reviews));
    expect(g.numUsers).toBe(3);
    expect(g.numItems).toBe(3);
    expect(g.stats).toEqual({ reviewsRead: 7, duplicateReviews: 1, interactions: 6 });
    const u1 = g.userIds.indexOf('u1');
    const items = Array.from(g.item.subarray(g.userOffsets[u1], g.userOffsets[u1 + 1]), (i) => g.asins[i]);
    expect(items).toEqual(['B', 'C', 'A']);
    expect(Array.from(g.time.subarray(g.userOffsets[u1], g.userOffsets[u1 + 1]))).toEqual([10, 20, 30]);
    const a = g.asins.indexOf('A');
    const usersOfA = Array.from(g.itemEdges.subarray(g.itemOffsets[a], g.itemOffsets[a + 1]), (e) => g.userIds[g.user[e]]).sort();
    expect(usersOfA).toEqual(['u1', 'u3']);
    const u2 = g.userIds.indexOf('u2');
    expect(g.helpfulness[g.userOffsets[u2]]).toBeCloseTo(0.75);
    expect(g.helpfulness[g.userOffsets[u2] + 1]).toBe(0);
  });

  it('fills missing prices with the median in integer cents', async () => {
    const g = await buildReviewGraph(stream(reviews));
    const meta = new Map([
      ['A', { title: 'Guitar strings', price: 5.99 }],
      ['B', { title: 'Capo', price: undefined }],
      ['C', { title: 'Tuner', price: 12.5 }],
    ]);
    const f = buildItemFeatures(g, meta, new Map([['C', 0]]));
    const at = (asin: string): number => g.asins.indexOf(asin);
    expect(f.priceCents[at('A')]).toBe(599);
    expect(f.priceCents[at('B')]).toBe(599);
    expect(f.hasPrice[at('B')]).toBe(0);
    expect(f.imageRow[at('C')]).toBe(0);
    expect(f.stats.withImage).toBe(1);
  });
});

describe('interaction splits', () => {
  it('leave-last-one-out holds out each user’s latest item', async () => {
    const g = await buildReviewGraph(stream(reviews));
    const s = leaveLastOut(g);
    const u1 = g.userIds.indexOf('u1');
    expect(s.test.length).toBe(1);
    expect(s.test[0]).toBe(g.userOffsets[u1 + 1] - 1);
    expect(g.asins[g.item[s.test[0]]]).toBe('A');
    expect(s.val.length).toBe(1);
    expect(s.train.length + s.val.length + s.test.length).toBe(g.item.length);
  });

  it('temporal split orders by time and partitions every interaction once', async () => {
    const g = await buildReviewGraph(stream(reviews));
    const s = temporalSplit(g, { trainFraction: 0.5, valFraction: 0.25 });
    const all = [...s.train, ...s.val, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: g.item.length }, (_, i) => i));
    const maxTrain = Math.max(...Array.from(s.train, (e) => g.time[e]));
    const minTest = Math.min(...Array.from(s.test, (e) => g.time[e]));
    expect(maxTrain).toBeLessThanOrEqual(minTest);
    expect(s.train.length).toBe(3);
    expect(() => temporalSplit(g, { trainFraction: 0.9, valFraction: 0.2 })).toThrow(/below 1/);
  });
});
