import { describe, expect, it } from 'vitest';
import { errorCode } from '../../../test/helpers/fixtures.ts';
import { Rng } from '../util/rng.ts';
import { csrFromEdges } from './csr.ts';
import { buildWalkGraph, coReviewedItem, RandomWalkSampler, type Neighbourhoods, type WalkOptions } from './random-walk.ts';
import type { ReviewGraph } from './review-graph.ts';
import { reviewGraphOf } from './review-graph-of.ts';
import { pairKey } from './splits.ts';
import { sampleWalkBlocks } from './walk-blocks.ts';

const all = (g: ReviewGraph): Int32Array => Int32Array.from({ length: g.item.length }, (_, e) => e);
const defaults: WalkOptions = { walks: 10, walkLength: 2, restart: 0.5, topT: 3, coPurchaseProb: 0.5 };
const row = (h: Neighbourhoods, i: number): { ids: number[]; counts: number[] } => ({
  ids: Array.from(h.neighbors.subarray(h.offsets[i], h.offsets[i + 1])),
  counts: Array.from(h.counts.subarray(h.offsets[i], h.offsets[i + 1])),
});

/** 40 users over 30 products in 3 clusters of 10; each user reviews 4 products of one cluster. */
function clustered(seed: number): ReviewGraph {
  const rng = new Rng(seed);
  const pairs: [number, number][] = [];
  for (let u = 0; u < 40; u++) {
    const c = u % 3;
    const items = new Set<number>();
    while (items.size < 4) items.add(c * 10 + rng.int(10));
    for (const i of items) pairs.push([u, i]);
  }
  return reviewGraphOf(40, 31, pairs); // product 30 has no users
}

describe('random-walk neighbourhoods', () => {
  const g = clustered(1);
  const walk = buildWalkGraph(g, all(g));
  const nodes = Int32Array.from({ length: 31 }, (_, i) => i);

  it('are deterministic per seed and differ across seeds', () => {
    const sampler = new RandomWalkSampler(walk, defaults);
    const a = sampler.sample(nodes, new Rng(7));
    const b = sampler.sample(nodes, new Rng(7));
    const c = sampler.sample(nodes, new Rng(8));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('keep at most topT products, never the product itself, most visited first, and stay inside what the walks can reach', () => {
    const sampler = new RandomWalkSampler(walk, { ...defaults, topT: 2 });
    const h = sampler.sample(nodes, new Rng(3));
    for (let v = 0; v < 30; v++) {
      const { ids, counts } = row(h, v);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThanOrEqual(2);
      expect(ids).not.toContain(v);
      for (const u of ids) expect(Math.floor(u / 10)).toBe(Math.floor(v / 10));
      for (let k = 1; k < counts.length; k++) expect(counts[k - 1]).toBeGreaterThanOrEqual(counts[k]);
      expect(counts.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(defaults.walks * defaults.walkLength);
    }
    expect(row(h, 30).ids).toEqual([]); // a product with no users has no neighbours
  });

  it('count visits exactly, honour walkLength and restart (a co-purchase chain makes every step predictable)', () => {
    // 0 → 1 → 2 → 3 → 4, directed, and no users at all.
    const chain = csrFromEdges(5, { src: Int32Array.of(0, 1, 2, 3), dst: Int32Array.of(1, 2, 3, 4) }, { undirected: false });
    const empty = reviewGraphOf(1, 5, []);
    const w = buildWalkGraph(empty, new Int32Array(0), chain);
    const from0 = (o: Partial<WalkOptions>): { ids: number[]; counts: number[] } => row(new RandomWalkSampler(w, { ...defaults, coPurchaseProb: 1, ...o }).sample(Int32Array.of(0), new Rng(1)), 0);
    expect(from0({ walks: 10, walkLength: 3, restart: 0, topT: 5 })).toEqual({ ids: [1, 2, 3], counts: [10, 10, 10] });
    expect(from0({ walks: 10, walkLength: 3, restart: 1, topT: 5 })).toEqual({ ids: [1], counts: [10] });
    expect(from0({ walks: 10, walkLength: 3, restart: 0, topT: 2 })).toEqual({ ids: [1, 2], counts: [10, 10] }); // ties: smaller id first
    const long = from0({ walks: 4000, walkLength: 4, restart: 0.5, topT: 5 });
    expect(long.ids).toEqual([1, 2, 3, 4]);
    expect(long.counts[0]).toBe(4000);
    expect(long.counts[1] / 4000).toBeCloseTo(0.5, 1);
    expect(long.counts[2] / 4000).toBeCloseTo(0.25, 1);
    expect(long.counts[3] / 4000).toBeCloseTo(0.125, 1);
    // a walk stops at a dead end (4 has no edges)
    expect(row(new RandomWalkSampler(w, { ...defaults, coPurchaseProb: 1, restart: 0 }).sample(Int32Array.of(4), new Rng(1)), 0).ids).toEqual([]);
  });

  it('rank the most visited product first', () => {
    // User 0 reviewed 0..9; users 1–3 reviewed only 0 and 1: from 0, product 1 is reached far more often.
    const pairs: [number, number][] = Array.from({ length: 10 }, (_, i) => [0, i] as [number, number]);
    for (const u of [1, 2, 3]) pairs.push([u, 0], [u, 1]);
    const star = reviewGraphOf(4, 10, pairs);
    const h = new RandomWalkSampler(buildWalkGraph(star, all(star)), { ...defaults, walks: 200 }).sample(Int32Array.of(0), new Rng(2));
    const { ids, counts } = row(h, 0);
    expect(ids[0]).toBe(1);
    expect(counts[0]).toBeGreaterThan(3 * counts[1]);
  });

  it('use only training interactions', () => {
    // Users 0 and 1 link products 0 and 5, but those interactions of product 5 are not in training.
    const pairs: [number, number][] = [[0, 0], [0, 1], [0, 5], [1, 0], [1, 2], [1, 5], [2, 5], [2, 6]];
    const small = reviewGraphOf(3, 7, pairs);
    const train = Int32Array.from(all(small).filter((e) => !(small.item[e] === 5 && small.user[e] < 2)));
    const w = buildWalkGraph(small, train);
    const h = new RandomWalkSampler(w, { ...defaults, walks: 100, topT: 6 }).sample(Int32Array.of(0, 5), new Rng(4));
    expect(row(h, 0).ids.sort()).toEqual([1, 2]);
    expect(row(h, 1).ids).toEqual([6]);
  });

  it('hide excluded pairs and still fill topT from other products', () => {
    const sampler = new RandomWalkSampler(walk, defaults);
    const free = row(sampler.sample(Int32Array.of(0), new Rng(5)), 0).ids;
    const excluded = new Set([pairKey(0, free[0], g.numItems)]);
    const hidden = row(sampler.sample(Int32Array.of(0), new Rng(5), excluded), 0).ids;
    expect(hidden).not.toContain(free[0]);
    expect(hidden.slice(0, 2)).toEqual(free.slice(1));
  });

  it('follow co-purchase edges in the unified graph', () => {
    // Product 30 has no users; a co-purchase edge 0–30 makes it reachable from 0 and gives it neighbours.
    const cp = csrFromEdges(31, { src: Int32Array.of(0), dst: Int32Array.of(30) });
    const sampler = new RandomWalkSampler(buildWalkGraph(g, all(g), cp), { ...defaults, walks: 50, topT: 30 });
    const h = sampler.sample(Int32Array.of(0, 30), new Rng(6));
    expect(row(h, 0).ids).toContain(30);
    expect(row(h, 1).ids.length).toBeGreaterThan(0);
    expect(errorCode(() => buildWalkGraph(g, all(g), csrFromEdges(5, { src: Int32Array.of(0), dst: Int32Array.of(1) })))).toBe('walk/item-mismatch');
  });

  it('reject bad options and interaction indices', () => {
    expect(errorCode(() => new RandomWalkSampler(walk, { ...defaults, restart: 1.5 }))).toBe('walk/bad-option');
    expect(errorCode(() => new RandomWalkSampler(walk, { ...defaults, topT: 0 }))).toBe('walk/bad-option');
    expect(errorCode(() => buildWalkGraph(g, Int32Array.of(g.item.length)))).toBe('walk/bad-interaction');
  });

  it('sample about 1M walk steps a second or more', () => {
    const big = clustered(2);
    const sampler = new RandomWalkSampler(buildWalkGraph(big, all(big)), { ...defaults, restart: 0 });
    const many = Int32Array.from({ length: 20_000 }, (_, i) => i % 30);
    const t = performance.now();
    sampler.sample(many, new Rng(1));
    const stepsPerSecond = (20_000 * 10 * 2) / ((performance.now() - t) / 1000);
    expect(stepsPerSecond).toBeGreaterThan(1e6);
  });
});

describe('coReviewedItem', () => {
  it('draws another product of the same user uniformly, never the product itself', () => {
    const g = reviewGraphOf(2, 5, [[0, 0], [0, 1], [0, 2], [0, 3], [1, 4]]);
    const walk = buildWalkGraph(g, all(g));
    const rng = new Rng(9);
    const seen = new Map<number, number>();
    for (let k = 0; k < 3000; k++) {
      const t = coReviewedItem(walk, 1, 0, rng); // interaction 1: user 0, product 1
      seen.set(t, (seen.get(t) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual([0, 2, 3]);
    for (const n of seen.values()) expect(n / 3000).toBeCloseTo(1 / 3, 1);
    expect(coReviewedItem(walk, 4, 1, rng)).toBe(-1);
  });

  it('with a window, draws only among the user\'s neighbouring interactions in time, in training', () => {
    // User 0 reviewed products 0..5 in this order; interaction 6 (product 6) is not in training.
    const g = reviewGraphOf(1, 7, [[0, 0], [0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [0, 6]]);
    const walk = buildWalkGraph(g, Int32Array.from([0, 1, 2, 3, 4, 5]));
    const rng = new Rng(4);
    const draws = (e: number, window: number): number[] => [...new Set(Array.from({ length: 400 }, () => coReviewedItem(walk, e, 0, rng, window)))].sort();
    expect(draws(2, 1)).toEqual([1, 3]);
    expect(draws(0, 1)).toEqual([1]);
    expect(draws(5, 2)).toEqual([3, 4]);
    expect(draws(2, 0)).toEqual([0, 1, 3, 4, 5]);
    expect(draws(6, 1)).toEqual([-1]);
  });
});

describe('sampleWalkBlocks', () => {
  it('nests blocks input side first, dst nodes as a src prefix, neighbours pointing at their products', () => {
    const g = clustered(3);
    const walk = buildWalkGraph(g, all(g));
    const samplers = [new RandomWalkSampler(walk, defaults), new RandomWalkSampler(walk, defaults)];
    const targets = Int32Array.of(4, 17, 25);
    const blocks = sampleWalkBlocks(samplers, targets, [new Rng(1), new Rng(2)]);
    expect(Array.from(blocks[1].src.subarray(0, 3))).toEqual([4, 17, 25]);
    expect(blocks[1].dstCount).toBe(3);
    expect(blocks[0].dstCount).toBe(blocks[1].src.length);
    expect(Array.from(blocks[0].src.subarray(0, blocks[0].dstCount))).toEqual(Array.from(blocks[1].src));
    expect(new Set(blocks[0].src).size).toBe(blocks[0].src.length);
    const again = samplers[1].sample(targets, new Rng(2));
    for (let i = 0; i < 3; i++) {
      const ids = Array.from(blocks[1].neighbor.subarray(blocks[1].offsets[i], blocks[1].offsets[i + 1]), (k) => blocks[1].src[k]);
      expect(ids).toEqual(row(again, i).ids);
    }
  });
});
